"""``python -m formlab``: the ``formlab`` command."""

import sys

from .cli import main

sys.exit(main())
