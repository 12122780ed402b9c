"""Form checks against labelled clips, and ``auto``'s recognition over every sample clip.

For every clip of the ``deadlift-form`` sample collection (deadlifts labelled
good or bad by their source, with what is seen by eye in ``form_notes``) this
runs :func:`formlab.analyze` with the clip's lift and prints: the label, the
lift ``auto`` recognises, the reps found against the hand count, and each
check's verdict per rep (``P`` pass, ``F`` fail, ``?`` uncertain, ``-`` not
assessable). Then, against the labels:

* specificity: good clips with no ``fail`` in any rep, also without the good
  clips whose notes dispute the label (:data:`DISPUTED`);
* sensitivity per fault: bad clips whose fault (:data:`FAULTS`, read off
  ``form_notes``) was flagged by the check that measures it, and those whose
  fault no pose-based check can measure (a rounded back: no spine landmarks);
* counts of ``uncertain`` and ``not_assessable`` rep verdicts;
* ``auto``'s recognition: whether it names the exact lift (the variant:
  ``front_squat``, ``bodyweight_squat``, ``deadlift`` from the floor or
  ``romanian_deadlift``, ...; :func:`support.exact_lifts.exact_lift`) on every
  sample video with a known lift (the examples and the labelled clips), and
  the variant and load it decided on.

Each figure is printed for the clips the thresholds were set while looking at
(:data:`SEEN`) and for the held-out rest, separately. The thresholds come
from coaching sources (see ``formlab thresholds deadlift``); SEEN lists the
clips that were looked at when deciding what is on by default. The variant
cues of ``auto`` (conventional against Romanian deadlift) take their bounds
from coaching texts (knees well bent at a floor pull, soft at a hinge); their
reasons quote the range of start knee flexion over all labelled clips, which
was printed once to check them: recognition on the held-out clips is therefore
not blind to their numbers, only untuned on them (no bound was moved).

Usage:
  python tests/benchmarks/eval_form.py            # all labelled clips and the recognition table
  python tests/benchmarks/eval_form.py --no-auto  # skip the recognition runs
Needs the models and samples (FORMLAB_MODEL_DIR / FORMLAB_DATA_DIR or internet).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

COLLECTION = "deadlift-form"

FAULTS: dict[str, tuple[str, ...]] = {
    # bad clip -> the faults seen by eye (form_notes), as formlab's check names
    "deadliftAI-bichraix__bad003": ("no_hyperextension",),  # shrug / lean back at lockout
    "deadliftAI-bichraix__bad004": ("no_hyperextension",),  # over-squeeze at lockout (rear view)
    "deadliftAI-bichraix__bad005": ("neutral_back",),  # rounded back
    "deadliftAI-bichraix__bad006": ("neutral_back",),  # over-extended spine
    "deadliftAI-bichraix__bad009": ("neutral_back", "hips_set"),  # rounded upper back, hips high
    "deadliftAI-bichraix__bad012": ("bar_close_to_legs", "hips_set"),  # bar far from the shins
    "deadliftAI-bichraix__bad016": ("bar_close_to_legs", "hips_and_shoulders_rise_together"),
    "deadliftAI-bichraix__bad017": ("hips_set",),  # stiff-legged (and a wide grip)
}
"""The faults of each bad clip, named by the check that would flag them."""

OTHER_LABELLED: dict[str, tuple[str, tuple[str, ...]]] = {
    # example clips labelled by their source: lift, and the faults seen by eye
    "rese__bad_pushups": ("push_up", ("depth",)),  # "small range of motion, chest stays high"
}
"""Labelled clips outside the deadlift collection: each is a bad clip of another lift."""

DISPUTED: dict[str, str] = {
    # good clips whose form_notes (written by eye, before any threshold was set) doubt the source's label
    "deadliftAI-bichraix__good005": (
        "hips set very low, squat-style, then the hips shoot up before the chest: the fault the clip's "
        "own caption warns about ('A deadlift isn't a squat.'); the 'good' label is doubtful (confidence "
        "medium)"
    ),
}
"""Good clips whose notes dispute the label: specificity is printed with and without them."""

UNMEASURABLE = {"neutral_back"}
"""Faults no check of formlab can measure from BlazePose's landmarks."""

SEEN = {
    "deadliftAI-bichraix__bad005",
    "deadliftAI-bichraix__bad009",
    "deadliftAI-bichraix__bad012",
    "deadliftAI-bichraix__good004",
    "deadliftAI-bichraix__good007",
    "deadliftAI-bichraix__good015",
    "deadliftAI-bichraix__good018",
    # opened while working on issue 10's held-out misses (branch h10): bad016's uncertainty (its
    # pose flips between a bent-over and an upright trunk from one frame to the next), bad004's
    # count (a pull that starts at the clip's first seen frames), good011 (it lost its rep to the
    # rule made for bad004: its pose never shows the bar below the knees)
    "deadliftAI-bichraix__bad016",
    "deadliftAI-bichraix__bad004",
    "deadliftAI-bichraix__good011",
    # opened on branch h10 (second pass): good009's count (its pose puts the knees near the ankles at
    # the set-up, the shins hidden behind the plate) and bad003's hold (not found as a hold: the
    # hands read 0.07-0.21 m above the hip landmarks at lockout)
    "deadliftAI-bichraix__good009",
    "deadliftAI-bichraix__bad003",
}
"""Clips whose per-rep values were looked at while deciding thresholds, defaults and counting rules."""

NOT_IN_VIEW = "view cannot show it"
"""How a verdict's reason says that the camera's view cannot show the check (a lean seen from behind)."""

SYMBOL = {"pass": "P", "fail": "F", "uncertain": "?", "not_assessable": "-"}


def _verdicts(reps, checks) -> dict[str, str]:
    return {c: "".join(SYMBOL.get(str(v), "?") for v in reps[c]) for c in checks if c in reps}


def _unseen_in_view(reps, checks) -> set[str]:
    """The checks not assessable in every rep because the camera's view cannot show them."""
    out = set()
    for c in checks:
        why = f"{c}_why"
        if c in reps and why in reps and len(reps):
            na = reps[c].astype(str) == "not_assessable"
            if na.all() and reps[why].astype(str).str.contains(NOT_IN_VIEW).all():
                out.add(c)
    return out


def _hold_verdicts(analysis, checks) -> tuple[dict[str, str], set[str]]:
    """Verdicts of a clip without a rep, judged as one stretch of all its frames (``H`` rows).

    Only checks that judge frames outside reps give a verdict (no_hyperextension
    judges a lockout held); the rest are not assessable.
    """
    import pandas as pd

    from formlab import form_per_rep

    frames = analysis.feedback["frame"].to_numpy()
    if not frames.size:
        return {}, set()
    one = pd.DataFrame(
        {
            "rep": [1],
            "start_frame": [frames[0]],
            "turn_frame": [frames[0]],
            "end_frame": [frames[-1]],
        }
    )
    per = form_per_rep(analysis.feedback, one)
    return _verdicts(per, checks), _unseen_in_view(per, checks)


def main(argv=None) -> int:
    import formlab

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the support helpers
    from support.exact_lifts import exact_lift

    from formlab.exercises import get_exercise
    from formlab.io import samples

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-auto", action="store_true", help="skip auto recognition")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")

    checks = [c.name for c in get_exercise("deadlift").checks]
    names = samples.sample_names("video", collection=COLLECTION)
    print(f"{len(names)} labelled clips; checks: {', '.join(checks)}")
    print(
        "verdict per rep (* a clip without a rep: one verdict for the whole clip, a hold): "
        "P pass, F fail, ? uncertain, - not assessable\n"
    )
    rows = []
    for name in names:
        info = samples.sample_info(name)
        a = formlab.analyze(samples.fetch(name), "deadlift", progress=False)
        auto = "-"
        if not args.no_auto:
            try:
                auto = formlab.analyze(samples.fetch(name), "auto", progress=False).exercise
            except formlab.FormlabError as e:
                auto = f"error: {e}"[:30]
        per_rep = a.reps if a.reps is not None else None
        v = _verdicts(per_rep, checks) if per_rep is not None and len(per_rep) else {}
        unseen = _unseen_in_view(per_rep, checks) if v else set()
        if not v:  # no rep: the clip judged as one stretch (a lockout hold is still judged)
            v, unseen = _hold_verdicts(a, checks)
        rows.append(
            {
                "name": name,
                "label": info["form_label"],
                "split": "seen" if name in SEEN else "held-out",
                "reps": 0 if per_rep is None else len(per_rep),
                "true_reps": info.get("reps"),
                "auto": auto,
                "verdicts": v,
                "unseen": unseen,
                "hold": not (per_rep is not None and len(per_rep)),
            }
        )
        short = name.split("__")[1] + ("*" if rows[-1]["hold"] else "")
        cells = " ".join(f"{c[:10]}={v.get(c, '')}" for c in checks)
        print(
            f"{short:8s} {info['form_label']:4s} {rows[-1]['split']:8s} reps {rows[-1]['reps']}/"
            f"{info.get('reps')} auto={auto:12s} {cells}"
        )

    for name, (lift, faults) in OTHER_LABELLED.items():
        a = formlab.analyze(samples.fetch(name), lift, progress=False)
        reps = a.reps if a.reps is not None else None
        v = _verdicts(reps, [c.name for c in get_exercise(lift).checks]) if reps is not None else {}
        hit = [f for f in faults if "F" in v.get(f, "")]
        print(
            f"{name} ({lift}, bad: {', '.join(faults)}): "
            + " ".join(f"{c}={s}" for c, s in v.items())
            + f" -> {'flagged by ' + ', '.join(hit) if hit else 'not flagged'}"
        )

    print()
    for split in ("seen", "held-out", "all"):
        chosen = [r for r in rows if split == "all" or r["split"] == split]
        good = [r for r in chosen if r["label"] == "good" and r["reps"]]
        holds = [r for r in chosen if r["label"] == "good" and r["hold"]]
        held_ok = [r for r in holds if not any("F" in s for s in r["verdicts"].values())]
        bad = [r for r in chosen if r["label"] == "bad"]
        no_fail = [r for r in good if not any("F" in s for s in r["verdicts"].values())]
        undisputed = [r for r in good if r["name"] not in DISPUTED]
        disputed = ", ".join(r["name"].split("__")[1] for r in good if r["name"] in DISPUTED)
        print(
            f"[{split}] specificity: {len(no_fail)}/{len(good)} good clips with a rep judged have no fail "
            f"({sum(r['label'] == 'good' and not r['reps'] for r in chosen)} good clips without a rep; "
            f"judged as one hold, {len(held_ok)}/{len(holds)} of them have no fail); without the clips "
            f"whose notes dispute the label ({disputed or 'none'}): "
            f"{sum(r in no_fail for r in undisputed)}/{len(undisputed)}"
        )
        for r in good:
            if r["name"] in DISPUTED and r not in no_fail:
                print(f"    {r['name'].split('__')[1]}: fails; its notes: {DISPUTED[r['name']]}")
        measurable = flagged = in_view = 0
        for r in bad:
            faults = [f for f in FAULTS.get(r["name"], ()) if f not in UNMEASURABLE]
            hit = [f for f in faults if "F" in r["verdicts"].get(f, "")]
            seen = [f for f in faults if f not in r["unseen"]]
            measurable += bool(faults)
            in_view += bool(seen)
            flagged += bool(hit)
            told = (
                "flagged by " + ", ".join(hit) + (" (in the hold: no rep)" if r["hold"] else "")
                if hit
                else (
                    "not flagged"
                    if seen
                    else "not assessable: the camera's view cannot show it"
                    if faults
                    else "fault not measurable from the pose"
                )
            )
            print(f"    {r['name'].split('__')[1]}: {', '.join(FAULTS.get(r['name'], ()))}: {told}")
        print(
            f"[{split}] sensitivity: {flagged}/{measurable} bad clips with a measurable fault flagged; "
            f"{flagged}/{in_view} of those whose view shows the fault's check"
        )
        all_v = "".join(s for r in chosen if not r["hold"] for s in r["verdicts"].values())
        hold_v = "".join(s for r in chosen if r["hold"] for s in r["verdicts"].values())
        print(
            f"[{split}] rep verdicts: {all_v.count('P')} pass, {all_v.count('F')} fail, "
            f"{all_v.count('?')} uncertain, {all_v.count('-')} not assessable "
            f"(clips without a rep, one verdict each: {hold_v.count('P')} pass, "
            f"{hold_v.count('F')} fail, {hold_v.count('?')} uncertain, {hold_v.count('-')} not assessable); "
            f"rep counts right on {sum(r['reps'] == r['true_reps'] for r in chosen)}/{len(chosen)}\n"
        )

    if not args.no_auto:
        names = [
            n
            for n in samples.sample_names("video")
            if samples.sample_info(n).get("exercise") and samples.locate(n)[1] is not None
        ]
        for n in samples.sample_names("video"):
            if n not in names and samples.sample_info(n).get("exercise"):
                print(f"  {n:40s} skipped: no local copy (offline)")
        for split in ("seen", "held-out", "all"):
            chosen = [r for r in rows if split == "all" or r["split"] == split]
            pulls = [r for r in chosen if r["true_reps"]]
            right = sum(r["auto"] == exact_lift(r["name"]) for r in pulls)
            empty = [r for r in chosen if not r["true_reps"]]
            print(
                f"[{split}] auto on the labelled clips with a pull: the exact lift "
                f"({', '.join(sorted({exact_lift(r['name']) for r in pulls}))}) named on {right}/{len(pulls)}; "
                f"without a pull (a lockout hold, a lowering): 'none' on "
                f"{sum(r['auto'] == 'none' for r in empty)}/{len(empty)}"
            )
        hits = 0
        for name in names:
            want = exact_lift(name)
            try:
                a = formlab.analyze(samples.fetch(name), "auto", progress=False)
                got = a.exercise
                variant = (a.detection.auto or {}).get("variant", {})
                how = (
                    f"variant: {variant.get('variant', '-')}; load: {a.path.info.get('load', '-')}"
                )
            except formlab.FormlabError as e:
                got, how = f"error: {e}"[:40], ""
            hits += got == want
            mark = "ok" if got == want else "WRONG"
            print(f"  {name:40s} {want:17s} auto: {got:17s} {mark:5s} {how}")
        print(
            f"[seen] auto on the example clips: {hits}/{len(names)} named exactly (every example clip "
            "was looked at while setting the variant cues: none is held out)"
        )
    return 0


if __name__ == "__main__":
    with np.errstate(all="ignore"):
        sys.exit(main())
