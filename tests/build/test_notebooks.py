"""Every tab of every page was executed from the page's current code, every
code cell ran once, in page order, in one kernel, and none failed."""

import nbformat
import pytest

from book_paths import PROJECT, SECTION, TABS, eval_dir_for, lib_module
from bookbuild.evaluate.planning import plan

# What the evaluator decides for a notebook that needs nothing done.
CURRENT = {'up to date', 'no code', 'no cell in this tab'}
# What a cell that ran without failing may show.
OUTPUT_TYPES = {'execute_result', 'stream', 'display_data'}


@pytest.fixture(scope='module')
def jobs():
    """The evaluator's own plan for the repository, every tab at once, with
    every page read and decided again rather than taken from its record."""
    return plan(PROJECT, TABS, trust_records=False)


@pytest.mark.parametrize('tab', TABS)
def test_every_page_holds_the_outputs_of_its_current_code(jobs, tab):
    """The evaluator finds nothing to run or rewrite: each notebook's record
    names the hash of the page's code in this tab and of the tab's
    environment, and the notebook is byte for byte what it would write; a
    page without code of this tab has d2lbook's marker (an empty file) or a
    notebook without code."""
    mine = [job for job in jobs if job.tab == tab]
    assert len(mine) == len(PROJECT.notebook_sources()) > 0, 'config.ini lists no notebooks'
    stale = [f'{job.name}: {job.action}' for job in mine if job.action not in CURRENT]
    assert not stale, f'{tab}: not evaluated from the current code: {stale}'
    for job in mine:
        if job.action != 'up to date':
            assert job.target.read_bytes() == job.content, f'{job.name} [{tab}]: {job.action}'
    assert any(job.action == 'up to date' for job in mine), f'{tab}: no page has code'


@pytest.mark.parametrize('tab', TABS)
def test_every_code_cell_ran_once_in_page_order_and_none_failed(jobs, tab):
    """Execution counts 1, 2, ... n: one kernel ran the notebook from the
    top, no cell was skipped or run twice; and no cell left an error (a
    `raises-exception` tag would let one through)."""
    for job in jobs:
        if job.tab != tab or job.action != 'up to date':
            continue
        notebook = nbformat.read(job.target, as_version=4)
        code = [cell for cell in notebook.cells if cell.cell_type == 'code']
        counts = [cell.execution_count for cell in code]
        assert counts == list(range(1, len(code) + 1)), f'{job.name} [{tab}]: {counts}'
        for index, cell in enumerate(code):
            bad = [output for output in cell.outputs if output.output_type not in OUTPUT_TYPES]
            assert not bad, (
                f'{job.name} [{tab}] code cell {index}: {bad[0].output_type}: '
                f'{bad[0].get("ename")}: {bad[0].get("evalue")}'
            )
        assert all(cell.metadata.get('tab') == [tab] for cell in code), job.name


@pytest.mark.parametrize('tab', TABS)
def test_section_ran_the_frameworks_own_code(tab):
    """Each tab imported its own framework's helpers (the kernel routing works)."""
    notebook = nbformat.read(eval_dir_for(tab) / f'{SECTION}.ipynb', as_version=4)
    sources = '\n'.join(cell.source for cell in notebook.cells if cell.cell_type == 'code')
    assert f'from d2l import {lib_module(tab)} as d2l' in sources
    for other in set(TABS) - {tab}:
        assert f'from d2l import {lib_module(other)} as d2l' not in sources
