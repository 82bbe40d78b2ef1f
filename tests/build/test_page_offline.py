"""The rendered pages, read as files: everything they load comes from the
site itself, and their code shows no build marks. (tests/build/test_browser.py
checks the same in a real browser.)"""

import re
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from book_paths import BUILD, ROOT, SECTION

SITE = BUILD / 'html'
PAGES = sorted(SITE.glob('**/*.html'))


def soup(path):
    return BeautifulSoup(path.read_text(encoding='utf-8'), 'html.parser')


def test_the_site_was_rendered():
    assert SITE / f'{SECTION}.html' in PAGES


@pytest.mark.parametrize('page', PAGES, ids=lambda p: str(p.relative_to(SITE)))
def test_page_loads_scripts_styles_and_images_from_the_site(page):
    html = soup(page)
    loaded = [tag['src'] for tag in html.find_all(['script', 'img']) if tag.get('src')] + [
        tag['href'] for tag in html.find_all('link') if tag.get('href')
    ]
    remote = [address for address in loaded if urlparse(address).netloc]
    assert not remote, f'{page.name} loads {remote}'
    for address in loaded:
        assert (page.parent / urlparse(address).path.strip()).resolve().exists(), (
            f'{page.name} loads {address}, which the site lacks'
        )


def test_the_sites_script_names_no_other_host():
    script = (SITE / '_static' / 'd2l.js').read_text(encoding='utf-8')
    assert not re.findall(r'https?://', script)
    assert 'google-analytics' not in script and 'ga(' not in script


def test_the_sites_styles_take_no_font_or_image_from_other_hosts():
    for stylesheet in (SITE / '_static').rglob('*.css'):
        remote = re.findall(
            r'url\(\s*[\'"]?((?:https?:)?//[^)\'"]+)', stylesheet.read_text(encoding='utf-8')
        )
        assert not remote, f'{stylesheet.relative_to(SITE)} loads {remote[:3]}'


def test_mathjax_is_served_from_the_site():
    html = soup(SITE / f'{SECTION}.html')
    sources = [
        tag['src'] for tag in html.find_all('script') if 'mathjax' in tag.get('src', '').lower()
    ]
    assert sources == ['../_static/mathjax/tex-mml-chtml.js']


def test_page_code_shows_no_build_marks():
    assert '#@save' in (ROOT / f'{SECTION}.md').read_text(), 'the section has no mark to hide'
    code = [pre.get_text() for pre in soup(SITE / f'{SECTION}.html').select('div.highlight pre')]
    assert any('class CenteredLayer' in text for text in code)
    assert not [text for text in code if '@save' in text]
