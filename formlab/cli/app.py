"""``formlab app``: the browser app (:mod:`formlab.app`), served on this machine."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    """Add ``formlab app [--port N] [--no-browser] [--host ADDR]`` to the ``formlab`` parser."""
    from ..app.server import DEFAULT_HOST, DEFAULT_PORT
    from ..app.session import MAX_UPLOAD_MB_DEFAULT

    p = subparsers.add_parser(
        "app",
        help="analyse lifts in the browser: upload a video, read the verdicts",
        description="Serve the formlab app (Voila) and open it in the browser. Upload a video or "
        "a photo of a lift from the page (or pick a sample) and get the rep count, the annotated "
        "video, each rep's verdicts and the bar path, and every output as one zip. Uploads and "
        "results stay in a temporary folder per page, removed when the page is closed.",
    )
    p.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to serve on (default: {DEFAULT_PORT})"
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        metavar="ADDR",
        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only). 0.0.0.0 opens "
        "the app to every machine that can reach this one (a phone on the same network), with "
        "no login: anyone there can run analyses and fetch results",
    )
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument(
        "--max-upload-mb",
        type=float,
        default=MAX_UPLOAD_MB_DEFAULT,
        metavar="MIB",
        help=f"largest upload accepted, in MiB (default: {MAX_UPLOAD_MB_DEFAULT})",
    )
    p.add_argument(
        "--cache",
        action="store_true",
        help="reuse and store pose tracks in formlab's cache (default: the app writes nothing "
        "outside its temporary folder)",
    )
    # SIGTERM (a service manager, kill) stops the server as Ctrl-C does; analyze's words would mislead
    p.set_defaults(
        func=cmd_app, terminated_message="formlab app stopped; its temporary files are removed"
    )


def cmd_app(args: argparse.Namespace) -> int:
    """Run ``formlab app`` with parsed arguments; returns the exit status."""
    from ..app.server import serve

    return serve(
        args.host,
        args.port,
        open_browser=not args.no_browser,
        max_upload_mb=args.max_upload_mb,
        cache=args.cache,
    )
