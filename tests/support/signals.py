"""Child processes that a test interrupts as a terminal's Ctrl-C would.

pytest-xdist's workers ignore SIGINT, and a child process inherits an ignored signal: Python
then never raises KeyboardInterrupt in it, so a test's Ctrl-C would do nothing. Start such a
child with ``preexec_fn=sigint_as_in_a_terminal``.
"""

from __future__ import annotations

import signal


def sigint_as_in_a_terminal() -> None:
    """In the child, before it starts: SIGINT back to its default (Python turns it into KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
