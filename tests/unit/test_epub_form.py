"""The EPUB form's pure parts, which need nothing built: code lines that
wrap, the zip written again with fixed dates and order, the package's
metadata, and an equation's picture and <img> (forms/epub_*.py)."""

import html
import io
import re
import zipfile

import pytest

from bookbuild.forms.epub_math import Equation
from bookbuild.forms.epub_package import ACCESSIBILITY, repack
from bookbuild.forms.epub_sphinx import code_lines
from bookbuild.report import BuildError

HIGHLIGHTED = (
    '<div class="highlight"><pre><span></span><span class="k">def</span> <span class="nf">f</span>'
    '<span class="p">():</span>\n<span class="w">    </span><span class="k">return</span> '
    '<span class="s1">&#39;a &lt; b&#39;</span>\n</pre></div>'
)


def test_each_code_line_is_its_own_element_and_the_text_is_unchanged():
    body = code_lines(HIGHLIGHTED)
    pre = re.search(r'<pre>(.*)</pre>', body, re.DOTALL).group(1)
    lines = re.findall(r'<span class="(code-line[^"]*)">', pre)
    assert lines == ['code-line', 'code-line code-indent-4']
    text = html.unescape(re.sub(r'<[^>]+>', '', pre))
    assert text == "def f():\n    return 'a < b'\n"


OPF = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="BookId">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:language>zh-CN</dc:language>
    <dc:identifier id="BookId">https://example.org/book</dc:identifier>
  </metadata>
</package>
"""
NCX = '<ncx><head><meta name="dtb:uid" content="BookId"/></head></ncx>'
PAGE = '<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'


def sphinx_zip(path, date_time):
    """A zip laid out as Sphinx's epub builder writes one."""
    with zipfile.ZipFile(path, 'w') as epub:
        for name, data in (
            ('mimetype', 'application/epub+zip'),
            ('META-INF/container.xml', '<container/>'),
            ('content.opf', OPF),
            ('toc.ncx', NCX),
            ('index.xhtml', PAGE),
        ):
            epub.writestr(zipfile.ZipInfo(name, date_time=date_time), data)
    return path


def test_repacking_gives_the_same_bytes_whatever_the_files_times(tmp_path):
    first = repack(
        sphinx_zip(tmp_path / 'a.epub', (2020, 1, 2, 3, 4, 5)), 1764979200, 'the en jax EPUB'
    )
    second = repack(
        sphinx_zip(tmp_path / 'b.epub', (2024, 6, 7, 8, 9, 10)), 1764979200, 'the en jax EPUB'
    )
    assert first == second
    later = repack(
        sphinx_zip(tmp_path / 'c.epub', (2020, 1, 2, 3, 4, 5)), 1765065600, 'the en jax EPUB'
    )
    assert later != first, "the EPUB's date does not come from the outputs' date"


def test_the_repacked_epub_starts_with_its_mimetype_stored_and_declares_its_accessibility(tmp_path):
    data = repack(sphinx_zip(tmp_path / 'a.epub', (2020, 1, 1, 0, 0, 0)), 0, 'the en jax EPUB')
    with zipfile.ZipFile(io.BytesIO(data)) as epub:
        first = epub.infolist()[0]
        assert (first.filename, first.compress_type) == ('mimetype', zipfile.ZIP_STORED)
        opf = epub.read('content.opf').decode()
        for name, value in ACCESSIBILITY:
            assert f'<meta property="{name}">{value}</meta>' in opf
        assert 'content="https://example.org/book"' in epub.read('toc.ncx').decode()
        assert '<html lang="zh-CN" xml:lang="zh-CN"' in epub.read('index.xhtml').decode()


def test_a_file_that_is_no_epub_fails_naming_the_epub(tmp_path):
    broken = tmp_path / 'book.epub'
    broken.write_bytes(b'not a zip')
    with pytest.raises(BuildError, match='the ko mxnet EPUB'):
        repack(broken, 0, 'the ko mxnet EPUB')


SVG = (
    '<svg style="vertical-align: -0.566ex;" xmlns="http://www.w3.org/2000/svg" width="2.5ex" '
    'height="2.262ex" role="img" focusable="false" viewBox="0 -750 1100 1000">'
    '<g data-mml-node="math"><use data-c="78" href="#x"></use></g></svg>'
)


def test_an_equation_is_an_img_with_its_tex_and_mathjaxs_size():
    equation = Equation(r'a < \alpha', False, SVG)
    img = equation.img('../')
    assert f'src="../_math/{equation.name}"' in img
    assert 'alt="a &lt; \\alpha"' in img
    assert 'width:2.5ex;height:2.262ex;vertical-align:-0.566ex' in img
    picture = equation.data.decode()
    assert picture.startswith('<?xml') and 'data-' not in picture and 'role=' not in picture


def test_an_equation_without_a_size_fails_naming_its_tex():
    with pytest.raises(BuildError, match='x_1'):
        Equation('x_1', False, SVG.replace('width="2.5ex"', 'width="0ex"'))
