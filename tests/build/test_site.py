"""The rendered section offers every framework in every code group."""

import nbformat
import pytest

import rendered_page
from book_paths import BUILD, SECTION, TABS, eval_dir_for

PAGE = BUILD / 'html' / f'{SECTION}.html'


@pytest.fixture(scope='module')
def code_groups():
    return rendered_page.code_groups(rendered_page.read(PAGE))


def test_every_code_group_has_code_in_the_four_tabs_in_order():
    rendered_page.assert_every_group_has_code_in_the_four_tabs(rendered_page.read(PAGE), PAGE.name)


def outputs_of(tab):
    """The text of every output of the tab's evaluated section, in order (a
    cell that prints and returns a value has two)."""
    notebook = nbformat.read(eval_dir_for(tab) / f'{SECTION}.ipynb', as_version=4)
    return [
        output.get('text') or output['data']['text/plain']
        for cell in notebook.cells
        if cell.cell_type == 'code'
        for output in cell.get('outputs', [])
    ]


@pytest.mark.parametrize('tab', TABS)
def test_each_tab_shows_the_outputs_of_its_evaluated_notebook(code_groups, tab):
    column = TABS.index(tab)
    shown = [
        pre.get_text()
        for group in code_groups
        for pre in rendered_page.panels(group)[column].select('div.output pre')
    ]
    expected = outputs_of(tab)
    assert len(expected) >= 5, f'{tab}: only {len(expected)} outputs'
    assert len(shown) == len(expected), (
        f'{tab}: page shows {len(shown)} outputs, notebook has {len(expected)}'
    )
    for text, output in zip(shown, expected):
        first_line = output.strip().splitlines()[0]
        assert first_line.strip() in text, f'{tab}: output {first_line!r} not on the page'


def test_page_output_has_no_framework_log_noise(code_groups):
    for group in code_groups:
        for pre in group.select('div.output pre'):
            text = pre.get_text()
            assert 'oneDNN' not in text and 'absl::' not in text, text[:200]


@pytest.mark.parametrize('site', ['html', 'ko/html', 'pt/html'])
def test_mxnet_colab_button_says_which_python_its_notebook_needs(site):
    """Beside the MXNet "Colab" button, and only there: the MXNet notebook
    stops on Python 3.12 or later (bookbuild/forms/notebooks.py), and the page says so
    first, in the edition's language."""
    page = rendered_page.read(BUILD / site / f'{SECTION}.html')
    notes = page.select('p.colab-note')
    assert len(notes) == 1, f'{site}: {len(notes)} notes'
    tab = notes[0].find_parent('div', class_='d2l-tabs__tab')
    assert tab.select_one('button[id="Colab_[mxnet]"]'), 'the note is not beside the MXNet button'
    text = notes[0].get_text()
    assert 'Python 3.11' in text and '2025.07' in text and '1.24' in text
    if site != 'html':
        assert 'needs Python' not in text, f'{site}: the note is in English'
