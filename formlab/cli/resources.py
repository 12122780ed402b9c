"""``formlab samples`` and ``formlab models``: where the sample media and the pose models are."""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

from ..core.errors import FormlabError
from ..io.cache import cache_dir
from ..io.models import (
    MODEL_DIR_ENV,
    MODEL_VARIANTS,
    find_model,
    model_candidates,
    model_url,
    resolve_model,
)
from ..io.samples import (
    DATA_DIR_ENV,
    collection_of,
    fetch,
    locate,
    sample_info,
    sample_names,
)
from .options import EXIT_ERROR, table

SAMPLE_LOCAL_WORDS = {
    "data_dir": "data dir",
    "cache": "cache",
    "missing": "no",
    "corrupt": "BAD CHECKSUM",
}
"""How ``formlab samples`` words :func:`formlab.samples.locate`'s answer in its ``local`` column."""


def cmd_samples(args: argparse.Namespace) -> int:
    """Run ``formlab samples``: list the sample media, or fetch some."""
    from ..io.cache import cache_dir

    if args.fetch:
        for name in args.fetch:
            print(fetch(name))
        return 0
    kinds = [args.kind] if args.kind else ["video", "image"]
    rows = []
    for kind in kinds:
        for name in sample_names(kind, collection=None):
            info = sample_info(name)
            reps = info.get("reps")
            rows.append(
                [
                    name,
                    kind,
                    info.get("exercise") or "-",
                    "-"
                    if reps is None or (isinstance(reps, float) and math.isnan(reps))
                    else str(int(reps)),
                    info.get("license") or "-",
                    collection_of(info),
                    SAMPLE_LOCAL_WORDS[locate(name)[0]],
                ]
            )
    header = ["name", "kind", "exercise", "reps", "licence", "collection", "local"]
    print(table(header, rows, right=["reps"]))
    mirror = os.environ.get(DATA_DIR_ENV)
    samples_cache = cache_dir("samples", create=False)
    print(
        f"\nlocal: 'data dir' = ${DATA_DIR_ENV} ({mirror or 'not set'}), 'cache' = {samples_cache}, "
        f"'no' = downloaded on first use."
    )
    if not args.kind:
        hidden = len(sample_names("annotation", collection=None))
        print(
            f"{hidden} annotation files (reference data for the tests) not shown: --kind annotation."
        )
    print("Use one as sample:NAME, e.g. formlab analyze sample:NAME -o out/")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    """List the pose models and where each is found; exit 0 unless something is broken or a download fails.

    A missing variant is not an error here: it is downloaded when first used,
    and a listing that failed for it would make ``formlab models`` unusable
    as the very command that tells you so. A file that is there but is not a
    model bundle, an unknown name, or a failed ``--download`` is an error.
    """
    status = 0
    rows = []
    for v in args.variant or MODEL_VARIANTS:
        found = find_model(v) if v in MODEL_VARIANTS else Path(v)
        where = found or model_candidates(v)[-1]
        if found is None and not args.download:
            rows.append([v, str(where), "missing", "-"])
            continue
        try:  # checks the file as extract would (and downloads only with --download)
            m = resolve_model(v, download=args.download)
        except FormlabError as e:
            print(f"formlab: error: {e}", file=sys.stderr)
            rows.append([v, str(where), "ERROR", "-"])
            status = EXIT_ERROR
        else:
            rows.append([v, str(m.path), "found", m.sha256])
    print(table(["model", "file", "status", "sha256"], rows))
    env_dir = os.environ.get(MODEL_DIR_ENV)
    print(
        f"\nsearched: ${MODEL_DIR_ENV} ({env_dir or 'not set'}), then {cache_dir('models', create=False)}."
    )
    if any(r[2] == "missing" for r in rows):
        print(
            f"'missing' models are downloaded into {cache_dir('models', create=False)} when first used "
            f"(from {model_url('VARIANT')}), or now with: formlab models --download"
        )
    return status


def register(sub) -> None:
    """Add ``formlab samples`` and ``formlab models``."""
    p = sub.add_parser(
        "samples",
        help="list the sample media, or fetch some",
        description="List the registered sample videos and photos: exercise, hand-counted reps, "
        "licence, and whether a checked local copy is already at hand (nothing is "
        "downloaded to find out).",
    )
    p.add_argument(
        "--kind",
        choices=("video", "image", "annotation"),
        default=None,
        help="list only this kind (default: videos and images)",
    )
    p.add_argument(
        "--fetch",
        nargs="+",
        metavar="NAME",
        help="download/locate these samples and print their paths",
    )
    p.set_defaults(func=cmd_samples)

    p = sub.add_parser(
        "models",
        help="show where each pose model is found",
        description="List the pose model variants, the file each resolves to and whether it is "
        "there. A missing model is not an error (it is downloaded on first use); a "
        "file that is not a model bundle, or a failed --download, is.",
    )
    p.add_argument(
        "variant", nargs="*", help="lite, full, heavy or a .task file (default: the three variants)"
    )
    p.add_argument("--download", action="store_true", help="download missing models now")
    p.set_defaults(func=cmd_models)
