"""What `make bench` measures inside each framework's environment: the
import time of `d2l.<framework>` against that of the framework modules it
needs, and the book's own measurements (config.ini [bench] in_framework).
Each runs as a script in the environment (in_framework.py, or the book's
own), since the environments hold the framework, not the build's packages."""

import json
import os
import subprocess
from pathlib import Path

from ..frameworks import framework
from ..identity import KERNEL_ENV
from ..report import BuildError
from .runs import row

# The part of the bench that runs inside a framework's environment.
IN_FRAMEWORK = Path(__file__).resolve().parent / 'in_framework.py'

IMPORT_ROUNDS = 7


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
        pairs = [('d2l', d2l_import), ('framework', framework(tab).imports)]
        for name, statement in pairs if index % 2 == 0 else pairs[::-1]:
            times[name].append(float(run_in(project, tab, 'import', statement)))
    return min(times['d2l']), min(times['framework'])


def module_name(project, tab):
    """d2l's module of a tab, from config.ini (e.g. torch for pytorch)."""
    return project.lib_file(tab).stem


def book_benchmarks(project):
    """The book's own scripts that run in each framework's environment
    (config.ini [bench] in_framework), each printing a JSON list of rows
    {measure, ours, reference, unit, goal}."""
    return [
        project.root / name
        for name in project.config.get('bench', 'in_framework', fallback='').split()
    ]


def book_benchmark_rows(project, script, tab):
    result = subprocess.run(
        [str(project.env_python(tab)), str(script), tab],
        cwd=project.root,
        env=dict(framework_env(), PYTHONPATH=str(project.root)),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BuildError(f'{project.relative(script)} {tab} failed:\n{result.stderr[-3000:]}')
    try:
        rows = json.loads(result.stdout.strip().splitlines()[-1])
        return [row(r['measure'], r['ours'], r['reference'], r['unit'], r['goal']) for r in rows]
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise BuildError(
            f'{project.relative(script)} {tab}: its last line is not a JSON list of rows '
            f'{{measure, ours, reference, unit, goal}} ({error})'
        ) from error
