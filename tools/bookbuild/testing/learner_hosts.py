"""Fresh hosts on which the learners' notebooks run as delivered.

Two kinds of host:
- a bare host: a new virtual environment with the machine's Python and
  ipykernel, nothing else, like a new Jupyter kernel on a laptop;
- a replica of a host learners use (Colab's runtimes, SageMaker
  Distribution, Kaggle): the framework stack that host preinstalls, copied
  from its own published manifest (requirements/hosts/<name>.txt, read by
  host_manifest.py), on the manifest's Python (pyenv's, on the book's
  machines). A replica is built once per manifest, in the machine's cache
  beside pip's (`replica_cache()`), and reused by every clone of the book
  while the manifest is unchanged; each framework's notebooks run on a
  hard-link copy of it, so that what one notebook installs never reaches
  the next. A Colab-like replica's kernel imports NumPy when it
  starts, as Colab's does.

Each notebook runs verbatim, top to bottom and first cell included, in a
kernel of the host's Python. If its first cell asks for a restart (it had to
replace a package the kernel had loaded), the notebook runs once more in a
new kernel, as a learner would after restarting. The one redirection: pip
also looks in _build/dist/ for the d2l package, which is not on the package
index yet (PIP_FIND_LINKS, added to the machine's own find-links). Every
host's pip uses the machine's one pip cache.

The hosts run the hosted notebooks of every page that has code in the
host's framework (`learner_pages`), in config.ini's order of the pages: the
notebooks come from the project, never from a list of pages here.

The tests (tests/learners/) run the hosts of `plans(project)`, and `make
bench` those of `first_cell_plans(project, ...)`: one process per host, as
many at once as processes.at_once allows for heavy work. LEARNER_HOSTS,
comma-separated fnmatch patterns over the hosts' names (`bare-jax`,
`sagemaker-4.4-*`), selects some of them. A host's process writes a JSON
report: the versions installed before and after the notebooks, and for each
notebook its error, if any, the `text/plain` results of its code cells, how
long its first cell took and whether it ran again after a restart.

Runs in .venv/book (it uses nbclient). The tests' session fixture calls
`run_plans(project, plans(project), ...)` and `make bench` calls
`first_cell_seconds(project)`; each host runs in a process of its own:
  .venv/book/bin/python -m bookbuild.testing.learner_hosts HOST_DIR REPORT PYTHON \
      [--preinstall FILE | --replica DIR] [--import-at-start MODULE] \
      [--find-links DIR] NOTEBOOK ...
"""

import argparse
import concurrent.futures
import datetime
import fcntl
import fnmatch
import glob
import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from ..frameworks import framework
from ..languages import EDITIONS
from ..processes import at_once
from ..progress import duration, run_with_progress
from . import host_manifest

# A cell may download and install a framework; nothing else takes minutes.
CELL_TIMEOUT = 1200


@dataclass(frozen=True)
class Notebook:
    """One notebook as a learner gets it: a page (its path under the variant's
    folder, without suffix) of one framework, in one variant (`plain`,
    `colab`, `sagemaker`), of one edition."""

    page: str
    tab: str
    variant: str
    lang: str = 'en'

    def path(self, project):
        return project.reader_notebooks(self.variant, self.tab, self.lang) / f'{self.page}.ipynb'

    @property
    def name(self):
        """How a report names it: `jax/colab/<page>.ipynb` for English,
        `ko/notebooks/jax/colab/<page>.ipynb` for an edition (its path under
        _build/notebooks/ or _build/)."""
        english = f'{self.tab}/{self.variant}/{self.page}.ipynb'
        return english if self.lang == 'en' else f'{self.lang}/notebooks/{english}'

    def plain(self):
        """The English executed notebook of the same page: the book's outputs,
        which an edition's notebook shares (its code is the English code)."""
        return Notebook(self.page, self.tab, 'plain')


def has_code(path):
    """Whether a notebook file exists and has a code cell."""
    try:
        cells = json.loads(path.read_text(encoding='utf-8'))['cells']
    except FileNotFoundError:
        return False
    return any(cell['cell_type'] == 'code' for cell in cells)


def learner_pages(project, tab, variant='colab', lang='en'):
    """The pages (paths without suffix) whose notebook of this framework, in
    this hosted variant and edition, has code, in config.ini's order of the
    pages (Project.notebook_sources): the notebooks a learner of that
    framework runs. A notebook without code has no first cell to set up."""
    pages = [
        str(Path(project.relative(source)).with_suffix('')) for source in project.notebook_sources()
    ]
    return [page for page in pages if has_code(Notebook(page, tab, variant, lang).path(project))]


def edition_notebooks(project):
    """{tab: (edition, variant)}: the edition's notebook of the first page that
    the bare host of each framework runs too. The frameworks take the
    editions and the hosted variants in turn, so that every edition is run in
    both variants once there are frameworks enough."""
    if not EDITIONS:
        return {}
    variants = host_manifest.HOSTED_VARIANTS
    return {
        tab: (EDITIONS[i % len(EDITIONS)], variants[(i // len(EDITIONS)) % len(variants)])
        for i, tab in enumerate(project.tabs)
    }


@dataclass(frozen=True)
class HostPlan:
    """One fresh host and the notebooks it runs (Notebook), in order: a bare
    host, one with `preinstall` installed, or a copy of a replica's
    environment."""

    name: str
    tab: str
    python: str
    notebooks: tuple
    preinstall: Path = None
    replica: host_manifest.HostManifest = None


def python_of(version):
    """An interpreter of this version ('3.12'), or None: pyenv's, or one on
    PATH that runs. The replicas run on their hosts' Python."""
    candidates = sorted(
        glob.glob(os.path.expanduser(f'~/.pyenv/versions/{version}*/bin/python{version}'))
    )
    candidates += filter(None, [shutil.which(f'python{version}')])
    for candidate in candidates:
        if subprocess.run([candidate, '--version'], capture_output=True).returncode == 0:
            return candidate
    return None


def replicas(project):
    """The hosts learners use, from their manifests (requirements/hosts/)."""
    return host_manifest.hosts(project.requirements / 'hosts')


def hosted(project, variant, tab):
    """Every learner page of a framework in one hosted variant."""
    return tuple(Notebook(page, tab, variant) for page in learner_pages(project, tab, variant))


def bare_notebooks(project, tab):
    """What the bare host of a framework runs: the first page's Colab
    notebook, then its SageMaker one (their first cells are the same, which
    a test checks), then the other pages' Colab notebooks, then the first
    page in one edition (edition_notebooks)."""
    colab = hosted(project, 'colab', tab)
    if not colab:
        return ()
    first = colab[0]
    edition = edition_notebooks(project).get(tab)
    return (
        first,
        Notebook(first.page, tab, 'sagemaker'),
        *colab[1:],
        *([Notebook(first.page, tab, edition[1], edition[0])] if edition else []),
    )


def plans(project, python=None):
    """Every host the learners' tests run (those LEARNER_HOSTS selects):

    - bare-<tab>: bare_notebooks;
    - <replica>-<tab>, for each host's manifest and each framework that
      installs on the host's Python: every learner page in the variant that
      host opens (its `variant`), on a copy of the replica. Where the framework
      cannot install (MXNet from Python 3.12 on, frameworks.py's
      python_below), the first cell stops at once and installs nothing,
      whatever the host has: tests/unit/test_install_cell.py shows it.
    """
    python = python or sys_python()
    result = [
        HostPlan(f'bare-{tab}', tab, python, bare_notebooks(project, tab)) for tab in project.tabs
    ]
    for host in replicas(project):
        interpreter = python_of(host.python) or ''
        for tab in project.tabs:
            if not installs_on(tab, host.python):
                continue
            result.append(
                HostPlan(
                    f'{host.name}-{tab}',
                    tab,
                    interpreter,
                    hosted(project, host.variant, tab),
                    replica=host,
                )
            )
    names = [plan.name for plan in result]
    for pattern in patterns():
        if not any(fnmatch.fnmatchcase(name, pattern) for name in names):
            raise ValueError(f'LEARNER_HOSTS: {pattern!r} names no host ({len(result)} hosts)')
    return selected(result)


def installs_on(tab, python):
    """Whether the framework of a tab can be installed on this Python ('3.12')."""
    below = framework(tab).python_below
    return below is None or Version(python) < Version(below)


def patterns():
    return [p.strip() for p in os.environ.get('LEARNER_HOSTS', '').split(',') if p.strip()]


def is_selected(name):
    """Whether LEARNER_HOSTS selects this host (every host without it)."""
    return not patterns() or any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns())


def selected(all_plans):
    return [plan for plan in all_plans if is_selected(plan.name)]


def sys_python():
    """The interpreter the book's environments are made from (not a venv's)."""
    return str(
        Path(sys.base_prefix) / 'bin' / f'python{sys.version_info.major}.{sys.version_info.minor}'
    )


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


# ------------------------------------------------------------- one host ----


def installed(python):
    """{distribution: version} of everything installed for this interpreter."""
    script = (
        'import importlib.metadata as m, json; print(json.dumps('
        '{d.metadata["Name"].lower().replace("_", "-"): d.version for d in m.distributions()}))'
    )
    # Isolated (-I): the current folder, which may hold the repository's own
    # <package>.egg-info (the d2l package's, from config.ini), is not on the path.
    result = subprocess.run(
        [str(python), '-I', '-c', script], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


# How a host's process marks the lines run_plans shows: the rest of its
# output (pip's, for one) is kept for the report of a host that failed.
PROGRESS_MARK = '>> '


def report_progress(line):
    print(f'{PROGRESS_MARK}{line}', flush=True)


def make_env(folder, python, packages, compile_all=False, say=report_progress):
    """A new virtual environment at folder with ipykernel and packages;
    returns its Python.

    Without compile_all, pip installs with --no-compile: Python compiles
    what the notebooks import when they import it, which is a small part of
    a framework, and compiling all of it up front took about 40% of a bare
    host's set-up. A replica compiles everything once, since each of its
    copies would otherwise compile its framework's imports again. (The
    notebooks' own first cell installs with pip's defaults, as a learner's
    does.) say() hears what pip is on every 20 s or so (progress.py); by
    default, the host's process marks the line for run_plans."""
    subprocess.run([python, '-m', 'venv', str(folder)], check=True)
    host_python = folder / 'bin' / 'python'
    output = []
    code = run_with_progress(
        [str(host_python), '-m', 'pip', 'install', '--progress-bar', 'off']
        + ([] if compile_all else ['--no-compile'])
        + ['ipykernel', *packages],
        'installing',
        say,
        kept=output,
    )
    if code != 0:
        raise RuntimeError('setting up the host failed:\n' + '\n'.join(output)[-3000:])
    return host_python


def python_version(python):
    return subprocess.run(
        [str(python), '--version'], capture_output=True, text=True, check=True
    ).stdout.strip()


def replica_cache():
    """Where the replicas are kept: in the machine's cache, beside pip's
    ($XDG_CACHE_HOME/bookbuild/hosts, ~/.cache by default), so that every
    clone of the book on the machine reuses them, as it reuses pip's."""
    base = os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache')
    return Path(base) / 'bookbuild' / 'hosts'


# Changes with the way a replica is built, so that a new way builds anew.
REPLICA_RECIPE = 'ipykernel and the manifest, compiled; 1'
# A replica's folder after its host's name: the digest, and `.partial` while it is built.
REPLICA_NAME = re.compile(r'[0-9a-f]{12}(\.partial)?')


def build_replica(host, python, say=print):
    """The replica of a host: its manifest's packages in an environment of
    its Python, in replica_cache()/<name>-<digest>/, where the digest is that
    of what it is built from (the Python's version, the manifest's packages,
    REPLICA_RECIPE; replica.json holds them). It is built once and reused
    while those stay the same; a new one is built beside it and moved in
    place when complete, so that a failed or interrupted build never looks
    like a replica. A lock on the host's name keeps two clones of the book
    from building it at once. The host's replicas that no run has used for
    a week are removed. Returns (folder, seconds spent building: 0 when
    reused)."""
    built_from = json.dumps(
        {
            'python': python_version(python),
            'packages': list(host.requirements),
            'recipe': REPLICA_RECIPE,
        },
        indent=1,
    )
    digest = hashlib.sha256(built_from.encode()).hexdigest()[:12]
    cache = replica_cache()
    folder = cache / f'{host.name}-{digest}'
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / f'{host.name}.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        seconds = 0.0
        if not (folder / 'replica.json').exists():
            started = time.monotonic()
            partial = folder.with_name(f'{folder.name}.partial')
            shutil.rmtree(partial, ignore_errors=True)
            try:
                partial.mkdir()
                make_env(partial / 'env', python, host.requirements, compile_all=True, say=say)
                (partial / 'replica.json').write_text(built_from)
                shutil.rmtree(folder, ignore_errors=True)
                partial.rename(folder)
            finally:
                shutil.rmtree(partial, ignore_errors=True)
            seconds = round(time.monotonic() - started, 1)
        os.utime(folder / 'replica.json')  # when a run last used it
        week_ago = time.time() - 7 * 24 * 3600
        for old in cache.glob(f'{host.name}-*'):
            stamp = old / 'replica.json'
            unused = not stamp.exists() or stamp.stat().st_mtime < week_ago
            if old != folder and REPLICA_NAME.fullmatch(old.name[len(host.name) + 1 :]) and unused:
                shutil.rmtree(old, ignore_errors=True)
    return folder, seconds


def copy_replica(replica, folder):
    """A pristine copy of a replica's environment at folder/env: hard links
    to its files (pip and Python replace files, never write into them), and
    its scripts pointed at the copy's Python. Returns that Python."""
    env = folder / 'env'
    linked = subprocess.run(['cp', '-al', str(replica / 'env'), str(env)], capture_output=True)
    if linked.returncode != 0:  # the cache is on another file system: copy
        print(f'cannot hard-link {replica} into {folder}: copying it', file=sys.stderr)
        shutil.rmtree(env, ignore_errors=True)
        subprocess.run(['cp', '-a', str(replica / 'env'), str(env)], check=True)
    host_python = env / 'bin' / 'python'
    for script in (env / 'bin').iterdir():
        if script.is_symlink() or not script.is_file():
            continue
        text = script.read_bytes()
        first, newline, rest = text.partition(b'\n')
        if first.startswith(b'#!') and b'/bin/python' in first:
            mode = script.stat().st_mode
            script.unlink()  # a new file: the replica's stays as it is
            script.write_bytes(b'#!' + bytes(host_python) + newline + rest)
            script.chmod(mode)
    return host_python


def write_kernel_spec(folder, host_python, import_at_start=(), links=''):
    """A kernel spec under folder/kernels that starts the host's Python,
    importing import_at_start first (Colab's kernel imports NumPy), with
    pip's find-links set to `links` (find_links)."""
    spec_dir = folder / 'kernels' / 'kernels' / 'python3'
    spec_dir.mkdir(parents=True)
    argv = [str(host_python), '-m', 'ipykernel_launcher', '-f', '{connection_file}']
    argv += [f'--InteractiveShellApp.exec_lines=import {module}' for module in import_at_start]
    spec = {
        'argv': argv,
        'display_name': f'Python 3 ({folder.name})',
        'language': 'python',
        'env': {
            'PIP_FIND_LINKS': links,
            'PATH': f'{host_python.parent}{os.pathsep}{os.environ["PATH"]}',
        },
    }
    (spec_dir / 'kernel.json').write_text(json.dumps(spec, indent=2))


def seconds_of(cell):
    timing = cell.metadata.get('execution', {})
    start, end = timing.get('iopub.execute_input'), timing.get('shell.execute_reply')
    if not (start and end):
        return None
    return (parse_time(end) - parse_time(start)).total_seconds()


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))


def failed_cell(notebook, failure):
    """Where and how a run stopped: the number of the code cell (from 0),
    its exception, and what it printed before raising."""
    code = [cell for cell in notebook.cells if cell.cell_type == 'code']
    for number, cell in enumerate(code):
        errors = [o for o in cell.get('outputs', []) if o.output_type == 'error']
        if errors:
            printed = ''.join(o.get('text', '') for o in cell.outputs if o.output_type == 'stream')
            return {
                'cell': number,
                'ename': errors[0].ename,
                'evalue': errors[0].evalue,
                'printed': printed[-4000:],
            }
    return {
        'cell': None,
        'ename': type(failure).__name__,
        'evalue': str(failure)[:2000],
        'printed': '',
    }


def run_notebook(path, workdir):
    """Run one notebook verbatim in the host's kernel; return its report."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    # The delivered notebooks carry the book's outputs; "Run all" replaces
    # them, and what ran is what has a new execution count.
    for cell in notebook.cells:
        if cell.cell_type == 'code':
            cell.outputs, cell.execution_count = [], None
    client = NotebookClient(
        notebook,
        kernel_name='python3',
        timeout=CELL_TIMEOUT,
        record_timing=True,
        resources={'metadata': {'path': str(workdir)}},
    )
    error = None
    started = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as failure:
        error = failed_cell(notebook, failure)
    code = [cell for cell in notebook.cells if cell.cell_type == 'code']
    return {
        'notebook': str(path),  # run_plans names it (Notebook.name)
        'seconds': round(time.monotonic() - started, 1),
        'error': error,
        'ran': [bool(cell.get('execution_count')) for cell in code],
        'first_cell_seconds': seconds_of(code[0]) if code else None,
        'results': [
            [
                o.data['text/plain']
                for o in cell.get('outputs', [])
                if o.output_type == 'execute_result'
            ]
            for cell in code
        ],
    }


# What the first cell raises when it replaced a package the kernel had
# loaded (forms/notebooks.py): a learner restarts and runs the notebook again.
RESTART = 'Restart the runtime'


def run_host(
    folder, python, notebooks, preinstall=None, replica=None, import_at_start=(), links=''
):
    started = time.monotonic()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if replica:
        host_python = copy_replica(replica, folder)
    else:
        packages = ['-r', str(preinstall)] if preinstall else []
        host_python = make_env(folder / 'env', python, packages)
    write_kernel_spec(folder, host_python, import_at_start, links)
    report = {
        'python': python_version(host_python),
        'setup_seconds': round(time.monotonic() - started, 1),
        'before': installed(host_python),
        'notebooks': [],
    }
    os.environ['JUPYTER_PATH'] = str(folder / 'kernels')
    report_progress(f'ready in {duration(report["setup_seconds"])} ({report["python"]})')
    for path in notebooks:
        workdir = folder / 'work'
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir()
        name = '/'.join(Path(path).parts[-3:])
        report_progress(f'{name}: running')
        run = run_notebook(path, workdir)
        if run['error'] and run['error']['cell'] == 0 and RESTART in run['error']['evalue']:
            run = dict(run_notebook(path, workdir), restarted_after=run)
        report['notebooks'].append(run)
        outcome = f'failed at cell {run["error"]["cell"]}' if run['error'] else 'ran'
        report_progress(f'{name}: {outcome} in {duration(run["seconds"])}')
        if run['error']:
            break
    report['after'] = installed(host_python)
    return report


# ------------------------------------------------------------ many hosts ----


def learner_environment():
    """This process's environment without what the build sets for its own
    kernels (TensorFlow's log and oneDNN settings) or for finding code and
    kernels: a host's kernel starts as a learner's would."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith('TF_') and name not in {'PYTHONPATH', 'JUPYTER_PATH'}
    }


def named(report, notebooks):
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
            __spec__.name,
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
        report = named(json.loads(report_path.read_text()), plan.notebooks)
        if plan.replica:
            report['replica'], report['replica_seconds'] = str(replica), replica_seconds
        return plan.name, report

    # Each host's first plan before any host's second, so that the hosts'
    # replicas are built side by side, not one after another; TensorFlow,
    # which takes longest to install on a bare host, first.
    by_host = {}
    for plan in sorted(to_run, key=lambda plan: plan.tab != 'tensorflow'):
        by_host.setdefault(plan.replica.name if plan.replica else plan.name, []).append(plan)
    ordered = [plan for row in itertools.zip_longest(*by_host.values()) for plan in row if plan]
    with concurrent.futures.ThreadPoolExecutor(max_workers=at_once(heavy=True)) as pool:
        return dict(pool.map(one, ordered))


def first_cell_plans(project, folder):
    """For `make bench`: per framework, a host that already has the book's
    versions of it, and a bare host; each runs the Colab notebook of the
    first learner page."""
    result = []
    for tab in project.tabs:
        requirements = project.reader_notebooks('plain', tab) / 'requirements.txt'
        requirements = requirements.read_text().splitlines()
        preinstall = folder / f'{tab}-framework.txt'
        preinstall.parent.mkdir(parents=True, exist_ok=True)
        preinstall.write_text(
            '\n'.join(line for line in requirements if line and not line.startswith(('#', 'd2l')))
            + '\n'
        )
        notebook = hosted(project, 'colab', tab)[:1]
        result.append(HostPlan(f'bench-with-{tab}', tab, sys_python(), notebook, preinstall))
        result.append(HostPlan(f'bench-bare-{tab}', tab, sys_python(), notebook))
    return result


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('host_dir', type=Path)
    parser.add_argument('report', type=Path)
    parser.add_argument('python')
    where = parser.add_mutually_exclusive_group()
    where.add_argument('--preinstall', type=Path)
    where.add_argument('--replica', type=Path)
    parser.add_argument('--import-at-start', action='append', default=[])
    parser.add_argument('--find-links', default='', help="pip's find-links in the kernels")
    parser.add_argument('notebooks', nargs='+', type=Path)
    args = parser.parse_args(argv)
    report = run_host(
        args.host_dir.resolve(),
        args.python,
        [path.resolve() for path in args.notebooks],
        args.preinstall,
        args.replica,
        args.import_at_start,
        args.find_links,
    )
    args.report.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main())
