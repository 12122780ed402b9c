"""Bar-path accuracy on every clip with a reference, with formlab's default settings.

References, read from ``$FORMLAB_DATA_DIR/annotations`` (shared, never copied into the repository)
and from the repository's own ``data/annotations`` (made by ``tests/benchmarks/make_plate_refs.py``,
independently of formlab; ``data/annotations/README.md``):

* ``barpath-lukestynes__small-squat_man_anno.txt``: the bar end clicked by hand in each of the 263
  frames of a close side-view back squat (the sleeve end, which perspective moves off the plate
  centre);
* ``<clip>__plate_centre.csv``: the centre of the near plate's rim ellipse in every frame, fitted
  independently of formlab and checked by eye (``annotations/PLATE_CENTRE_README.md``).

For each clip this runs what :func:`formlab.analyze` runs (``follow_load`` with ``bar_method="auto"``,
then the 4 Hz low-pass of ``Analysis.path``) and prints: the method chosen (and why), the *shape*
RMS error against the reference (constant offset removed) in pixels and centimetres, the frames
covered, whether each rep's turning point (``manifest.json`` rep frames, +-3 frames) and the bar's
lowest frame are covered, the scale used with its uncertainty, and the body scale. The plate
tracker's own centre is scored too (``plate centre`` columns), whichever path ``auto`` kept.

Centimetres: for plate-centre references, the reference's own scale (true plate diameter over the
reference rim's median major axis; the 12-sided iron plate of good019 is fitted on its inner groove,
8 % inside the outer rim); for the hand-annotated bar end, the tracker's bar-end scale (as before).
The curl's small plate has no known diameter: its centimetres use the body scale (marked ``body``).
When the tracker's bar-end model is used (the sleeve end, nearer the camera than the plate), the
path is brought back to the plate's plane (divided by ``1 + m``, the model's perspective factor)
before it is compared with a plate-centre reference, as its metres are.

Seen and held out: ``deadliftAI-bichraix__good015`` was held out until issue 16's second round and
``deadliftAI-bichraix__bad009`` (the repository's own reference) until its fourth, where the
tracker was diagnosed on it: both now count as seen. ``deadliftAI-bichraix__good011`` and
``good009`` (black bumper plates, references made in the fourth round before formlab's tracker was
run on them, ``data/annotations/README.md``) were held out and scored once, after that round's
tracker work (README: good011 met the goal, good009 did not). ``good009`` was then diagnosed and
the tracker changed for it (a lock without a clear rim seeds again), so it counts as seen;
``good011`` stays held out (row marked ``held out``). A change made while looking at it makes it
seen, and the next round needs other held-out clips. Goals (issue 16): <= 3 cm shape RMS and
>= 95 % of frames on every clip.

Run: ``python tests/benchmarks/eval_barpath.py [clip ...]`` (about a minute per clip once the pose
tracks are cached).
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import formlab
from formlab import barbell
from formlab.pipeline import steps

GOAL_CM = 3.0
GOAL_COVERAGE = 0.95
HELD_OUT = ("deadliftAI-bichraix__good011",)
REPO_ANNOTATIONS = Path(__file__).resolve().parents[2] / "data" / "annotations"


@dataclass(frozen=True)
class Clip:
    stem: str
    exercise: str
    plate_diameter_m: float | None  # true outer diameter of the referenced plate; None = unknown
    ref_to_outer: float = 1.0  # outer rim diameter / the reference's fitted diameter


CLIPS = (
    Clip("barpath-lukestynes__small-squat", "back_squat", 0.45),
    Clip("gymassist__side_squat", "back_squat", 0.45),
    Clip("formfit-jrplatin__curl", "curl", None),
    Clip("deadliftAI-bichraix__good019", "deadlift", 0.45, 1.08),
    Clip("deadliftAI-bichraix__good015", "deadlift", 0.45),
    Clip("deadliftAI-bichraix__bad009", "deadlift", 0.45),
    Clip("deadliftAI-bichraix__good011", "deadlift", 0.45),
    Clip("deadliftAI-bichraix__good009", "deadlift", 0.45),
)


def data_dir() -> Path:
    d = os.environ.get("FORMLAB_DATA_DIR")
    if not d:
        raise SystemExit("set FORMLAB_DATA_DIR to the sample data folder (videos/, annotations/)")
    return Path(d)


def manifest_entry(stem: str) -> dict:
    for e in json.loads((data_dir() / "manifest.json").read_text()):
        if Path(e["file"]).stem == stem:
            return e
    return {}


def reference(clip: Clip, n: int) -> tuple[np.ndarray, float | None, str]:
    """Reference positions (n, 2) in px, the reference's cm per px (or None) and its kind."""
    ann = data_dir() / "annotations"
    manual = ann / f"{clip.stem}_man_anno.txt"
    if manual.exists():
        xy = np.loadtxt(manual, delimiter=",")
        return xy[:n], None, "bar end (by hand)"
    import pandas as pd

    name = f"{clip.stem}__plate_centre.csv"
    df = pd.read_csv(ann / name if (ann / name).exists() else REPO_ANNOTATIONS / name)
    xy = np.full((n, 2), np.nan)
    keep = df["frame"].to_numpy() < n
    xy[df["frame"].to_numpy()[keep]] = df[["x_px", "y_px"]].to_numpy()[keep]
    cm = None
    if clip.plate_diameter_m is not None:
        outer_px = float(np.nanmedian(df["major_px"])) * clip.ref_to_outer
        cm = 100 * clip.plate_diameter_m / outer_px
    return xy, cm, "plate centre"


def covered_near(xy: np.ndarray, frames, half: int = 3) -> str:
    out = []
    for f in frames:
        lo, hi = max(0, f - half), min(len(xy), f + half + 1)
        out.append(bool(np.isfinite(xy[lo:hi]).all()))
    return f"{sum(out)}/{len(out)}"


def evaluate(clip: Clip) -> dict:
    video = data_dir() / "videos" / f"{clip.stem}.mp4"
    raw = formlab.extract(video, progress=False)
    clean = formlab.clean_track(raw)
    n = clean.n_frames
    ref, ref_cm, ref_kind = reference(clip, n)
    t0 = time.perf_counter()
    # not from the plate cache: its key holds a format number raised by hand, not the tracker's
    # code, so a kept result of older code could be scored
    path = steps.follow_load(clean, clip.exercise, video=video, cache=False)
    seconds = time.perf_counter() - t0
    shown = path.lowpass(steps.BAR_SMOOTHING_HZ)
    body = barbell.scale_from_body(clean)
    cm = ref_cm if ref_cm is not None else None
    cm_source = "reference"
    if cm is None and path.method == "plate" and clip.plate_diameter_m is not None:
        cm, cm_source = 100 * path.scale.m_per_px, "tracker"
    if cm is None:
        cm, cm_source = 100 * body.m_per_px, "body"
    xy = shown.xy_px
    bar_end = path.info.get("bar_end", {})
    if ref_kind == "plate centre" and bar_end.get("used"):
        # the bar end is the plate centre's path scaled by 1 + m about the vanishing point; in the
        # plate's plane (the reference's) it is that path divided by 1 + m (the offset is removed)
        xy = xy / (1.0 + bar_end["m"])
    rms_px, cov = barbell.shape_rms_px(xy, ref)
    plate = barbell.track_plate(video, clean)
    if ref_kind.startswith("bar end"):
        plate_xy = plate.bar_end_xy_px
    else:
        plate_xy = plate.centre_xy_px
    plate_rms_px, plate_cov = barbell.shape_rms_px(plate_xy, ref)
    entry = manifest_entry(clip.stem)
    lowest = int(np.nanargmax(ref[:, 1]))
    turning = sorted({*entry.get("rep_frames", []), lowest})
    scale_txt = f"{1000 * path.scale.m_per_px:.3f} +- {1000 * path.scale.sd_m_per_px:.3f} mm/px ({path.scale.method})"
    try:
        plate_scale = barbell.scale_from_plate(plate, clip.plate_diameter_m or 0.45)
        plate_scale_txt = (
            f"{1000 * plate_scale.m_per_px:.3f} +- {1000 * plate_scale.sd_m_per_px:.3f}"
        )
    except formlab.InputError:
        plate_scale_txt = "-"
    return {
        "clip": clip.stem + (" (held out)" if clip.stem in HELD_OUT else ""),
        "method": path.method,
        "choice": path.info.get("auto", ""),
        "rms_px": rms_px,
        "rms_cm": rms_px * cm,
        "coverage": cov,
        "turning": covered_near(shown.xy_px, turning),
        "plate_rms_cm": plate_rms_px * cm,
        "plate_coverage": plate_cov,
        "cm_source": cm_source,
        "scale": scale_txt,
        "plate_scale": plate_scale_txt,
        "body_scale": f"{1000 * body.m_per_px:.3f} +- {1000 * body.sd_m_per_px:.3f}",
        "ref_mm_per_px": None if ref_cm is None else 10 * ref_cm,
        "seconds": seconds,
        "frames": n,
        "ref": ref_kind,
    }


def main(argv: list[str]) -> None:
    clips = [c for c in CLIPS if not argv or c.stem in argv]
    rows = []
    for clip in clips:
        r = evaluate(clip)
        rows.append(r)
        ref_scale = (
            "" if r["ref_mm_per_px"] is None else f"; reference {r['ref_mm_per_px']:.3f} mm/px"
        )
        print(
            f"{r['clip']}: {r['frames']} frames, reference {r['ref']}; {r['choice'] or r['method']} "
            f"({r['seconds']:.1f} s)\n"
            f"  scale used {r['scale']}; plate {r['plate_scale']} mm/px; body {r['body_scale']} mm/px"
            f"{ref_scale}",
            flush=True,
        )
    print(
        f"\n{'clip':45s} {'method':12s} {'RMS px':>7s} {'RMS cm':>7s} {'frames':>7s} {'turns':>6s}"
        f" {'plate cm':>9s} {'plate fr':>9s}  cm from"
    )
    for r in rows:
        ok = r["rms_cm"] <= GOAL_CM and r["coverage"] >= GOAL_COVERAGE
        print(
            f"{r['clip']:45s} {r['method']:12s} {r['rms_px']:7.1f} {r['rms_cm']:7.2f} {r['coverage']:7.1%}"
            f" {r['turning']:>6s} {r['plate_rms_cm']:9.2f} {r['plate_coverage']:9.1%}  {r['cm_source']}"
            f"  {'goal met' if ok else 'goal NOT met'}"
        )
    print(
        f"goals: <= {GOAL_CM} cm shape RMS and >= {GOAL_COVERAGE:.0%} of frames (Analysis.path, 4 Hz)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
