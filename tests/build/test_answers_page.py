"""The exercise answers page: every framework answers, and every check holds."""

import nbformat
import pytest

import rendered_page
from book_paths import BUILD, TABS, eval_dir_for

ANSWERS = 'chapter_builders-guide/custom-layer-answers'


def code_cells(tab):
    notebook = nbformat.read(eval_dir_for(tab) / f'{ANSWERS}.ipynb', as_version=4)
    return [cell for cell in notebook.cells if cell.cell_type == 'code']


def shown_text(cell):
    return ''.join(
        output.get('text') or output.get('data', {}).get('text/plain', '')
        for output in cell.get('outputs', [])
    )


@pytest.mark.parametrize('tab', TABS)
def test_every_numpy_check_on_the_answers_page_prints_true(tab):
    checks = [cell for cell in code_cells(tab) if 'allclose(' in cell.source]
    # One check for TensorReduction, one for FourierHalf, one for the layer
    # without a bias (Keras's, or Gluon's in MXNet).
    assert len(checks) == 3, f'{tab}: {len(checks)} allclose checks'
    for cell in checks:
        results = [
            output['data']['text/plain']
            for output in cell.get('outputs', [])
            if output['output_type'] == 'execute_result'
        ]
        # The check is the cell's last value, alone or last in a tuple.
        assert (
            len(results) == 1
            and results[0].rstrip(')').endswith('True')
            and 'False' not in results[0]
        ), f'{tab}: {cell.source!r} showed {shown_text(cell)!r}'


@pytest.mark.parametrize('tab', TABS)
def test_every_code_cell_of_the_answers_page_ran_in_this_tab(tab):
    cells = code_cells(tab)
    assert any('class TensorReduction' in cell.source for cell in cells), tab
    assert any('class FourierHalf' in cell.source for cell in cells), tab
    assert all(cell.get('execution_count') is not None for cell in cells), tab


def test_every_code_group_of_the_answers_page_has_code_in_every_tab():
    path = BUILD / 'html' / f'{ANSWERS}.html'
    groups = rendered_page.assert_every_group_has_code_in_every_tab(
        rendered_page.read(path), path.name
    )
    assert len(groups) >= 7, f'only {len(groups)} code groups'
