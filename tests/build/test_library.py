"""d2l/*.py is what `make lib` writes from the chapter's #@save cells."""

import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from book_paths import ROOT, TABS, eval_dir_for, lib_module, notebook_sources
from bookbuild.project import copy_book_sources

# d2lbook's mark above the part of a module that `make lib` writes.
GENERATED = '#    d2lbook build lib'


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


def definitions(code):
    """{name: the definition's syntax tree, docstrings left out} of the
    top-level classes and functions in some code (the library adds "Defined
    in" to each docstring)."""
    found = {}
    for node in ast.parse(code).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(inner):
                    inner.body = inner.body[1:] or [ast.Pass()]
            found[node.name] = ast.dump(node)
    return found


def saved_by_the_chapter(tab):
    """What the chapter's #@save cells define in one tab, from the notebooks
    the tab evaluated."""
    saved = {}
    for source in notebook_sources():
        path = eval_dir_for(tab) / source.relative_to(ROOT).with_suffix('.ipynb')
        if path.stat().st_size == 0:  # d2lbook's marker: no cell in this tab
            continue
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == 'code' and '#@save' in cell.source:
                saved.update(definitions(cell.source))
    return saved


@pytest.mark.parametrize('tab', TABS)
def test_the_generated_part_of_the_library_is_exactly_what_the_chapter_saves(tab):
    """Below the library's "generated" mark: every class and function of the
    tab's #@save cells, with the chapter's code, and nothing else; the
    evaluated code is what ran, so the library's layers are the page's."""
    text = (ROOT / 'd2l' / f'{lib_module(tab)}.py').read_text()
    hand_kept, mark, generated = text.partition(GENERATED)
    assert mark, f'd2l/{lib_module(tab)}.py has no generated part'
    saved = saved_by_the_chapter(tab)
    assert saved, f'the chapter saves nothing in {tab}'
    library = definitions(generated)
    assert sorted(library) == sorted(saved), f'd2l/{lib_module(tab)}.py'
    differ = [name for name in saved if library[name] != saved[name]]
    assert not differ, f'd2l/{lib_module(tab)}.py: not the chapter\'s code: {differ}'
    assert not set(definitions(hand_kept)) & set(saved), 'a saved name is also kept by hand'
