"""Fresh hosts on which the learners' notebooks run as delivered: the run of
many hosts at once.

Two kinds of host (host_plans.py says which run and what each runs):
- a bare host: a new virtual environment with the machine's Python and
  ipykernel, nothing else, like a new Jupyter kernel on a laptop;
- a replica of a host learners use (Colab's runtimes, SageMaker
  Distribution, Kaggle): the framework stack that host preinstalls, copied
  from its own published manifest (host_envs.py builds it once and copies
  it for each framework).

The tests (tests/learners/) run the hosts of `host_plans.plans(project)`,
and `make bench` those of `host_plans.first_cell_plans(project, ...)`: one
process per host (host_worker.py), as many at once as processes.at_once
allows for heavy work. Every host's pip uses the machine's one pip cache.
The tests' session fixture calls `run_plans(project, plans(project), ...)`
and `make bench` calls `first_cell_seconds(project)`. Runs in .venv/book.
"""

import concurrent.futures
import itertools
import json
import os
import shutil
import subprocess
import sys
import threading
import time

from ..frameworks import framework
from ..processes import at_once
from ..progress import duration, run_with_progress
from . import host_worker
from .host_envs import PROGRESS_MARK, build_replica
from .host_plans import first_cell_plans


def find_links(project):
    """The machine's own find-links, with the project's _build/dist/ added."""
    own = os.environ.get('PIP_FIND_LINKS')
    if own is None:
        result = subprocess.run(
            [sys.executable, '-m', 'pip', 'config', 'get', 'global.find-links'],
            capture_output=True,
            text=True,
        )
        own = result.stdout.strip() if result.returncode == 0 else ''
    return ' '.join(filter(None, [own, str(project.build_dir / 'dist')]))


def learner_environment():
    """This process's environment without what the build sets for its own
    kernels (TensorFlow's log and oneDNN settings) or for finding code and
    kernels: a host's kernel starts as a learner's would."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith('TF_') and name not in {'PYTHONPATH', 'JUPYTER_PATH'}
    }


def with_notebook_names(report, notebooks):
    """The report with each notebook's run named as Notebook.name names it
    (the host's process knows paths only; it stops after a failed notebook,
    so its runs are the first of the plan's notebooks)."""
    for run, notebook in zip(report['notebooks'], notebooks):
        run['notebook'] = notebook.name
        if 'restarted_after' in run:
            run['restarted_after']['notebook'] = notebook.name
    return report


def run_plans(project, to_run, folder, log=print):
    """Run each plan's host in its own process, as many at once as
    processes.at_once allows for heavy work; return {name: report}. A
    replica is built (or found built) before the first of its plans runs. A
    host that could not even start reports why. log() hears each host's
    progress, each line starting with the host's name (the learners' suite
    prefixes its lines with [learners] itself)."""
    folder.mkdir(parents=True, exist_ok=True)
    links = find_links(project)
    building = {plan.replica.name: threading.Lock() for plan in to_run if plan.replica}

    def one(plan):
        if not plan.python:
            return plan.name, {'setup_error': 'no interpreter for this host on this machine'}
        host_dir, report_path = folder / plan.name, folder / f'{plan.name}.json'
        report_path.unlink(missing_ok=True)
        started = time.monotonic()
        host = []
        if plan.replica:
            try:
                with building[plan.replica.name]:
                    replica, replica_seconds = build_replica(
                        plan.replica,
                        plan.python,
                        lambda line: log(f'replica of {plan.replica.name}: {line}'),
                    )
            except (RuntimeError, subprocess.CalledProcessError) as failure:
                return plan.name, {'setup_error': f'building the replica failed: {failure}'}
            host = ['--replica', str(replica)]
            if plan.replica.variant == 'colab':
                host += ['--import-at-start', 'numpy']
        elif plan.preinstall:
            host = ['--preinstall', str(plan.preinstall)]
        cmd = [
            sys.executable,
            '-m',
            host_worker.__name__,
            str(host_dir),
            str(report_path),
            plan.python,
            *host,
            '--find-links',
            links,
            *(str(notebook.path(project)) for notebook in plan.notebooks),
        ]
        label = plan.name

        def shown(line):
            if not line.startswith(PROGRESS_MARK):
                return False
            log(f'{label}: {line[len(PROGRESS_MARK) :]}')
            return True

        output = []
        log(f'{label}: creating the host ({len(plan.notebooks)} notebook(s) to run)')
        code = run_with_progress(
            cmd, label, log, echo=shown, kept=output, env=learner_environment()
        )
        log(f'{label}: done in {duration(time.monotonic() - started)}')
        if code != 0 or not report_path.exists():
            return plan.name, {'setup_error': '\n'.join(output)[-4000:]}
        shutil.rmtree(host_dir, ignore_errors=True)  # several GB of frameworks each
        report = with_notebook_names(json.loads(report_path.read_text()), plan.notebooks)
        if plan.replica:
            report['replica'], report['replica_seconds'] = str(replica), replica_seconds
        return plan.name, report

    # Each host's first plan before any host's second, so that the hosts'
    # replicas are built side by side, not one after another; the slowest
    # install first.
    by_host = {}
    # The plans of the framework that takes longest to install on a bare host
    # (frameworks.py's slowest_install) start first: the replicas are built
    # side by side.
    for plan in sorted(to_run, key=lambda plan: not framework(plan.tab).slowest_install):
        by_host.setdefault(plan.replica.name if plan.replica else plan.name, []).append(plan)
    ordered = [plan for row in itertools.zip_longest(*by_host.values()) for plan in row if plan]
    with concurrent.futures.ThreadPoolExecutor(max_workers=at_once(heavy=True)) as pool:
        return dict(pool.map(one, ordered))


def first_cell_seconds(project):
    """For `make bench`: {tab: [seconds with the framework there, seconds on
    a bare host]}."""
    folder = project.build_dir / 'bench-first-cell-hosts'
    to_run = first_cell_plans(project, folder)
    reports = run_plans(project, to_run, folder, log=lambda message: None)
    seconds = {}
    for plan in to_run:
        report = reports[plan.name]
        if 'setup_error' in report or report['notebooks'][0]['error']:
            raise RuntimeError(
                f'{plan.name}: {report.get("setup_error") or report["notebooks"][0]["error"]}'
            )
        seconds.setdefault(plan.tab, []).append(report['notebooks'][0]['first_cell_seconds'])
    shutil.rmtree(folder, ignore_errors=True)
    return seconds
