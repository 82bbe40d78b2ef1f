"""The EPUBs as a reading system shows them: every content document of
every EPUB (each framework and edition), unpacked and opened in Chromium,
light and dark (the EPUB's stylesheet has both). What the page renders is
read, not its source (test_epub.py reads the zip): the framework's code and
no other framework's, every equation an image that loaded with a visible
size, every internal link leading to an element of the book, and no
serious or critical violation by axe-core, which the test injects (the
documents hold no script). Two browser pages read them all, each taking
the next document; nothing may load from another host.
"""

import asyncio
import shutil
import zipfile
from urllib.parse import unquote, urlparse

import pytest
from playwright.async_api import async_playwright
from test_epub import PAGES, page_name, source_equations

from book_paths import PROJECT, TABS, lib_module
from bookbuild.forms.epub import reader_epub
from bookbuild.languages import EDITIONS
from browser_reader import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOST, served

LANGS = ['en', *EDITIONS]
EVERY_EPUB = [(lang, tab) for lang in LANGS for tab in TABS]
SCHEMES = ('light', 'dark')

# What one content document shows, read in the page: the code as rendered
# text, each equation image's state, the internal links (resolved against
# the document) and the ids they may lead to.
READ_DOCUMENT = """() => {
    const here = new URL(document.baseURI);
    const links = [];
    for (const a of document.querySelectorAll('a[href]')) {
        const target = new URL(a.getAttribute('href'), here);
        if (target.origin === here.origin) links.push([target.pathname, target.hash.slice(1)]);
    }
    return {
        code: Array.from(document.querySelectorAll('pre'), pre => pre.innerText).join('\\n'),
        equations: Array.from(document.querySelectorAll('img.math'), img => {
            const box = img.getBoundingClientRect();
            return {alt: img.alt, loaded: img.complete && img.naturalWidth > 0,
                    width: box.width, height: box.height};
        }),
        links,
        ids: Array.from(document.querySelectorAll('[id]'), e => e.id),
    };
}"""


def content_documents(folder):
    """The XHTML documents of an unpacked EPUB, by path within it."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob('*.xhtml'))


AXE = 'axe.min.js'
# In the dark scheme only the colours change (the EPUB's stylesheet sets
# nothing else there), so only axe's rules on colours run again.
COLOUR_RULES = ['color-contrast', 'link-in-text-block']
AXE_RUNS = {
    'light': '{resultTypes: ["violations"]}',
    'dark': f'{{runOnly: {COLOUR_RULES}, resultTypes: ["violations"]}}',
}


@pytest.fixture(scope='module')
def shelf(tmp_path_factory):
    """Every EPUB unpacked into <lang>/<tab>/, and axe-core beside them,
    served from 127.0.0.1."""
    root = tmp_path_factory.mktemp('epubs')
    for lang, tab in EVERY_EPUB:
        path = reader_epub(PROJECT.edition(lang), tab)
        assert path.exists(), f'{path} was not built'
        with zipfile.ZipFile(path) as epub:
            epub.extractall(root / lang / tab)
    shutil.copyfile(PROJECT.axe_script, root / AXE)
    with served(root) as url:
        yield root, url


def serious(results):
    return [
        f'{v["id"]} ({v["impact"]}): {v["help"]} at {[n["target"] for n in v["nodes"][:3]]}'
        for v in results['violations']
        if v['impact'] in ('serious', 'critical')
    ]


# Two pages read at once, one per core of a small machine.
READERS = 2


async def read_documents(browser, url, documents):
    """What READ_DOCUMENT and axe find in each (lang, tab, document), with
    READERS pages taking the next document as they finish one; and the
    addresses the pages asked that are not local."""
    context = await browser.new_context(viewport={'width': 800, 'height': 1000})
    asked, errors, found = [], [], {}
    queue = list(documents)

    async def reader():
        page = await context.new_page()
        page.on('request', lambda request: asked.append(request.url))
        page.on('pageerror', lambda error: errors.append(str(error)))
        while queue:
            lang, tab, document = queue.pop(0)
            await page.emulate_media(color_scheme='light')
            await page.goto(f'{url}/{lang}/{tab}/{document}', wait_until='load')
            seen = found[(lang, tab, document)] = await page.evaluate(READ_DOCUMENT)
            # By its address, so that the browser compiles it once.
            await page.add_script_tag(url=f'{url}/{AXE}')
            seen['axe'] = {}
            for scheme, options in AXE_RUNS.items():
                await page.emulate_media(color_scheme=scheme)
                results = await page.evaluate(f'axe.run(document, {options})')
                seen['axe'][scheme] = serious(results)
        await page.close()

    await asyncio.gather(*(reader() for _ in range(READERS)))
    await context.close()
    remote = [address for address in asked if urlparse(address).hostname != LOCAL_HOST]
    return found, remote, errors


async def read_shelf(url, documents):
    async with async_playwright() as playwright:
        # Every host but the local one is unknown to the browser: nothing
        # leaves the machine, and any request elsewhere is still recorded.
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, f'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOCAL_HOST}'],
        )
        try:
            return await read_documents(browser, url, documents)
        finally:
            await browser.close()


@pytest.fixture(scope='module')
def read(shelf):
    """{(lang, tab): {document: what READ_DOCUMENT found, and axe's serious
    or critical violations per colour scheme}}."""
    root, url = shelf
    documents = [
        (lang, tab, document)
        for lang, tab in EVERY_EPUB
        for document in content_documents(root / lang / tab)
    ]
    found, remote, errors = asyncio.run(read_shelf(url, documents))
    assert not remote, f'the EPUBs asked another host for {remote[:5]}'
    assert not errors, errors
    books = {}
    for (lang, tab, document), seen in found.items():
        books.setdefault((lang, tab), {})[document] = seen
    return books


@pytest.mark.parametrize(('lang', 'tab'), EVERY_EPUB)
def test_the_rendered_code_is_the_frameworks_only(read, lang, tab):
    code = '\n'.join(found['code'] for found in read[(lang, tab)].values())
    assert f'from d2l import {lib_module(tab)} as d2l' in code, f'{lang} {tab}: no {tab} code'
    for other in set(TABS) - {tab}:
        assert f'from d2l import {lib_module(other)} as d2l' not in code, (
            f'the {lang} {tab} EPUB shows {other} code'
        )


@pytest.mark.parametrize(('lang', 'tab'), EVERY_EPUB)
def test_every_equation_is_drawn_with_a_visible_size(read, lang, tab):
    book = read[(lang, tab)]
    for page in PAGES:
        equations = book[page_name(page)]['equations']
        expected = source_equations(lang, page, tab)
        assert len(equations) == len(expected), (
            f'{lang} {tab} {page}: {len(equations)} equations shown, the source has {len(expected)}'
        )
    for document, found in book.items():
        for equation in found['equations']:
            assert equation['loaded'] and equation['width'] > 0 and equation['height'] > 0, (
                f'{lang} {tab} {document}: {equation}'
            )


@pytest.mark.parametrize(('lang', 'tab'), EVERY_EPUB)
def test_every_internal_link_leads_to_an_element_of_the_book(read, lang, tab):
    book = read[(lang, tab)]
    prefix = f'/{lang}/{tab}/'
    checked = 0
    for document, found in book.items():
        for path, fragment in found['links']:
            path = unquote(path)
            assert path.startswith(prefix), f'{lang} {tab} {document}: {path} leaves the book'
            target = path.removeprefix(prefix)
            assert target in book, f'{lang} {tab} {document}: {target} is no content document'
            if fragment:
                assert unquote(fragment) in book[target]['ids'], (
                    f'{lang} {tab} {document}: {target} has no element #{fragment}'
                )
            checked += 1
    assert checked > 5, f'{lang} {tab}: only {checked} internal links'


@pytest.mark.parametrize(('lang', 'tab'), EVERY_EPUB)
def test_axe_finds_no_serious_violation_in_any_content_document(read, lang, tab):
    found = {
        f'{document} ({scheme})': violations
        for document, seen in read[(lang, tab)].items()
        for scheme, violations in seen['axe'].items()
        if violations
    }
    assert found == {}, found
