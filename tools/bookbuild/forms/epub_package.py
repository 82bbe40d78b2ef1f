"""The EPUB as a file: its stylesheet, the accessibility metadata of its
package document, and the zip, written again so that two builds of the
same book give the same bytes.

Sphinx's epub builder zips with the files' own times and leaves the
package document without accessibility metadata; `repack` reads its zip
and writes the reader's EPUB: `mimetype` first and stored, as the EPUB
standard asks, then every other file in Sphinx's order, each with the date
of the book's outputs and the same permissions.
"""

import io
import re
import time
import zipfile

from ..render.code_colours import CSS_FILE
from ..report import BuildError

# What the package declares about its accessibility (EPUB Accessibility
# 1.0, schema.org's terms): text and pictures, every picture (the
# equations) with its TeX as text, a table of contents and headings to move
# by, and nothing that flashes, moves or plays sound.
ACCESSIBILITY = (
    ('schema:accessMode', 'textual'),
    ('schema:accessMode', 'visual'),
    ('schema:accessModeSufficient', 'textual'),
    ('schema:accessibilityFeature', 'alternativeText'),
    ('schema:accessibilityFeature', 'structuralNavigation'),
    ('schema:accessibilityFeature', 'tableOfContents'),
    ('schema:accessibilityFeature', 'readingOrder'),
    ('schema:accessibilityFeature', 'displayTransformability'),
    ('schema:accessibilityHazard', 'none'),
    (
        'schema:accessibilitySummary',
        'Text with headings and a table of contents. Every equation is an image '
        'whose alternative text is its TeX source; code and its outputs are text.',
    ),
)

# The EPUB's own rules, after Sphinx's epub.css. A code line is a block
# whose second and later rows start further in (a hanging indent), so that
# a long line wraps instead of running off a small screen: HANG characters
# past the line's own indentation, for lines indented up to MAX_INDENT.
HANG = 4
MAX_INDENT = 32
STYLESHEET = """
pre { white-space: pre-wrap; overflow-wrap: break-word; }
pre .code-line { display: block; padding-left: 4ch; text-indent: -4ch; }
img.math { margin: 0; }
div.math { margin: 1em 0; text-align: center; }
div.math .eqno { float: right; }
.book-cover { margin-top: 25%; text-align: center; }
.book-cover__title { font-size: 2em; }
.book-cover__framework { font-size: 1.6em; font-weight: bold; }
"""


def stylesheet():
    """The code colours of the site (static/code.css, each at a contrast of
    4.5:1 or more) and the EPUB's own rules."""
    indents = ''.join(
        f'pre .code-indent-{n} {{ padding-left: {n + HANG}ch; text-indent: -{n + HANG}ch; }}\n'
        for n in range(1, MAX_INDENT + 1)
    )
    return CSS_FILE.read_text(encoding='utf-8') + STYLESHEET + indents


def with_accessibility(opf, where):
    """The package document with its accessibility metadata."""
    entries = ''.join(
        f'    <meta property="{name}">{value}</meta>\n' for name, value in ACCESSIBILITY
    )
    opf, found = re.subn(r'(\s*)</metadata>', lambda m: f'\n{entries}  </metadata>', opf, count=1)
    if found != 1:
        raise BuildError(f'{where}: content.opf has no </metadata> to add the accessibility to')
    return opf


def with_the_identifier(ncx, opf, where):
    """toc.ncx with the package's identifier as its dtb:uid (Sphinx writes
    epub_uid there, the identifier's id, and epubcheck wants the two equal)."""
    found = re.search(r'<dc:identifier[^>]*>([^<]+)</dc:identifier>', opf)
    if not found:
        raise BuildError(f'{where}: content.opf has no dc:identifier')
    return re.sub(
        r'(<meta name="dtb:uid" content=")[^"]*(")', rf'\g<1>{found.group(1)}\g<2>', ncx, count=1
    )


def with_the_language(page, opf):
    """A page whose <html> names the book's language (Sphinx's epub theme
    writes none), so that readers and screen readers speak it as such."""
    found = re.search(r'<dc:language>([^<]+)</dc:language>', opf)
    if not found or re.search(r'<html\b[^>]*\blang=', page):
        return page
    tag = found.group(1)
    return re.sub(r'<html\b', f'<html lang="{tag}" xml:lang="{tag}"', page, count=1)


def zip_time(epoch):
    """A zip entry's time from a Unix time (zip cannot go before 1980)."""
    return time.gmtime(max(epoch, 315532800))[:6]


def repack(sphinx_epub, epoch, where):
    """The bytes of the reader's EPUB, made from the one Sphinx wrote."""
    try:
        source = zipfile.ZipFile(sphinx_epub)
    except (OSError, zipfile.BadZipFile) as error:
        raise BuildError(f'{where}: cannot read {sphinx_epub}: {error}') from None
    with source:
        names = source.namelist()
        if not names or names[0] != 'mimetype':
            raise BuildError(f'{where}: {sphinx_epub} does not start with its mimetype')
        stamp = zip_time(epoch)
        opf = source.read('content.opf').decode('utf-8')
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, 'w') as epub:
            for name in names:
                data = source.read(name)
                if name == 'content.opf':
                    data = with_accessibility(data.decode('utf-8'), where).encode('utf-8')
                elif name == 'toc.ncx':
                    data = with_the_identifier(data.decode('utf-8'), opf, where).encode('utf-8')
                elif name.endswith('.xhtml'):
                    data = with_the_language(data.decode('utf-8'), opf).encode('utf-8')
                stored = name == 'mimetype'
                entry = zipfile.ZipInfo(name, date_time=stamp)
                entry.create_system = 3  # Unix, whatever machine builds it
                entry.external_attr = 0o100644 << 16
                entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                epub.writestr(entry, data, compresslevel=None if stored else 9)
    return buffer.getvalue()
