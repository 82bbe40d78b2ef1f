"""The Chinese edition's search index (tools/bookbuild/render/search_zh.py),
without a build: pages fed to Sphinx's own IndexBuilder with the edition's
search class, and the words it indexes read back. What the browser does
with a query is tests/build/test_search.py's.

jieba's dictionary takes about 1.5 s to read, once per process: the
module's tests share one instance of the class.
"""

import shutil
from types import SimpleNamespace

import pytest
from docutils import nodes
from docutils.utils import new_document
from sphinx.search import IndexBuilder

from bookbuild import glossary
from bookbuild.project import REPOSITORY, Project
from bookbuild.render import search_zh
from bookbuild.report import BuildError

EDITION = 'zh'


def chinese_search():
    return search_zh.SearchBookChinese(
        {search_zh.GLOSSARY_OPTION: glossary.words(REPOSITORY, EDITION)}
    )


@pytest.fixture(scope='module')
def search():
    return chinese_search()


def page(title, text):
    """A doctree as Sphinx's index reads one: a section, its title, a paragraph."""
    document = new_document('page')
    section = nodes.section(ids=['page'])
    section += nodes.title(title, title)
    section += nodes.paragraph(text, text)
    document += section
    return document


def index(search, pages):
    """Sphinx's index of the pages ({name: (title, text)}, fed in that
    order) with `search` as its language: (terms, titleterms), each word
    with its pages' numbers as searchindex.js writes them."""
    builder = IndexBuilder(None, 'en', {}, '')
    builder.lang = search
    for name, (title, text) in pages.items():
        builder.feed(name, f'{name}.md', title, page(title, text))
    numbers = {name: number for number, name in enumerate(sorted(pages))}
    return builder.get_terms(numbers)


def indexed(search, text):
    """The words the index holds for a page of this one paragraph."""
    terms, _ = index(search, {'page': ('', text)})
    return set(terms)


def test_a_query_with_a_particle_is_split_into_its_words_and_their_parts(search):
    assert indexed(search, '自定义层的参数') == {'自定义层', '自定义', '自定', '定义', '层', '参数'}
    assert indexed(search, '全连接层的权重') == {'全连接层', '连接', '层', '权重'}
    assert indexed(search, '初始化参数') == {'初始化', '初始', '参数'}


def test_a_particle_is_a_stopword_of_the_query_and_not_in_the_index(search):
    assert '的' in search.stopwords
    assert '的' not in indexed(search, '层的')


def test_the_glossary_one_character_word_is_kept_alone_and_as_the_end_of_a_word(search):
    assert indexed(search, '层') == {'层'}
    assert indexed(search, '全连接层') == {'全连接层', '连接', '层'}
    assert '层' in indexed(search, '输出层')


def test_a_piece_of_a_word_is_dropped(search):
    assert indexed(search, '初始化器') == {'初始化', '初始'}
    assert indexed(search, '器') == set()


def test_a_noun_the_glossary_does_not_list_is_kept_only_alone(search):
    assert '类' in indexed(search, '一个类')
    assert indexed(search, '子类') == {'子类'}
    assert '类' not in indexed(search, '这类层')


def edition_pages():
    """The edition's pages as the index would get them: their markdown as
    one paragraph each, its first line the title."""
    sources = sorted((REPOSITORY / EDITION).rglob('*.md'))
    assert sources, f'no pages in {REPOSITORY / EDITION}'
    pages = {}
    for source in sources:
        text = source.read_text(encoding='utf-8')
        pages[str(source.relative_to(REPOSITORY / EDITION).with_suffix(''))] = (
            text.split('\n', 1)[0].lstrip('# '),
            text,
        )
    return pages


def test_two_instances_and_either_page_order_write_the_same_index(search):
    pages = edition_pages()
    reversed_pages = dict(reversed(pages.items()))
    other = chinese_search()
    first = index(search, pages)
    assert first[0] and first[1], 'the edition\'s pages gave an empty index'
    assert index(other, reversed_pages) == first
    assert index(search, reversed_pages) == first
    assert other.js_splitter_code == search.js_splitter_code


def test_without_jieba_the_build_stops_and_says_so(monkeypatch):
    monkeypatch.setattr(search_zh, 'JIEBA', False)
    with pytest.raises(BuildError, match=r'jieba is missing from \.venv/book'):
        search_zh.tokenizer(['层'])


def test_the_han_class_is_the_registry_letters_in_python_and_javascript():
    # An Extension B ideograph (U+20000) is Han to the page splitter...
    assert search_zh.RUNS.findall('\U00020000层abc') == [('\U00020000层', ''), ('', 'abc')]
    # ... and to the browser's, as JavaScript's u flag reads \u{...}.
    assert search_zh.javascript_class('\u4e00-\u9fff\U00020000-\U0002fa1f') == (
        r'\u{4e00}-\u{9fff}\u{20000}-\u{2fa1f}'
    )


# ---- whose glossary: the book being built ----

TINY_GLOSSARY = """\
# Glossary

| English | 中文 (zh) |
|---|---|
| layer | 层 |
| spline | 样条 |
"""


def staged_edition(project):
    """The zh edition's staged sources, as editions/staging.py lays them out
    (Sphinx runs there): a folder with a config.ini, in the book's _build."""
    staged = project.edition(EDITION).source_dir
    staged.mkdir(parents=True)
    shutil.copy(project.root / 'config.ini', staged / 'config.ini')
    return Project(staged)


def chinese_configuration(staged):
    """What the config-inited handler does to a zh build's configuration."""
    added = []
    app = SimpleNamespace(add_search_language=added.append)
    config = SimpleNamespace(language='zh_CN', html_search_options={})
    search_zh.use_for_the_chinese_edition(app, config, staged)
    assert added == [search_zh.SearchBookChinese]
    return config.html_search_options[search_zh.GLOSSARY_OPTION]


def test_the_search_reads_the_glossary_of_the_book_being_built(book):
    project = book()
    (project.root / glossary.FILE).parent.mkdir()
    (project.root / glossary.FILE).write_text(TINY_GLOSSARY, encoding='utf-8')
    assert chinese_configuration(staged_edition(project)) == ['样条', '层']


def test_a_copy_of_the_sources_alone_reads_the_repository_glossary(book):
    # copy_book_sources copies no docs/.
    assert chinese_configuration(staged_edition(book())) == glossary.words(REPOSITORY, EDITION)


def test_a_folder_in_no_book_is_an_error(tmp_path):
    staged = tmp_path / 'elsewhere'
    staged.mkdir()
    (staged / 'config.ini').write_text('[build]\ntabs = pytorch\n', encoding='utf-8')
    with pytest.raises(BuildError, match='no folder above has a config.ini'):
        chinese_configuration(Project(staged))
