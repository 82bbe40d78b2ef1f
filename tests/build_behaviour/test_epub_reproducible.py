"""Two builds of an EPUB give the same bytes: fixed dates, fixed order
(forms/epub_package.py). One framework of the English book: the
repository's own EPUB, which `make test` builds before the suites, and a
clean build in a copy at another path that holds the repository's outputs
(so no kernel runs)."""

import subprocess
import sys
import zipfile

from book_paths import DEFAULT_TAB, PROJECT
from bookbuild.forms.epub import reader_epub
from bookbuild.project import Project
from throwaway_book import copy_book, copy_the_outputs

# One framework's EPUB through the pipeline, as `book epub` builds each.
BUILD_ONE = (
    'import sys; from pathlib import Path; from bookbuild import pipeline; '
    'from bookbuild.forms import form; from bookbuild.project import Project; '
    "pipeline.build_form(form('epub'), [Project(Path(sys.argv[1])).english], [sys.argv[2]])"
)


def clean_build(root, tab):
    copy_book(root)
    copy_the_outputs(root)
    result = subprocess.run(
        [sys.executable, '-c', BUILD_ONE, str(root), tab],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return reader_epub(Project(root).english, tab)


def test_two_builds_give_the_same_epub(tmp_path):
    tab = DEFAULT_TAB
    first = reader_epub(PROJECT.english, tab)
    assert first.exists(), f'{first} was not built (make epub)'
    second = clean_build(tmp_path / 'copy', tab)
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert a.namelist()[0] == 'mimetype'
        assert a.getinfo('mimetype').compress_type == zipfile.ZIP_STORED
        for name in a.namelist():
            assert a.read(name) == b.read(name), f'{name} differs between two clean builds'
        assert a.namelist() == b.namelist()
    assert first.read_bytes() == second.read_bytes(), 'the two EPUBs differ in their zip'
