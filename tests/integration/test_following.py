"""Following the lifter in edited clips built from a sample: shots cut together, a bystander added.

The clips are made in the test's folder from ``testvideo-yuyoujiang__squat`` (3 reps, one lifter,
landscape): a cut to a second, mirrored and zoomed framing halfway through the set, and the person
of MediaPipe's test photo pasted in a top corner as someone standing by.
"""

import numpy as np
import pytest
from support.edited_clips import (
    clip_fps,
    cut_together,
    frames_of,
    in_other_shot,
    other_shot,
    person_cutout,
    with_bystander,
)
from support.synthetic import write_clip

import formlab
from formlab.pose.persons import torso_centre_and_scale

pytestmark = pytest.mark.media

SAMPLE = "testvideo-yuyoujiang__squat"
STRIDE = 3
"""Every third frame is analysed in the bystander test (the cost of the test, not of the method)."""
CUT, END = 161, 290
"""The cut: as the lifter goes down into the second rep (bottoms near frames 78, 169, 255); the end:
before the lifter walks off."""
PLAINLY_SEEN = [0, 11, 12, 23, 24, 25, 26]
"""Nose, shoulders, hips, knees: in view, the lifter is plainly there."""


@pytest.fixture(scope="module")
def lifter_alone(sample_path):
    """``lifter_alone(stride)``: the sample's frames, fps, and the lifter's track on it (the reference)."""
    path = sample_path(SAMPLE)
    frames, fps = frames_of(path), clip_fps(path)

    def get(stride: int):
        return frames, fps, formlab.extract(path, progress=False, stride=stride)

    return get


def test_reps_are_counted_across_a_cut_and_the_second_shot_is_kept(tmp_path, lifter_alone):
    frames, fps, alone = lifter_alone(1)
    frames, alone = (
        frames[:END],
        alone.select_frames(slice(0, END)),
    )  # up to where the lifter walks away
    framing = dict(zoom=1.3, centre_frac=(0.7, 0.5), mirror=True)
    second = [other_shot(f, **framing) for f in frames[CUT:]]
    clip = cut_together([frames[:CUT], second], tmp_path / "edited.mp4", fps)
    result = formlab.analyze(clip, "squat", cache=False)
    track = result.raw_track
    assert result.detection.count == 3, track.meta.person_selection
    # every analysed frame where the unedited clip shows the lifter's head, torso and knees
    # (inside the second shot's narrower view after the cut) has a pose here too
    h, w = frames[0].shape[:2]
    seen = in_other_shot(alone.xy_px[:, PLAINLY_SEEN], (w, h), **framing)
    inside = ((seen >= 0) & (seen <= (w, h))).all(axis=(1, 2))
    shown = alone.detected & np.where(alone.frame >= CUT, inside, True)
    missing = shown & ~track.detected
    assert missing.sum() <= 1, f"frames lost: {track.frame[missing].tolist()}"
    assert shown[alone.frame >= CUT].sum() > 15  # the second shot shows the lifter
    assert f"camera cuts before frames {CUT}" in track.meta.person_selection


def test_a_bystander_is_not_followed_and_no_frame_of_the_lifter_is_lost(
    tmp_path, lifter_alone, sample_path
):
    frames, fps, alone = lifter_alone(STRIDE)
    h = frames[0].shape[0]
    cutout, _ = person_cutout(sample_path("tfjs-models__pose"), int(0.5 * h))
    clip = write_clip(
        tmp_path / "bystander.mp4", with_bystander(frames, cutout, (0.02, 0.05)), fps=fps
    )
    result = formlab.analyze(clip, "squat", extract_options={"stride": STRIDE}, cache=False)
    track = result.raw_track
    assert result.detection.count == 3, track.meta.person_selection
    both = alone.detected & track.detected
    assert (alone.detected & ~track.detected).sum() <= 1
    centre, _ = torso_centre_and_scale(track.xy_px[both])
    reference, torso_px = torso_centre_and_scale(alone.xy_px[both])
    off = np.linalg.norm(centre - reference, axis=1) / torso_px
    assert np.nanmax(off) < 0.25, "the track left the lifter"
