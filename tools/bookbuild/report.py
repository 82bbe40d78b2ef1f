"""How the build reports: one line per step, and failures without a Python
traceback. Standard library only."""

import sys
import threading


class BuildError(Exception):
    """A failure to report in one line, without a Python traceback."""


class AlreadyReported(BuildError):
    """A failure whose report is already the last thing on the screen."""


# Steps that run side by side (environments, PDFs, notebooks) log from
# several threads: each line is written whole, never two run together.
ONE_LINE_AT_A_TIME = threading.Lock()


def line(text):
    """Print one whole line, flushed."""
    with ONE_LINE_AT_A_TIME:
        sys.stdout.write(f'{text}\n')
        sys.stdout.flush()


def log(message):
    line(f'[book] {message}')
