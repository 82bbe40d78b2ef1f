"""Two clean builds of the book give the same notebooks, output for output:
the repository's own, as usual, and a copy's with the network cut
(conftest.py)."""

import nbformat
import pytest

from book_paths import PROJECT, TABS
from bookbuild.project import Project


def normalized(path):
    """A notebook's cells as (type, source, execution count, outputs), without
    the timing metadata an executor may add."""
    if path.stat().st_size == 0:  # d2lbook's marker for "no cell in this tab"
        return []
    notebook = nbformat.read(path, as_version=4)
    return [
        (cell.cell_type, cell.source, cell.get('execution_count'), cell.get('outputs'))
        for cell in notebook.cells
    ]


@pytest.mark.parametrize('tab', TABS)
def test_two_clean_builds_give_identical_outputs(two_clean_builds, tab):
    first, second = (Project(project).build_dir for project in two_clean_builds[:2])
    assert two_clean_builds[2].returncode == 0, two_clean_builds[2].stdout[-3000:]
    eval_dir = PROJECT.tab_folder('eval', tab)
    notebooks = sorted(p.relative_to(first) for p in (first / eval_dir).rglob('*.ipynb'))
    assert notebooks, f'the first build wrote no {tab} notebook'
    outputs_seen = 0
    for relative in notebooks:
        cells_first, cells_second = normalized(first / relative), normalized(second / relative)
        assert len(cells_first) == len(cells_second), relative
        for index, (a, b) in enumerate(zip(cells_first, cells_second)):
            assert a == b, f'{relative} cell {index} differs between two clean builds:\n{a}\n{b}'
            outputs_seen += bool(a[3])
    assert outputs_seen >= 5, f'{tab}: too few outputs to show anything'
