"""The registries the page's scripts read (static/languages.js and
static/frameworks.js): the build writes them into d2l.js from
tools/bookbuild/frameworks.py and languages.py."""

import json
import re

from bookbuild.languages import LANGUAGES
from bookbuild.render.sphinx_extension import registries_script


def registries(project):
    script = registries_script(project)
    return {
        name: json.loads(value)
        for name, value in re.findall(r'^var (BOOK_\w+) = (.*);$', script, re.MULTILINE)
    }


def test_the_page_knows_the_books_tabs_in_order_with_their_titles(book):
    project = book(tabs='jax, pytorch')
    frameworks = registries(project)['BOOK_FRAMEWORKS']
    assert list(frameworks.items()) == [('jax', 'JAX'), ('pytorch', 'PyTorch')]


def test_every_language_of_the_registry_reaches_the_page_with_its_site_and_words(book):
    found = registries(book())
    assert set(found['BOOK_EDITIONS']) == set(LANGUAGES) == set(found['BOOK_PAGE_WORDS'])
    assert found['BOOK_EDITIONS']['en'] == {'name': 'English', 'site': 'html/'}
    assert found['BOOK_EDITIONS']['ko'] == {'name': '한국어', 'site': 'ko/html/'}
    for code, words in found['BOOK_PAGE_WORDS'].items():
        assert set(words) == {
            'bar',
            'tabs',
            'link',
            'linkLabel',
            'copied',
            'sideBySide',
            'columns',
            'groupLink',
        }, code
        assert '{framework}' in words['linkLabel'] and '{url}' in words['copied'], code
        assert '{framework}' in words['groupLink'], code
