"""The evaluation's execution: the notebooks that must run, in their tabs'
kernels, at most so many at once, and what a failing cell reports (its
page, line, tab, cell number, first line and exception).

Runs in .venv/book (nbclient and jupyter_client).
"""

import asyncio
import os
import re
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from ..progress import duration
from ..source import cells as source_cells
from .tab_notebooks import EXTRA_KERNEL_ENV, notebook_code_cells, tidy_outputs, utc_date

# d2lbook's limit for one cell.
CELL_TIMEOUT = 20 * 60

ANSI_ESCAPE = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')


# When the evaluation last said something (time.monotonic()).
last_said = [0.0]


def eval_says(message):
    """One line of the evaluation's progress, and the time it was said."""
    print(f'[eval] {message}', flush=True)
    last_said[0] = time.monotonic()


class Kernels:
    """Runs notebooks, at most `jobs` kernels at a time, and counts them."""

    def __init__(self, project, jobs):
        self.project = project
        self.slots = asyncio.Semaphore(jobs)
        self.running = 0
        self.peak = 0
        self.busy = {}  # the notebooks running: label -> when it started

    async def tell_while_busy(self, every):
        """A line whenever the evaluation has been quiet for `every` seconds
        while notebooks run: which, and for how long (progress.py)."""
        while True:
            await asyncio.sleep(max(0.0, last_said[0] + every - time.monotonic()))
            if self.busy and time.monotonic() - last_said[0] >= every:
                now = time.monotonic()
                eval_says(
                    'still running: '
                    + ', '.join(
                        f'{" ".join(label.split())} ({duration(now - started)})'
                        for label, started in self.busy.items()
                    )
                )
            elif not self.busy:
                await asyncio.sleep(every)

    def kernel_manager(self, tab):
        # The tab's own kernel spec (written by `book setup`), and never a
        # fallback to the Python that runs this script.
        specs = KernelSpecManager(
            kernel_dirs=[str(self.project.kernel_dir(tab) / 'kernels')],
            ensure_native_kernel=False,
        )
        return AsyncKernelManager(kernel_name='python3', kernel_spec_manager=specs)

    async def run(self, job):
        async with self.slots:
            self.running += 1
            self.peak = max(self.peak, self.running)
            try:
                await self._execute(job)
            finally:
                self.running -= 1
                self.busy.pop(job.label(), None)

    async def _execute(self, job):
        cells = notebook_code_cells(job.nb)
        eval_says(
            f'{job.label()}  running {len(cells)} code cell' + ('s' if len(cells) != 1 else '')
        )
        start = time.perf_counter()
        self.busy[job.label()] = time.monotonic()
        workdir = job.target.parent
        workdir.mkdir(parents=True, exist_ok=True)
        kernel_log = self.project.build_dir / 'eval_logs' / job.tab / f'{job.name}.log'
        kernel_log.parent.mkdir(parents=True, exist_ok=True)
        failing = {}
        client = NotebookClient(
            job.nb,
            km=self.kernel_manager(job.tab),
            timeout=CELL_TIMEOUT,
            record_timing=False,
            allow_errors=False,
            # Every output has arrived when the last cell returns; a graceful
            # shutdown would only add waiting.
            shutdown_kernel='immediate',
            resources={'metadata': {'path': str(workdir)}},
            on_cell_error=lambda cell, cell_index, execute_reply: failing.update(index=cell_index),
            on_cell_execute=lambda cell, cell_index: failing.update(running=cell_index),
        )
        env = dict(os.environ, **EXTRA_KERNEL_ENV)
        env['PYTHONPATH'] = os.pathsep.join(
            filter(None, [str(self.project.root), os.environ.get('PYTHONPATH')])
        )
        with open(kernel_log, 'wb') as kernel_output:
            try:
                # cleanup_kc: stop the kernel afterwards even though the
                # client does not own its manager.
                await client.async_execute(
                    env=env, stdout=kernel_output, stderr=kernel_output, cleanup_kc=True
                )
                job.content = tidy_outputs(job.nb)
                job.action = 'executed'
                job.evaluated = utc_date(time.time())
            except Exception as error:  # any failure is reported, not raised
                job.failure = describe_failure(job, error, failing, kernel_log)
                job.action = 'failed'
        job.seconds = time.perf_counter() - start
        self.busy.pop(job.label(), None)
        if job.failure:
            eval_says(f'{job.label()}  FAILED after {job.seconds:.1f} s (details at the end)')
        else:
            eval_says(f'{job.label()}  done in {job.seconds:.1f} s')


def describe_failure(job, error, failing, kernel_log):
    """What went wrong, and where in the markdown."""
    index = failing.get('index', failing.get('running'))
    cell = job.nb.cells[index] if index is not None else None
    if isinstance(error, CellTimeoutError):
        exception = f'the cell ran longer than {CELL_TIMEOUT} s ({type(error).__name__})'
        details = ''
    elif isinstance(error, DeadKernelError) or cell is None:
        exception = f'{type(error).__name__}: {str(error).strip().splitlines()[0]}'
        tail = (
            kernel_log.read_text(errors='replace').splitlines()[-20:] if kernel_log.exists() else []
        )
        details = '\n'.join(['the kernel\'s last words:'] + tail)
    else:
        errors = [out for out in cell.get('outputs', []) if out.output_type == 'error']
        if errors:
            exception = f'{errors[0].ename}: {errors[0].evalue}'
            details = ANSI_ESCAPE.sub('', '\n'.join(errors[0].traceback))
        else:
            exception = f'{type(error).__name__}: {error}'
            details = ''
    return {'exception': exception.strip(), 'details': details, **locate(job, cell)}


def locate(job, cell):
    """The markdown line, code cell number and first line of a tab cell."""
    if cell is None:
        return {'line': None, 'cell_number': None, 'first_line': ''}
    position = cell.metadata['origin_pos']
    number = sum(c.cell_type == 'code' for c in job.split.cells[:position]) + 1
    blocks = source_cells.code_cells(job.markdown)
    if len(blocks) == len(notebook_code_cells(job.split)):
        block = blocks[number - 1]
        return {'line': block.line, 'cell_number': number, 'first_line': block.first_code_line()}
    # The line scanner and notedown disagree about this page: say what we know.
    first = next((text.strip() for text in cell.source.splitlines() if text.strip()), '')
    return {'line': None, 'cell_number': number, 'first_line': first}


def failure_summary(job):
    failure = job.failure
    where = f'{job.name}:{failure["line"]}' if failure['line'] else job.name
    cell = (
        f'code cell {failure["cell_number"]} of the page, which starts: {failure["first_line"]}'
        if failure['cell_number']
        else 'before any cell ran'
    )
    return '\n'.join(
        [
            f'build failed: a cell raised an exception in {where} [{job.tab}]',
            f'  file:      {where}',
            f'  tab:       {job.tab}',
            f'  cell:      {cell}',
            f'  exception: {failure["exception"]}',
        ]
    )
