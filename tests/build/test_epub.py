"""The EPUBs (`make epub`, `make editions-epub`): one per framework and
edition, valid by epubcheck with no error and no warning, holding that
framework's code only, every equation of the pages as an SVG image with its
TeX as alternative text, links that resolve inside the book, the metadata a
reader and its assistive technology read, and nothing that loads from the
network or runs. Read from the zip, as an e-reader would."""

import concurrent.futures
import functools
import json
import posixpath
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from urllib.parse import unquote, urldefrag

import pytest

from book_paths import PROJECT, ROOT, SECTION, TABS, lib_module
from bookbuild.evaluate.versions import book_outputs_line
from bookbuild.forms.epub import epubcheck_command, reader_epub
from bookbuild.frameworks import framework
from bookbuild.languages import EDITIONS, LANGUAGES

LANGS = ['en', *EDITIONS]
EVERY_EPUB = [(lang, tab) for lang in LANGS for tab in TABS]
XHTML = '{http://www.w3.org/1999/xhtml}'
OPF = {'opf': 'http://www.idpf.org/2007/opf', 'dc': 'http://purl.org/dc/elements/1.1/'}
REMOTE = re.compile(r'^(?:[a-z][a-z0-9+.-]*:)?//', re.IGNORECASE)


def epub_path(lang, tab):
    return reader_epub(PROJECT.edition(lang), tab)


@functools.cache
def files(lang, tab):
    """Every file of one EPUB, by its name in the zip."""
    with zipfile.ZipFile(epub_path(lang, tab)) as epub:
        return {name: epub.read(name) for name in epub.namelist()}


def package(lang, tab):
    return ET.fromstring(files(lang, tab)['content.opf'])


def content_documents(lang, tab):
    """The XHTML pages of an EPUB, parsed: {name in the zip: root element}."""
    return {
        name: ET.fromstring(data)
        for name, data in files(lang, tab).items()
        if name.endswith('.xhtml')
    }


def page_name(page):
    return f'{page}.xhtml'


def text_of(element, skip=('pre',)):
    """An element's text, without what is inside the tags named in skip."""
    if element.tag.removeprefix(XHTML) in skip:
        return element.tail or ''
    inner = ''.join(text_of(child, skip) for child in element)
    return (element.text or '') + inner + (element.tail or '')


def epubcheck_report(lang, tab, folder):
    """epubcheck's report on one EPUB, as JSON."""
    path = epub_path(lang, tab)
    report_file = folder / f'{lang}-{tab}.json'
    subprocess.run(
        epubcheck_command(path, '--json', str(report_file)),
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(report_file.read_text(encoding='utf-8'))


@pytest.fixture(scope='module')
def epubcheck_reports(tmp_path_factory):
    """Every EPUB's report, two checks at a time (each is a JVM of its own)."""
    folder = tmp_path_factory.mktemp('epubcheck')
    for lang, tab in EVERY_EPUB:
        assert epub_path(lang, tab).exists(), f'{epub_path(lang, tab)} was not built'
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        reports = pool.map(lambda pair: epubcheck_report(*pair, folder), EVERY_EPUB)
        return dict(zip(EVERY_EPUB, reports, strict=True))


@pytest.mark.parametrize(('lang', 'tab'), EVERY_EPUB)
def test_epubcheck_finds_no_error_and_no_warning(lang, tab, epubcheck_reports):
    path = epub_path(lang, tab)
    report = epubcheck_reports[(lang, tab)]
    assert report['checker']['checkerVersion'].startswith('4.2.6'), report['checker']
    problems = [
        f'{message["severity"]} {message["ID"]}: {message["message"]} '
        f'({", ".join(location["path"] for location in message["locations"])})'
        for message in report['messages']
        if message['severity'] in ('FATAL', 'ERROR', 'WARNING')
    ]
    assert not problems, f'{path}:\n' + '\n'.join(problems)


@pytest.mark.parametrize(('lang', 'tab'), EVERY_EPUB)
def test_epub_holds_that_frameworks_code_only(lang, tab):
    pages = content_documents(lang, tab)
    code = '\n'.join(
        ''.join(pre.itertext()) for root in pages.values() for pre in root.iter(f'{XHTML}pre')
    )
    assert f'from d2l import {lib_module(tab)} as d2l' in code, f'{lang} {tab}: no {tab} code'
    for other in set(TABS) - {tab}:
        assert f'from d2l import {lib_module(other)} as d2l' not in code, (
            f'the {lang} {tab} EPUB shows {other} code'
        )


@pytest.mark.parametrize(('lang', 'tab'), EVERY_EPUB)
def test_metadata_names_the_language_the_framework_and_the_accessibility(lang, tab):
    root = package(lang, tab)
    entry = LANGUAGES[lang]
    tag = (entry.sphinx_language or lang).replace('_', '-')
    assert root.findtext('.//dc:language', namespaces=OPF) == tag
    title = root.findtext('.//dc:title', namespaces=OPF)
    assert title.endswith(f' — {framework(tab).title}'), title
    properties = {meta.get('property') for meta in root.iterfind('.//opf:meta', OPF)}
    for name in (
        'schema:accessMode',
        'schema:accessModeSufficient',
        'schema:accessibilityFeature',
        'schema:accessibilityHazard',
        'schema:accessibilitySummary',
    ):
        assert name in properties, f'the {lang} {tab} EPUB does not declare {name}'
    pages = content_documents(lang, tab)
    for name, page in pages.items():
        assert page.get('lang') == tag, f'{name} is lang={page.get("lang")!r}, not {tag}'


@pytest.mark.parametrize(('lang', 'tab'), EVERY_EPUB)
def test_the_cover_and_the_first_words_name_the_framework(lang, tab):
    root = package(lang, tab)
    first = root.find('.//opf:spine/opf:itemref', OPF).get('idref')
    href = next(
        item.get('href') for item in root.iterfind('.//opf:item', OPF) if item.get('id') == first
    )
    cover = ''.join(ET.fromstring(files(lang, tab)[href]).itertext())
    assert framework(tab).title in cover, f'the {lang} {tab} cover ({href}) names no framework'
    index = text_of(content_documents(lang, tab)['index.xhtml'])
    assert framework(tab).title in index
    versions = book_outputs_line(PROJECT.edition(lang), tab)
    if versions:
        assert ' '.join(versions.split()) in ' '.join(index.split())
    links = [
        a.get('href', '') for a in content_documents(lang, tab)['index.xhtml'].iter(f'{XHTML}a')
    ]
    assert any('/issues/new?' in link and f'framework={tab}' in link for link in links), (
        f'the {lang} {tab} EPUB has no link that reports a problem'
    )


@pytest.mark.parametrize(('lang', 'tab'), EVERY_EPUB)
def test_nothing_loads_from_the_network_and_nothing_runs(lang, tab):
    for name, data in files(lang, tab).items():
        if name.endswith('.css'):
            css = re.sub(r'/\*.*?\*/', '', data.decode('utf-8'), flags=re.DOTALL)
            urls = re.findall(r'url\(\s*[\'"]?([^\'")]+)', css)
            assert not [url for url in urls if REMOTE.match(url)], f'{name} loads {urls}'
            assert '@import' not in css, name
    for name, page in content_documents(lang, tab).items():
        assert not list(page.iter(f'{XHTML}script')), f'{name} holds a script'
        for element in page.iter():
            for attribute in ('src', 'data'):
                value = element.get(attribute)
                assert not (value and REMOTE.match(value)), f'{name}: {element.tag} loads {value}'
            if element.tag == f'{XHTML}link':
                assert not REMOTE.match(element.get('href', '')), (
                    f'{name} links {element.get("href")}'
                )
            assert not [key for key in element.attrib if key.startswith('on')], name


def source_equations(lang, page, tab):
    """The TeX of the equations a page's Markdown has for one framework:
    $...$ and $$...$$ outside code and outside other frameworks' blocks."""
    folder = ROOT if lang == 'en' else ROOT / lang
    text = (folder / f'{page}.md').read_text(encoding='utf-8')
    text = re.sub(r'^```.*?^```', '', text, flags=re.DOTALL | re.MULTILINE)

    def keep_tab(found):
        tabs = {name.strip() for name in found.group(1).split(',')}
        return found.group(2) if tab in tabs or 'all' in tabs else ''

    text = re.sub(r':begin_tab:`([^`]*)`(.*?):end_tab:', keep_tab, text, flags=re.DOTALL)
    text = re.sub(r'`[^`\n]*`', '', text)
    display = re.findall(r'\$\$(.+?)\$\$', text, flags=re.DOTALL)
    text = re.sub(r'\$\$(.+?)\$\$', '', text, flags=re.DOTALL)
    inline = re.findall(r'\$([^$]+?)\$', text, flags=re.DOTALL)
    return sorted(' '.join(tex.split()) for tex in display + inline)


# A TeX command or an opening dollar, with a little of the text around it.
RAW_TEX = r'.{0,20}(?:\\[a-zA-Z]+|\$[^$\s]).{0,20}'

PAGES = [
    source.relative_to(ROOT).with_suffix('').as_posix() for source in PROJECT.notebook_sources()
]


@pytest.mark.parametrize(('lang', 'tab'), EVERY_EPUB)
def test_every_equation_is_an_svg_image_with_its_tex(lang, tab):
    pages = content_documents(lang, tab)
    seen = 0
    for page in PAGES:
        root = pages[page_name(page)]
        images = [img for img in root.iter(f'{XHTML}img') if 'math' in img.get('class', '')]
        alts = sorted(' '.join(img.get('alt', '').split()) for img in images)
        assert alts == source_equations(lang, page, tab), f'{lang} {tab} {page}'
        for img in images:
            style = dict(
                part.split(':', 1) for part in img.get('style', '').split(';') if ':' in part
            )
            for side in ('width', 'height'):
                assert float(style[side].removesuffix('ex')) > 0, f'{page}: {img.attrib}'
            svg = posixpath.normpath(
                posixpath.join(posixpath.dirname(page_name(page)), img.get('src'))
            )
            drawn = ET.fromstring(files(lang, tab)[svg])
            assert drawn.tag == '{http://www.w3.org/2000/svg}svg' and drawn.get('viewBox'), svg
        text = text_of(root)
        raw = re.findall(RAW_TEX, text)
        assert not raw, f'raw TeX is left in {lang} {tab} {page}: {raw[:3]}'
        seen += len(images)
    assert seen > 10, f'the {lang} {tab} EPUB shows only {seen} equations'


@pytest.mark.parametrize(('lang', 'tab'), EVERY_EPUB)
def test_every_internal_link_resolves_inside_the_book(lang, tab):
    pages = content_documents(lang, tab)
    ids = {name: {e.get('id') for e in root.iter() if e.get('id')} for name, root in pages.items()}
    checked = 0
    for name, root in pages.items():
        for a in root.iter(f'{XHTML}a'):
            href = a.get('href')
            if not href or re.match(r'^[a-z][a-z0-9+.-]*:', href):
                continue
            target, fragment = urldefrag(href)
            target = (
                posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(target)))
                if target
                else name
            )
            assert target in files(lang, tab), f'{name}: {href} leads out of the book'
            if fragment and target in ids:
                assert fragment in ids[target], f'{name}: {href} has no target'
            checked += 1
    assert checked > 5, f'{lang} {tab}: only {checked} internal links'


@pytest.mark.parametrize('tab', TABS)
def test_code_lines_wrap_with_a_hanging_indent(tab):
    pages = content_documents('en', tab)
    section = pages[page_name(SECTION)]
    blocks = list(section.iter(f'{XHTML}pre'))
    assert blocks
    for pre in blocks:
        lines = [child for child in pre if 'code-line' in child.get('class', '')]
        assert lines and len(lines) == len(list(pre)), 'a <pre> whose lines are not .code-line'
    css = '\n'.join(
        data.decode('utf-8') for name, data in files('en', tab).items() if name.endswith('.css')
    )
    rule = re.search(r'\.code-line\s*\{([^}]*)\}', css).group(1)
    assert 'text-indent: -' in rule and 'padding-left' in rule, rule
    assert re.search(r'pre\s*\{[^}]*white-space:\s*pre-wrap', css)
    site_colours = (ROOT / 'static' / 'code.css').read_text(encoding='utf-8')
    assert site_colours in css, "the EPUB's code colours are not the site's (static/code.css)"
