"""The notes a learner reads about a framework before installing it: beside
its "Colab" button on the page (render/postprocess.py) and in its zip's
README (forms/notebooks/zips.py), made from the registry's facts
(frameworks.py) with each language's templates (languages.py). Every
edition says every fact; a framework without the fact gets no note."""

import string

import pytest

from bookbuild.forms.notebooks import zips
from bookbuild.frameworks import FRAMEWORKS
from bookbuild.languages import LANGUAGES
from bookbuild.render import postprocess

# The facts each kind of note says (Framework.facts).
NOTE_FACTS = {
    'python_note': {'framework', 'release', 'dependency', 'below', 'python_below'},
    'zip_python_note': {'framework', 'release', 'dependency', 'below', 'python_below'},
    'zip_cpu_note': {'distribution', 'index'},
}


def fields(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize('lang', LANGUAGES)
@pytest.mark.parametrize('kind', NOTE_FACTS)
def test_every_language_says_every_fact_of_a_note(kind, lang):
    assert fields(getattr(LANGUAGES[lang], kind)) == NOTE_FACTS[kind], f'{lang} {kind}'


def colab_box(tab, note=''):
    """A framework's box of d2lbook's buttons, as its colab.py writes it."""
    return (
        f'<div class="d2l-tabs__tab"><a href="https://colab.example/{tab}">'
        f'<button id="Colab_[{tab}]">Colab</button></a>'
        f'<div class="mdl-tooltip" data-mdl-for="Colab_[{tab}]">Open the notebook in Colab</div>'
        f'{note}</div>'
    )


@pytest.mark.parametrize('lang', LANGUAGES)
def test_a_bounded_framework_gets_its_note_beside_its_button_once(lang):
    page = ''.join(colab_box(tab) for tab in FRAMEWORKS)
    done = postprocess.with_note(page, lang)
    assert postprocess.with_note(done, lang) == done, 'a second run changed the page'
    for tab, entry in FRAMEWORKS.items():
        box = done[done.index(f'id="Colab_[{tab}]"') :].split('<div class="d2l-tabs__tab">')[0]
        if not entry.python_below:
            assert 'colab-note' not in box, tab
            continue
        assert box.count('class="colab-note"') == 1, box
        for fact in (entry.title, entry.cap.release, entry.cap.below, entry.cap.python_below):
            assert fact in box, f'{lang} {tab}: the note does not say {fact!r}'


def test_an_earlier_builds_note_is_replaced():
    tab = next(tab for tab, entry in FRAMEWORKS.items() if entry.python_below)
    stale = '<p class="colab-note" role="note">An old wording.</p>'
    done = postprocess.with_note(colab_box(tab, stale), 'en')
    assert 'An old wording' not in done and done.count('class="colab-note"') == 1


@pytest.mark.parametrize('lang', LANGUAGES)
@pytest.mark.parametrize('tab', FRAMEWORKS)
def test_a_zips_readme_notes_come_from_the_frameworks_facts(tab, lang):
    entry = FRAMEWORKS[tab]
    notes = zips.notes(LANGUAGES[lang], entry)
    expected = []
    if entry.cap:
        expected += [entry.title, entry.cap.release, entry.cap.below, entry.cap.python_below]
    if entry.cpu_index:
        expected += [entry.distribution, entry.cpu_index]
    for fact in expected:
        assert fact in notes, f'{lang} {tab}: the README does not say {fact!r}'
    if not expected:
        assert notes == ''
