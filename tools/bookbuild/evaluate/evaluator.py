"""Evaluate each page in each tab, re-running only the code that changed.

This takes the place of `d2lbook build eval --tab X`. A tab's notebook is
built from the markdown exactly as d2lbook builds it (read_markdown,
split_markdown_cell, get_tab_notebook, replace_alias, format_code_nb), and
written where d2lbook writes it, so that the render (render/live.py, with
d2lbook's merge and rst steps) and d2lbook's own PDF and notebook steps
read it as d2lbook's.
What differs is when a notebook runs:

  - It runs when the code it executes changes: its cells after alias
    replacement, the tab's helper module (d2l/<framework>.py and the shared
    d2l files), and the environment it runs in (the tab's requirements,
    setup.py, the Python version, the kernel's variables). Not when a file's time changes: d2lbook re-runs
    every tab of a page whenever the page is touched, and a fresh clone
    looks touched everywhere.
  - An edit to prose only rebuilds the notebook around the outputs of the
    last run. A page without code cells never starts a kernel.
  - Independent (page, tab) notebooks run side by side, two kernels beyond
    the cores, with no machine-wide lock files (d2lbook's scheduler shares
    /tmp locks with every other build on the machine and polls them once a
    second).
  - Outputs carry no timing metadata and cells get ids from their position,
    so a rebuild writes byte-identical notebooks and nothing re-renders.
  - A notebook is written through a temporary file and a rename, and a
    failed run deletes the old one, so no complete-looking notebook is left
    behind. A failing cell is reported last with its file, line, tab, cell
    number, first line and exception.

Since d2lbook's later steps decide by file times, every notebook that is
current is also made at least as new as its page and config.ini (so that
d2lbook's `pdf`, `ipynb` and the other steps that still run its eval find
nothing to evaluate), and the merged all-tabs
notebook of a page is deleted whenever one of its tab notebooks is newer,
because `d2lbook build merge` only looks at the first tab's notebook.

Runs in .venv/book (it needs d2lbook, nbclient and jupyter_client), called
by `book eval`, `book html` and the other commands that need the outputs.
The notebooks and their hashes are tab_notebooks.py's, the plan
planning.py's and the kernels execution.py's; this module runs them in turn.
"""

import asyncio
import json
import logging
import os
import shutil

from ..files import write_atomic
from ..processes import at_once
from ..progress import progress_every
from . import shards
from .execution import Kernels, eval_says, failure_summary
from .planning import plan
from .tab_notebooks import notebook_code_cells

# The actions of the report, in the order the summary line names them.
SUMMARY_ORDER = [
    'executed',
    'failed',
    'outputs reused',
    'up to date',
    'no code',
    'no cell in this tab',
]


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


def newest_dependency(project):
    return max((p.stat().st_mtime for p in project.dependencies()), default=0)


def align_file_times(project, jobs, newest=None):
    """Make d2lbook's time-based steps agree with the content-based decisions.

    d2lbook's own steps (`pdf`, `ipynb`) re-evaluate a notebook older than
    its page or config.ini, and its merge (the render's too) re-merges a
    page only when its first tab's notebook is newer than the merged one. Aligning a page twice changes nothing.
    """
    newest = newest_dependency(project) if newest is None else newest
    for job in jobs:
        if job.failure is None and job.target.exists():
            newest_input = max(job.source.stat().st_mtime, newest)
            if job.target.stat().st_mtime <= newest_input:
                os.utime(job.target)
    for source in {job.source for job in jobs}:
        merged = project.merged_notebook(source)
        tab_notebooks = [job.target for job in jobs if job.source == source and job.target.exists()]
        if merged.exists() and any(
            t.stat().st_mtime > merged.stat().st_mtime for t in tab_notebooks
        ):
            merged.unlink()


class PagesDone:
    """Calls on_page(source) for each page as soon as every tab's notebook
    of it is written and its file times aligned: a page whose notebooks need
    no kernel at once, the others when their last kernel ends. A page with a
    failed tab is never passed. Runs in the evaluation's event loop, so
    on_page should hand the page over, not work on it."""

    def __init__(self, project, jobs, on_page):
        self.project = project
        self.on_page = on_page
        self.newest = newest_dependency(project)
        self.jobs = {}
        for job in jobs:
            self.jobs.setdefault(job.source, []).append(job)
        self.running = {
            source: sum(job.action == 'execute' for job in page)
            for source, page in self.jobs.items()
        }

    def ready_without_kernels(self):
        for source, running in self.running.items():
            if running == 0:
                self._done(source)

    def finished(self, job):
        self.running[job.source] -= 1
        if self.running[job.source] == 0:
            self._done(job.source)

    def _done(self, source):
        page = self.jobs[source]
        if self.on_page is None or any(job.failure for job in page):
            return
        align_file_times(self.project, page, self.newest)
        self.on_page(source)


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
        cells = {job.name: len(notebook_code_cells(job.nb)) for job in jobs if job.tab == tab}
        for page, seconds in shards.costs(cells, shards.recorded_times(project, tab)).items():
            expected[page, tab] = seconds
    return expected


def run_order(to_run, expected, by_page):
    """The order the notebooks start in. The longest first (by the recorded
    times), so that the last one to start is short and no core idles while
    another still works. By page (by_page: while pages are rendered as they
    come), the longest page first (its notebooks' times summed) and its tabs
    longest first, so that whole pages are ready early and the one left for
    the end is short, at the cost of an ordering a little less tight."""
    job_key = {id(job): (-expected[job.name, job.tab], job.name, job.tab) for job in to_run}
    if not by_page:
        return sorted(to_run, key=lambda job: job_key[id(job)])
    page_seconds = {}
    for job in to_run:
        page_seconds[job.name] = page_seconds.get(job.name, 0) + expected[job.name, job.tab]
    return sorted(to_run, key=lambda job: (-page_seconds[job.name], job.name, job_key[id(job)]))


def evaluate(project, tabs, shard=None, on_page=None):
    """Evaluate what changed in tabs (with a shard, only the shard's
    notebooks of each), two kernels beyond the cores at once
    (processes.at_once: a kernel waits much of its time). Returns the
    summaries of the cells that failed, after printing their reports (none:
    every notebook is current).

    on_page(source), if given, hears of each page as soon as all its tabs'
    notebooks are written (PagesDone), while other pages' kernels run."""
    jobs_at_once = at_once(waiting=True)
    logging.getLogger().setLevel(logging.WARNING)
    jobs = plan(project, tabs, shard)
    to_run = [job for job in jobs if job.action == 'execute']
    to_run = run_order(to_run, expected_seconds(project, to_run), on_page is not None)
    for job in jobs:
        if job.action == 'outputs reused':
            eval_says(f'{job.label()}  code unchanged, outputs reused')
        if job.action != 'execute':
            job.save()
    pages_done = PagesDone(project, jobs, on_page)
    pages_done.ready_without_kernels()
    kernels = Kernels(project, jobs_at_once)

    async def run_and_write(job):
        await kernels.run(job)
        # Written at once, so that its page can be rendered while others run.
        if job.failure:
            job.forget()
        else:
            job.save()
        pages_done.finished(job)

    async def run_all():
        telling = asyncio.ensure_future(kernels.tell_while_busy(progress_every()))
        try:
            await asyncio.gather(*(run_and_write(job) for job in to_run))
        finally:
            telling.cancel()

    if to_run:
        asyncio.run(run_all())
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
    eval_says(f'{size}: ' + ', '.join(f'{n} {action}' for n, action in counts if n))
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
