"""What ``formlab batch`` takes in: files, folders, patterns, CSV lists; ids and one-line errors."""

import math

import pytest

from formlab.core.errors import ConfigError, InputError
from formlab.pipeline.batch import collect_videos


def touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not really a video")
    return path


def test_files_folders_and_patterns_in_input_order_without_repeats(tmp_path):
    a = touch(tmp_path / "set" / "a.mp4")
    b = touch(tmp_path / "set" / "deeper" / "b.MOV")
    touch(tmp_path / "set" / "notes.txt")
    touch(tmp_path / "set" / ".hidden.mp4")
    c = touch(tmp_path / "other" / "c.mp4")
    jobs = collect_videos([str(c), str(tmp_path / "set"), str(tmp_path / "**" / "*.mp4")])
    assert [j.path for j in jobs] == [c, a, b]  # c given first; the pattern adds nothing new
    assert [j.video_id for j in jobs] == ["c", "a", "b"]
    assert all(j.exercise == "auto" and math.isnan(j.true_reps) for j in jobs)


def test_a_missing_file_or_folder_on_the_command_line_is_an_error(tmp_path):
    # as for a pattern that matches nothing: a typo stops the batch before any output is made
    for missing in (tmp_path / "gone.mp4", tmp_path / "nonexist"):
        with pytest.raises(InputError, match=f"{missing}: no such file or folder"):
            collect_videos([str(missing)], "squat")


def test_same_name_in_two_folders_gets_distinct_stable_ids(tmp_path):
    one, two = touch(tmp_path / "mon" / "set.mp4"), touch(tmp_path / "tue" / "set.mp4")
    ids = [j.video_id for j in collect_videos([str(one), str(two)])]
    assert len(set(ids)) == 2 and all(i.startswith("set-") for i in ids)
    assert ids == [j.video_id for j in collect_videos([str(one), str(two)])]


def test_csv_list_paths_exercise_true_reps_and_metadata(tmp_path):
    touch(tmp_path / "clips" / "x.mp4")
    touch(tmp_path / "clips" / "y.mp4")
    (tmp_path / "list.csv").write_text(
        "video,exercise,reps,athlete,session\nclips/x.mp4,Deadlift,3,ann,1\nclips/y.mp4,,,bob,2\n"
    )
    x, y = collect_videos([str(tmp_path / "list.csv")], exercise="curl")
    assert x.path == tmp_path / "clips" / "x.mp4"  # relative to the list's folder
    assert (x.exercise, x.true_reps) == ("deadlift", 3.0)
    assert y.exercise == "curl" and math.isnan(y.true_reps)
    assert dict(x.metadata) == {"athlete": "ann", "session": "1"}


def test_csv_list_ids_are_taken_when_given(tmp_path):
    touch(tmp_path / "x.mp4")
    (tmp_path / "list.csv").write_text("id,video\nathlete 1/set a,x.mp4\n")
    (job,) = collect_videos([str(tmp_path / "list.csv")])
    assert job.video_id == "athlete_1_set_a"  # safe as a folder name


@pytest.mark.parametrize(
    "text,error,message",
    [
        ("path,reps\nx.mp4,3\n", ConfigError, "needs a 'video' column; found: path, reps"),
        ("video,status\nx.mp4,new\n", ConfigError, "status are names of formlab's own columns"),
        ("video,reps\nx.mp4,2.5\n", ConfigError, "line 2: reps = '2.5' is not a whole number"),
        ("video,reps\nx.mp4,-1\n", ConfigError, "line 2: reps = '-1' is not a whole number"),
        ("video,exercise\nx.mp4,snatch\n", ConfigError, "line 2: unknown exercise 'snatch'"),
        ("video,id\nx.mp4,a\nz.mp4,a\n", ConfigError, "video ids must be unique; repeated: a"),
        ("video\n", InputError, "the list has no videos"),
    ],
)
def test_bad_csv_list_is_one_line_naming_file_and_line(tmp_path, text, error, message):
    listing = tmp_path / "list.csv"
    listing.write_text(text)
    with pytest.raises(error, match=message) as info:
        collect_videos([str(listing)])
    assert str(listing) in str(info.value) or "unique" in message
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda d: [], "no input"),
        (lambda d: [str(d)], "no video files in this folder"),
        (lambda d: [str(d / "*.mp4")], "the pattern matches no video file"),
        (lambda d: [str(d / "absent.csv")], "absent.csv: no such file"),
    ],
)
def test_inputs_that_name_no_video_are_an_error(tmp_path, make, message):
    touch(tmp_path / "readme.txt")
    with pytest.raises(InputError, match=message):
        collect_videos(make(tmp_path))


def test_unknown_default_exercise_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="unknown exercise 'snatch'"):
        collect_videos([str(touch(tmp_path / "x.mp4"))], exercise="snatch")


def test_paths_are_made_absolute_for_workers_in_other_folders(tmp_path, monkeypatch):
    touch(tmp_path / "clips" / "x.mp4")
    (tmp_path / "clips" / "list.csv").write_text("video\nx.mp4\n")
    monkeypatch.chdir(tmp_path)
    given, listed = (
        collect_videos(["clips/x.mp4", "clips/list.csv"]),
        collect_videos(["clips/list.csv"]),
    )
    assert given[0].path == listed[0].path == tmp_path / "clips" / "x.mp4"
    assert len(given) == 1  # the same file twice is analysed once
