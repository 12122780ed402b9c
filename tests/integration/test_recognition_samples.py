"""``auto`` on the labelled deadlift clips: every pull labelled conventional is named as one (or its
variant is said to be uncertain), never a Romanian deadlift; and each clip's pulls counted as a
deadlift's are the hand count. The example clips' exact lifts are checked with their rep counts
(test_reps_samples.py)."""

import pytest

from formlab.io.samples import sample_info, sample_names
from formlab.pipeline import analyze
from formlab.reps import detect_reps

DEADLIFT_FORM = sample_names("video", collection="deadlift-form")
"""Every clip is a barbell pull from the floor (the manifest: "conventional barbell deadlift"; bad017 a
stiff-legged "barbell deadlift" from the floor)."""


@pytest.mark.media
@pytest.mark.parametrize("name", DEADLIFT_FORM)
def test_a_conventional_pull_is_counted_and_never_taken_for_a_romanian_deadlift(name, sample_path):
    result = analyze(sample_path(name), "auto")
    # the count, from the same cleaned track (one analysis per clip serves both: the suite's time):
    # partial pulls and clips that open above the knees count 0, a pull whose set-up hides the
    # shins behind the plate (good009, good011) counts 1
    counted = detect_reps(result.track, "deadlift")
    assert counted.count == sample_info(name)["reps"], counted.rejected
    assert result.exercise != "romanian_deadlift", result.detection.auto["reason"]
    if result.exercise != "deadlift":
        return  # no pull recognised (none), or taken for a squat: the family's failure, not the variant's
    variant = result.detection.auto["variant"]
    if variant["features"]["start_knee_flexion_deg"] is not None:  # the set-up's knees were seen
        assert variant["variant"] == "deadlift", variant["reason"]
        assert variant["features"]["start_knee_flexion_deg"] >= 45
    else:  # nothing to tell a floor pull from a hinge: said, not guessed
        assert variant["variant"] == "uncertain" and "romanian_deadlift" in variant["scores"]
