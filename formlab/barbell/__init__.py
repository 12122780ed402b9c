"""The bar: its path in pixels and metres, the plate that marks its end, and the pixel-to-metre scale.

* :mod:`~formlab.barbell.trajectory` - the bar (or the body part carrying the
  load) frame by frame: wrist midpoint, grip centre or plate (:func:`bar_path`);
* :mod:`~formlab.barbell.plate` - following the plate and the bar end in a
  side view (OpenCV: the one module using cv2);
* :mod:`~formlab.barbell.scale` - pixels to metres, with the scale's source
  and uncertainty.
"""

from .plate import PlateTrack, PlateTrackerOptions, track_plate
from .scale import (
    BODY_SCALE_SYSTEMATIC,
    EYE_HEIGHT_FRACTION,
    LIFTER_HEIGHT_RANGE_M,
    STANDARD_PLATE_DIAMETER_M,
    PixelScale,
    scale_from_body,
    scale_from_height,
    scale_from_plate,
)
from .trajectory import BAR_METHODS, BarPath, bar_path, landmark_path, shape_rms_px

__all__ = [
    "BAR_METHODS",
    "BODY_SCALE_SYSTEMATIC",
    "EYE_HEIGHT_FRACTION",
    "LIFTER_HEIGHT_RANGE_M",
    "STANDARD_PLATE_DIAMETER_M",
    "BarPath",
    "PixelScale",
    "PlateTrack",
    "PlateTrackerOptions",
    "bar_path",
    "landmark_path",
    "scale_from_body",
    "scale_from_height",
    "scale_from_plate",
    "shape_rms_px",
    "track_plate",
]
