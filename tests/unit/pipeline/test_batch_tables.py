"""The batch's tables and its evaluation against true counts, on constructed rows."""

import math

import pandas as pd
import pytest

from formlab.pipeline.batch import VideoJob, evaluate, format_evaluation
from formlab.pipeline.batch.tables import VIDEO_COLUMNS, videos_table
from formlab.pipeline.batch.work import failed_row


def videos(rows):
    """rows: (requested lift, counted lift, counted reps or None, true reps or None)."""
    return pd.DataFrame(
        {
            "exercise_requested": [r[0] for r in rows],
            "exercise": [r[1] for r in rows],
            "reps": pd.array([r[2] for r in rows], dtype="Int64"),
            "true_reps": pd.array([r[3] for r in rows], dtype="Int64"),
        }
    )


def test_evaluation_measures_of_the_rep_counting_literature():
    table = videos(
        [
            ("squat", "squat", 4, 4),  # exact
            ("squat", "squat", 5, 4),  # off by one: |1|/4
            ("auto", "curl", 2, 5),  # off by three: 3/5; the recognised lift labels it
            ("auto", "", None, 3),  # failed: not scored
            ("squat", "squat", 3, None),  # no true count: not in the evaluation
        ]
    )
    ev = evaluate(table)
    overall = ev["overall"]
    assert (overall["videos"], overall["scored"], overall["not_scored"]) == (4, 3, 1)
    assert overall["mae_normalised"] == pytest.approx((0 + 0.25 + 0.6) / 3, abs=1e-4)
    assert overall["off_by_one_accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert overall["exact_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert set(ev["per_lift"]) == {"squat", "curl", "unknown"}
    assert ev["per_lift"]["squat"]["mae_normalised"] == pytest.approx(0.125)
    assert ev["per_lift"]["curl"]["exact_rate"] == 0.0
    text = format_evaluation(ev)
    # the printed counts are evaluation.json's: 4 videos, of which 3 scored and 1 failed
    assert "all: 4 videos (3 scored, 1 not scored (failed)), MAE/true 0.283" in text
    assert "unknown: 1 video (0 scored, 1 not scored (failed))" in text


def test_a_true_count_of_zero_is_left_out_of_the_normalised_error_only():
    ev = evaluate(videos([("deadlift", "deadlift", 1, 0), ("deadlift", "deadlift", 2, 2)]))
    assert ev["overall"]["mae_normalised"] == 0.0  # 1/0 is undefined: only the second video
    assert ev["overall"]["off_by_one_accuracy"] == 1.0
    assert ev["overall"]["exact_rate"] == 0.5


def test_no_true_counts_no_evaluation():
    assert evaluate(videos([("squat", "squat", 3, None)])) is None


def test_videos_table_keeps_input_order_true_counts_and_metadata():
    jobs = [
        VideoJob("b", "b.mp4", "auto", 3.0, {"athlete": "ann"}),
        VideoJob("a", "a.mp4", "squat", math.nan, {"athlete": "bob"}),
    ]
    ok = {**failed_row(jobs[1], ""), "status": "ok", "exercise": "squat", "reps": 2}
    rows = {"a": ok, "b": failed_row(jobs[0], "b.mp4: no such file")}
    table = videos_table(jobs, rows)
    assert list(table.columns) == [*VIDEO_COLUMNS, "athlete"]
    assert table["video_id"].tolist() == ["b", "a"]
    assert table["status"].tolist() == ["failed", "ok"]
    assert table["output"].tolist() == ["", "a/"]
    assert table["reps"].tolist()[1] == 2 and pd.isna(table["reps"].tolist()[0])
    assert table["true_reps"].tolist()[0] == 3 and pd.isna(table["true_reps"].tolist()[1])
    assert table["athlete"].tolist() == ["ann", "bob"]
