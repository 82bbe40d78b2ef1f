"""One learner's host in a process of its own: set up, run, reported in JSON.

learner_hosts.py starts one such process per host, and reads its report.

Each notebook runs top to bottom, first cell included, in a kernel of the
host's Python. If its first cell asks for a restart (it had to replace a
package the kernel had loaded), the notebook runs once more in a new
kernel, as a learner would after restarting. The one redirection: pip also
looks in _build/dist/ for the d2l package, which is not on the package
index yet (PIP_FIND_LINKS, added to the machine's own find-links). A
Colab-like replica's kernel imports NumPy when it starts, as Colab's does.

The report: the versions installed before and after the notebooks, and for
each notebook its error, if any, the `text/plain` results of its code
cells, how long its first cell took, what that cell printed and when each
piece of it arrived from the kernel (`first_cell_output`, read by
`printed_lines` and `output_figures`), and whether it ran again after a
restart. Runs in .venv/book (it uses nbclient):
  .venv/book/bin/python -m bookbuild.testing.host_worker HOST_DIR REPORT PYTHON \
      [--preinstall FILE | --replica DIR] [--import-at-start MODULE] \
      [--find-links DIR] NOTEBOOK ...
"""

import argparse
import datetime
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

from ..environments import pip_noise
from ..progress import duration
from .host_envs import copy_replica, installed, make_env, python_version, report_progress

# A cell may download and install a framework; nothing else takes minutes.
LEARNER_CELL_TIMEOUT = 1200


def write_host_kernel_spec(folder, host_python, import_at_start=(), links=''):
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


def timed_client(notebook, **options):
    """An nbclient NotebookClient that also records when each piece of a
    cell's printed output arrives from the kernel (its iopub stream
    messages): `arrivals[cell_index]`, [[seconds since the cell was sent
    to the kernel, text], ...]."""
    from nbclient import NotebookClient

    class TimedClient(NotebookClient):
        def process_message(self, msg, cell, cell_index):
            if msg['msg_type'] == 'stream':
                seconds = round(time.monotonic() - self.sent, 3)
                self.arrivals.setdefault(cell_index, []).append([seconds, msg['content']['text']])
            return super().process_message(msg, cell, cell_index)

    def sent(cell, cell_index):
        client.sent = time.monotonic()

    client = TimedClient(notebook, on_cell_execute=sent, **options)
    client.arrivals = {}
    return client


def run_notebook(path, workdir):
    """Run one notebook verbatim in the host's kernel; return its report."""
    import nbformat
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    # The delivered notebooks carry the book's outputs; "Run all" replaces
    # them, and what ran is what has a new execution count.
    for cell in notebook.cells:
        if cell.cell_type == 'code':
            cell.outputs, cell.execution_count = [], None
    client = timed_client(
        notebook,
        kernel_name='python3',
        timeout=LEARNER_CELL_TIMEOUT,
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
    first = notebook.cells.index(code[0]) if code else None
    return {
        'notebook': str(path),  # run_plans names it (Notebook.name)
        'seconds': round(time.monotonic() - started, 1),
        'error': error,
        'ran': [bool(cell.get('execution_count')) for cell in code],
        'first_cell_seconds': seconds_of(code[0]) if code else None,
        # What the first cell printed, piece by piece as the kernel sent it.
        'first_cell_output': client.arrivals.get(first, []),
        'results': [
            [
                o.data['text/plain']
                for o in cell.get('outputs', [])
                if o.output_type == 'execute_result'
            ]
            for cell in code
        ],
    }


# The colours of pip's warnings and errors in a kernel (ipykernel sets
# FORCE_COLOR), which the notebook shows as colours, not as characters.
COLOUR = re.compile(r'\x1b\[[0-9;]*m')


def printed_lines(output):
    """The lines of a cell's printed output (first_cell_output) as a learner
    reads them, [(seconds, message number, line)]: without colour codes, and
    without the lines of this machine's pip configuration
    (environments.pip_noise), which a learner's host would not print."""
    return [
        (seconds, number, line)
        for number, (seconds, text) in enumerate(output)
        for line in COLOUR.sub('', text).splitlines()
        if not pip_noise(line)
    ]


def output_figures(output):
    """How a cell's printed output arrived (printed_lines): the number of
    lines and of the kernel's messages that carried them, when the first
    came and the longest wait for the next (seconds, from when the cell was
    sent to the kernel)."""
    lines = printed_lines(output)
    times = sorted({(number, seconds) for seconds, number, _ in lines})
    times = [seconds for _, seconds in times]
    return {
        'lines': len(lines),
        'messages': len(times),
        'first_line_after': times[0] if times else None,
        'largest_gap': round(max(b - a for a, b in zip([0, *times], times)), 2) if times else None,
    }


def runs_in_order(report):
    """Every run of a notebook in a host's report, in the order they ran: a
    run that stopped for a restart (named '<notebook> before the restart')
    before the one after it."""
    for run in report.get('notebooks', []):
        if 'restarted_after' in run:
            yield dict(run['restarted_after'], notebook=f'{run["notebook"]} before the restart')
        yield run


# What the first cell raises when it replaced a package the kernel had
# loaded (forms/notebooks/install.py): a learner restarts and runs the notebook again.
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
    write_host_kernel_spec(folder, host_python, import_at_start, links)
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
