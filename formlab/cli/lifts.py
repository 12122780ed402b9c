"""``formlab exercises`` and ``formlab thresholds``: the lifts formlab knows, and a thresholds file to edit.

``formlab exercises`` lists every registered lift (formlab's own and any
installed plugin's) with the checks it runs; ``--checks`` adds each check's
measured value, valid camera views, cue and thresholds
(name = default unit; ``formlab thresholds`` writes their sources). ``formlab thresholds EXERCISE -o
FILE`` writes that lift's thresholds as a commented TOML (or JSON) template,
the file ``formlab analyze --thresholds FILE`` reads back.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.errors import ConfigError, OutputError
from ..exercises import (
    AUTO,
    NONE,
    exercises,
    get_exercise,
    normalise_name,
    save_thresholds,
    thresholds_for,
)
from .options import table


def cmd_exercises(args: argparse.Namespace) -> int:
    """List the lifts (and, with ``--checks``, what each check measures)."""
    lifts = exercises()
    if args.name:
        lifts = {get_exercise(args.name).name: get_exercise(args.name)}
    if not args.checks:
        rows = [
            [
                name,
                ex.turning_point,
                ", ".join(ex.check_names) or "-",
                ", ".join(c.name for c in ex.optional_checks) or "-",
            ]
            for name, ex in lifts.items()
        ]
        print(table(["exercise", "rep at", "checks", "on request"], rows))
        print(
            "\nauto recognises the lift from the movement, then the variant (where the load sits, how "
            "each rep starts). Details: formlab exercises NAME --checks\n"
            "A check on request runs when asked for: formlab analyze ... --check NAME (also batch, live)"
        )
        return 0
    for name, ex in lifts.items():
        print(f"{name}: {ex.description}")
        print(f"  reps: {ex.turning_point}s of {ex.signal.name} ({ex.signal.description})")
        if ex.variant_cues:
            family = f"(a variant of {ex.variant_of}) " if ex.variant_of else ""
            cues = "; ".join(c.describe() for c in ex.variant_cues)
            print(f"  auto names it {family}when: {cues}")
        rows = []
        for c in ex.all_checks:
            views = ", ".join(v for v in ("front", "oblique", "side", "back") if v in c.views)
            optional = " (on request)" if c in ex.optional_checks else ""
            views += " (once per rep: videos only)" if c.per_rep == "best" else ""
            rows.append([c.name + optional, c.value, views, c.cue])
        if rows:
            print(
                "  "
                + table(["check", "measures", "valid views", "cue"], rows).replace("\n", "\n  ")
            )
            print("  thresholds (name = default unit):")
            for c in ex.all_checks:
                print(
                    f"    {c.name}: " + ("; ".join(_threshold_text(t) for t in c.thresholds) or "-")
                )
            print(
                f"  their meanings, valid ranges and sources: formlab thresholds {name} -o {name}.toml"
            )
        else:
            print("  no form checks")
        print()
    return 0


def _threshold_text(t) -> str:
    """``name = default unit`` of one :class:`~formlab.form.check.Threshold`."""
    value = t.default if isinstance(t.default, str) else f"{t.default:g}"
    return f"{t.name} = {value}{' ' + t.unit if t.unit else ''}"


def cmd_thresholds(args: argparse.Namespace) -> int:
    """Write a lift's thresholds as a commented template (a lift's: ``auto`` is not one)."""
    if normalise_name(args.exercise) in (AUTO, NONE):
        raise ConfigError(
            f"{args.exercise!r} is not a lift, and each lift has its own thresholds: name the lift "
            f"you will analyse (e.g. formlab thresholds back_squat -o FILE; formlab exercises lists "
            "them). The file is then used with --exercise auto too, once that lift is recognised"
        )
    th = thresholds_for(args.exercise)
    out = Path(args.output)
    if out.exists() and not args.force:
        raise OutputError(f"{out}: exists; use --force to replace it")
    save_thresholds(th, out)
    lift = th.exercise
    described = (
        "one comment per value (unit, valid range, default, source)"
        if out.suffix.lower() == ".toml"
        else "no comments (JSON has none; the TOML form, "
        f"formlab thresholds {lift} -o FILE.toml, carries each value's unit, valid range, default "
        "and source)"
    )
    print(
        f"{out}: the thresholds of {lift}, {described}. "
        f"Edit any value, delete the others, then: formlab analyze VIDEO -e {lift} --thresholds {out}"
    )
    return 0


def register(sub) -> None:
    """Add ``formlab exercises`` and ``formlab thresholds``."""
    p = sub.add_parser(
        "exercises",
        help="list the lifts formlab knows and the checks each runs",
        description="List every registered lift (formlab's own and installed plugins') with the "
        "form checks it runs.",
    )
    p.add_argument("name", nargs="?", default=None, help="show only this lift")
    p.add_argument(
        "--checks",
        action="store_true",
        help="for each check: what it measures, in which camera views, its cue and its "
        "thresholds (their sources: formlab thresholds NAME -o FILE.toml)",
    )
    p.set_defaults(func=cmd_exercises)

    p = sub.add_parser(
        "thresholds",
        help="write a lift's thresholds as a template to edit",
        description="Write the thresholds of EXERCISE as TOML (a comment above every value: its "
        "meaning, unit, valid range, default and source) or JSON, for "
        "formlab analyze --thresholds FILE.",
    )
    p.add_argument("exercise", metavar="EXERCISE", help="a lift (see formlab exercises)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.toml or FILE.json")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=cmd_thresholds)
