"""One framework's notebooks split over several jobs: `book eval TAB --shard I/N`.

The hosted workflow evaluates each framework in N jobs at once (config.ini
[ci] shards). Each job must know, without talking to the others, which
notebooks are its own, so the split is made from what every job has alike:
the pages config.ini names and the run times recorded in the repository
(eval-times.json, written by `book eval-times` from the last evaluation),
as pytorch/tutorials balances its shards by the durations it keeps in its
repository. A notebook with no recorded time is costed from its code cells
at the tab's recorded seconds per cell.

The split is longest first, each notebook to the shard with the least time
so far: every notebook lands in exactly one shard, and the heaviest shard is
at most one notebook's time above the average.

Each shard keeps its evaluated notebooks between workflow runs under a key
(shard_keys.py).

Standard library only, but for the notebooks (`members` without pages),
which are d2lbook's and are read in .venv/book.
"""

import dataclasses
import json
import re

from ..files import write_if_changed
from ..project import TIMES_FILE
from ..report import BuildError

# TIMES_FILE, in the repository beside config.ini: {tab: {page: seconds}}.
# A notebook's cost per code cell when its tab has no recorded time at all.
DEFAULT_SECONDS_PER_CELL = 2.0

SHARD_SPEC = re.compile(r'(\d+)/(\d+)')


@dataclasses.dataclass(frozen=True)
class Shard:
    """Shard `index` of `count`, counted from 1."""

    index: int
    count: int

    @classmethod
    def parse(cls, text):
        match = SHARD_SPEC.fullmatch(text.strip())
        if not match or not 1 <= int(match[1]) <= int(match[2]):
            raise BuildError(
                f'--shard {text}: give the shard as I/N, with 1 ≤ I ≤ N (for example 2/4)'
            )
        return cls(int(match[1]), int(match[2]))

    def __str__(self):
        return f'{self.index}/{self.count}'

    @property
    def slug(self):
        """The shard in a name, such as a cache key: 2of4."""
        return f'{self.index}of{self.count}'


# ---------------------------------------------------------------- split ----


def costs(cells, recorded):
    """{page: seconds} for the pages of one tab: their recorded time, or,
    for a page never timed, its code cells at the tab's recorded seconds
    per cell. cells: {page: code cells}; recorded: {page: seconds}."""
    timed = [page for page in cells if page in recorded and cells[page]]
    timed_cells = sum(cells[page] for page in timed)
    per_cell = (
        sum(recorded[page] for page in timed) / timed_cells
        if timed_cells
        else DEFAULT_SECONDS_PER_CELL
    )
    return {
        page: 0.0 if not count else float(recorded.get(page, count * per_cell))
        for page, count in cells.items()
    }


def split(page_costs, count):
    """The pages in `count` lists of about equal cost: longest first, each to
    the list with the least cost so far (ties: fewer pages, then the first
    list). Each list is sorted; the same costs always give the same split."""
    loads = [0.0] * count
    shards = [[] for _ in range(count)]
    for page in sorted(page_costs, key=lambda page: (-page_costs[page], page)):
        lightest = min(range(count), key=lambda i: (loads[i], len(shards[i]), i))
        loads[lightest] += page_costs[page]
        shards[lightest].append(page)
    return [sorted(pages) for pages in shards]


# ---------------------------------------------------------- run times ----


def times_file(project):
    return project.root / TIMES_FILE


def recorded_times(project, tab):
    """{page: seconds} of one tab, as eval-times.json has them ({} without it)."""
    path = times_file(project)
    if not path.exists():
        return {}
    try:
        times = json.loads(path.read_text(encoding='utf-8'))
        tab_times = times.get(tab, {})
        return {str(page): float(seconds) for page, seconds in tab_times.items()}
    except (ValueError, AttributeError, TypeError) as error:
        raise BuildError(
            f'{project.relative(path)}: not {{tab: {{page: seconds}}}} ({error}); '
            'write it again with `make eval-times`'
        ) from error


def write_times(project):
    """eval-times.json from the evaluation records: the seconds of each
    notebook's last run, in every tab. A notebook whose record has no time
    (made before records kept one) keeps the time the file had; a page no
    longer in the book leaves it. Returns (its path, how many notebooks it
    times, how many have code and no time anywhere)."""
    pages = [project.relative(source) for source in project.notebook_sources()]
    times, untimed = {}, 0
    for tab in project.tabs:
        before = recorded_times(project, tab)
        for page, source in zip(pages, project.notebook_sources(), strict=True):
            path = project.eval_record(source, tab)
            record = json.loads(path.read_text()) if path.exists() else {}
            if 'seconds' in record:
                times.setdefault(tab, {})[page] = round(record['seconds'], 1)
            elif record.get('code_hash') and page in before:
                times.setdefault(tab, {})[page] = before[page]
            elif record.get('code_hash'):
                untimed += 1
    path = times_file(project)
    write_if_changed(path, (json.dumps(times, indent=1, sort_keys=True) + '\n').encode())
    return path, sum(len(pages) for pages in times.values()), untimed


# ----------------------------------------------- the notebooks of a shard ----


def tab_pages(project, tab):
    """[(page, its tab notebook or None)] of every page config.ini names."""
    # Here, not at the top: the rest of this module runs on the system Python.
    from .tab_notebooks import tab_notebook

    pages = []
    for source in project.notebook_sources():
        _, nb = tab_notebook(source.read_text(encoding='utf-8'), tab, project)
        pages.append((project.relative(source), nb))
    return pages


def code_cell_count(nb):
    return 0 if nb is None else sum(cell.cell_type == 'code' for cell in nb.cells)


def members(project, tab, shard, pages=None):
    """The pages whose notebook of `tab` shard `shard` evaluates."""
    pages = tab_pages(project, tab) if pages is None else pages
    cells = {page: code_cell_count(nb) for page, nb in pages}
    return split(costs(cells, recorded_times(project, tab)), shard.count)[shard.index - 1]


def shard_outputs(project, tab, shard, pages):
    """The files under _build/ that the evaluation of a shard's `pages` in
    `tab` makes: each notebook and its record, and, from the first shard
    (which always installs the framework, so its record is never one
    restored from an older environment), the versions the tab ran with."""
    files = []
    for page in pages:
        source = project.root / page
        files += [project.evaluated_notebook(source, tab), project.eval_record(source, tab)]
    return files + ([project.versions_file(tab)] if shard.index == 1 else [])
