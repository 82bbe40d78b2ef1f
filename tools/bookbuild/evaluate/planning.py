"""The evaluation's plan: a Job for each page in each tab, and what each
needs (run, reuse the last run's outputs, or nothing). evaluator.py
carries it out.

A page unchanged since its notebook of a tab was made is up to date without
being read again; a page that changed is read once for all its tabs. Nor
are the records and notebooks of unchanged pages read: their digests are
kept by their file's stat (files.ReadCache, _build/read_cache/evaluation.json).
"""

import dataclasses
import hashlib
import json
from pathlib import Path

import nbformat
from d2lbook import notebook

from ..files import ReadCache, text_of, write_atomic
from . import shards, tab_notebooks
from .tab_notebooks import (
    code_hash,
    environment_identity,
    notebook_code_cells,
    sha256,
    tab_notebook_of,
    tidy_outputs,
    utc_date,
    with_previous_outputs,
)


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
    as_recorded: bool = False  # the notebook and record on disk are current, unread

    def label(self):
        return f'{self.tab:<10} {self.name}'

    def unchanged_since_recorded(self, cache):
        """Whether the notebook on disk was made from exactly this page,
        tab and environment (the record's source digest), and is as the
        record says; then it is up to date, as it is, and so is the record,
        and neither is read again if its file did not change (cache)."""
        try:
            record = cache.value(self.record, json.loads)
            if not isinstance(record, dict) or record.get('source') != self.digest:
                return False
            notebook_sha256 = cache.digest(self.target)
        except (OSError, ValueError):
            return False
        if record.get('notebook_sha256') != notebook_sha256:
            return False
        self.hash = record.get('code_hash', '')
        self.as_recorded = True
        self.evaluated = record.get('evaluated')
        self.recorded_seconds = record.get('seconds')
        if self.hash:
            self.action = 'up to date'
        else:
            empty = notebook_sha256 == sha256(b'')
            self.action = 'no cell in this tab' if empty else 'no code'
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
        if self.as_recorded:
            return  # both are on disk as they should be (unchanged_since_recorded)
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
    d2lbook's pins, and the modules that turn pages into notebooks (this one
    and tab_notebooks.py)."""
    parts = [Path(__file__).read_bytes(), Path(tab_notebooks.__file__).read_bytes()]
    parts.append(project.requirements_file('book').read_bytes())
    parts += [path.read_bytes() for path in project.dependencies()]
    return b'\0'.join(parts)


def plan(project, tabs, shard=None, trust_records=True):
    """Build every tab notebook and decide what has to run; with a shard
    (shards.Shard), only the notebooks of that shard of each tab.

    A page unchanged since its notebook of a tab was made (the record's
    source digest) is up to date without being read again: an edit reads
    only the pages it touched, however large the book. trust_records=False
    reads and decides every page, as the tests that check the records do."""
    environments = {tab: environment_identity(project, tab) for tab in tabs}
    settings = plan_settings(project)
    cache = None
    if shard is None and trust_records:
        context = b'\0'.join([settings, *(t.encode() + b'\0' + environments[t] for t in tabs)])
        cache = ReadCache(project.build_dir / 'read_cache' / 'evaluation.json', context)
    jobs = []
    for source in project.notebook_sources():
        name = project.relative(source)
        recorded = {}
        if cache:
            recorded = cache.value(
                source,
                lambda data: {
                    tab: source_digest(text_of(data), tab, environments[tab], settings)
                    for tab in tabs
                },
            )
        markdown = split = None
        for tab in tabs:
            target = project.evaluated_notebook(source, tab)
            record = project.eval_record(source, tab)
            job = Job(source, name, tab, target, record, None, None, None, digest=recorded.get(tab))
            if cache and job.unchanged_since_recorded(cache):
                jobs.append(job)
                continue
            if split is None:
                # The page, read once for all its tabs that need it, and its cells.
                markdown = source.read_text(encoding='utf-8')
                split = notebook.split_markdown_cell(notebook.read_markdown(markdown))
            job.markdown = markdown
            job.digest = source_digest(markdown, tab, environments[tab], settings)
            job.split, job.nb = split, tab_notebook_of(split, tab, project)
            job.needs_decision = True
            jobs.append(job)
    if cache:
        cache.forget_others(
            [job.source for job in jobs] + [p for job in jobs for p in (job.target, job.record)]
        )
        cache.save()
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
    elif not notebook_code_cells(job.nb):
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
