"""The plate tracker's speed against a baseline's (default: ``main``), side by side in one run.

For each clip with a bar-path reference (``eval_barpath.CLIPS``) this times
:func:`formlab.barbell.track_plate` alone (the pose track comes from the cache, not timed), each
run in a fresh subprocess, alternating:

  base  the tracker of a git revision (``--baseline``, default ``main``): its ``formlab/`` package
        is exported with ``git archive`` to a temporary folder and put first on ``PYTHONPATH``
  now   the tracker of this working tree

and prints the seconds (the fastest of ``--repeat`` runs, and the slowest), seconds per frame,
the ratio now / base and whether both found the same plate (median centre difference in pixels),
with the load average before and after: the machine is shared, so only ratios measured in the
same run mean anything.

Goal (issue 16, round 3): now / base <= 1 on every clip, with ``eval_barpath.py``'s accuracy
unchanged (the baseline there is the accuracy before the flattened outlines, not this one's).

Usage:
  python tests/benchmarks/bench_plate.py                       # every clip with a reference
  python tests/benchmarks/bench_plate.py --repeat 3 CLIP ...   # chosen clips
  python tests/benchmarks/bench_plate.py --baseline h16        # against another revision
Needs the models and samples (FORMLAB_MODEL_DIR / FORMLAB_DATA_DIR).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

_RUN = """
import json, os, sys, time
from pathlib import Path
import numpy as np
import formlab
from formlab import barbell
video = Path(os.environ["FORMLAB_DATA_DIR"]) / "videos" / (sys.argv[1] + ".mp4")
clean = formlab.clean_track(formlab.extract(video, progress=False))
t0 = time.perf_counter()
plate = barbell.track_plate(video, clean)
seconds = time.perf_counter() - t0
np.save(sys.argv[2], np.asarray(plate.centre_xy_px, float))
print(json.dumps({"seconds": seconds, "frames": clean.n_frames, "package": formlab.__file__}))
"""


def export(revision: str, into: Path) -> Path:
    """``formlab/`` of ``revision`` exported into ``into``; the folder to put on PYTHONPATH."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", revision, "formlab"], capture_output=True, check=True
    ).stdout
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def run(clip: str, root: Path, out: Path) -> dict:
    """One timed run of the tracker of the package in ``root``, in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(root))
    got = subprocess.run(
        [sys.executable, "-c", _RUN, clip, str(out)],
        env=env,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    if got.returncode:
        raise SystemExit(f"{clip} ({root}) failed:\n{got.stderr[-2000:]}")
    result = json.loads(got.stdout.strip().splitlines()[-1])
    if not result["package"].startswith(str(root)):
        raise SystemExit(f"{clip}: imported {result['package']}, not the package in {root}")
    return result


def main(argv: list[str]) -> None:
    from eval_barpath import CLIPS

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("clips", nargs="*", default=[c.stem for c in CLIPS])
    ap.add_argument("--baseline", default="main", help="git revision timed against (main)")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each tracker per clip (2)")
    args = ap.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    header = f"{'clip':38} {'frames':>6} {'base s':>12} {'now s':>12} {'ms/frame':>13} {'now/base':>8} {'same px':>7}"
    rows = [header]
    with tempfile.TemporaryDirectory() as tmp:
        base_root = export(args.baseline, Path(tmp) / "base")
        roots = {"base": base_root, "now": REPO}
        for clip in args.clips:
            times: dict[str, list[float]] = {"base": [], "now": []}
            centres = {}
            for _ in range(args.repeat):
                for which, root in roots.items():
                    out = Path(tmp) / f"{which}.npy"
                    got = run(clip, root, out)
                    times[which].append(got["seconds"])
                    centres[which] = np.load(out)
            n = got["frames"]
            b, w = min(times["base"]), min(times["now"])
            both = np.isfinite(centres["base"]).all(1) & np.isfinite(centres["now"]).all(1)
            diff = np.linalg.norm(centres["base"][both] - centres["now"][both], axis=1)
            same = f"{np.median(diff):.1f}" if both.any() else "-"
            rows.append(
                f"{clip:38} {n:6d} {b:5.2f}-{max(times['base']):<5.2f} {w:5.2f}-{max(times['now']):<5.2f}"
                f" {1000 * b / n:5.1f} {1000 * w / n:5.1f}  {w / b:8.2f} {same:>7}"
            )
            print(rows[-1], flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\nbaseline {args.baseline}, {args.repeat} runs each, alternating; fastest-slowest s:")
    print("\n".join(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
