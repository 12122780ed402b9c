"""What ``formlab analyze`` writes, and how: one *writer* per output, all swapped in at once.

* :mod:`~formlab.outputs.writers` - one writer per output (``summary.json``, ``reps.csv``,
  ``feedback.csv``, the pose track, the figures, the annotated video, the worst frames), and
  what a run writes by default;
* :mod:`~formlab.outputs.saving` - :func:`save_outputs`: the writers run into a hidden staging
  folder (the video in a thread, the figures in a forked process) and the results swapped in
  only when all are complete.
"""

from .saving import save_outputs
from .writers import (
    ANNOTATED_IMAGE,
    ANNOTATED_VIDEO,
    DEFAULT_WRITERS,
    FEEDBACK_FILE,
    FIGURES,
    OUTPUT_NAMES,
    PHOTO_WRITERS,
    POSE_FILE_STEM,
    REPS_FILE,
    SUMMARY_FILE,
    VIDEO_SIZES,
    WORST_FRAMES_DIR,
    Writer,
    annotated_video_writer,
    pose_writer,
    write_annotated_image,
    write_feedback,
    write_figures,
    write_reps_table,
    write_summary,
    write_worst_frames,
)

__all__ = [
    "ANNOTATED_IMAGE",
    "ANNOTATED_VIDEO",
    "DEFAULT_WRITERS",
    "FEEDBACK_FILE",
    "FIGURES",
    "OUTPUT_NAMES",
    "PHOTO_WRITERS",
    "POSE_FILE_STEM",
    "REPS_FILE",
    "SUMMARY_FILE",
    "VIDEO_SIZES",
    "WORST_FRAMES_DIR",
    "Writer",
    "annotated_video_writer",
    "pose_writer",
    "save_outputs",
    "write_annotated_image",
    "write_feedback",
    "write_figures",
    "write_reps_table",
    "write_summary",
    "write_worst_frames",
]
