"""The ``formlab`` command: the parser of every sub-command, and what an error or a signal does."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable, Sequence

from .._version import __version__
from ..core.errors import FormlabError, FormlabWarning
from ..core.files import completed_outputs, forget_completed
from . import analyze, app, batch, extract, lifts, live, resources
from .options import EXIT_BROKEN_PIPE, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_TERMINATED


class _Terminated(BaseException):
    """Raised in the main thread on SIGTERM, so that clean-up code runs as it does for Ctrl-C."""


def _raise_terminated(signum, frame):  # pragma: no cover - exercised through a subprocess
    raise _Terminated


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``formlab`` command and every sub-command."""
    parser = argparse.ArgumentParser(
        prog="formlab",
        description="Turn a video of a lift into pose tracks, rep counts, bar paths and form feedback.",
        epilog="Inputs may be a path or sample:NAME (see 'formlab samples').",
    )
    parser.add_argument("--version", action="version", version=f"formlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for register in (
        extract.register,
        analyze.register,
        batch.register,
        lifts.register,
        live.register,
        resources.register,
        app.register,
    ):
        register(sub)
    for command in sub.choices.values():  # for an unknown option, shown with this command's usage
        command.set_defaults(command_parser=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``formlab`` (``argv``: the arguments, default the command line); returns the exit status."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # the sub-command's own usage, not the top-level one (which lists no option)
        getattr(args, "command_parser", parser).error(
            f"unrecognized arguments: {' '.join(unknown)}"
        )
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_ERROR
    func: Callable[[argparse.Namespace], int] = args.func
    import signal
    import threading

    # as a program (argv None: the console script, python -m formlab), SIGTERM cleans up like Ctrl-C;
    # called from Python (a notebook, a test), the caller's own SIGTERM handling is left alone
    previous = None
    if argv is None and threading.current_thread() is threading.main_thread():
        current = signal.getsignal(signal.SIGTERM)
        if current is not None:  # None: set outside Python, could not be restored
            previous = signal.signal(signal.SIGTERM, _raise_terminated)
    forget_completed()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", FormlabWarning)
            warnings.showwarning = _warning_printer()
            return func(args)
    except FormlabError as e:
        print(f"formlab: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        if completed_outputs():  # the interruption came after the results were in place
            print(
                "formlab: interrupted after the run finished; the results are complete: "
                + ", ".join(str(p) for p in dict.fromkeys(completed_outputs())),
                file=sys.stderr,
            )
            return 0
        print(
            "formlab: interrupted; no output was written (earlier results, if any, are unchanged)",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except _Terminated:  # a sub-command that writes no results (the app server) says its own words
        print(
            getattr(args, "terminated_message", None)
            or "formlab: terminated; no output was written (earlier results, if any, are unchanged)",
            file=sys.stderr,
        )
        return EXIT_TERMINATED
    except (
        BrokenPipeError
    ):  # the reader went away (`formlab samples | head`): end quietly, as `cat` would
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return EXIT_BROKEN_PIPE
    except OSError as e:  # a system error no step turned into a FormlabError: still one line
        where = f"{e.filename}: " if e.filename else ""
        print(f"formlab: error: {where}{e.strerror or e}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _warning_printer() -> Callable[..., None]:
    """A ``warnings.showwarning`` for one run: each of formlab's own warnings once, on one line.

    The same input may be checked more than once in a run (a thresholds file
    before the slow part and again once the lift is known); its warning says
    nothing new the second time.
    """
    seen: set[str] = set()

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        if issubclass(category, FormlabWarning) and str(message) in seen:
            return
        seen.add(str(message))
        _show_warning(message, category, filename, lineno, file, line)

    return show


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Formlab's own warnings as one line on stderr; others as Python prints them."""
    if issubclass(category, FormlabWarning):
        print(f"formlab: warning: {message}", file=sys.stderr)
    else:
        print(
            warnings.formatwarning(message, category, filename, lineno, line),
            file=sys.stderr,
            end="",
        )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
