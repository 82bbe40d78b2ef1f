"""The book's PDF and EPUB, reachable from the page: beside each
framework's launch links, on every page with them in every edition, a "PDF"
and an "EPUB" link to that framework's file of that edition in the latest
release, named as the hosted workflow publishes it (tests/build/
test_ci_workflow.py checks the release carries every one). In a browser,
they follow the selected framework, the keyboard reaches them with the
focus shown, and their accessible names say the framework and the form.
(axe-core reads every page, with these links, in test_page_features.py.)"""

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from book_paths import PROJECT, TABS
from bookbuild.frameworks import framework
from bookbuild.languages import LANGUAGES
from browser_reader import EDITIONS, PAGES, SECTION_PAGE, Reader

FORMS = ('pdf', 'epub')
RELEASE = (
    f'https://github.com/{PROJECT.config.defaults()["publish_repo"]}/releases/latest/download/'
)


def published_file(lang, tab, form):
    """The release's name of a framework's file, written out here as the
    workflow's release names it: custom-layers[-<lang>][-<tab>].<form>."""
    parts = [PROJECT.name]
    if lang != 'en':
        parts.append(lang)
    if tab != PROJECT.default_tab:
        parts.append(tab)
    return '-'.join(parts) + f'.{form}'


def launch_blocks(lang, path):
    """{tab: the block of links beside that framework's "Colab" button} of a
    rendered page."""
    page = PROJECT.edition(lang).html_dir / path
    soup = BeautifulSoup(page.read_text(encoding='utf-8'), 'html.parser')
    return {block['data-framework']: block for block in soup.select('span.notebook-launch')}


@pytest.mark.parametrize('lang', list(LANGUAGES))
def test_every_framework_offers_its_pdf_and_epub_of_the_edition_on_every_page(lang):
    words = LANGUAGES[lang].launch_words
    pages_with_links = 0
    for path in PAGES:
        blocks = launch_blocks(lang, path)
        if not blocks:
            continue  # a page without code has no launch links at all
        pages_with_links += 1
        assert sorted(blocks) == sorted(TABS), (lang, path, sorted(blocks))
        for tab, block in blocks.items():
            for form in FORMS:
                [link] = block.select(f'a.notebook-launch__{form}')
                where = f'{lang} {path} {tab} {form}'
                assert link['href'] == RELEASE + published_file(lang, tab, form), (
                    where,
                    link['href'],
                )
                assert link.get_text() == words[form][0], where
                name = link['aria-label']
                assert name == words[form][1].format(framework=framework(tab).title), where
                assert framework(tab).title in name and link.get_text() in name.split(), where
    assert pages_with_links >= 2, f'{lang}: only {pages_with_links} pages have launch links'


def test_every_editions_files_have_names_of_their_own():
    names = [
        published_file(lang, tab, form) for lang in LANGUAGES for tab in TABS for form in FORMS
    ]
    assert len(set(names)) == len(LANGUAGES) * len(TABS) * len(FORMS)


@pytest.mark.parametrize('lang', list(EDITIONS))
def test_the_pdf_and_epub_links_follow_the_framework_and_the_keyboard(browser, site_url, lang):
    words = LANGUAGES[lang].launch_words
    reader = Reader(browser, site_url, lang)
    reader.open(f'{SECTION_PAGE}?framework=jax')
    shown = reader.page.locator('.notebook-launch').filter(visible=True)
    expect(shown).to_have_count(1)
    for tab in ('jax', 'tensorflow'):
        if tab != 'jax':
            reader.click_tab(tab, group=0)
        expect(shown).to_have_attribute('data-framework', tab)
        for form in FORMS:
            name = words[form][1].format(framework=framework(tab).title)
            link = reader.page.get_by_role('link', name=name, exact=True)
            expect(link).to_be_visible()
            expect(link).to_have_attribute('href', RELEASE + published_file(lang, tab, form))
    # From the notebook's download link, Tab reaches the PDF, then the EPUB,
    # each with the focus shown.
    shown.locator('a.notebook-launch__download').focus()
    for form in FORMS:
        reader.page.keyboard.press('Tab')
        expect(shown.locator(f'a.notebook-launch__{form}')).to_be_focused()
        outline = reader.page.evaluate('getComputedStyle(document.activeElement).outlineStyle')
        assert outline != 'none', (lang, form, outline)
    assert not reader.errors and not reader.failed, (reader.errors, reader.failed)
    reader.close()
