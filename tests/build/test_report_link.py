"""The "Report a problem" link on every page of every edition, in every
notebook's header and in every PDF (tools/bookbuild/render/report_link.py,
static/page/report.js): it opens the book's issue form with only the
parameters GitHub reads (template, title, labels and the form's field ids,
read from the form in .github/ISSUE_TEMPLATE/), filled with the page's
address, the section, the edition, the framework and the outputs line. On
the page it follows the reader's framework, names the section the reader is
in when it is followed, works from the keyboard, and axe finds nothing on it.

Runs in .venv/book (Playwright, Beautiful Soup, nbformat); the PDFs are read
with poppler's pdftotext and pdftohtml."""

import html
import re
import subprocess
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from book_paths import DEFAULT_TAB, PROJECT, ROOT, TABS
from bookbuild.evaluate.versions import book_outputs_line, outputs_line
from bookbuild.frameworks import framework
from bookbuild.languages import LANGUAGES
from bookbuild.render import report_link
from browser_reader import PAGES, SECTION_PAGE, Reader

FORM = yaml.safe_load(
    (ROOT / '.github' / 'ISSUE_TEMPLATE' / report_link.FORM).read_text(encoding='utf-8')
)
FIELD_IDS = {field['id'] for field in FORM['body'] if 'id' in field}
# What GitHub reads from the address of a new issue; it ignores the rest.
READ_BY_GITHUB = {'template', 'title', 'labels'} | FIELD_IDS
NEW_ISSUE = f'https://github.com/{PROJECT.config.defaults()["publish_repo"]}/issues/new?'
MARKDOWN_LINK = re.compile(r'(?<!!)\[([^\]]+)\]\(([^)\s]+)\)')


def query_of(address, where):
    """The address's parameters, each once, all of them read by GitHub."""
    assert address.startswith(NEW_ISSUE), f'{where}: {address} is not a new issue of the book'
    query = parse_qs(urlsplit(address).query)
    assert all(len(values) == 1 for values in query.values()), f'{where}: {address}'
    assert set(query) <= READ_BY_GITHUB, (
        f'{where}: GitHub ignores {sorted(set(query) - READ_BY_GITHUB)} (form fields: '
        f'{sorted(FIELD_IDS)})'
    )
    return {name: values[0] for name, values in query.items()}


def filled(lang, tab, page_address, section, outputs):
    """What a report from this place must say, field by field."""
    words = LANGUAGES[lang].report_words
    expected = {
        'template': report_link.FORM,
        'title': words[2].format(section=section, framework=framework(tab).title),
        'labels': f'edition: {lang},framework: {tab}',
        'page': page_address,
        'section': section,
        'edition': lang,
        'framework': tab,
    }
    if outputs:
        expected['versions'] = outputs
    return expected


def section_of(heading):
    """(the section's id, '1.1.3 Its Title') of a heading of a built page,
    read here from the HTML, not by the code that writes the link."""
    heading = BeautifulSoup(str(heading), 'html.parser').find(re.compile('^h[1-6]$'))
    number = heading.select_one('.section-number')
    count = number.get_text().strip().rstrip('.') if number else ''
    for part in heading.select('.section-number, .headerlink, .d2l-tabs'):
        part.decompose()
    title = ' '.join(heading.get_text().split())
    return f'{count} {title}' if count else title


def read_page(lang, path):
    return BeautifulSoup(
        (PROJECT.edition(lang).html_dir / path).read_text(encoding='utf-8'), 'html.parser'
    )


def page_name(path):
    return PurePosixPath(path).with_suffix('').as_posix()


@pytest.mark.parametrize('lang', LANGUAGES)
def test_every_page_has_one_link_that_opens_the_form_on_its_title_without_javascript(lang):
    edition = PROJECT.edition(lang)
    text, label, _ = LANGUAGES[lang].report_words
    for path in PAGES:
        page = read_page(lang, path)
        where = f'{edition.html_dir.relative_to(PROJECT.build_dir)}/{path}'
        links = page.select('a.report-problem')
        assert len(links) == 1, f'{where}: {len(links)} report links'
        link = links[0]
        title = page.select_one('.page-content section > h1')
        outputs = page.select_one(f'.outputs-from[data-framework="{DEFAULT_TAB}"]')
        address = edition.published_page(page_name(path), DEFAULT_TAB, title.parent['id'])
        assert query_of(link['href'], where) == filled(
            lang, DEFAULT_TAB, address, section_of(title), outputs and outputs.get_text()
        ), where
        assert link.get_text() == text, where
        assert link['aria-label'] == label.format(framework=framework(DEFAULT_TAB).title), where


@pytest.fixture(params=list(LANGUAGES))
def edition(request):
    return request.param


def test_the_link_follows_the_framework_on_every_page(browser, site_url, edition):
    reader = Reader(browser, site_url, edition)
    link = reader.page.locator('a.report-problem')
    for path in PAGES:
        reader.open(f'{path}?framework=jax')
        outputs = reader.page.locator('.outputs-from[data-framework="jax"]')
        query = query_of(link.get_attribute('href'), path)
        assert query['framework'] == 'jax' and query['labels'].endswith(',framework: jax'), path
        assert query['page'].split('#')[0] == PROJECT.edition(edition).published_page(
            page_name(path), 'jax'
        )
        assert query.get('versions') == (outputs.text_content() if outputs.count() else None)
        words = LANGUAGES[edition].report_words
        assert query['title'] == words[2].format(section=query['section'], framework='JAX')
        assert link.get_attribute('aria-label') == words[1].format(framework='JAX'), path
    reader.open(SECTION_PAGE)
    reader.click_tab('tensorflow')
    query = query_of(link.get_attribute('href'), SECTION_PAGE)
    assert query['framework'] == 'tensorflow'
    expected = reader.page.locator('.outputs-from[data-framework="tensorflow"]').text_content()
    assert query['versions'] == expected
    assert not reader.errors, reader.errors
    reader.close()


def test_from_the_keyboard_the_link_opens_the_form_on_the_section_in_view(
    browser, site_url, edition
):
    reader = Reader(browser, site_url, edition)
    reader.open(SECTION_PAGE)
    reader.click_tab('mxnet')
    opened = []
    reader.page.route(
        'https://github.com/**',
        lambda route: (
            opened.append(route.request.url),
            route.fulfill(status=200, content_type='text/html', body='<title>form</title>'),
        ),
    )
    # The keyboard reaches it right after the selected framework's launch links.
    reader.page.locator('.notebook-launch[data-framework="mxnet"] a').last.focus()
    reader.page.keyboard.press('Tab')
    link = reader.page.locator('a.report-problem')
    expect(link).to_be_focused()
    # The reader moves on to a later section: the link stays in view, and
    # the section is the one whose heading the reader has just reached.
    headings = read_page(edition, SECTION_PAGE).select('.page-content section > h2')
    heading = headings[2]
    reader.page.locator(f'[id="{heading.parent["id"]}"] > h2').evaluate('h => h.scrollIntoView()')
    reader.wait_for_header()
    expect(link).to_be_in_viewport()
    expect(link).to_be_focused()
    reader.page.keyboard.press('Enter')
    reader.page.wait_for_url('https://github.com/**')
    outputs = read_page(edition, SECTION_PAGE).select_one('.outputs-from[data-framework="mxnet"]')
    address = PROJECT.edition(edition).published_page(
        page_name(SECTION_PAGE), 'mxnet', heading.parent['id']
    )
    assert query_of(opened[0], SECTION_PAGE) == filled(
        edition, 'mxnet', address, section_of(heading), outputs.get_text()
    )
    reader.close()


@pytest.mark.parametrize('scheme', ['light', 'dark'])
def test_axe_finds_nothing_on_the_link(browser, site_url, edition, scheme):
    reader = Reader(browser, site_url, edition, color_scheme=scheme)
    for path in (SECTION_PAGE, 'index.html'):
        reader.open(path)
        reader.page.add_script_tag(path=str(PROJECT.axe_script))
        found = reader.page.evaluate(
            "axe.run(document.querySelector('a.report-problem'), {resultTypes: ['violations']})"
        )
        problems = [f'{v["id"]} ({v["impact"]}): {v["help"]}' for v in found['violations']]
        assert not problems, f'{edition} {path} ({scheme}): {problems}'
    reader.close()


@pytest.mark.parametrize('lang', LANGUAGES)
def test_every_notebooks_header_links_the_form_for_its_framework(lang):
    edition = PROJECT.edition(lang)
    text = LANGUAGES[lang].report_words[0]
    for path in PAGES:
        page = page_name(path)
        section = section_of(read_page(lang, path).select_one('.page-content section > h1'))
        # The page's smart quotes (Sphinx's) are the source's straight ones.
        section = section.replace('\u2019', "'")
        for tab in TABS:
            for variant in ('plain', 'colab', 'sagemaker'):
                notebook = edition.reader_notebooks(variant, tab) / f'{page}.ipynb'
                header = nbformat.read(notebook, as_version=4).cells[0].source
                where = str(notebook.relative_to(PROJECT.build_dir))
                links = [address for name, address in MARKDOWN_LINK.findall(header) if name == text]
                assert len(links) == 1, f'{where}: {header}'
                assert query_of(links[0], where) == filled(
                    lang,
                    tab,
                    edition.published_page(page, tab),
                    section,
                    outputs_line(edition, page, tab),
                ), where


def pdf_links(path):
    """Every link of a PDF, as poppler's pdftohtml reads them."""
    xml = subprocess.run(
        ['pdftohtml', '-xml', '-i', '-stdout', str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [html.unescape(address) for address in re.findall(r'<a href="([^"]*)"', xml)]


@pytest.mark.parametrize('lang', LANGUAGES)
@pytest.mark.parametrize('tab', TABS)
def test_every_pdf_opens_with_the_link_for_its_framework(lang, tab):
    edition = PROJECT.edition(lang)
    pdf = edition.reader_pdf(tab)
    assert pdf.exists(), f'{pdf} is missing: make pdf (or pdf-{lang})'
    text = subprocess.run(
        ['pdftotext', str(pdf), '-'], check=True, capture_output=True, text=True
    ).stdout
    assert LANGUAGES[lang].report_words[0] in text[:3000], f'{pdf.name}: no link in its opening'
    links = [address for address in pdf_links(pdf) if address.startswith(NEW_ISSUE)]
    assert len(links) == 1, f'{pdf}: {links}'
    query = query_of(links[0], pdf.name)
    index = PROJECT.config['build'].get('index', 'index')
    # The PDF is one document: its section is the book, by its edition's
    # title (the first line of the edition's index.md, as d2lbook reads it).
    source = ROOT / ('index.md' if lang == 'en' else f'{lang}/index.md')
    title = next(line.strip() for line in source.read_text(encoding='utf-8').splitlines() if line)
    assert query == filled(
        lang,
        tab,
        edition.published_page(index, tab),
        title,
        book_outputs_line(edition, tab),
    )
