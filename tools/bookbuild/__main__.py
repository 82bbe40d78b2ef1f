"""`python -m bookbuild`: the `book` command, for the system Python that
creates the environments before .venv/book/bin/book exists."""

import sys

from .cli import main

sys.exit(main())
