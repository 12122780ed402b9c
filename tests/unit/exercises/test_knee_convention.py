"""One knee convention everywhere: flexion, 0 = straight leg (reps.csv, feedback.csv, thresholds)."""

import numpy as np
from support.synthetic_pose import exercise_track

from formlab.exercises import exercises
from formlab.exercises.features import POSE_FEATURES
from formlab.form.measures import measure_posture
from formlab.reps import detect_reps
from formlab.reps.metrics import rep_metrics


def test_no_knee_value_is_an_included_angle():
    names = list(POSE_FEATURES)
    for lift in exercises().values():
        names += [a.column for a in lift.angles] + [a.feature for a in lift.angles]
        names += [c.feature for c in (*lift.requires, *lift.signature)]
    knee = [n for n in names if "knee" in n and n.endswith("_deg")]
    assert knee and all("knee_flexion" in n for n in knee), knee


def test_the_reps_table_and_the_per_frame_measure_agree():
    track, _ = exercise_track("squat", 3, 30.0)
    det = detect_reps(track, "squat")
    table = rep_metrics(
        det, "squat", x_m=np.zeros(track.n_frames), y_m=track.world_m[:, 0, 1] * -1, track=track
    )
    per_frame = measure_posture(track)["knee_flexion_deg"].to_numpy()
    for _, rep in table.iterrows():
        span = (track.frame >= rep["start_frame"]) & (track.frame <= rep["end_frame"])
        assert abs(rep["max_knee_flexion_deg"] - np.nanmax(per_frame[span])) < 1.0
    assert (
        np.nanmin(per_frame) < 30 < table["max_knee_flexion_deg"].min()
    )  # straight standing, bent bottom
