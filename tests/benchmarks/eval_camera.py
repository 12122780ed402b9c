"""The camera's motion: measured on every sample video, and recovered on handheld versions of static clips.

1. Every sample video of the manifest: what :func:`formlab.barbell.camera_motion.estimate_camera_motion`
   says (static or moving, the largest shift, the background check's residual ratio, whether a
   measured motion was rejected), and whether ``camera="auto"`` would measure it at all
   (:func:`~formlab.barbell.camera_probe.background_seems_to_move`; the feet,
   :func:`~formlab.barbell.camera_motion.camera_seems_to_move` on the reps, for comparison), each
   trigger's false triggers and misses against the full measure's verdict, and the probe's cost
   next to the full measure's, timed side by side.
2. Handheld versions of clips filmed from a tripod with a plate-centre reference (the frames warped by
   a known sway, :func:`support.edited_clips.film_handheld`): the plate path of
   :func:`formlab.analyze` in image and in scene coordinates against the reference carried into the
   first frame's picture (shape RMS, pixels), and the camera's own error (RMS at the picture's centre).

Run: ``python tests/benchmarks/eval_camera.py [--survey]`` (``--survey``: part 1 only; a few
minutes; the handheld clips are written to a
temporary folder and their poses extracted once).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.edited_clips import (
    about_centre,
    clip_fps,
    film_handheld,
    frames_of,
    handheld_motion,
)
from support.synthetic import write_clip

import formlab
from formlab.barbell.camera_motion import camera_seems_to_move, estimate_camera_motion
from formlab.barbell.camera_probe import background_seems_to_move
from formlab.barbell.trajectory import shape_rms_px
from formlab.pipeline import steps

HANDHELD = (
    ("gymassist__side_squat", "back_squat", 40.0),
    ("gymassist__side_squat", "back_squat", 80.0),
)


def data_dir() -> Path:
    d = os.environ.get("FORMLAB_DATA_DIR")
    if not d:
        sys.exit("set FORMLAB_DATA_DIR to the sample data folder (manifest.json, annotations/)")
    return Path(d)


def survey() -> None:
    print(
        "| clip | feet say moving? | background probe | probe (ms/frame) | full measure (ms/frame) "
        "| verdict | largest shift (px) | residual ratio | median inliers |"
    )
    print("| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: |")
    probe_ms, full_ms = [], []
    outcomes: dict[str, tuple[list[str], list[str]]] = {
        "the background probe (the default)": ([], []),
        "the feet": ([], []),
        "the feet or the background probe": ([], []),
    }
    for e in json.loads((data_dir() / "manifest.json").read_text()):
        if e["kind"] != "video":
            continue
        path = data_dir() / e["file"]
        track = steps.clean(formlab.extract(path, progress=False))
        reps = steps.count_reps(track, "auto").reps
        span = (reps[0].start_frame, reps[-1].end_frame) if reps else None
        moves, why = camera_seems_to_move(track, span)
        # the probe and the full measure side by side, in the same run (their ratio is the claim)
        t0 = time.perf_counter()
        seen, seen_why = background_seems_to_move(path, track)
        t1 = time.perf_counter()
        cm = estimate_camera_motion(path, track)
        t2 = time.perf_counter()
        probe_ms.append(1000 * (t1 - t0) / track.n_frames)
        full_ms.append(1000 * (t2 - t1) / track.n_frames)
        verdict = "rejected" if cm.info.get("rejected") else ("static" if cm.static else "moving")
        for (false_triggers, misses), fired in zip(outcomes.values(), (seen, moves, moves or seen)):
            if fired and verdict != "moving":
                false_triggers.append(path.stem)
            if verdict == "moving" and not fired:
                misses.append(path.stem)
        print(
            f"| {path.stem} | {'yes' if moves else 'no'} ({why.split(' during')[0]}) | "
            f"{'yes' if seen else 'no'} ({seen_why.split(' (')[0]}) | {probe_ms[-1]:.1f} | "
            f"{full_ms[-1]:.1f} | {verdict} | {cm.max_shift_px:.1f} | "
            f"{cm.info['background_residual_ratio']:.2f} | {cm.info['median_inliers']:.0f} |"
        )
    print("\nA trigger for `camera='auto'` against the full measure's verdict:")
    for name, (false_triggers, misses) in outcomes.items():
        print(
            f"- {name}: {len(false_triggers)} false triggers ({', '.join(false_triggers) or 'none'}), "
            f"{len(misses)} misses ({', '.join(misses) or 'none'})"
        )
    print(
        f"probe {np.median(probe_ms):.1f} ms/frame (median), full measure {np.median(full_ms):.1f} "
        f"ms/frame, median ratio {np.median(np.array(full_ms) / np.array(probe_ms)):.1f}"
    )


def handheld(folder: Path) -> None:
    print(
        "\n| clip | sway (px) | camera error RMS (px) | plate path vs reference, image (px) | scene (px) |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for stem, lift, amplitude in HANDHELD:
        src = data_dir() / "videos" / f"{stem}.mp4"
        ref = pd.read_csv(data_dir() / "annotations" / f"{stem}__plate_centre.csv")
        frames = frames_of(src)
        h, w = frames[0].shape[:2]
        fps = clip_fps(src)
        sway = handheld_motion(len(frames), fps, amplitude, seed=0)
        applied = about_centre(sway, (w, h))
        clip = write_clip(
            folder / f"{stem}_{amplitude:.0f}.mp4", film_handheld(frames, sway), fps=fps
        )
        r = ref[["x_px", "y_px"]].to_numpy(float)
        scene_ref = r @ applied[0, :, :2].T + applied[0, :, 2]
        a = formlab.analyze(clip, lift, camera="moving")
        df = a.path.to_frame()
        image_rms, _ = shape_rms_px(df[["x_px", "y_px"]].to_numpy(), scene_ref)
        scene_rms, _ = shape_rms_px(df[["x_scene_px", "y_scene_px"]].to_numpy(), scene_ref)
        cm = estimate_camera_motion(clip, a.track)
        to3 = np.vstack
        centre = np.array([w / 2, h / 2, 1.0])
        truth = np.array(
            [
                (to3([applied[0], [0, 0, 1]]) @ np.linalg.inv(to3([m, [0, 0, 1]])) @ centre)[:2]
                for m in applied
            ]
        )
        got = cm.to_scene(np.repeat(centre[None, :2], len(truth), axis=0))
        err = float(np.sqrt(((got - truth) ** 2).sum(axis=1).mean()))
        print(f"| {stem} | {amplitude:.0f} | {err:.2f} | {image_rms:.1f} | {scene_rms:.1f} |")


def main() -> None:
    warnings.simplefilter("ignore")
    survey()
    if "--survey" in sys.argv:  # the 31 clips only, not the handheld versions
        return
    with tempfile.TemporaryDirectory() as tmp:
        handheld(Path(tmp))


if __name__ == "__main__":
    main()
