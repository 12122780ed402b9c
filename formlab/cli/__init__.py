"""The ``formlab`` command line.

``formlab extract INPUT -o OUT`` writes a pose track; ``formlab analyze``
(reps, bar path, form feedback) sits beside it and shares the same options.
``formlab samples`` lists and fetches the sample media, ``formlab models``
shows where the pose models are found. Errors print one line naming the file
and the problem, with a non-zero exit status; nothing half-written is left.
"""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
