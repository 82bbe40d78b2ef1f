"""`--project` reaches the PDFs and the notebooks too: a throw-away copy gets
its own, in its own _build/, and the printed text shows verbatim in them."""

import subprocess

import nbformat
import pytest

from bookbuild.project import Project
from test_verbatim_outputs import PRINTED, SECTION_TEXT
from throwaway_book import SECTION, build_ok, copy_book, tabs


@pytest.fixture(scope='module')
def copy_with_forms(tmp_path_factory):
    project = copy_book(tmp_path_factory.mktemp('forms'), SECTION_TEXT)
    stamp = {path: path.stat().st_mtime for path in (Project().build_dir / 'pdf').glob('*.pdf')}
    build_ok(project, 'pdf')
    build_ok(project, 'notebooks')
    return project, stamp


def test_the_copy_gets_a_pdf_per_framework_with_the_printed_text(copy_with_forms):
    project, _ = copy_with_forms
    pdfs = sorted((Project(project).build_dir / 'pdf').glob('*.pdf'))
    assert len(pdfs) == len(tabs()), pdfs
    for path in pdfs:
        text = subprocess.run(
            ['pdftotext', '-layout', str(path), '-'], check=True, capture_output=True, text=True
        ).stdout
        for line in PRINTED:
            if line.isascii() and len(line) < 80:  # LaTeX wraps the long line
                assert line in text, f'{path.name} lacks {line!r}'


def test_the_copy_gets_its_notebooks_and_the_repository_keeps_its_own(copy_with_forms):
    project, stamp = copy_with_forms
    for tab in tabs():
        colab = Project(project).english.reader_notebooks('colab', tab) / SECTION.replace(
            '.md', '.ipynb'
        )
        notebook = nbformat.read(colab, as_version=4)
        first = next(cell for cell in notebook.cells if cell.cell_type == 'code')
        assert "requirement = 'd2l-custom-layers[" in first.source
        assert any('loss *before* step' in cell.source for cell in notebook.cells)
    assert stamp, 'the repository has no PDFs to compare with'
    for path, mtime in stamp.items():
        assert path.stat().st_mtime == mtime, f'building the copy rewrote {path}'
