"""How to extract poses: :class:`ExtractOptions`, MediaPipe's ``PoseLandmarkerOptions`` with formlab's own."""

from __future__ import annotations

from ..core.config import Settings, param, settings
from ..core.errors import ConfigError
from ..io.models import DEFAULT_MODEL


@settings
class ExtractOptions(Settings):
    """How to extract poses. Mirrors MediaPipe's ``PoseLandmarkerOptions``; fields below."""

    name = "extract"
    model: str = param(
        default=DEFAULT_MODEL,
        unit="",
        kind="text",
        meaning="'lite', 'full' or 'heavy', or the path of a .task bundle.",
        source="MediaPipe: 'full' is what its conformance tests use; 'heavy' is slower and a little more accurate; "
        "'lite' is for slow machines.",
    )
    min_pose_detection_confidence: float = param(
        default=0.5,
        unit="",
        lo=0,
        hi=1,
        meaning="Minimum score of the person detector before it reports a person.",
        source="MediaPipe's default.",
    )
    min_pose_presence_confidence: float = param(
        default=0.5,
        unit="",
        lo=0,
        hi=1,
        meaning="Minimum pose presence score for a frame to count as having a pose.",
        source="MediaPipe's default.",
    )
    min_tracking_confidence: float = param(
        default=0.5,
        unit="",
        lo=0,
        hi=1,
        meaning="Below this, VIDEO mode re-runs the person detector instead of following the previous frame's pose.",
        source="MediaPipe's default.",
    )
    num_poses: int = param(
        default=1,
        unit="",
        lo=1,
        hi=10,
        meaning="How many people MediaPipe looks for per frame. With 1 MediaPipe follows one person; formlab checks "
        "the result for jumps to another body and, if it finds one, re-runs with 2 and keeps the lifter by "
        "the rule in formlab.pose.persons. With more than 1 that rule is applied directly. Images always "
        "look for at least 2 people, which costs little for one frame.",
        source="formlab: 1 is fastest; the jump check catches the rare switch.",
    )
    start_frame: int = param(
        default=0,
        unit="frame",
        lo=0,
        hi=None,
        meaning="First frame to analyse (0-based).",
        source="the whole video.",
    )
    end_frame: int | None = param(
        default=None,
        unit="frame",
        lo=1,
        hi=None,
        kind="integer",
        optional=True,
        meaning="Stop before this frame (None: to the end).",
        source="the whole video.",
    )
    stride: int = param(
        default=1,
        unit="frames",
        lo=1,
        hi=None,
        meaning="Analyse every stride-th frame (frame numbers stay the video's).",
        source="every frame.",
    )
    check_person_switch: bool = param(
        default=True,
        meaning="Whether to run the jump check described under num_poses.",
        source="formlab: on by default, it costs a pass over the track.",
    )

    def _check_consistency(self) -> None:
        if self.end_frame is not None and self.end_frame <= self.start_frame:
            raise ConfigError(
                f"extract.end_frame = {self.end_frame} must be greater than "
                f"extract.start_frame = {self.start_frame}"
            )
