"""Living with MediaPipe's native code: its start-up chatter on stderr, and its version.

MediaPipe and LiteRT are C++ and log to file descriptor 2, outside Python's
``sys.stderr``: model loading, the first inference, tensors reallocated. None
of it is for a formlab user, so it is captured (and shown only with the error
it explains, when something fails).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator

__all__ = ["mediapipe_version", "quiet_native_stderr"]


@contextlib.contextmanager
def quiet_native_stderr(keep_python: bool = False) -> Iterator[None]:
    """Silence MediaPipe/LiteRT's C++ chatter on stderr; re-raise with it if the work inside fails.

    The C++ code writes to file descriptor 2. In a Jupyter kernel ``sys.stderr.fileno()`` is a
    *copy* of the original stderr while fd 2 itself is piped into the notebook, so both are
    redirected (otherwise the chatter lands in the notebook's output).

    With ``keep_python``, Python's own ``sys.stderr`` (progress bars, warnings) keeps writing to the
    real stderr meanwhile: used around a whole video's inference, where LiteRT may log at any frame
    (its first landmark inference happens at the first frame with a person, not the first frame).
    """
    fds = {2}
    try:
        fds.add(sys.stderr.fileno())
    except (AttributeError, OSError, ValueError):  # e.g. a stderr object without a descriptor
        pass
    saved: dict[int, int] = {}
    try:
        for fd in sorted(fds):
            saved[fd] = os.dup(fd)
    except OSError:
        for s in saved.values():
            os.close(s)
        yield
        return

    python_stderr = sys.stderr
    replacement = None

    def restore() -> None:
        if replacement is not None:
            try:
                replacement.flush()
            except Exception:
                pass
            sys.stderr = python_stderr
        for fd, s in saved.items():
            os.dup2(s, fd)

    with tempfile.TemporaryFile() as sink:
        try:
            sys.stderr.flush()
        except Exception:
            pass
        if keep_python:
            py_fd: int | None
            try:
                py_fd = python_stderr.fileno()
            except (AttributeError, OSError, ValueError):
                py_fd = None
            if py_fd is not None and py_fd in saved:  # a real file: keep Python's writes on a copy
                replacement = open(
                    os.dup(saved[py_fd]),
                    "w",
                    buffering=1,
                    encoding=getattr(python_stderr, "encoding", None) or "utf-8",
                    errors="replace",
                )
                sys.stderr = replacement
        for fd in saved:
            os.dup2(sink.fileno(), fd)
        try:
            yield
        except Exception as e:
            restore()
            sink.seek(0)
            chatter = sink.read().decode(errors="replace").strip().splitlines()[-3:]
            if chatter:
                e.args = (
                    f"{e.args[0] if e.args else e} [{' | '.join(chatter)}]",
                    *tuple(e.args[1:]),
                )
            raise
        finally:
            restore()
            if replacement is not None:
                replacement.close()
            for s in saved.values():
                os.close(s)


def mediapipe_version() -> str:
    """The installed MediaPipe's version, or ``"unknown"``."""
    try:
        from importlib.metadata import version

        return version("mediapipe")
    except Exception:
        return "unknown"
