"""d2l/*.py is what `make lib` writes from the chapter's #@save cells."""

import subprocess
import sys
from pathlib import Path

from book_paths import ROOT, TABS, lib_module
from bookbuild.project import copy_book_sources


def test_library_is_in_step_with_the_chapter(tmp_path):
    copy_book_sources(ROOT, tmp_path)
    book = Path(sys.executable).parent / 'book'  # `make lib`'s command, on a copy
    subprocess.run([str(book), 'lib', '--project', str(tmp_path)], check=True, capture_output=True)
    stale = [
        f'd2l/{lib_module(tab)}.py'
        for tab in TABS
        if (tmp_path / 'd2l' / f'{lib_module(tab)}.py').read_text()
        != (ROOT / 'd2l' / f'{lib_module(tab)}.py').read_text()
    ]
    assert not stale, f'{stale} differ from the chapter; run `make lib` and commit the result'


def test_library_holds_the_chapters_layers():
    for tab in TABS:
        text = (ROOT / 'd2l' / f'{lib_module(tab)}.py').read_text()
        for name in ('class CenteredLayer', 'class MyDense'):
            assert name in text, f'd2l/{lib_module(tab)}.py lacks {name}'
