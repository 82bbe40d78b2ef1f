"""The PDFs and the notebooks show one framework and have no tabs to click,
so their text never speaks of tabs or clicking (the web page may)."""

import re
import subprocess

import nbformat
import pytest

from book_paths import BUILD, PROJECT
from bookbuild.languages import LANGUAGES

# Words for a tab or a click, per language of the registry (a test below
# fails, naming it, for a language with none).
TAB_WORDS = {
    'en': re.compile(r'\b(tabs?|click(s|ed|ing)?)\b', re.IGNORECASE),
    'ko': re.compile(r'탭|클릭'),
    'pt': re.compile(r'\b(abas?|cliqu\w*|clica\w*)\b', re.IGNORECASE),
    'zh': re.compile(r'标签页|选项卡|点击|单击'),
}
PDFS = {lang: sorted((PROJECT.edition(lang).build_dir / 'pdf').glob('*.pdf')) for lang in LANGUAGES}


def mentions(lang, text):
    words = TAB_WORDS[lang].findall(text)
    return sorted({word if isinstance(word, str) else word[0] for word in words})


@pytest.mark.parametrize('lang', TAB_WORDS)
def test_the_checks_catch_a_mention_of_tabs(lang):
    sample = {
        'en': 'Pick a framework with the tabs above.',
        'ko': '위의 탭에서 고르세요.',
        'pt': 'Escolha nas abas acima.',
        'zh': '请在上方的标签页中选择。',
    }[lang]
    assert mentions(lang, sample)


def test_every_language_has_its_words_for_tabs_and_clicks():
    assert set(TAB_WORDS) == set(LANGUAGES), f'TAB_WORDS lacks {set(LANGUAGES) - set(TAB_WORDS)}'


@pytest.mark.parametrize('lang', PDFS)
def test_no_pdf_speaks_of_tabs_or_clicks(lang):
    edition = PROJECT.edition(lang)
    assert PDFS[lang] == sorted(edition.reader_pdf(tab) for tab in PROJECT.tabs), lang
    for path in PDFS[lang]:
        text = subprocess.run(
            ['pdftotext', str(path), '-'], check=True, capture_output=True, text=True
        ).stdout
        assert not mentions(lang, text), f'{path.name} says {mentions(lang, text)}'


@pytest.mark.parametrize('variant', ['plain', 'colab', 'sagemaker'])
def test_no_notebook_speaks_of_tabs_or_clicks(variant):
    notebooks = sorted((BUILD / 'notebooks').glob(f'*/{variant}/**/*.ipynb'))
    assert len(notebooks) >= 16, notebooks
    for path in notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == 'markdown':
                assert not mentions('en', cell.source), (
                    f'{path.relative_to(BUILD)}: {mentions("en", cell.source)} in {cell.source[:200]!r}'
                )
