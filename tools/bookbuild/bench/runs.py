"""What every part of `make bench` shares: its progress line, a run timed,
`book` run quietly on a copy of the book, the page it loads and edits, and
a row of its tables."""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from ..pipeline import TIMELINE_FILE
from ..report import BuildError, line
from ..source import cells as source_cells
from . import goals

# `book`, as the Makefile runs it.
BOOK_COMMAND = Path(sys.executable).parent / 'book'


def bench_says(message):
    """One line of what the bench is on."""
    line(f'[bench] {message}')


def timed(run):
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def quiet(cmd, cwd, env=None):
    result = subprocess.run(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if result.returncode != 0:
        print(result.stdout[-3000:])
        raise BuildError(f'`{" ".join(map(str, cmd))}` failed in {cwd}')


def this_build(copy, server=False):
    """`make html` of a copy: `book html`, as the Makefile runs it. With
    server, as a learner's `make` would: handed to the copy's build server
    (build_server.py), or started after the build; without, none is
    started, so that nothing runs beside the next measure."""
    env = None if server else dict(os.environ, BOOK_BUILD_SERVER='0')
    quiet([str(BOOK_COMMAND), 'html', '--project', str(copy)], copy, env)


def clean_build(copy):
    """`book html` of a copy never built, timed: {'seconds', 'split' (its
    time split, or None), 'pages', 'notebooks' run, 'kernel' (their seconds,
    summed from eval_report.json), 'cpu' (the seconds of CPU the build and
    the programs it waited for used)}."""
    # The CPU of the build and of all it started and waited for (its kernels).
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = timed(lambda: this_build(copy))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    report = json.loads((copy / '_build' / 'eval_report.json').read_text(encoding='utf-8'))
    executed = [job for job in report['notebooks'] if job['action'] == 'executed']
    return {
        'seconds': seconds,
        'split': time_split_of(copy),
        'pages': len({job['source'] for job in report['notebooks']}),
        'notebooks': len(executed),
        'kernel': sum(job['seconds'] for job in executed),
        'cpu': cpu,
    }


def time_split_of(copy):
    """The time split (goals.time_split) of a copy's last build, from when
    its evaluation ran and when its render worked (pipeline.py writes the
    timeline), or None when the build wrote none."""
    path = copy / '_build' / TIMELINE_FILE
    if not path.exists():
        return None
    timeline = json.loads(path.read_text(encoding='utf-8'))
    try:
        return goals.time_split(timeline['evaluation'], timeline['render'])
    except (KeyError, TypeError, ValueError) as error:
        raise BuildError(
            f'{path}: expected {{"evaluation": [start, end], "render": [[start, end], ...]}} ({error!r})'
        ) from error


def bench_page(project):
    """The page the bench loads and edits, without its suffix: of the pages
    config.ini names, the one with the most code cells of the default tab."""

    def default_tab_cells(source):
        text = source.read_text(encoding='utf-8')
        return sum(
            1
            for cell in source_cells.code_cells(text)
            if project.default_tab in (cell.tab_line() or (None, []))[1]
        )

    page = max(project.notebook_sources(), key=default_tab_cells)
    return project.relative(page).removesuffix('.md')


def row(measure, ours, reference, unit, goal):
    """A components row: the pair, their ratio, the goal and whether it was
    met (goals.row_verdict)."""
    scale = 1000 if unit == 'ms' else 1
    verdict = goals.row_verdict(goal, ours, reference)
    return (
        f'| {measure} | {ours * scale:.{1 if unit == "ms" else 2}f} {unit} '
        f'| {reference * scale:.{1 if unit == "ms" else 2}f} {unit} '
        f'| {goals.ratio(ours, reference):.2f} | {goal}{": " + verdict if verdict else ""} |'
    )
