"""`make test`'s steps, timed: each Makefile step it runs (unit, lint, the
site, the PDFs, ...) is one line of _build/timings.jsonl, and `book test`
ends with a table of them beside its suites.

`make test` runs `python3 -m bookbuild test-steps <steps>` on the system
Python (.venv/book may not exist yet), which runs `make <step>` for each
step, then `book test`: standard library only.
"""

import json
import os
import subprocess
import time
from pathlib import Path

from .progress import duration

# Where test-steps writes the steps' times for `book test` to read.
TIMINGS_VARIABLE = 'BOOK_TIMINGS'


def record(path, step, started, seconds, status):
    """One step: its name, when it started (time.time()), how long it took
    and its exit status."""
    line = {'step': step, 'started': started, 'seconds': round(seconds, 1), 'status': status}
    with open(path, 'a', encoding='utf-8') as file:
        file.write(json.dumps(line) + '\n')


def recorded(path=None):
    """The steps timed so far in this `make test` (in path, or the file the
    environment names), or [] outside one."""
    path = path or os.environ.get(TIMINGS_VARIABLE)
    if not path or not Path(path).exists():
        return []
    return [json.loads(line) for line in Path(path).read_text(encoding='utf-8').splitlines()]


def table(rows, total):
    """rows of (what, seconds, result) as aligned lines, then the total: the
    time from the first step's start (the suites run side by side, so their
    times add up to more than the time they took)."""
    rows = [*rows, ('all', total, '')]
    width = max(len(what) for what, _, _ in rows)
    times = [duration(seconds) for _, seconds, _ in rows]
    time_width = max(len(text) for text in times)
    return [
        f'{what:<{width}}  {text:>{time_width}}  {result}'.rstrip()
        for (what, _, result), text in zip(rows, times)
    ]


def steps_rows(path=None):
    return [
        (step['step'], step['seconds'], 'ok' if step['status'] == 0 else f'exit {step["status"]}')
        for step in recorded(path)
    ]


def first_start(path=None):
    """When this `make test`'s first step started (time.time()), or None."""
    steps = recorded(path)
    return min(step['started'] for step in steps) if steps else None


def print_table(rows, total):
    print('\n'.join(f'[test] {line}' for line in table(rows, total)), flush=True)


def run_steps(project, steps, make='make'):
    """`make <step>` for each step, each timed into _build/timings.jsonl,
    then `book test`, which prints the table; stops at a failing step, and
    prints the table so far."""
    path = project.build_dir / 'timings.jsonl'
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    # No build server (build_server.py) outlives the steps: `make test`
    # builds in its own processes and leaves nothing running.
    env = dict(os.environ, **{TIMINGS_VARIABLE: str(path), 'BOOK_BUILD_SERVER': '0'})
    for step in steps:
        print(f'[book] make {step}', flush=True)
        started, clock = time.time(), time.monotonic()
        status = subprocess.call([make, step], env=env, cwd=project.repository)
        record(path, step, started, time.monotonic() - clock, status)
        if status != 0:
            print_table(steps_rows(path), time.time() - first_start(path))
            return status
    book = project.env_dir('book') / 'bin' / 'book'
    return subprocess.call([str(book), 'test'], env=env, cwd=project.repository)
