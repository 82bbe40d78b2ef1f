"""The rendered section offers every framework in every code group."""

import nbformat
import pytest

import rendered_page
from book_paths import BUILD, SECTION, TABS, eval_dir_for
from bookbuild.frameworks import framework

PAGE = BUILD / 'html' / f'{SECTION}.html'


@pytest.fixture(scope='module')
def code_groups():
    return rendered_page.code_groups(rendered_page.read(PAGE))


def test_every_code_group_has_code_in_every_tab_in_order():
    rendered_page.assert_every_group_has_code_in_every_tab(rendered_page.read(PAGE), PAGE.name)


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


# The frameworks that cannot be installed on newer Pythons (the registry's
# caps): their notebooks stop there (bookbuild/forms/notebooks/install.py).
BOUNDED = [tab for tab in TABS if framework(tab).python_below]


@pytest.mark.parametrize('site', ['html', 'ko/html', 'pt/html'])
def test_a_bounded_frameworks_colab_button_says_which_python_its_notebook_needs(site):
    """Beside the "Colab" button of each framework with a Python bound, and
    only there: its notebook stops on Python python_below or later, and the
    page says so first, with the registry's facts, in the edition's language."""
    page = rendered_page.read(BUILD / site / f'{SECTION}.html')
    notes = page.select('p.colab-note')
    assert len(notes) == len(BOUNDED), f'{site}: {len(notes)} notes for {BOUNDED}'
    english = rendered_page.read(PAGE).select('p.colab-note')
    for tab, note, in_english in zip(BOUNDED, notes, english):
        box = note.find_parent('div', class_='d2l-tabs__tab')
        assert box.select_one(f'button[id="Colab_[{tab}]"]'), f'{site}: not beside the {tab} button'
        cap = framework(tab).cap
        text = note.get_text()
        for fact in (framework(tab).title, cap.release, cap.title, cap.below, cap.python_below):
            assert fact in text, f'{site}: the {tab} note does not say {fact!r}: {text}'
        # The Colab runtime to choose instead (requirements/hosts/colab-2025.07.txt).
        assert 'Python 3.11' in text and '2025.07' in text, text
        if site != 'html':
            assert text != in_english.get_text(), f'{site}: the {tab} note is in English'
