"""`make bench`: time the helpers, the layers and the build against references.

Every figure is a pair measured side by side in this one run, so that the
ratio holds even on a machine shared with other builds:

  - import time of `d2l.<framework>` over importing the framework modules
    that d2l/<framework>.py needs (goal: under 5% more), each in a fresh
    interpreter, alternating, the fastest of several (a neighbour's build
    only ever adds time, and an import's cost is what remains without it);
  - d2l's hand-written MyDense against the framework's built-in dense
    layer plus ReLU, forward and backward, the fastest of alternating rounds
    (see bench/in_framework.py; goal: within 10%);
  - a clean build of the four tabs plus HTML against the plain d2lbook flow
    (`d2lbook build eval --tab X` for every tab, side by side as the old
    driver ran them, then `d2lbook build html --tab all`), each in its own
    throw-away copy of the book (goal: at most half the time); and a
    rebuild of each with nothing changed;
  - the first cell of each framework's Colab notebook on a fresh host that
    already has the book's versions of the framework (only d2l installs;
    goal: 15 s or less) against a bare host, where pip brings the framework
    too (testing/learner_hosts.py; needs `make notebooks dist` first and the
    package index, or pip's cache).

The table is printed and written to _build/bench.md. A benchmark is never a
test: nothing fails on a number.
"""

import concurrent.futures
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..environments import KERNEL_ENV
from ..files import write_atomic
from ..processes import book_env, d2lbook
from ..project import copy_book_sources
from ..report import BuildError

# The part of the bench that runs inside a framework's environment, as a
# script (the environments hold the framework, not the build's packages).
IN_FRAMEWORK = Path(__file__).resolve().parent / 'in_framework.py'
# `book`, as the Makefile runs it.
BOOK_COMMAND = Path(sys.executable).parent / 'book'

TOOLS = Path(__file__).resolve().parent
IMPORT_ROUNDS = 7
# What d2l/<module>.py imports from its framework: the import a reader pays
# anyway. The ratio is the price of the helpers on top of it.
FRAMEWORK_IMPORTS = {
    'pytorch': 'import torch; from torch import nn; from torch.nn import functional',
    'mxnet': 'from mxnet import init, np, npx; from mxnet.gluon import nn',
    'jax': 'import jax; from flax import linen; from jax import numpy',
    'tensorflow': 'import tensorflow',
}
BUILT_IN_LAYER = {
    'pytorch': 'nn.Linear + ReLU',
    'mxnet': "nn.Dense(activation='relu')",
    'jax': 'nn.Dense + relu, jit',
    'tensorflow': "Dense(activation='relu')",
}


def log(message):
    print(f'[bench] {message}', flush=True)


def framework_env():
    return dict(os.environ, **KERNEL_ENV)


def run_in(project, tab, *args):
    result = subprocess.run(
        [str(project.env_python(tab)), str(IN_FRAMEWORK), *args],
        env=framework_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def import_times(project, tab):
    """(seconds of d2l's import, of the framework's own imports): the fastest runs."""
    d2l_import = f'from d2l import {module_name(project, tab)}'
    times = {'d2l': [], 'framework': []}
    for index in range(IMPORT_ROUNDS):
        pairs = [('d2l', d2l_import), ('framework', FRAMEWORK_IMPORTS[tab])]
        for name, statement in pairs if index % 2 == 0 else pairs[::-1]:
            times[name].append(float(run_in(project, tab, 'import', statement)))
    return min(times['d2l']), min(times['framework'])


def module_name(project, tab):
    """d2l's module of a tab, from config.ini (e.g. torch for pytorch)."""
    return project.lib_file(tab).stem


def layer_times(project, tab):
    times = json.loads(run_in(project, tab, 'layers', tab))
    return times['custom'], times['builtin']


# ---------------------------------------------------------------- builds ----


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


def this_build(copy):
    """`make html` of a copy: `book html`, as the Makefile runs it."""
    quiet([str(BOOK_COMMAND), 'html', '--project', str(copy)], copy)


def plain_d2lbook_build(project, copy):
    """The flow this project replaced: d2lbook evaluates every tab (all four
    at once), then merges and renders."""

    def evaluate(tab):
        env = book_env(tab)
        quiet(d2lbook('eval', '--tab', tab), copy, env)

    # All tabs at once, as the old driver ran them; the first failure is raised.
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(project.tabs)) as pool:
        list(pool.map(evaluate, project.tabs))
    quiet(d2lbook('html', '--tab', 'all'), copy, book_env(project.default_tab))


def build_times(project):
    with tempfile.TemporaryDirectory(prefix='bench-') as scratch:
        plain = copy_book_sources(project.root, Path(scratch) / 'plain')
        ours = copy_book_sources(project.root, Path(scratch) / 'ours')
        log('clean build, plain d2lbook flow ...')
        plain_clean = timed(lambda: plain_d2lbook_build(project, plain))
        log('clean build, this build ...')
        ours_clean = timed(lambda: this_build(ours))
        log('rebuild with nothing changed, both ...')
        ours_again = timed(lambda: this_build(ours))
        plain_again = timed(lambda: plain_d2lbook_build(project, plain))
    return (ours_clean, plain_clean), (ours_again, plain_again)


def first_cell_times(project):
    """{tab: (seconds with the framework preinstalled, seconds on a bare host)}."""
    from ..testing import learner_hosts

    return learner_hosts.first_cell_seconds(project)


# ----------------------------------------------------------------- table ----


def row(measure, ours, reference, unit, goal):
    scale = 1000 if unit == 'ms' else 1
    return (
        f'| {measure} | {ours * scale:.{1 if unit == "ms" else 2}f} {unit} '
        f'| {reference * scale:.{1 if unit == "ms" else 2}f} {unit} '
        f'| {ours / reference:.2f} | {goal} |'
    )


def main(project):
    try:
        return measure_and_report(project)
    except subprocess.CalledProcessError as error:
        raise BuildError(f'bench failed: {error}') from error


def measure_and_report(project):
    tabs = project.tabs
    rows = []
    for tab in tabs:
        log(f'import time of d2l.{module_name(project, tab)} ...')
        ours, reference = import_times(project, tab)
        rows.append(
            row(
                f'`import d2l.{module_name(project, tab)}` vs `{FRAMEWORK_IMPORTS[tab]}`',
                ours,
                reference,
                's',
                '< 1.05',
            )
        )
    for tab in tabs:
        log(f'MyDense vs the built-in dense layer, {tab} ...')
        ours, reference = layer_times(project, tab)
        rows.append(
            row(
                f'{tab}: MyDense vs {BUILT_IN_LAYER[tab]}, fwd+bwd, '
                '256×1024→1024 f32 CPU, per step',
                ours,
                reference,
                'ms',
                '≤ 1.10',
            )
        )
    clean, unchanged = build_times(project)
    rows.append(row('clean build, 4 tabs + HTML, vs plain d2lbook', *clean, 's', '≤ 0.50'))
    rows.append(
        row('rebuild with nothing changed, vs plain d2lbook', *unchanged, 's', 'a few seconds')
    )
    log('first cell of the Colab notebooks, framework there vs a bare host ...')
    for tab, (with_framework, bare) in first_cell_times(project).items():
        rows.append(
            row(
                f'{tab}: first cell, host with the framework vs a bare host',
                with_framework,
                bare,
                's',
                '≤ 15 s',
            )
        )
    load = ', '.join(f'{x:.1f}' for x in os.getloadavg())
    table = '\n'.join(
        [
            '# make bench',
            '',
            f'{datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, '
            f'load average {load} at the end. Each pair was measured side by side in this run; '
            'ratio = this project / reference.',
            '',
            '| measure | this project | reference | ratio | goal |',
            '|---|---|---|---|---|',
            *rows,
            '',
        ]
    )
    print('\n' + table)
    write_atomic(project.build_dir / 'bench.md', table)
    log(f'written to {project.relative(project.build_dir / "bench.md")}')
    return 0
