"""Evaluate each page in each tab, re-running only the code that changed.

This takes the place of `d2lbook build eval --tab X`. A tab's notebook is
built from the markdown exactly as d2lbook builds it (read_markdown,
split_markdown_cell, get_tab_notebook, replace_alias, format_code_nb), and
written where d2lbook writes it, so `d2lbook build html` renders it as usual.
What differs is when a notebook runs:

  - It runs when the code it executes changes: its cells after alias
    replacement, the tab's helper module (d2l/<framework>.py and the shared
    d2l files), and the environment it runs in (the tab's requirements,
    setup.py, the Python version, the kernel's variables). Not when a file's time changes: d2lbook re-runs
    every tab of a page whenever the page is touched, and a fresh clone
    looks touched everywhere.
  - An edit to prose only rebuilds the notebook around the outputs of the
    last run. A page without code cells never starts a kernel.
  - Independent (page, tab) notebooks run side by side, one kernel per core,
    with no machine-wide lock files (d2lbook's scheduler shares /tmp locks
    with every other build on the machine and polls them once a second).
  - Outputs carry no timing metadata and cells get ids from their position,
    so a rebuild writes byte-identical notebooks and nothing re-renders.
  - A notebook is written through a temporary file and a rename, and a
    failed run deletes the old one, so no complete-looking notebook is left
    behind. A failing cell is reported last with its file, line, tab, cell
    number, first line and exception.

Since d2lbook's later steps decide by file times, every notebook that is
current is also made at least as new as its page and config.ini (so that
`d2lbook build html` finds nothing to evaluate), and the merged all-tabs
notebook of a page is deleted whenever one of its tab notebooks is newer,
because `d2lbook build merge` only looks at the first tab's notebook.

Runs in .venv/book (it needs d2lbook, nbclient and jupyter_client), called
by `book eval`, `book html` and the other commands that need the outputs.
"""

import asyncio
import dataclasses
import datetime
import hashlib
import json
import logging
import os
import re
import shutil
import time
from pathlib import Path

import nbformat
from d2lbook import library, notebook
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from ..files import write_atomic
from ..identity import KERNEL_ENV, requirements_digest
from ..processes import at_once
from ..progress import duration, progress_every
from ..source import cells as source_cells
from . import shards

# What every kernel gets on top of its kernel spec: d2lbook's eval sets
# PYTHONWARNINGS=ignore for its kernels, so deprecation notices never reach
# the page. (Kernels also get PYTHONPATH=<project>, so that `from d2l import`
# loads the project's own helpers even in a throw-away copy; that path is
# left out of the hash, which covers the helpers' content instead.)
EXTRA_KERNEL_ENV = {'PYTHONWARNINGS': 'ignore'}
# d2lbook's limit for one cell.
CELL_TIMEOUT = 20 * 60
# The version of the way notebooks are executed and tidied: raise it when
# that changes, so that every notebook made the old way runs again.
# 2: printed text in one block per run.
EXECUTION_VERSION = 2

# The actions of the report, in the order the summary line names them.
SUMMARY_ORDER = [
    'executed',
    'failed',
    'outputs reused',
    'up to date',
    'no code',
    'no cell in this tab',
]

ANSI_ESCAPE = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')


# When the evaluation last said something (time.monotonic()).
last_logged = [0.0]


def log(message):
    print(f'[eval] {message}', flush=True)
    last_logged[0] = time.monotonic()


# ------------------------------------------------- notebooks and hashes ----


def tab_notebook(markdown, tab, project):
    """The notebook of one tab, as d2lbook's _process_and_eval_notebook makes it.

    Returns (split, nb): the page split into cells (for line numbers), and
    the tab's notebook, or None when the page has code but none for this tab.
    """
    split = notebook.split_markdown_cell(notebook.read_markdown(markdown))
    return split, tab_notebook_of(split, tab, project)


def tab_notebook_of(split, tab, project):
    """The notebook of one tab from the page's cells (tab_notebook's split),
    which it leaves as they are."""
    nb = notebook.get_tab_notebook(split, tab, project.default_tab)
    if nb is None:
        return None
    if project.library(tab):
        nb = library.replace_alias(nb, project.library(tab))
    nb = library.format_code_nb(nb)
    for cell in nb.cells:
        # nbformat gives every new cell a random id; ids from the position
        # (and the tab, so they stay unique in the merged notebook) keep
        # rebuilds byte-identical.
        cell.id = f'{tab}-{cell.metadata["origin_pos"]}'
    return nb


def code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == 'code']


def utc_date(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).date().isoformat()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def code_hash(nb, environment):
    """What decides whether a notebook must run again."""
    digest = hashlib.sha256(environment)
    for cell in code_cells(nb):
        source = cell.source.encode()
        digest.update(len(source).to_bytes(8, 'little') + source)
    return digest.hexdigest()


def environment_identity(project, tab):
    """Everything outside the page that a tab's code depends on, as bytes.

    The environment counts by what it is built from (identity.py's digest of the
    tab's requirements, setup.py and the Python version, and the kernel's
    variables), not by reading .venv/, so a job that only renders can tell
    that notebooks evaluated elsewhere are current without the frameworks.
    """
    parts = [
        f'execution {EXECUTION_VERSION}',
        json.dumps(EXTRA_KERNEL_ENV, sort_keys=True),
        json.dumps(KERNEL_ENV, sort_keys=True),
        requirements_digest(project, tab),
    ]
    # The tab's helper module and the helpers every tab shares; another
    # framework's module does not change what this tab runs.
    lib_file = project.lib_file(tab)
    if lib_file:
        others = {project.lib_file(t) for t in project.tabs} - {lib_file}
        for path in sorted(lib_file.parent.rglob('*.py')):
            if path not in others:
                parts.append(f'{project.relative(path)}\n{path.read_text()}')
    return '\0'.join(parts).encode()


def tidy_outputs(nb):
    """Post-process an executed notebook the way d2lbook's _job does, and
    join the consecutive pieces of printed text."""
    for cell in code_cells(nb):
        outputs = []
        for out in cell.get('outputs', []):
            if out.get('data', {}).get('text/plain', '').startswith('HBox'):
                continue  # a tqdm progress bar, which the page cannot show
            if out.get('name') == 'stderr':
                out['name'] = 'stdout'
            if outputs and out.get('output_type') == 'stream' == outputs[-1].get('output_type'):
                # One block per run of printed text: how the kernel cut it into
                # messages depends on timing, and would differ between builds.
                outputs[-1]['text'] += out['text']
                continue
            outputs.append(out)
        cell['outputs'] = outputs
    nb.metadata.update({'language_info': {'name': 'python'}})
    return nbformat.writes(nb).encode()


def with_previous_outputs(nb, previous):
    """nb with the outputs of `previous`, whose code cells are the same."""
    new, old = code_cells(nb), code_cells(previous)
    if [c.source for c in new] != [c.source for c in old]:
        return None
    for cell, old_cell in zip(new, old):
        cell.outputs = old_cell.get('outputs', [])
        cell.execution_count = old_cell.get('execution_count')
    return nb


# ----------------------------------------------------------------- jobs ----


@dataclasses.dataclass
class Job:
    """One page in one tab."""

    source: Path
    name: str  # the page, relative to the project
    tab: str
    target: Path  # the evaluated notebook
    record: Path  # what the target was built from
    markdown: str
    split: object  # the page's cells, before picking a tab
    nb: object  # the tab's notebook, None if the page has no cell for it
    hash: str = ''
    action: str = ''
    content: bytes = b''
    failure: dict = None
    seconds: float = 0.0  # this run's
    recorded_seconds: float = None  # the run that made the outputs, if recorded
    evaluated: str = None  # the UTC date the outputs were made, YYYY-MM-DD
    digest: str = ''  # source_digest: what the notebook is made from
    needs_decision: bool = False  # read, and not yet decided

    def label(self):
        return f'{self.tab:<10} {self.name}'

    def unchanged_since_recorded(self):
        """Whether the notebook on disk was made from exactly this page,
        tab and environment (the record's source digest), and is as the
        record says; then it is up to date, as it is, and so is the record."""
        try:
            record = json.loads(self.record.read_text())
            if record.get('source') != self.digest:
                return False
            data = self.target.read_bytes()
        except (OSError, ValueError):
            return False
        if record.get('notebook_sha256') != sha256(data):
            return False
        self.hash = record.get('code_hash', '')
        self.content = data
        self.evaluated = record.get('evaluated')
        self.recorded_seconds = record.get('seconds')
        if self.hash:
            self.action = 'up to date'
        else:
            self.action = 'no cell in this tab' if not data else 'no code'
        return True

    def previous_notebook(self):
        """The last run's notebook, if it was built from the same code."""
        try:
            record = json.loads(self.record.read_text())
            data = self.target.read_bytes()
        except (OSError, ValueError):
            return None
        if record.get('code_hash') != self.hash or record.get('notebook_sha256') != sha256(data):
            return None
        # The outputs keep the date they were made. A record from before
        # dates were kept has the date it was last written, at the latest.
        self.evaluated = record.get('evaluated') or utc_date(self.record.stat().st_mtime)
        self.recorded_seconds = record.get('seconds')
        return nbformat.reads(data.decode(), as_version=4)

    def save(self):
        """Write the notebook (unless unchanged) and the record of its code."""
        if not (self.target.exists() and self.target.read_bytes() == self.content):
            write_atomic(self.target, self.content)
        record = {
            'code_hash': self.hash,
            'notebook_sha256': sha256(self.content),
            'source': self.digest,
        }
        if self.evaluated:
            record['evaluated'] = self.evaluated
        # How long the outputs took to make (shards.py balances by it).
        seconds = self.seconds if self.action == 'executed' else self.recorded_seconds
        if seconds:
            record['seconds'] = round(seconds, 2)
        data = (json.dumps(record, indent=1) + '\n').encode()
        if not (self.record.exists() and self.record.read_bytes() == data):
            write_atomic(self.record, data)

    def forget(self):
        """A failed run leaves neither the notebook nor its record."""
        self.target.unlink(missing_ok=True)
        self.record.unlink(missing_ok=True)


def source_digest(markdown, tab, environment, settings):
    """What a tab's notebook of a page is made from: the page as written,
    the tab, its environment, and the settings and code that turn a page
    into notebooks (plan_settings). Equal digests make equal notebooks, so
    a page whose digest is the one its record holds needs no reading."""
    digest = hashlib.sha256(settings)
    for part in (tab.encode(), environment, markdown.encode()):
        digest.update(len(part).to_bytes(8, 'little') + part)
    return digest.hexdigest()


def plan_settings(project):
    """What, besides a page and its environment, goes into its notebooks:
    config.ini and the other dependencies (the default tab, the aliases),
    d2lbook's pins, and this module, which builds the notebooks."""
    parts = [Path(__file__).read_bytes(), project.requirements_file('book').read_bytes()]
    parts += [path.read_bytes() for path in project.dependencies()]
    return b'\0'.join(parts)


def plan(project, tabs, shard=None):
    """Build every tab notebook and decide what has to run; with a shard
    (shards.Shard), only the notebooks of that shard of each tab.

    A page unchanged since its notebook of a tab was made (the record's
    source digest) is up to date without being read again: an edit reads
    only the pages it touched, however large the book."""
    environments = {tab: environment_identity(project, tab) for tab in tabs}
    settings = plan_settings(project)
    jobs = []
    for source in project.notebook_sources():
        name = project.relative(source)
        markdown = source.read_text(encoding='utf-8')
        split = None
        for tab in tabs:
            target = project.evaluated_notebook(source, tab)
            record = project.eval_record(source, tab)
            digest = source_digest(markdown, tab, environments[tab], settings)
            job = Job(source, name, tab, target, record, markdown, None, None, digest=digest)
            if shard is None and job.unchanged_since_recorded():
                jobs.append(job)
                continue
            if split is None:
                # The page's cells, read once for all its tabs.
                split = notebook.split_markdown_cell(notebook.read_markdown(markdown))
            job.split, job.nb = split, tab_notebook_of(split, tab, project)
            job.needs_decision = True
            jobs.append(job)
    if shard is not None:
        mine = {
            (page, tab)
            for tab in tabs
            for page in shards.members(
                project, tab, shard, [(job.name, job.nb) for job in jobs if job.tab == tab]
            )
        }
        jobs = [job for job in jobs if (job.name, job.tab) in mine]
    for job in jobs:
        if job.needs_decision:
            decide(job, environments[job.tab])
    return jobs


def decide(job, environment):
    """Whether a notebook runs, or what it is made of without running."""
    if job.nb is None:
        job.action, job.content = 'no cell in this tab', b''  # d2lbook's empty marker
    elif not code_cells(job.nb):
        job.action, job.content = 'no code', tidy_outputs(job.nb)
    else:
        job.hash = code_hash(job.nb, environment)
        previous = job.previous_notebook()
        reused = previous is not None and with_previous_outputs(job.nb, previous)
        if reused:
            job.content = tidy_outputs(reused)
            unchanged = job.target.read_bytes() == job.content
            job.action = 'up to date' if unchanged else 'outputs reused'
        else:
            job.action = 'execute'


# ------------------------------------------------------------ execution ----


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
            await asyncio.sleep(max(0.0, last_logged[0] + every - time.monotonic()))
            if self.busy and time.monotonic() - last_logged[0] >= every:
                now = time.monotonic()
                log(
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
        cells = code_cells(job.nb)
        log(f'{job.label()}  running {len(cells)} code cell' + ('s' if len(cells) != 1 else ''))
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
            log(f'{job.label()}  FAILED after {job.seconds:.1f} s (details at the end)')
        else:
            log(f'{job.label()}  done in {job.seconds:.1f} s')


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
    if len(blocks) == len(code_cells(job.split)):
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


# ---------------------------------------------------- keeping d2lbook happy ----


def copy_resources(project, tabs):
    """Copy the pages' resources next to the notebooks, as d2lbook's eval does."""
    for pattern in project.resources():
        for source in sorted(project.root.glob(pattern)):
            if not source.is_file():
                continue
            for tab in tabs:
                target = project.eval_dir(tab) / project.relative(source)
                if not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, target)


def align_file_times(project, jobs):
    """Make d2lbook's time-based steps agree with the content-based decisions.

    `d2lbook build html` re-evaluates a notebook older than its page or
    config.ini, and re-merges a page only when its first tab's notebook is
    newer than the merged one.
    """
    newest_dependency = max((p.stat().st_mtime for p in project.dependencies()), default=0)
    for job in jobs:
        if job.failure is None and job.target.exists():
            newest_input = max(job.source.stat().st_mtime, newest_dependency)
            if job.target.stat().st_mtime <= newest_input:
                os.utime(job.target)
    for source in {job.source for job in jobs}:
        merged = project.merged_notebook(source)
        tab_notebooks = [job.target for job in jobs if job.source == source and job.target.exists()]
        if merged.exists() and any(
            t.stat().st_mtime > merged.stat().st_mtime for t in tab_notebooks
        ):
            merged.unlink()


def forget_removed_pages(project, tabs, jobs):
    """The notebooks and records of pages the book no longer has go: no form
    is made from a page that left (a shard sees only its own pages, so it
    leaves this to a whole evaluation)."""
    for tab in tabs:
        kept = {path for job in jobs if job.tab == tab for path in (job.target, job.record)}
        folders = [
            (project.eval_dir(tab), '*.ipynb'),
            (project.build_dir / 'eval_records' / tab, '*.json'),
        ]
        for folder, pattern in folders:
            for path in folder.rglob(pattern) if folder.exists() else []:
                if path not in kept:
                    path.unlink()


# ----------------------------------------------------------------- main ----


def expected_seconds(project, jobs):
    """{(page, tab): seconds} each job is expected to run: its time in
    eval-times.json, or its code cells at its tab's recorded pace."""
    expected = {}
    for tab in {job.tab for job in jobs}:
        cells = {job.name: len(code_cells(job.nb)) for job in jobs if job.tab == tab}
        for page, seconds in shards.costs(cells, shards.recorded_times(project, tab)).items():
            expected[page, tab] = seconds
    return expected


def evaluate(project, tabs, shard=None):
    """Evaluate what changed in tabs (with a shard, only the shard's
    notebooks of each), a kernel per core at once (at least two:
    processes.at_once). Returns the summaries of the cells that failed,
    after printing their reports (none: every notebook is current)."""
    jobs_at_once = at_once()
    logging.getLogger().setLevel(logging.WARNING)
    jobs = plan(project, tabs, shard)
    # The longest runs first (by the recorded times), so that the last one
    # to start is short and no core idles while another still works.
    to_run = [job for job in jobs if job.action == 'execute']
    expected = expected_seconds(project, to_run)
    to_run.sort(key=lambda job: (-expected[job.name, job.tab], job.name, job.tab))
    for job in jobs:
        if job.action == 'outputs reused':
            log(f'{job.label()}  code unchanged, outputs reused')
        if job.action != 'execute':
            job.save()
    kernels = Kernels(project, jobs_at_once)

    async def run_all():
        telling = asyncio.ensure_future(kernels.tell_while_busy(progress_every()))
        try:
            await asyncio.gather(*(kernels.run(job) for job in to_run))
        finally:
            telling.cancel()

    if to_run:
        asyncio.run(run_all())
    for job in to_run:
        if job.failure:
            job.forget()
        else:
            job.save()
    copy_resources(project, tabs)
    if shard is None:
        forget_removed_pages(project, tabs, jobs)
    align_file_times(project, jobs)
    report = {
        'jobs_at_once': jobs_at_once,
        'peak_running_kernels': kernels.peak,
        'notebooks': [
            {
                'source': job.name,
                'tab': job.tab,
                'action': job.action,
                'seconds': round(job.seconds, 2),
            }
            for job in jobs
        ],
    }
    write_atomic(
        project.build_dir / 'eval_report.json', (json.dumps(report, indent=1) + '\n').encode()
    )
    counts = [(sum(job.action == action for job in jobs), action) for action in SUMMARY_ORDER]
    pages = len({job.source for job in jobs})
    size = f'shard {shard}: {len(jobs)} notebooks' if shard else f'{pages} pages × {len(tabs)} tabs'
    log(f'{size}: ' + ', '.join(f'{n} {action}' for n, action in counts if n))
    failed = [job for job in to_run if job.failure]
    if failed:
        # Tracebacks first, then the summaries, so the last lines on the
        # screen say where each failure is.
        for job in failed:
            print(f'\n---- {job.tab} tab of {job.name} ----', flush=True)
            print(job.failure['details'], flush=True)
        print(flush=True)
        print('\n'.join(failure_summary(job) for job in failed), flush=True)
    return [failure_summary(job) for job in failed]
