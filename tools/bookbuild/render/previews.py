"""The previews of a page's cross-references and citations, written into the
page, so that static/page/previews.js can show them on hover or focus without
fetching anything (the site works offline, and from files).

Every rendered page of a site is read once (render/postprocess.py already
reads them all). From each, the targets a link can name:

- a section: its ids (the section's own and the labels just before its
  heading), its number, its title and its first paragraph;
- a citation of the bibliography page: its label and its full reference.

Then each page gets, before `</body>`, one JSON block with the previews of
the links it holds: `{href: {kind, number, title, text}}`, keyed by the
link's href exactly as the page writes it. `text` is the paragraph's HTML
without its links and ids (it stays inline text: emphasis, code, math).

The text is the site's own, so an edition's previews are in its language:
a paragraph that an edition has not translated yet (which its page shows in
English, inside a translation note) is skipped for the next one. Only the
links of a page's text are looked at, not its tables of contents. Every
page is written afresh on every build, so a preview never lags behind its
target. Standard library only, like render/postprocess.py.
"""

import html
import json
import posixpath
import re
from dataclasses import asdict, dataclass

# Sphinx's HTML5 writer: a section, the labels before its heading, the heading.
SECTION = re.compile(
    r'<section id="(?P<id>[^"]+)">\s*(?P<labels>(?:<span id="[^"]+"></span>\s*)*)'
    r'<h(?P<level>[1-6])>(?P<heading>.*?)</h(?P=level)>',
    re.S,
)
LABEL = re.compile(r'<span id="([^"]+)"></span>')
SECTION_NUMBER = re.compile(r'<span class="section-number">(.*?)</span>', re.S)
# The end of a heading's own text: the permalink, then d2lbook's notebook
# buttons in a page's title.
HEADING_END = re.compile(r'<a class="headerlink"|<div class="d2l-tabs"')
# A plain paragraph: Sphinx writes a body paragraph as a bare <p>; the
# translation notes' own words carry a class (editions/markers.py).
PARAGRAPH = re.compile(r'<p>(.*?)</p>', re.S)
# A paragraph an edition has not translated yet, shown in English inside
# its translation note (render/sphinx_extension.py, translation_note).
UNTRANSLATED = re.compile(
    r'<div class="translation-note translation-note--missing".*?</div></div>', re.S
)
# Where a section's own text ends: a subsection starts, or the section ends.
OWN_TEXT_END = re.compile(r'<section id=|</section>')
# sphinxcontrib-bibtex's entries on the bibliography page.
CITATION = re.compile(r'<div class="citation" id="(?P<id>[^"]+)"[^>]*>(?P<entry>.*?)</div>', re.S)
LINK = re.compile(r'<a class="reference internal[^"]*" href="(?P<href>[^"]*)"')
# A page's text: from Sphinx's main element to the theme's outline beside
# it; the tables of contents within it (toctree) preview nothing.
TEXT_START = '<div class="page-content" role="main">'
TEXT_END = '<div class="side-doc-outline">'
TOCTREE = re.compile(r'<div class="toctree-wrapper compound">.*?</div>', re.S)
TAG = re.compile(r'<[^>]+>')
ANCHOR_TAG = re.compile(r'</?a\b[^>]*>')
ID_ATTRIBUTE = re.compile(r'\s(?:id|aria-describedby)="[^"]*"')
SCRIPT_ID = 'book-previews'
# What write_previews put into a page before.
WRITTEN = re.compile(rf'<script type="application/json" id="{SCRIPT_ID}">.*?</script>\n?', re.S)


@dataclass(frozen=True)
class Preview:
    kind: str  # 'section' or 'citation'
    number: str  # '1.2.' for a numbered section; '' otherwise
    title: str  # plain text
    text: str  # inline HTML, or ''


def plain_text(fragment):
    """The text of an HTML fragment, on one line."""
    return ' '.join(html.unescape(TAG.sub('', fragment)).split())


def inline(fragment):
    """A paragraph's HTML with no links and no ids, on one line."""
    return ' '.join(ID_ATTRIBUTE.sub('', ANCHOR_TAG.sub('', fragment)).split())


def sections(page):
    """{id: Preview} for each section of a page's HTML, under every id a
    link may use to reach it."""
    found = {}
    matches = list(SECTION.finditer(page))
    for at, match in enumerate(matches):
        heading = match.group('heading')
        number = SECTION_NUMBER.search(heading)
        heading = SECTION_NUMBER.sub('', heading)
        end = HEADING_END.search(heading)
        title = plain_text(heading[: end.start()] if end else heading)
        # The first paragraph of its own: before a subsection or its end.
        stop = OWN_TEXT_END.search(page, match.end())
        own = UNTRANSLATED.sub('', page[match.end() : stop.start() if stop else len(page)])
        paragraph = PARAGRAPH.search(own)
        preview = Preview(
            kind='section',
            number=plain_text(number.group(1)) if number else '',
            title=title,
            text=inline(paragraph.group(1)) if paragraph else '',
        )
        for target in [match.group('id'), *LABEL.findall(match.group('labels'))]:
            found[target] = preview
        if at == 0:
            found[''] = preview  # a link to the page itself
    return found


def citations(page):
    """{id: Preview} for each entry of a bibliography page."""
    found = {}
    for match in CITATION.finditer(page):
        entry = match.group('entry')
        body = PARAGRAPH.search(entry)
        found[match.group('id')] = Preview(
            kind='citation',
            number='',
            title=plain_text(entry[: body.start()] if body else entry),  # its label, [Author, year]
            text=inline(body.group(1)) if body else '',
        )
    return found


def targets(pages):
    """{(page path, id): Preview} over a site: pages is {path: HTML}, with
    paths relative to the site's root, in POSIX form."""
    found = {}
    for path, page in pages.items():
        for target, preview in {**sections(page), **citations(page)}.items():
            found[(path, target)] = preview
    return found


def links_of(path, page):
    """[(href, page path, id)] of the internal links of one page's text,
    by href, each with the page and id it reaches."""
    found = []
    folder = posixpath.dirname(path)
    start = page.find(TEXT_START)
    end = page.find(TEXT_END, max(start, 0))
    text = TOCTREE.sub('', page[max(start, 0) : end if end >= 0 else len(page)])
    for href in sorted(set(LINK.findall(text))):
        address, _, target = html.unescape(href).partition('#')
        if '?' in address or '://' in address:
            continue
        linked = posixpath.normpath(posixpath.join(folder, address)) if address else path
        found.append((html.unescape(href), linked, target))
    return found


def previews_of_links(links, known):
    """{href: Preview} of links (links_of) that reach a known target."""
    return {
        href: known[linked, target] for href, linked, target in links if (linked, target) in known
    }


def previews_of(path, page, known):
    """{href: Preview} for the internal links of one page's text."""
    return previews_of_links(links_of(path, page), known)


def with_previews(page, previews):
    """The page's HTML with its block of previews (instead of any before);
    without one when it has no link to preview."""
    page = WRITTEN.sub('', page)
    if not previews:
        return page
    data = json.dumps(
        {href: asdict(preview) for href, preview in previews.items()},
        ensure_ascii=False,
        sort_keys=True,
    )
    # Nothing in the data may end the script element early.
    data = data.replace('</', '<\\/')
    block = f'<script type="application/json" id="{SCRIPT_ID}">{data}</script>\n'
    end = page.rfind('</body>')
    if end < 0:
        raise ValueError('the page has no </body> to put its previews before')
    return page[:end] + block + page[end:]
