"""Fresh hosts on which the learners' notebooks run as delivered.

A host is a new virtual environment with a Python and ipykernel, nothing
else (a bare host, like a new Jupyter or SageMaker kernel), or with the
book's floor versions of a framework preinstalled, or Colab 2026.07's on
Python 3.12 (Colab-like hosts, as Colab preinstalls its own;
requirements/floor/ and requirements/colab-2026.07/). Each notebook runs
verbatim, top to bottom and first cell included, in a kernel of the host's
Python. The one redirection: pip also looks in _build/dist/ for the d2l
package, which is not on the package index yet (PIP_FIND_LINKS, added to the
machine's own find-links).

The tests (tests/learners/) run the hosts of `plans()`, and `make bench`
those of `first_cell_plans()`: one process per host, two at a time on this
machine's two cores. A host's process writes a JSON report: the versions installed before and after the
notebooks, and for each notebook its error, if any, the `text/plain`
results of its code cells, and how long its first cell took.

Runs in .venv/book (it uses nbclient). The tests' session fixture calls
`run_plans(plans(), ...)` and `make bench` calls `first_cell_seconds`; each
host runs in a process of its own:
  .venv/book/bin/python -m bookbuild.testing.learner_hosts HOST_DIR REPORT PYTHON \
      [--preinstall FILE] NOTEBOOK ...
"""

import argparse
import concurrent.futures
import datetime
import glob
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..project import Project

PROJECT = Project()
NOTEBOOKS = PROJECT.build_dir / 'notebooks'
DIST = PROJECT.build_dir / 'dist'
FLOORS = PROJECT.requirements / 'floor'
# Hosts like Colab's runtime 2026.07, on its Python.
COLAB_2026 = PROJECT.requirements / 'colab-2026.07'
SECTION = 'chapter_builders-guide/custom-layer.ipynb'
ANSWERS = 'chapter_builders-guide/custom-layer-answers.ipynb'
# The editions' notebooks that the bare hosts run too, one per framework,
# in both editions and both hosted forms: (edition, form) per framework.
EDITION_NOTEBOOKS = {
    'pytorch': ('ko', 'colab'),
    'mxnet': ('pt', 'sagemaker'),
    'jax': ('pt', 'colab'),
    'tensorflow': ('ko', 'sagemaker'),
}


def edition_notebook(tab):
    lang, variant = EDITION_NOTEBOOKS[tab]
    return PROJECT.build_dir / lang / 'notebooks' / tab / variant / SECTION


def report_name(path):
    """How a report names a notebook: under _build/notebooks/ for English
    (`jax/colab/...`), under _build/ for an edition (`ko/notebooks/...`)."""
    for root in (NOTEBOOKS, PROJECT.build_dir):
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return path.name


# A cell may download and install a framework; nothing else takes minutes.
CELL_TIMEOUT = 1200


@dataclass(frozen=True)
class HostPlan:
    """One fresh host and the notebooks it runs, in order."""

    name: str
    tab: str
    python: str
    notebooks: tuple
    preinstall: Path = None


def python_of(version):
    """An interpreter of this version ('3.12'), or None: pyenv's, or one on
    PATH that runs. Colab runs Python 3.12 and later, so hosts of it run
    there, and the MXNet notebooks must refuse it."""
    candidates = sorted(
        glob.glob(os.path.expanduser(f'~/.pyenv/versions/{version}*/bin/python{version}'))
    )
    candidates += filter(None, [shutil.which(f'python{version}')])
    for candidate in candidates:
        if subprocess.run([candidate, '--version'], capture_output=True).returncode == 0:
            return candidate
    return None


def tabs():
    return PROJECT.tabs


def plans(python=None):
    """Every host the learners' tests run.

    - bare-<tab>: the Colab notebook, then the SageMaker one (their first
      cells are the same, which a test checks), then the Colab answers page,
      then the section in one edition (EDITION_NOTEBOOKS);
    - floor-<tab>, for each framework with a floor file: the section and the
      answers page at the floor versions (Colab 2025.07's, on Python 3.11),
      where the first cell must install no framework;
    - colab-2026.07-<tab>: the same on Python 3.12 with what Colab's runtime
      2026.07 preinstalls;
    - mxnet-python3.12: the MXNet notebook must stop in its first cell.
    """
    python = python or sys_python()
    python312 = python_of('3.12') or ''
    result = []
    for tab in tabs():
        result.append(
            HostPlan(
                f'bare-{tab}',
                tab,
                python,
                (
                    NOTEBOOKS / tab / 'colab' / SECTION,
                    NOTEBOOKS / tab / 'sagemaker' / SECTION,
                    NOTEBOOKS / tab / 'colab' / ANSWERS,
                    *([edition_notebook(tab)] if tab in EDITION_NOTEBOOKS else []),
                ),
            )
        )
        section_and_answers = (
            NOTEBOOKS / tab / 'colab' / SECTION,
            NOTEBOOKS / tab / 'colab' / ANSWERS,
        )
        for name, folder, interpreter in [
            ('floor', FLOORS, python),
            ('colab-2026.07', COLAB_2026, python312),
        ]:
            preinstall = folder / f'{tab}.txt'
            if preinstall.exists():
                result.append(
                    HostPlan(
                        f'{name}-{tab}',
                        tab,
                        interpreter,
                        section_and_answers,
                        preinstall=preinstall,
                    )
                )
    if 'mxnet' in tabs():
        result.append(
            HostPlan(
                'mxnet-python3.12', 'mxnet', python312, (NOTEBOOKS / 'mxnet' / 'colab' / SECTION,)
            )
        )
    return result


def sys_python():
    """The interpreter the book's environments are made from (not a venv's)."""
    return str(
        Path(sys.base_prefix) / 'bin' / f'python{sys.version_info.major}.{sys.version_info.minor}'
    )


def find_links():
    """The machine's own find-links, with _build/dist/ added."""
    own = os.environ.get('PIP_FIND_LINKS')
    if own is None:
        result = subprocess.run(
            [sys.executable, '-m', 'pip', 'config', 'get', 'global.find-links'],
            capture_output=True,
            text=True,
        )
        own = result.stdout.strip() if result.returncode == 0 else ''
    return ' '.join(filter(None, [own, str(DIST)]))


# ------------------------------------------------------------- one host ----


def installed(python):
    """{distribution: version} of everything installed for this interpreter."""
    script = (
        'import importlib.metadata as m, json; print(json.dumps('
        '{d.metadata["Name"].lower().replace("_", "-"): d.version for d in m.distributions()}))'
    )
    # Isolated (-I): the current folder, which may hold the repository's own
    # d2l_custom_layers.egg-info, is not on the path.
    result = subprocess.run(
        [str(python), '-I', '-c', script], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def make_host(folder, python, preinstall=None):
    """A new virtual environment with ipykernel (and the preinstalled
    packages), and a kernel spec that starts its Python."""
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([python, '-m', 'venv', str(folder / 'env')], check=True)
    host_python = folder / 'env' / 'bin' / 'python'
    packages = ['ipykernel'] + (['-r', str(preinstall)] if preinstall else [])
    # --no-compile: Python compiles what the notebooks import when they
    # import it, which is a small part of a framework; compiling all of it up
    # front took about 40% of a host's set-up. (The notebooks' own first
    # cell installs with pip's defaults, as a learner's does.)
    pip = subprocess.run(
        [str(host_python), '-m', 'pip', 'install', '--quiet', '--no-compile', *packages],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if pip.returncode != 0:
        raise RuntimeError(f'setting up the host failed:\n{pip.stdout[-3000:]}')
    spec_dir = folder / 'kernels' / 'kernels' / 'python3'
    spec_dir.mkdir(parents=True)
    spec = {
        'argv': [str(host_python), '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
        'display_name': f'Python 3 ({folder.name})',
        'language': 'python',
        'env': {
            'PIP_FIND_LINKS': find_links(),
            'PATH': f'{host_python.parent}{os.pathsep}{os.environ["PATH"]}',
        },
    }
    (spec_dir / 'kernel.json').write_text(json.dumps(spec, indent=2))
    return host_python


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
        'notebook': report_name(path),
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


def run_host(folder, python, notebooks, preinstall=None):
    started = time.monotonic()
    host_python = make_host(folder, python, preinstall)
    report = {
        'python': subprocess.run(
            [str(host_python), '--version'], capture_output=True, text=True
        ).stdout.strip(),
        'setup_seconds': round(time.monotonic() - started, 1),
        'before': installed(host_python),
        'notebooks': [],
    }
    os.environ['JUPYTER_PATH'] = str(folder / 'kernels')
    for path in notebooks:
        workdir = folder / 'work'
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir()
        report['notebooks'].append(run_notebook(path, workdir))
        if report['notebooks'][-1]['error']:
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


def run_plans(selected, folder, log=print):
    """Run each plan's host in its own process, two at a time; return
    {name: report}. A host that could not even start reports why."""
    folder.mkdir(parents=True, exist_ok=True)

    def one(plan):
        if not plan.python:
            return plan.name, {'setup_error': 'no interpreter for this host on this machine'}
        host_dir, report_path = folder / plan.name, folder / f'{plan.name}.json'
        report_path.unlink(missing_ok=True)
        cmd = [
            sys.executable,
            '-m',
            __spec__.name,
            str(host_dir),
            str(report_path),
            plan.python,
            *(['--preinstall', str(plan.preinstall)] if plan.preinstall else []),
            *map(str, plan.notebooks),
        ]
        started = time.monotonic()
        result = subprocess.run(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=learner_environment(),
        )
        log(f'[learners] {plan.name}: {time.monotonic() - started:.0f} s')
        if result.returncode != 0 or not report_path.exists():
            return plan.name, {'setup_error': result.stdout[-4000:]}
        shutil.rmtree(host_dir, ignore_errors=True)  # several GB of frameworks each
        return plan.name, json.loads(report_path.read_text())

    # The hosts that install TensorFlow take longest: start them first.
    ordered = sorted(selected, key=lambda plan: plan.tab != 'tensorflow')
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        return dict(pool.map(one, ordered))


def first_cell_plans(folder):
    """For `make bench`: per framework, a host that already has the book's
    versions of it, and a bare host; each runs the Colab notebook."""
    result = []
    for tab in tabs():
        requirements = (NOTEBOOKS / tab / 'plain' / 'requirements.txt').read_text().splitlines()
        preinstall = folder / f'{tab}-framework.txt'
        preinstall.parent.mkdir(parents=True, exist_ok=True)
        preinstall.write_text(
            '\n'.join(line for line in requirements if line and not line.startswith(('#', 'd2l')))
            + '\n'
        )
        notebook = (NOTEBOOKS / tab / 'colab' / SECTION,)
        result.append(HostPlan(f'bench-with-{tab}', tab, sys_python(), notebook, preinstall))
        result.append(HostPlan(f'bench-bare-{tab}', tab, sys_python(), notebook))
    return result


def first_cell_seconds(project):
    """For `make bench`: {tab: [seconds with the framework there, seconds on
    a bare host]}."""
    folder = project.build_dir / 'bench-first-cell-hosts'
    reports = run_plans(first_cell_plans(folder), folder, log=lambda message: None)
    seconds = {}
    for plan in first_cell_plans(folder):
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
    parser.add_argument('--preinstall', type=Path)
    parser.add_argument('notebooks', nargs='+', type=Path)
    args = parser.parse_args(argv)
    report = run_host(
        args.host_dir.resolve(),
        args.python,
        [path.resolve() for path in args.notebooks],
        args.preinstall,
    )
    args.report.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main())
