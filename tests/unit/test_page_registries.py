"""The page's scripts (static/languages.js and static/page/), as config.ini
loads them, and the registries they read: the build writes those into d2l.js
from tools/bookbuild/frameworks.py and languages.py."""

import configparser
import json
import re
from pathlib import Path

from bookbuild.languages import LANGUAGES
from bookbuild.render.sphinx_extension import registries_script

ROOT = Path(__file__).resolve().parents[2]
PAGE_SCRIPTS = ROOT / 'static' / 'page'
MOST_LINES = 200


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


def test_config_loads_every_page_script_core_first_each_short_and_plain():
    """d2lbook appends include_js's files to d2l.js in its order: core.js
    first, since every feature registers with its BookPage. Each file is a
    plain script (a module fails on a page opened from disk) that opens
    with a comment saying what it does, and reads in one sitting."""
    config = configparser.ConfigParser()
    config.read(ROOT / 'config.ini', encoding='utf-8')
    loaded = config['html']['include_js'].split()
    scripts = sorted(PAGE_SCRIPTS.glob('*.js'))
    page = [name for name in loaded if name.startswith('static/page/')]
    assert page[:1] == ['static/page/core.js'], f'config.ini include_js: {loaded}'
    assert sorted(page) == [f'static/page/{path.name}' for path in scripts], (
        f'config.ini include_js must name each file of static/page/ once: {loaded}'
    )
    for path in scripts:
        text = path.read_text(encoding='utf-8')
        lines = len(text.splitlines())
        assert text.startswith('/* '), f'{path.name} opens without a comment saying what it does'
        assert not re.search(r'^\s*(import|export)\b', text, re.MULTILINE), (
            f'{path.name} is a module'
        )
        assert lines <= MOST_LINES, f'{path.name} has {lines} lines; split it by feature'
