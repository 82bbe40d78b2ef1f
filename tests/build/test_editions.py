"""The translated editions (languages.py) as built: their pages, outputs, PDFs and
notebooks match the English build. (The sync check of their sources is
tested in tests/unit/test_edition_sync.py.)"""

import subprocess

import nbformat
import pytest
from bs4 import BeautifulSoup

import rendered_page
from book_paths import BUILD, PROJECT, ROOT, SECTION, TABS, eval_dir_for, lib_module
from bookbuild.editions.outputs import edition_eval_dir, reuse_english_outputs
from bookbuild.languages import EDITIONS as LANGUAGES
from bookbuild.languages import language


@pytest.mark.parametrize('lang', LANGUAGES)
def test_edition_renders_the_section_with_every_tab(lang):
    soup = rendered_page.read(BUILD / lang / 'html' / f'{SECTION}.html')
    # A language tag (BCP 47): the Sphinx language the edition is built
    # with, where it differs from the code, with a hyphen (zh_CN is zh-CN).
    tag = (language(lang).sphinx_language or lang).replace('_', '-')
    assert soup.html.get('lang') == tag, f'{lang} section: <html lang="{soup.html.get("lang")}">'
    english = rendered_page.read(BUILD / 'html' / f'{SECTION}.html')
    groups = rendered_page.assert_every_group_has_code_in_every_tab(soup, f'{lang} section')
    assert len(groups) == len(rendered_page.code_groups(english))
    assert len(soup.select('div.output pre')) == len(english.select('div.output pre'))


@pytest.mark.parametrize('lang', LANGUAGES)
@pytest.mark.parametrize('tab', TABS)
def test_edition_outputs_are_the_english_run_of_the_same_code(lang, tab):
    english = nbformat.read(eval_dir_for(tab) / f'{SECTION}.ipynb', as_version=4)
    base = BUILD / lang / eval_dir_for(tab).name
    translated = nbformat.read(base / f'{SECTION}.ipynb', as_version=4)

    def cells(nb, kind):
        return [(c.source, c.get('outputs')) for c in nb.cells if c.cell_type == kind]

    assert cells(translated, 'code') == cells(english, 'code')
    assert cells(translated, 'markdown') != cells(english, 'markdown')


@pytest.mark.parametrize('lang', ['en', *LANGUAGES])
def test_every_page_has_its_counterpart_in_every_edition(lang):
    site = BUILD / 'html' if lang == 'en' else BUILD / lang / 'html'
    assert 'language-link' in (site / '_static' / 'd2l.js').read_text(encoding='utf-8')
    pages = [
        p.relative_to(site)
        for p in site.glob('**/*.html')
        if p.name not in ('genindex.html', 'search.html')
    ]
    assert pages
    for other in ['en', *LANGUAGES]:
        other_site = BUILD / 'html' if other == 'en' else BUILD / other / 'html'
        missing = [str(p) for p in pages if not (other_site / p).exists()]
        assert not missing, f'{lang} pages with no {other} counterpart: {missing}'


def edition_pdf_text(lang, tab):
    file = PROJECT.reader_file_name(tab, '.pdf')
    return subprocess.run(
        ['pdftotext', str(BUILD / lang / 'pdf' / file), '-'],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.mark.parametrize('lang', LANGUAGES)
@pytest.mark.parametrize('tab', TABS)
def test_edition_pdf_has_the_translated_text_and_that_frameworks_code(lang, tab):
    text = edition_pdf_text(lang, tab)
    # The first heading of the translated section, as the translators wrote it.
    heading = next(
        line[2:].strip()
        for line in (ROOT / lang / f'{SECTION}.md').read_text(encoding='utf-8').split('\n')
        if line.startswith('# ')
    )
    assert ''.join(heading.split()) in ''.join(text.split()), f'{lang} {tab}: no {heading!r}'
    assert f'from d2l import {lib_module(tab)} as d2l' in text
    for other in set(TABS) - {tab}:
        assert f'from d2l import {lib_module(other)} as d2l' not in text


@pytest.mark.parametrize('lang', LANGUAGES)
def test_edition_notebooks_stay_current_when_their_page_or_config_is_newer(lang):
    """d2lbook evaluates again any notebook older than its page or than
    config.ini, and an edition has no kernel: after a change to either, the
    edition's notebooks, which hold the English run's outputs, must be
    marked current, also those whose outputs did not change."""
    import os

    staging = PROJECT.edition(lang).source_dir
    notebooks = {
        path: staging
        / path.relative_to(edition_eval_dir(PROJECT.edition(lang), tab)).with_suffix('.md')
        for tab in TABS
        for path in edition_eval_dir(PROJECT.edition(lang), tab).rglob('*.ipynb')
    }
    assert notebooks and (staging / 'config.ini').exists(), (
        'build the edition first (make html-ko html-pt)'
    )
    newest = max(page.stat().st_mtime for page in [*notebooks.values(), staging / 'config.ini'])
    past = newest - 3600
    for path in notebooks:
        os.utime(path, (past, past))
    reuse_english_outputs(PROJECT.edition(lang))
    stale = [
        path
        for path, page in notebooks.items()
        if path.stat().st_mtime
        <= max(page.stat().st_mtime, (staging / 'config.ini').stat().st_mtime)
    ]
    assert not stale, (
        f'older than their page or config.ini, so d2lbook would evaluate them: {stale[:3]}'
    )


# Labels that d2lbook's theme, its Colab buttons and Sphinx write in English.
ENGLISH_LABELS = {
    'Table Of Contents',
    'Previous',
    'Next',
    'Open the notebook in Colab',
    'Permalink to this heading',
    'Search',
    'Show Source',
    'Download',
}
# Beginnings of the English labels and lines that render/postprocess.py writes
# beside each framework's "Colab" button.
ENGLISH_STARTS = ('Outputs from', 'Open the ', 'Download the ')


@pytest.mark.parametrize('lang', LANGUAGES)
def test_edition_pages_show_their_labels_in_their_language(lang):
    pages = sorted((BUILD / lang / 'html').rglob('*.html'))
    assert len(pages) >= 5, pages
    for path in pages:
        page = BeautifulSoup(path.read_text(encoding='utf-8'), 'html.parser')
        for element in page(['script', 'style', 'pre', 'code']):
            element.decompose()
        shown = {text.strip() for text in page.stripped_strings}
        shown |= {
            element[name]
            for name in ('title', 'placeholder', 'aria-label')
            for element in page.find_all(attrs={name: True})
        }
        english = shown & ENGLISH_LABELS
        english |= {text for text in shown if text.startswith(ENGLISH_STARTS)}
        english |= {
            ref.get_text()
            for ref in page.select('span.std-numref')
            if ref.get_text().startswith('Section')
        }
        assert not english, f'{path.relative_to(BUILD)} shows {sorted(english)}'


def edition_title(lang):
    """The book's title as the edition's first page writes it (d2lbook takes
    an edition's title from its index.md)."""
    index = ROOT / ('index.md' if lang == 'en' else f'{lang}/index.md')
    return next(line.strip() for line in index.read_text(encoding='utf-8').splitlines() if line)


@pytest.mark.parametrize('lang', ['en', *LANGUAGES])
def test_every_page_names_the_book_by_its_editions_title_as_text(lang):
    """The sidebar's brand (the theme writes the sidebar twice: in the
    header for narrow screens, and beside the page) and the browser's title
    give the edition's own title, as text in the reader's fonts, not an
    image with the English words drawn in it."""
    title = edition_title(lang)
    site = BUILD / 'html' if lang == 'en' else BUILD / lang / 'html'
    pages = sorted(site.rglob('*.html'))
    assert len(pages) >= 5, pages
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding='utf-8'), 'html.parser')
        where = path.relative_to(BUILD)
        brands = soup.select('.mdl-layout__drawer a.title')
        assert len(brands) == 2, f'{where}: {brands}'
        for brand in brands:
            assert brand.get_text(' ', strip=True) == title, f'{where}: {brand}'
            assert not brand.find(['img', 'svg']), f'{where}: an image in {brand}'
        assert title in soup.title.get_text(), f'{where}: {soup.title}'


@pytest.mark.parametrize('lang', ['en', *LANGUAGES])
@pytest.mark.parametrize('tab', TABS)
def test_every_pdf_embeds_every_font_it_uses(lang, tab):
    """A reader's machine may have none of the book's fonts (a Chinese PDF
    opened where no CJK font is installed): each PDF carries its own."""
    path = PROJECT.edition(lang).reader_pdf(tab)
    listing = subprocess.run(['pdffonts', str(path)], check=True, capture_output=True, text=True)
    rows = listing.stdout.split('\n')[2:]
    fonts = [row.split() for row in rows if row.strip()]
    assert fonts, f'{path}: pdffonts lists no font'
    # The columns end with emb, sub, uni, object and generation: emb is the
    # fifth from the end, whatever spaces the name and type hold.
    loose = [' '.join(font[:-5]) for font in fonts if font[-5] != 'yes']
    assert not loose, f'{path}: fonts not embedded: {loose}'


@pytest.mark.parametrize('lang', LANGUAGES)
def test_edition_pdf_names_its_contents_bibliography_and_chapters_in_its_language(lang):
    """LaTeX's own headings (the contents, the bibliography, a chapter's
    running head) follow the edition's language, with or without Babel."""
    text = edition_pdf_text(lang, TABS[0])
    english = [word for word in ('Contents', 'Bibliography', 'Chapter') if word in text.split()]
    assert not english, f'{lang} PDF has LaTeX headings in English: {english}'
