"""Form checks that the pressing lifts share: the elbows locked out at the top of each rep.

The bench press calls it ``lockout``, the overhead press and the push-up
``full_lockout``; the rule is the same (the straightest elbow angle of the
rep reaches ``min_elbow_angle_deg``), declared once here by
:func:`elbow_lockout` and given each lift's name, views and defaults.

=================  =======================================  ==========================
check              measured value                           valid views
=================  =======================================  ==========================
(full_)lockout     elbow_angle_deg, once per rep (largest)  the lift's (see its module)
=================  =======================================  ==========================
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from ..form.check import Check, Geometry, Threshold
from ..form.joints import elbow_angle_deg
from ..form.measures import FrameData
from .rep_frames import best_frames, reached_around_reps

ARM = Geometry(
    (("{side}_shoulder", "{side}_elbow"), ("{side}_elbow", "{side}_wrist")),
    None,
    "sagittal",
)
"""The upper arm and forearm (bones), drawn for every check on the elbow angle."""

BEST_WINDOW = Threshold(
    "best_window_s",
    1.0,
    "s",
    0,
    10,
    "Without a reps table, a frame is judged only if its value is the best within a centred window "
    "this wide that holds seen frames on both sides. With one, a best that lies past a rep's frames "
    "(a push-up's lockout after its end, a curl's extension before its start) is looked for at "
    "most this long beyond them.",
    "formlab: shorter than one rep of a press or a push-up (1.5-4 s), so that what the lifter does "
    "after the set is not taken for a lockout; longer than the landmark jitter around the "
    "turning point and the last tenth of the rep's movement.",
)
"""The window of :func:`formlab.exercises.rep_frames.best_frames` without reps (every once-per-rep check)."""

STRAIGHT_ARM_SOURCE = (
    "coaching standards (IPF rules for the bench press, the ACSM and US Army push-up, the overhead "
    "press's lockout): the elbows fully extended. BlazePose puts a straight arm well short of 180 "
    "deg: formlab measured arms hanging straight through deadlifts at a median of 161 deg "
    "(poseReader-jeffjchen__nico_blocked, 5-95 % 150-166) and 154 deg (deadliftAI-bichraix__good013); "
    "155 deg sits there, above a visibly bent arm (140 deg and less). Not from a study: tune it."
)
"""Where the default of every elbow-lockout check comes from."""


def _elbow(data: FrameData, th: Any) -> np.ndarray:
    return elbow_angle_deg(data)


def _lockout_frames(data: FrameData, th: Any) -> np.ndarray:
    return best_frames(data, elbow_angle_deg(data), "max", th.best_window_s)


def _elbow_after(data: FrameData, th: Any) -> np.ndarray:
    return reached_around_reps(data, elbow_angle_deg(data), "max", "after", th.best_window_s)[0]


def _lockout_frames_after(data: FrameData, th: Any) -> np.ndarray:
    return reached_around_reps(data, elbow_angle_deg(data), "max", "after", th.best_window_s)[1]


def elbow_lockout(
    name: str,
    views: frozenset[str],
    *,
    min_elbow_angle_deg: tuple[float, str],
    lift: str,
    reached: Literal["turn", "after"] = "turn",
) -> Check:
    """The lockout check of a pressing lift: its straightest elbow angle in each rep reaches a minimum.

    Parameters
    ----------
    name : str
        The check's name (``"lockout"``, ``"full_lockout"``).
    views : frozenset of str
        Views in which this lift's elbow angle is seen.
    min_elbow_angle_deg : (float, str)
        The default and its source.
    lift : str
        Said in the description ("the bench press").
    reached : {"turn", "after"}
        Where the lockout lies: at the rep's turning point (an overhead
        press's top), or at the rest after it (the top after a push-up's or a
        bench press's bottom, outside the rep's frames: see
        :func:`formlab.exercises.rep_frames.reached_around_reps`); the value
        is then ``lockout_elbow_angle_deg``, inside a rep the straightest
        elbow of the top that completes it.
    """
    after = reached == "after"
    return Check(
        name=name,
        title="Full lockout",
        cue="Lock your elbows out",
        value="lockout_elbow_angle_deg" if after else "elbow_angle_deg",
        unit="deg",
        views=views,
        measure=_elbow_after if after else _elbow,
        lower="min_elbow_angle_deg",
        applies=_lockout_frames_after if after else _lockout_frames,
        applies_column=f"{name}_frame",
        not_applicable="not the top of a rep (lockout is judged once per rep, at its straightest "
        "elbow; a photo alone is no rep)",
        per_rep="best",
        read_after_rep="best_window_s" if after else None,
        side_values="{side}_elbow_angle_deg",
        geometry=ARM,
        thresholds=(
            Threshold(
                "min_elbow_angle_deg",
                min_elbow_angle_deg[0],
                "deg",
                90,
                180,
                "Smallest elbow angle (shoulder-elbow-wrist, 180 = straight) the straightest frame "
                "of a rep must reach.",
                min_elbow_angle_deg[1],
            ),
            BEST_WINDOW,
        ),
        description=f"Lockout of {lift}: the elbows straight at the top of each rep. The elbow angle "
        "(shoulder-elbow-wrist, in 3D world landmarks, mean of the seen arms; in a side or oblique "
        "view the near arm) is judged once per rep, at the rep's straightest frame"
        + (" (at the top that completes the rep, after its bottom)" if after else "")
        + ". BlazePose "
        "places the elbow and wrist at the joint centres, so a locked arm measures a little under "
        "180 deg; the default leaves room for that and for the carrying angle of the elbow.",
    )
