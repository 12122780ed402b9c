"""Where a good deadlift set-up puts the hips: ``hips_set``'s band derived from the coaching rules.

A set-up by Rippetoe's three rules (bar over the mid-foot, shins touching
it, shoulders over it or a little ahead, arms straight) fixes the knees and
the shoulders; the hips fall where trunk and thigh meet, so their height
depends on the lifter's proportions. This script sets up many lifters whose
segment lengths vary around Winter's (2009) mean fractions of stature
(:mod:`support.deadlift_setup`) and prints the range of ``hips_set``'s value
(the hips' height between knees, 0, and shoulders, 1) that covers 99 % of
them, for several assumptions, so that the band's own uncertainty shows. A
value outside the band is one that almost no lifter set up by the rules
shows: a set-up the rules would change (hips dropped into a squat, the
shoulders behind the bar; hips up with the knees straight, the shoulders far
ahead). Inside it, proportions and set-up cannot be told apart from the hips'
height alone.

The model places joint centres; MediaPipe's hip landmark may sit a few cm
off the joint (a 3 cm shift moves the ratio by about 0.08), which is one more
reason to flag only the outside of the 99 % band.

Usage:
  python tests/benchmarks/derive_hips_set.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the support helpers
from support.deadlift_setup import hip_height_ratio, population_ratios, setup_joints

COVERAGE = (0.5, 99.5)
"""Percentiles of the band: 99 % of lifters set up by the rules lie inside."""


def main() -> int:
    mean = hip_height_ratio(setup_joints())
    print(f"average proportions, shoulders 5 cm ahead of the bar: {mean:.2f}")
    print("shoulders ahead of bar | CV of segments | 0.5th pct | median | 99.5th pct")
    rows = []
    for ahead in ((0.0, 0.10), (-0.02, 0.10), (0.0, 0.12), (0.02, 0.10)):
        for cv in (0.03, 0.035, 0.04):
            r = population_ratios(shoulders_ahead_m=ahead, cv=cv)
            lo, med, hi = np.percentile(r, [COVERAGE[0], 50, COVERAGE[1]])
            rows.append((lo, hi))
            print(
                f"{ahead[0] * 100:+.0f} to {ahead[1] * 100:+.0f} cm          | {cv:.3f}          "
                f"| {lo:9.2f} | {med:6.2f} | {hi:10.2f}"
            )
    lows, highs = np.array(rows).T
    print(
        f"band over these assumptions: lower {lows.min():.2f}-{lows.max():.2f}, "
        f"upper {highs.min():.2f}-{highs.max():.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
