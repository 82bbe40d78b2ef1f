"""The names a release publishes the readers' files under (bookbuild/ci.py):
one name per edition, framework and form, the English files' own, and
`book release-files` copies each built file under its name or refuses."""

import pytest

from bookbuild import ci
from bookbuild.forms.epub import reader_epub
from bookbuild.report import BuildError


@pytest.fixture
def project(book):
    project = book({'index.md': '# Index\n'}, tabs='pytorch, jax')
    for code in ('ko', 'zh'):
        (project.root / code).mkdir()
    return project


def test_english_files_keep_their_names_and_an_editions_add_its_language(project):
    english, korean = project.english, project.edition('ko')
    assert ci.published_name(english, 'pytorch', '.pdf') == 'tiny-book.pdf'
    assert ci.published_name(english, 'jax', '.epub') == 'tiny-book-jax.epub'
    assert ci.published_name(korean, 'pytorch', '.pdf') == 'tiny-book-ko.pdf'
    assert ci.published_name(korean, 'jax', '.epub') == 'tiny-book-ko-jax.epub'
    assert ci.published_download(korean, 'jax', '.pdf') == (
        'https://github.com/owner/tiny-book/releases/latest/download/tiny-book-ko-jax.pdf'
    )


def test_the_release_holds_every_editions_files_each_under_a_name_of_its_own(project):
    files = ci.release_files(project)
    editions = [project.english, project.edition('ko'), project.edition('zh')]
    built = {
        form(edition, tab)
        for edition in editions
        for tab in project.tabs
        for form in (
            lambda edition, tab: edition.reader_pdf(tab),
            reader_epub,
            lambda edition, tab: edition.notebook_zip(tab),
        )
    }
    assert set(files.values()) == built
    assert len(files) == len(built) == 3 * 2 * 3  # names never collide


def test_release_files_copies_each_file_under_its_name_or_names_what_is_missing(project, tmp_path):
    files = ci.release_files(project)
    for path in list(files.values())[1:]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(path.name)
    missing = project.relative(next(iter(files.values())))
    with pytest.raises(BuildError, match=missing):
        ci.gather_release(project, tmp_path / 'release')
    first = next(iter(files.values()))
    first.parent.mkdir(parents=True, exist_ok=True)
    first.write_text(first.name)
    assert ci.gather_release(project, tmp_path / 'release') == sorted(files)
    for name, path in files.items():
        assert (tmp_path / 'release' / name).read_text() == path.name
