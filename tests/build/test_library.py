"""d2l/*.py is what `make lib` writes from the chapter's #@save cells."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from book_paths import ROOT, TABS, lib_module

# What `d2lbook build lib` reads (the toc from index.md down) and writes.
INPUTS = ['config.ini', 'index.md', 'references.md', 'chapter_builders-guide', 'd2l']


def test_library_is_in_step_with_the_chapter(tmp_path):
    for name in INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns('__pycache__'))
        else:
            shutil.copy(source, tmp_path / name)
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f'{bin_dir}{os.pathsep}{os.environ["PATH"]}')
    subprocess.run(
        [str(bin_dir / 'd2lbook'), 'build', 'lib'],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
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
