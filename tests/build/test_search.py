"""The Chinese edition's search in a real browser (tools/bookbuild/render/
search_zh.py): a reader types a word into the search box of a page, and the
search page lists the section first or second, with only its answers page
beside it; two characters that the book has only apart find nothing.

Sphinx's own Chinese search would fail every one of these: it indexes no
one-character word (层), and it takes a query as one word, whatever it holds.
"""

import re

import pytest
from playwright.sync_api import expect

from book_paths import ROOT, SECTION
from browser_reader import SECTION_PAGE, Reader

EDITION = 'zh'
# The glossary's words for layer, parameter, weight, initialization,
# gradient and custom layer (docs/glossary.md).
WORDS = ('层', '参数', '权重', '初始化', '梯度', '自定义层')
ANSWERS = f'{SECTION}-answers'
# Two characters of the book's words (梯度, gradient; 权重, weight) that no
# page has side by side: a search that matched characters rather than words
# would find the pages that have both.
CONTROL = '梯重'


@pytest.fixture
def chinese_reader(browser, site_url):
    reader = Reader(browser, site_url, EDITION)
    yield reader
    reader.close()


def search(reader, query):
    """Type the query into the search box in the header of the section's
    page and press Enter; on the search page, wait until Sphinx has listed
    every result (it writes its status line, empty until then, after the
    last one). The result pages' names, in order (a page may be listed
    twice: once for a heading, once for its text)."""
    reader.open(SECTION_PAGE)
    box = reader.page.locator('header form[action$="search.html"] input[name="q"]')
    # The box is folded behind its icon until the icon is clicked.
    reader.click(reader.page.locator('header label[for="waterfall-exp"]'))
    box.fill(query)
    box.press('Enter')
    reader.page.wait_for_url('**/search.html?q=*', wait_until='load')
    reader.wait_until_ready()
    expect(reader.page.locator('#search-results p.search-summary')).to_have_text(re.compile(r'\S'))
    assert not reader.errors, f'{query}: {reader.errors}'
    hrefs = reader.page.locator('#search-results ul.search > li > a').evaluate_all(
        'links => links.map(a => a.getAttribute("href"))'
    )
    return [href.split('#')[0].removesuffix('.html') for href in hrefs]


@pytest.mark.parametrize('word', WORDS)
def test_a_common_word_finds_the_section_first_or_second(chinese_reader, word):
    pages = search(chinese_reader, word)
    # For the closing note of the issue: how many results each word gets.
    print(f'{word}: {len(pages)} result(s), {len(set(pages))} page(s): {pages}')
    first_two = pages[:2]
    assert SECTION in first_two, f'{word}: the section is not among the first two: {pages}'
    others = set(first_two) - {SECTION, ANSWERS}
    assert not others, f'{word}: {sorted(others)} ranked beside the section: {pages}'


def chinese_text():
    """The Chinese pages' text as one line: a source line ends where the
    page flows on, so two characters on either side of a line break are
    side by side on the page."""
    pages = sorted((ROOT / EDITION).rglob('*.md'))
    assert pages, f'no pages in {ROOT / EDITION}'
    return ''.join(''.join(page.read_text(encoding='utf-8').split()) for page in pages)


def test_characters_the_book_has_only_apart_find_nothing(chinese_reader):
    text = chinese_text()
    missing = [character for character in CONTROL if character not in text]
    assert not missing, f'{missing} no longer in the {EDITION} pages: choose another control query'
    assert CONTROL not in text, f'{CONTROL} is in the {EDITION} pages: choose another control query'
    pages = search(chinese_reader, CONTROL)
    print(f'{CONTROL}: {len(pages)} result(s): {pages}')
    assert pages == [], f'{CONTROL}: {pages}'


def test_a_query_is_split_into_the_words_of_the_index(chinese_reader):
    """The search page's own splitter: a glossary term stays one word, a
    particle between words stands alone, and characters that are no word of
    the book fall apart."""
    search(chinese_reader, '自定义层')  # the search page, its index loaded
    split = chinese_reader.page.evaluate('query => splitQuery(query)', '自定义层的参数')
    assert split == ['自定义层', '的', '参数']
    assert chinese_reader.page.evaluate('query => splitQuery(query)', CONTROL) == list(CONTROL)
