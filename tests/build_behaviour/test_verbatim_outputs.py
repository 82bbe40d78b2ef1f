"""Whatever a cell prints or returns appears on the page exactly as printed,
and never breaks the build: reStructuredText markup, backslashes, leading
spaces, long lines and non-ASCII text are just text there."""

import json

import pytest
from bs4 import BeautifulSoup

from book_paths import TABS
from bookbuild.project import Project
from throwaway_book import SECTION, build_ok, copy_book, fence, tiny_section

# Each would be markup, or a markup error, if the output were read as
# reStructuredText (as d2lbook's parsed-literal blocks read it).
PRINTED = [
    'loss *before* step',
    'a lone *star',
    'name_ (a trailing underscore)',
    '``double backquotes`` and `single` ones',
    '|substitution| and [#]_ and :role:`x`',
    'a \\ backslash and \\n not a newline',
    '    four leading spaces',
    'long ' + 'x' * 300,
    'non-ASCII: ü é 한국어 ∑',
]
RETURNED = 'a returned value with **strong** markup'

SECTION_TEXT = tiny_section(
    'Outputs that look like markup.\n\n'
    + fence(
        ', '.join(TABS),
        f'lines = {json.dumps(PRINTED, ensure_ascii=False)}\n'
        "print('\\n'.join(lines))\n"
        f'{RETURNED!r}',
    )
)


@pytest.fixture(scope='module')
def page(tmp_path_factory):
    project = copy_book(tmp_path_factory.mktemp('verbatim'), SECTION_TEXT)
    result = build_ok(project)
    assert 'WARNING' not in result.stdout, result.stdout[-3000:]
    html = (Project(project).html_dir / SECTION.replace('.md', '.html')).read_text(encoding='utf-8')
    return BeautifulSoup(html, 'html.parser')


def test_printed_text_shows_verbatim_in_every_tab(page):
    outputs = [pre.get_text() for pre in page.select('div.output pre')]
    printed = [text for text in outputs if text.startswith(PRINTED[0])]
    assert len(printed) == len(TABS), f'{len(printed)} tabs show the printed text: {outputs}'
    for text in printed:
        assert text.rstrip('\n').split('\n') == PRINTED


def test_a_returned_value_shows_verbatim_and_nothing_is_emphasised(page):
    outputs = [pre.get_text() for pre in page.select('div.output pre')]
    shown = (outputs.count(repr(RETURNED) + '\n'), outputs.count(repr(RETURNED)))
    assert len(TABS) in shown, outputs
    for pre in page.select('div.output pre'):
        assert not pre.find(['em', 'strong', 'a', 'sup']), pre
