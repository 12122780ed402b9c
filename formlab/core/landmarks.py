"""The 33 BlazePose landmarks: names, indices, left/right pairs and skeleton edges.

Defined once here and used everywhere else. Indices and names are MediaPipe's
(``mediapipe.tasks.python.vision.PoseLandmark``), and left/right are the
*person's* left and right: index 11 is the lifter's LEFT shoulder, which appears
on the right-hand side of the picture when the lifter faces the camera. (The
article formlab reproduces swaps these names; formlab does not.)
"""

from __future__ import annotations

LANDMARK_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)
"""Landmark names in MediaPipe's index order (``LANDMARK_NAMES[11] == "left_shoulder"``)."""

N_LANDMARKS: int = len(LANDMARK_NAMES)

LANDMARK_INDEX: dict[str, int] = {name: i for i, name in enumerate(LANDMARK_NAMES)}
"""Name -> MediaPipe index."""


def _mirror(name: str) -> str:
    if name.startswith("left_"):
        return "right_" + name[5:]
    if name.startswith("right_"):
        return "left_" + name[6:]
    if name.endswith("_left"):
        return name[:-5] + "_right"
    if name.endswith("_right"):
        return name[:-6] + "_left"
    return name


LEFT_RIGHT_PAIRS: tuple[tuple[int, int], ...] = tuple(
    (i, LANDMARK_INDEX[_mirror(n)])
    for i, n in enumerate(LANDMARK_NAMES)
    if ("left" in n) and _mirror(n) != n
)
"""(left index, right index) for every bilateral landmark, e.g. ``(11, 12)``."""

MIRROR_INDEX: tuple[int, ...] = tuple(LANDMARK_INDEX[_mirror(n)] for n in LANDMARK_NAMES)
"""``MIRROR_INDEX[i]`` is the index of landmark *i* on the other side of the body."""

SKELETON_EDGES: tuple[tuple[int, int], ...] = (
    # face
    (0, 1),
    (1, 2),
    (2, 3),
    (3, 7),
    (0, 4),
    (4, 5),
    (5, 6),
    (6, 8),
    (9, 10),
    # torso
    (11, 12),
    (11, 23),
    (12, 24),
    (23, 24),
    # left arm and hand
    (11, 13),
    (13, 15),
    (15, 17),
    (15, 19),
    (15, 21),
    (17, 19),
    # right arm and hand
    (12, 14),
    (14, 16),
    (16, 18),
    (16, 20),
    (16, 22),
    (18, 20),
    # left leg and foot
    (23, 25),
    (25, 27),
    (27, 29),
    (29, 31),
    (27, 31),
    # right leg and foot
    (24, 26),
    (26, 28),
    (28, 30),
    (30, 32),
    (28, 32),
)
"""Skeleton edges as (start, end) index pairs; the same 35 as MediaPipe's POSE_LANDMARKS connections."""


def side_of(index: int) -> str:
    """Return ``"left"``, ``"right"`` or ``"centre"`` for a landmark index (the person's side)."""
    name = LANDMARK_NAMES[index]
    if "left" in name:
        return "left"
    if "right" in name:
        return "right"
    return "centre"


def edge_side(edge: tuple[int, int]) -> str:
    """Side of a skeleton edge: ``"left"``/``"right"`` if both ends are on that side, else ``"centre"``."""
    a, b = (side_of(i) for i in edge)
    return a if a == b else "centre"


def landmark_index(name_or_index: str | int) -> int:
    """Resolve a landmark name (``"left_knee"``) or index (``25``) to its index.

    Raises
    ------
    KeyError
        With the list of valid names when the name is unknown.
    """
    if isinstance(name_or_index, (int,)) and not isinstance(name_or_index, bool):
        if not 0 <= name_or_index < N_LANDMARKS:
            raise KeyError(f"landmark index {name_or_index} is out of range 0..{N_LANDMARKS - 1}")
        return int(name_or_index)
    try:
        return LANDMARK_INDEX[str(name_or_index)]
    except KeyError:
        raise KeyError(
            f"unknown landmark {name_or_index!r}; expected one of: {', '.join(LANDMARK_NAMES)}"
        ) from None


# =============================================================================
# Groups of landmarks, named once for every module that needs them
# =============================================================================
def indices(names: tuple[str, ...] | list[str]) -> tuple[int, ...]:
    """The indices of landmark names, in order (a KeyError listing the valid names otherwise)."""
    return tuple(landmark_index(n) for n in names)


def both_sides(*parts: str) -> tuple[str, ...]:
    """``both_sides("wrist", "pinky")`` -> ``("left_wrist", "left_pinky", "right_wrist", "right_pinky")``."""
    return tuple(f"{side}_{part}" for side in ("left", "right") for part in parts)


WRISTS: tuple[int, ...] = indices(both_sides("wrist"))
"""Both wrists (the article's bar: their midpoint)."""
GRIP: tuple[int, ...] = indices(both_sides("wrist", "pinky", "index", "thumb"))
"""Both hands: wrists and the pinky, index and thumb knuckles (the grip centre is their mean)."""
FEET: tuple[int, ...] = indices(both_sides("heel", "foot_index"))
"""Both feet: heels and toes."""
TORSO: tuple[int, ...] = indices(both_sides("shoulder", "hip"))
"""Both shoulders and hips (the torso's corners)."""
