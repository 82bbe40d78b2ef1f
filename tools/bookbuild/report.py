"""How the build reports: one line per step, and failures without a Python
traceback. Standard library only."""


class BuildError(Exception):
    """A failure to report in one line, without a Python traceback."""


class AlreadyReported(BuildError):
    """A failure whose report is already the last thing on the screen."""


def log(message):
    print(f'[book] {message}', flush=True)
