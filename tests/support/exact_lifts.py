"""The exact lift each sample clip shows, as ``auto`` should name it (issue 10).

The sample registry's ``exercise`` is the lift a clip is analysed as by name in the tutorials and
tests; for most clips it is already the exact lift. The bodyweight squats are registered as
``squat`` (the family), and the manifest's own description says what they are.
"""

from formlab.io.samples import sample_info

EXACT: dict[str, str] = {
    "testvideo-yuyoujiang__squat": "bodyweight_squat",  # "bodyweight squat (deep, arms forward)"
    "tfjs-models__pose_squats": "bodyweight_squat",  # "bodyweight squat (mini-band ..., hands clasped in front)"
}


def exact_lift(name: str) -> str:
    """The lift ``auto`` should name on sample ``name``."""
    return EXACT.get(name, sample_info(name)["exercise"])
