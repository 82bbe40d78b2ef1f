"""The site's download notebooks are made again only where their inputs
changed (forms/notebooks/writing.py): a prose edit remakes the edited page's
notebooks, a new title every notebook (any page's text may name it), and a
page that leaves the book leaves no notebook behind. On a copy of the book
with the repository's outputs, so no kernel runs."""

import re

import pytest

from book_paths import TABS
from bookbuild.project import Project
from throwaway_book import build_ok, copy_book, copy_the_outputs, edit

ANSWERS = 'chapter_builders-guide/custom-layer-answers.md'
CHAPTER = 'chapter_builders-guide/index.md'


@pytest.fixture(scope='module')
def built(tmp_path_factory):
    root = copy_book(tmp_path_factory.mktemp('site-notebooks'))
    copy_the_outputs(root)
    build_ok(root)
    return root


def made_again(output):
    [count] = re.findall(r"en: the pages' download notebooks in .* \((\d+) made again\)", output)
    return int(count)


def site_notebooks(root):
    project = Project(root)
    return {
        path.relative_to(project.html_dir).as_posix()
        for tab in project.tabs
        for path in project.english.site_notebooks(tab).rglob('*.ipynb')
    }


def test_a_prose_edit_remakes_only_that_pages_notebooks(built):
    tabs_with_answers = [
        name for name in site_notebooks(built) if name.endswith('custom-layer-answers.ipynb')
    ]
    edit(built / ANSWERS, 'This page works through', 'This page, edited, works through')
    assert made_again(build_ok(built).stdout) == len(tabs_with_answers) == len(TABS)


def test_a_new_title_remakes_every_notebook(built):
    text = (built / ANSWERS).read_text(encoding='utf-8')
    title = next(line for line in text.splitlines() if line.startswith('# '))
    edit(built / ANSWERS, title, title + ', Retitled')
    assert made_again(build_ok(built).stdout) == len(site_notebooks(built))


def test_a_page_that_leaves_the_book_leaves_no_notebook(built):
    extra = built / 'chapter_builders-guide' / 'extra.md'
    extra.write_text('# An Extra Page\n\nIt has prose only.\n', encoding='utf-8')
    edit(built / CHAPTER, 'custom-layer-answers\n```', 'custom-layer-answers\nextra\n```')
    build_ok(built)
    assert any(name.endswith('/extra.ipynb') for name in site_notebooks(built))
    extra.unlink()
    edit(built / CHAPTER, 'custom-layer-answers\nextra\n```', 'custom-layer-answers\n```')
    build_ok(built)
    assert not any(name.endswith('/extra.ipynb') for name in site_notebooks(built))
    project = Project(built)
    for tab in project.tabs:
        assert not project.evaluated_notebook(extra, tab).exists()
        assert not project.eval_record(extra, tab).exists()
