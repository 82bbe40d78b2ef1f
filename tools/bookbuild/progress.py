"""Long steps that say what they are doing: a command whose output is kept
(pip, apt-get) or streamed (d2lbook, pytest) gets a progress line whenever
it has been quiet for a while, so that no step of `make` or `make test`
stays silent for more than half a minute.

Standard library only: `make setup` runs it on the system Python, before
any environment exists.
"""

import os
import queue
import subprocess
import threading
import time

# Seconds without a line before a progress line: under the 30 s a reader
# should ever wait for news. BOOK_PROGRESS_SECONDS changes it (the tests use
# a fraction of a second).
PROGRESS_EVERY = 20


def progress_every():
    return float(os.environ.get('BOOK_PROGRESS_SECONDS', PROGRESS_EVERY))


def duration(seconds):
    """'42.3 s', or '7 min 48 s' from a minute on."""
    if seconds < 60:
        return f'{seconds:.1f} s'
    minutes, seconds = divmod(round(seconds), 60)
    return f'{minutes} min {seconds} s'


class Quiet:
    """Since when a step has run, and since when it has said nothing: one
    for a step of several commands (an environment's venv, then its pip
    installs), so that the quiet does not start again with each command."""

    def __init__(self):
        self.started = self.last_said = time.monotonic()


def run_with_progress(
    cmd, label, say, *, echo=None, kept=None, every=None, quiet=None, ignore=None, **popen
):
    """Run cmd, its stdout and stderr together, and return its exit status.

    Each line goes to echo(line) when echo is given (streamed output), and
    into the list kept when one is given. Whenever `every` seconds pass with
    no line echoed, say() gets a progress line: the label, the time so far
    and the command's last line (what pip is fetching, which test runs...).
    An echo that returns False did not show its line: the quiet goes on,
    and the progress line names the last line that was shown. Lines that
    ignore(line) is true of are dropped (noise of the machine's pip
    configuration). quiet carries the step's times across its commands.
    """
    every = progress_every() if every is None else every
    with subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors='replace',  # LaTeX, for one, may write bytes that are not UTF-8
        bufsize=1,
        **popen,
    ) as process:
        try:
            return _follow(process, label, say, echo, kept, every, quiet or Quiet(), ignore)
        except BaseException:
            process.kill()  # interrupted, or a line could not be shown
            raise


def _follow(process, label, say, echo, kept, every, quiet, ignore):
    lines = queue.Queue()

    def read():
        try:
            for line in process.stdout:
                lines.put(line.rstrip('\n'))
        finally:
            lines.put(None)  # the end, however reading ended

    threading.Thread(target=read, daemon=True).start()
    last = ''
    while True:
        try:
            line = lines.get(timeout=max(0.0, quiet.last_said + every - time.monotonic()))
        except queue.Empty:
            now = time.monotonic()
            said = f'{label}: {duration(now - quiet.started)} so far'
            # The last line, cut to fit one line of a terminal.
            say(f'{said}; last: {last.strip()[:100]}' if last.strip() else said)
            quiet.last_said = now
            continue
        if line is None:
            break
        if ignore is not None and ignore(line):
            continue
        if kept is not None:
            kept.append(line)
        shown = echo is None or echo(line) is not False
        if shown and line.strip():
            last = line
        if shown and echo is not None:
            quiet.last_said = time.monotonic()
    return process.wait()
