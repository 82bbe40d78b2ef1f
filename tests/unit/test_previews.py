"""bookbuild/render/previews.py: what a page's cross-references and
citations preview, read from pages in the shape Sphinx's HTML writer and
sphinxcontrib-bibtex give them."""

import json
import re

import pytest

from bookbuild.render import previews

# Two pages of a site, as Sphinx writes them: a section with a label, its
# title's permalink and d2lbook's notebook buttons, a translation note before
# its first paragraph, and a subsection; then a bibliography.
SECTION_PAGE = """<html><body><div class="page-content" role="main">
  <section id="tiny-layers">
<span id="sec-tiny"></span><span id="sec-tiny-again"></span><h1><span class="section-number">2.3. </span>Tiny <em>Layers</em><a class="headerlink" href="#tiny-layers" title="Permalink">¶</a><div class="d2l-tabs" style="float:right"><div class="d2l-tabs__tab">Colab [pytorch]</div></div></h1>
<div class="translation-note" role="note"><p class="translation-note__words">⚠ behind</p></div>
<p>A layer that adds <code class="docutils literal notranslate"><span class="pre">one</span></code>,
as <a class="reference internal" href="other.html#sec-other" id="id1"><span class="std std-numref">Section 2.4</span></a> shows.</p>
<p>A second paragraph.</p>
<section id="a-part">
<h2><span class="section-number">2.3.1. </span>A Part<a class="headerlink" href="#a-part" title="Permalink">¶</a></h2>
<div class="highlight"><pre>x = 1</pre></div>
</section>
<section id="no-text">
<h2>No Text</h2>
</section>
</section>
<p>See <a class="reference internal" href="../references.html#id7" title="Old title">Doe, 2020</a>,
<a class="reference internal" href="#a-part">this part</a>,
<a class="reference internal" href="other.html#missing">a lost label</a>,
<a class="reference external" href="https://example.org/#x">a site</a> and
<a class="reference internal" href="other.html">the next page</a>.</p>
<div class="toctree-wrapper compound">
<ul><li><a class="reference internal" href="../references.html">References</a></li></ul>
</div>
</div>
<div class="side-doc-outline"><a class="reference internal" href="#no-text">No Text</a></div>
</body></html>"""

OTHER_PAGE = """<html><body>
  <section id="other">
<span id="sec-other"></span><h1><span class="section-number">2.4. </span>Other &amp; More<a class="headerlink" href="#other">¶</a></h1>
<p>Its first words.</p>
</section></body></html>"""

REFERENCES_PAGE = """<html><body>
  <section id="references">
<h1>References<a class="headerlink" href="#references">¶</a></h1>
</section>
<div class="docutils container" id="id1">
<div class="citation" id="id7" role="doc-biblioentry">
<span class="label"><span class="fn-bracket">[</span>Doe, 2020<span class="fn-bracket">]</span></span>
<p>Doe, J. (2020). <em>A Study</em>. Somewhere &amp; Co.</p>
</div>
</div>
</body></html>"""

# An edition's section whose first paragraph is not translated yet: its page
# shows the English inside a note (render/sphinx_extension.py).
EDITION_PAGE = """<html><body>
  <section id="id3">
<h2><span class="section-number">2.5. </span>Camadas<a class="headerlink" href="#id3">¶</a></h2>
<div class="translation-note translation-note--missing" role="note"><p class="translation-note__words"><span aria-hidden="true">⚠</span> Ainda sem tradução. <a class="translation-note__link" href="../../html/x.html" hreflang="en">Original</a></p><div class="translation-note__english" lang="en">
<p>The English words.</p>
</div></div>
<p>As palavras traduzidas.</p>
</section></body></html>"""

SITE = {
    'part/tiny.html': SECTION_PAGE,
    'part/other.html': OTHER_PAGE,
    'references.html': REFERENCES_PAGE,
}


def test_a_section_is_known_by_its_id_and_every_label_before_its_heading():
    found = previews.sections(SECTION_PAGE)
    assert found['tiny-layers'] == found['sec-tiny'] == found['sec-tiny-again'] == found['']
    assert found['tiny-layers'].number == '2.3.'
    assert found['a-part'].number == '2.3.1.'


def test_a_title_leaves_out_its_number_permalink_and_notebook_buttons():
    assert previews.sections(SECTION_PAGE)['tiny-layers'].title == 'Tiny Layers'
    assert previews.sections(OTHER_PAGE)['other'].title == 'Other & More'


def test_the_text_is_the_first_plain_paragraph_without_links_or_ids():
    text = previews.sections(SECTION_PAGE)['tiny-layers'].text
    assert text.startswith('A layer that adds <code class="docutils literal notranslate">')
    assert '<span class="std std-numref">Section 2.4</span> shows.' in text
    assert '<a' not in text and 'id=' not in text
    assert '⚠' not in text and 'second' not in text


def test_a_section_without_a_paragraph_of_its_own_has_no_text():
    # Its next section's paragraph is not its text.
    assert previews.sections(SECTION_PAGE)['a-part'].text == ''
    assert previews.sections(SECTION_PAGE)['no-text'] == previews.Preview(
        kind='section', number='', title='No Text', text=''
    )
    assert previews.sections(REFERENCES_PAGE)['references'].text == ''


def test_an_editions_untranslated_paragraph_is_passed_over_for_its_next():
    assert previews.sections(EDITION_PAGE)['id3'].text == 'As palavras traduzidas.'


def test_a_citation_previews_its_label_and_full_reference():
    assert previews.citations(REFERENCES_PAGE) == {
        'id7': previews.Preview(
            kind='citation',
            number='',
            title='[Doe, 2020]',
            text='Doe, J. (2020). <em>A Study</em>. Somewhere &amp; Co.',
        )
    }


def test_each_internal_link_previews_its_target_by_the_href_the_page_writes():
    known = previews.targets(SITE)
    found = previews.previews_of('part/tiny.html', SECTION_PAGE, known)
    assert sorted(found) == [
        '#a-part',
        '../references.html#id7',
        'other.html',
        'other.html#sec-other',
    ]
    assert found['other.html#sec-other'] == found['other.html']
    assert found['../references.html#id7'].kind == 'citation'
    assert found['other.html'].title == 'Other & More'
    assert found['#a-part'].title == 'A Part'
    # A label no page has, a link to another site, and the links of a table
    # of contents or of the outline beside the text preview nothing.
    assert '../references.html' not in found and '#no-text' not in found
    assert 'other.html#missing' not in found and 'https://example.org/#x' not in found


def test_a_label_on_another_page_is_found_there():
    known = previews.targets(SITE)
    page = '<p><a class="reference internal" href="tiny.html#sec-tiny">x</a></p></body>'
    assert (
        previews.previews_of('part/other.html', page, known)['tiny.html#sec-tiny'].number == '2.3.'
    )


def embedded(page):
    block = re.search(
        r'<script type="application/json" id="book-previews">(.*?)</script>', page, re.S
    )
    return json.loads(block.group(1)) if block else None


def test_the_previews_go_into_the_page_once_and_replace_what_was_there():
    known = previews.targets(SITE)
    found = previews.previews_of('part/tiny.html', SECTION_PAGE, known)
    once = previews.with_previews(SECTION_PAGE, found)
    assert previews.with_previews(once, found) == once
    assert once.count('id="book-previews"') == 1
    assert once.index('id="book-previews"') < once.index('</body>')
    assert embedded(once)['#a-part'] == {
        'kind': 'section',
        'number': '2.3.1.',
        'title': 'A Part',
        'text': '',
    }
    fewer = previews.with_previews(once, {'#a-part': found['#a-part']})
    assert list(embedded(fewer)) == ['#a-part']
    assert previews.with_previews(once, {}) == SECTION_PAGE


def test_nothing_in_a_preview_can_end_its_script_early():
    sneaky = previews.Preview(kind='section', number='', title='</script><b>', text='')
    page = previews.with_previews('<p>x</p></body>', {'#x': sneaky})
    assert page.count('</script>') == 1
    assert embedded(page)['#x']['title'] == '</script><b>'


def test_a_page_without_a_body_end_is_refused_with_a_reason():
    sneaky = previews.Preview(kind='section', number='', title='t', text='')
    with pytest.raises(ValueError, match='</body>'):
        previews.with_previews('<p>cut short', {'#x': sneaky})
