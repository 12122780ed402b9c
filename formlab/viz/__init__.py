"""Pictures: one style (:mod:`~formlab.viz.style`) for figures, frame overlays and the annotated video.

* :mod:`~formlab.viz.skeleton` - poses on photos and in 3-D, landmark confidence (matplotlib);
* :mod:`~formlab.viz.check_figures` - each check's geometry on a photo and on the 3-D pose, the camera view;
* :mod:`~formlab.viz.timeline` - every check's value over a clip against its threshold;
* :mod:`~formlab.viz.bar_figures` - the bar over time, its path per rep, the rep signal;
* :mod:`~formlab.viz.overlay` - drawing a pose and its verdicts on a frame (Pillow);
* :mod:`~formlab.viz.video` - annotated videos, pictures and worst frames.
"""

from .bar_figures import (
    plot_article_bar_position,
    plot_bar_path,
    plot_bar_position,
    plot_rep_detection,
    turning_point_label,
)
from .check_figures import (
    plot_check_body,
    plot_check_geometry,
    plot_check_on_photos,
)
from .skeleton import (
    plot_landmark_confidence,
    plot_pose_image,
    plot_world_pose,
    show_image,
    side_legend,
)
from .style import save_figure
from .timeline import plot_feedback_timeline
from .video import (
    annotate_frame,
    save_worst_frames,
    show_video,
    write_annotated_image,
    write_annotated_video,
)
from .view_figure import plot_view_from_above

__all__ = [
    "annotate_frame",
    "plot_article_bar_position",
    "plot_bar_path",
    "plot_bar_position",
    "plot_check_body",
    "plot_check_geometry",
    "plot_check_on_photos",
    "plot_feedback_timeline",
    "plot_landmark_confidence",
    "plot_pose_image",
    "plot_rep_detection",
    "plot_view_from_above",
    "plot_world_pose",
    "save_figure",
    "save_worst_frames",
    "show_image",
    "show_video",
    "side_legend",
    "turning_point_label",
    "write_annotated_image",
    "write_annotated_video",
]
