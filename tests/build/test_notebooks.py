"""Every tab of every notebook was executed, and no cell failed."""

import nbformat
import pytest

from book_paths import ROOT, SECTION, TABS, eval_dir_for, lib_module, notebook_sources


def evaluated(tab, source):
    return eval_dir_for(tab) / source.relative_to(ROOT).with_suffix('.ipynb')


@pytest.mark.parametrize('tab', TABS)
def test_every_source_has_an_evaluated_notebook(tab):
    sources = notebook_sources()
    assert sources, 'config.ini lists no notebooks'
    missing = [str(s.relative_to(ROOT)) for s in sources if not evaluated(tab, s).exists()]
    assert not missing, f'{tab}: not evaluated: {missing}'


@pytest.mark.parametrize('tab', TABS)
def test_no_cell_has_an_error_output(tab):
    for source in notebook_sources():
        path = evaluated(tab, source)
        if path.stat().st_size == 0:  # d2lbook's marker for "no cell in this tab"
            continue
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            for output in cell.get('outputs', []):
                assert output.output_type != 'error', (
                    f'{path.name} [{tab}] cell {index}: {output.get("ename")}: {output.get("evalue")}'
                )
                text = output.get('text', '')
                assert 'Traceback' not in text, (
                    f'{path.name} [{tab}] cell {index} printed a traceback'
                )


@pytest.mark.parametrize('tab', TABS)
def test_every_code_cell_of_the_section_ran_in_this_tab(tab):
    notebook = nbformat.read(eval_dir_for(tab) / f'{SECTION}.ipynb', as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == 'code']
    assert len(code_cells) >= 8, f'{tab}: only {len(code_cells)} code cells'
    not_run = [
        cell.source.splitlines()[0] for cell in code_cells if cell.get('execution_count') is None
    ]
    assert not not_run, f'{tab}: cells that never ran: {not_run}'
    assert all(cell.metadata.get('tab') == [tab] for cell in code_cells)


@pytest.mark.parametrize('tab', TABS)
def test_section_ran_the_frameworks_own_code(tab):
    """Each tab imported its own framework's helpers (the kernel routing works)."""
    notebook = nbformat.read(eval_dir_for(tab) / f'{SECTION}.ipynb', as_version=4)
    sources = '\n'.join(cell.source for cell in notebook.cells if cell.cell_type == 'code')
    assert f'from d2l import {lib_module(tab)} as d2l' in sources
    for other in set(TABS) - {tab}:
        assert f'from d2l import {lib_module(other)} as d2l' not in sources
