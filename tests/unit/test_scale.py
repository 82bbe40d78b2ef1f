"""The larger books `make bench` builds (bookbuild.bench.scale): each chapter
the root page lists is copied with its labels renamed, so that the copies
build side by side, and config.ini and the root page list the copies."""

import json

import pytest

from bookbuild.bench import scale
from bookbuild.project import Project
from bookbuild.report import BuildError
from tiny_book import fence, load_tabs

ROOT_PAGE = """\
# A Book

```toc
:maxdepth: 2

part/index
```

See :numref:`sec_a` for the first section.
"""

PAGES = {
    'index.md': ROOT_PAGE,
    'part/index.md': '# Part\n:label:`chap_part`\n\n```toc\n:maxdepth: 2\n\na\nb\n```\n',
    'part/a.md': load_tabs(['pytorch'])
    + '\n# A\n:label:`sec_a`\n\nAs in :numref:`sec_b` and :ref:`the part <chap_part>`, '
    + 'see :eqref:`eq_one` and :cite:`Some.2020`.\n\n$$x = 1$$\n:eqlabel:`eq_one`\n\n'
    + fence('pytorch', 'x = 1'),
    'part/b.md': '# B\n:label:`sec_b`\n\nBack to :numref:`sec_a`.\n',
}


@pytest.fixture
def source(book):
    project = book(PAGES)
    (project.root / 'eval-times.json').write_text(json.dumps({'pytorch': {'part/a.md': 7.5}}))
    return project.root


def test_the_chapters_are_the_folders_the_root_page_lists(source):
    assert scale.chapters(source) == ['part']


def test_a_book_whose_root_page_lists_no_chapter_folder_is_named(book):
    root = book({'index.md': '# A Book\n\n```toc\nintro\n```\n'}).root
    with pytest.raises(BuildError, match=r'index.md: its tables of contents open no chapter'):
        scale.chapters(root)


def test_factor_one_is_the_book_as_it_is(source, tmp_path):
    copy = scale.grow(source, tmp_path / 'one', 1)
    assert (copy / 'index.md').read_text() == ROOT_PAGE
    assert not (copy / 'part-2').exists()


def test_each_copy_renames_its_labels_and_the_references_to_them(source, tmp_path):
    copy = scale.grow(source, tmp_path / 'three', 3)
    text = (copy / 'part-3' / 'a.md').read_text()
    for renamed in [
        ':label:`sec_a-3`',
        ':numref:`sec_b-3`',
        ':ref:`the part <chap_part-3>`',
        ':eqref:`eq_one-3`',
        ':eqlabel:`eq_one-3`',
        # A citation is the bibliography's, and stays.
        ':cite:`Some.2020`',
    ]:
        assert renamed in text
    assert ':numref:`sec_a-3`' in (copy / 'part-3' / 'b.md').read_text()
    # The chapter itself and the root page keep their names.
    assert ':label:`sec_a`' in (copy / 'part' / 'a.md').read_text()
    assert ':numref:`sec_a`' in (copy / 'index.md').read_text()


def test_the_copies_are_listed_after_their_chapter_and_in_config_ini(source, tmp_path):
    copy = scale.grow(source, tmp_path / 'three', 3)
    toc = (copy / 'index.md').read_text().split('```toc')[1]
    assert [line.strip() for line in toc.splitlines() if 'index' in line] == [
        'part/index',
        'part-2/index',
        'part-3/index',
    ]
    pages = [Project(copy).relative(page) for page in Project(copy).notebook_sources()]
    assert len(pages) == 1 + 3 * 3
    assert 'part-2/a.md' in pages and 'part-3/b.md' in pages


def test_every_label_of_the_grown_book_is_defined_once(source, tmp_path):
    copy = scale.grow(source, tmp_path / 'four', 4)
    labels = [
        match['name']
        for page in copy.rglob('*.md')
        for match in scale.DEFINES.finditer(page.read_text())
    ]
    assert len(labels) == len(set(labels)) == 4 * 4


def test_the_copies_have_their_chapters_recorded_run_times(source, tmp_path):
    copy = scale.grow(source, tmp_path / 'two', 2)
    times = json.loads((copy / 'eval-times.json').read_text())
    assert times == {'pytorch': {'part/a.md': 7.5, 'part-2/a.md': 7.5}}


def test_a_factor_below_one_is_refused(source, tmp_path):
    with pytest.raises(BuildError, match='a whole factor ≥ 1'):
        scale.grow(source, tmp_path / 'none', 0)
