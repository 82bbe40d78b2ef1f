"""The PDFs (`make pdf`): one per framework, with that framework's code and
outputs, and the equations typeset by LaTeX; every PDF, the editions' too,
names its framework. Read with poppler's pdftotext, pdfinfo and pdffonts."""

import re
import subprocess

import nbformat
import pytest

from book_paths import BUILD, PROJECT, ROOT, SECTION, TABS, eval_dir_for, lib_module
from bookbuild.evaluate.versions import book_outputs_line
from bookbuild.frameworks import FRAMEWORKS
from bookbuild.languages import EDITIONS, language


def pdf_for(tab):
    return BUILD / 'pdf' / PROJECT.reader_file_name(tab, '.pdf')


def pdf_text(tab):
    return subprocess.run(
        ['pdftotext', '-layout', str(pdf_for(tab)), '-'], check=True, capture_output=True, text=True
    ).stdout


def squeezed(text):
    """Text without whitespace and commas, nor the marks of a wrapped code
    line (a visible space, then a hooked arrow that pdftotext reads as ",→"):
    the PDF spaces aligned columns and breaks long lines its own way."""
    return re.sub(r'[\s,\u2192\u21aa\u2423]+', '', text)


@pytest.mark.parametrize('tab', TABS)
def test_each_framework_has_its_pdf(tab):
    path = pdf_for(tab)
    assert path.read_bytes()[:5] == b'%PDF-', f'{path} is not a PDF'
    info = subprocess.run(['pdfinfo', str(path)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r'^Pages:\s+(\d+)', info, re.MULTILINE)[1])
    assert pages >= 5, f'{path.name} has {pages} pages'


@pytest.mark.parametrize('tab', TABS)
def test_pdf_holds_that_frameworks_code_only(tab):
    text = pdf_text(tab)
    assert f'from d2l import {lib_module(tab)} as d2l' in text
    for other in set(TABS) - {tab}:
        assert f'from d2l import {lib_module(other)} as d2l' not in text, (
            f'{tab} PDF shows {other} code'
        )


@pytest.mark.parametrize('tab', TABS)
def test_pdf_shows_the_outputs_of_the_evaluated_notebook(tab):
    text = squeezed(pdf_text(tab))
    notebook = nbformat.read(eval_dir_for(tab) / f'{SECTION}.ipynb', as_version=4)
    results = [
        output.data['text/plain']
        for cell in notebook.cells
        if cell.cell_type == 'code'
        for output in cell.outputs
        if output.output_type == 'execute_result'
    ]
    assert len(results) >= 4
    for result in results:
        first_line = result.strip().splitlines()[0]
        assert squeezed(first_line) in text, f'{tab}: output {first_line!r} is not in the PDF'


@pytest.mark.parametrize('tab', TABS)
def test_pdf_code_shows_no_build_marks(tab):
    assert '#@save' in (ROOT / f'{SECTION}.md').read_text(), 'the section has no mark to hide'
    text = pdf_text(tab)
    assert 'class CenteredLayer' in text
    assert '@save' not in text


@pytest.mark.parametrize('tab', TABS)
def test_pdf_typesets_the_equations(tab):
    text = pdf_text(tab)
    assert '\\sum' not in text and '$' not in text, 'TeX source leaked into the PDF'
    fonts = subprocess.run(
        ['pdffonts', str(pdf_for(tab))], check=True, capture_output=True, text=True
    ).stdout
    # Computer Modern math italic and the big-operator font (for the sum).
    assert 'CMMI' in fonts and 'CMEX' in fonts, fonts


def book_index(lang):
    """The edition's first page, as its authors wrote it."""
    return (ROOT / ('index.md' if lang == 'en' else f'{lang}/index.md')).read_text(encoding='utf-8')


def book_title(lang):
    """The book's title as the edition's first page writes it (d2lbook takes
    an edition's title from its index.md)."""
    return next(line.strip() for line in book_index(lang).splitlines() if line.strip())


def pdf_pages(path, last):
    return subprocess.run(
        ['pdftotext', '-l', str(last), str(path), '-'], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.parametrize('lang', ['en', *EDITIONS])
@pytest.mark.parametrize('tab', TABS)
def test_every_pdf_names_its_framework_on_its_cover_in_its_title_and_first_words(lang, tab):
    """Printed, or renamed by a browser, a PDF still says which framework it
    holds: on its cover and in its Title metadata, and in its first
    paragraph, with the versions that made its outputs, in the edition's
    language, before the book's own first words."""
    path = PROJECT.edition(lang).reader_pdf(tab)
    name = FRAMEWORKS[tab].title
    title = f'{book_title(lang)} — {name}'
    info = subprocess.run(['pdfinfo', str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(r'^Title:\s+(.*)$', info, re.MULTILINE)[1] == title, info
    assert squeezed(title) in squeezed(pdf_pages(path, 1)), (
        f'{path.name}: no {title!r} on the cover'
    )
    words = language(lang)
    opening = squeezed(words.pdf_opening.format(framework=name))
    versions = book_outputs_line(PROJECT.edition(lang), tab)
    assert versions, f'no evaluation of {tab} recorded'
    versions = squeezed(versions)
    first = squeezed(pdf_pages(path, 6))
    assert opening in first and versions in first, f'{path.name}: {first[:600]}'
    # Before the book's own first words (after its title, on the first page of text).
    book_words = squeezed(book_index(lang).split('\n\n')[1].split(':cite:')[0])
    assert first.index(opening) < first.index(versions) < first.index(book_words[:20])
