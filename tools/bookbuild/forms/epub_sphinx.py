"""The Sphinx extension of the EPUBs (forms/epub.py loads it into the
`epub` builder's run on one framework's reStructuredText, beside the book's
own extension, render/sphinx_extension.py). It

* draws every equation as an SVG image with MathJax, all of them in one
  node run once Sphinx has read the pages (forms/epub_math.py), and writes
  each as an <img> with its TeX as alternative text: no script in the book;
* opens the book with a cover page that names the framework, and its first
  section with the words the PDF has: which framework it holds, the versions
  that made its outputs, and the link that reports a problem;
* keeps scripts out of the pages (d2lbook's conf.py adds d2l.js and its
  stylesheet for the site), and gives the pages the EPUB's stylesheet;
* cuts each code block into one element per line, so that a long line
  wraps with a hanging indent (the stylesheet's `.code-line`).
"""

import html
import os
import re

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.locale import _
from sphinx.util.math import get_node_equation_number

from ..frameworks import framework
from ..languages import LANGUAGES
from ..render.sphinx_extension import book_project, edition_code, insert_opening, pdf_title
from . import epub_math
from .epub_package import MAX_INDENT, stylesheet

# What forms/epub.py tells this extension about the EPUB it builds.
TAB_VARIABLE = 'BOOK_EPUB_TAB'
VERSIONS_VARIABLE = 'BOOK_EPUB_VERSIONS'
COVER = 'cover'  # the cover page's name, first in the reading order
STYLESHEET = 'book-epub.css'
MATH_RENDERER = 'book_svg'


def epub_tab(app):
    tab = os.environ.get(TAB_VARIABLE)
    if not tab or app.builder.name != 'epub':
        return None
    return tab


def draw_equations(app, env):
    """Every equation of every page, drawn in one node run before Sphinx
    writes a page: the <img> needs each picture's size."""
    tab = epub_tab(app)
    if not tab:
        return []
    wanted = []
    for docname in sorted(env.found_docs):
        doctree = env.get_doctree(docname)
        wanted += [(node.astext(), False) for node in doctree.findall(nodes.math)]
        wanted += [
            (epub_math.display_tex(node), True) for node in doctree.findall(nodes.math_block)
        ]
    where = f'the {edition_code(app)} {tab} EPUB'
    drawn = epub_math.render(book_project(), wanted, where)
    folder = os.path.join(app.outdir, epub_math.MATH_FOLDER)
    os.makedirs(folder, exist_ok=True)
    for equation in drawn.values():
        with open(os.path.join(folder, equation.name), 'wb') as file:
            file.write(equation.data)
    app.builder.book_equations = drawn
    return []


def up_to_root(translator):
    return '../' * translator.builder.current_docname.count('/')


def equation(translator, tex, display):
    try:
        return translator.builder.book_equations[(tex, display)]
    except (AttributeError, KeyError):
        raise ExtensionError(
            f'{translator.builder.current_docname}: the equation {tex!r} was not drawn'
        ) from None


def visit_math(self, node):
    self.body.append(equation(self, node.astext(), False).img(up_to_root(self)))
    raise nodes.SkipNode


def visit_math_block(self, node):
    drawn = equation(self, epub_math.display_tex(node), True)
    self.body.append(self.starttag(node, 'div', CLASS='math'))
    if node['number']:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({html.escape(str(number))})</span>')
    self.body.append(drawn.img(up_to_root(self)))
    self.body.append('</div>\n')
    raise nodes.SkipNode


def open_with_the_framework(app, doctree, docname):
    """The book's first words, as in the PDF: which framework it holds, the
    versions that made its outputs, and the link that reports a problem."""
    tab = epub_tab(app)
    if not tab or docname != app.config.root_doc:
        return
    words = LANGUAGES[edition_code(app)]
    # The PDF's sentence, which names its form once, as the PDF.
    sentence = words.pdf_opening.replace('PDF', 'EPUB').format(framework=framework(tab).title)
    versions = os.environ.get(VERSIONS_VARIABLE)
    insert_opening(app, doctree, docname, tab, 'EPUB', sentence, versions)


def cover_page(app):
    """The cover: the book's title and the framework it holds."""
    tab = epub_tab(app)
    if not tab:
        return []
    title = app.config.project
    body = (
        '<section class="book-cover" epub:type="cover">'
        f'<h1 class="book-cover__title">{html.escape(title)}</h1>'
        f'<p class="book-cover__framework">{html.escape(framework(tab).title)}</p>'
        f'<p class="book-cover__author">{html.escape(app.config.author)}</p>'
        '</section>'
    )
    return [(COVER, {'title': pdf_title(title, tab), 'body': body}, 'page.html')]


# One line of a highlighted block: Pygments closes its spans at each line's
# end, so cutting at newlines keeps the markup whole.
PRE_BLOCK = re.compile(r'(<pre[^>]*>)(.*?)(</pre>)', re.DOTALL)


TAG = re.compile(r'<[^>]+>')


def indent_of(line):
    """How many spaces a line of highlighted HTML starts with."""
    text = html.unescape(TAG.sub('', line))
    return len(text) - len(text.lstrip(' '))


def code_lines(body):
    """Each line of each <pre> in its own .code-line element, which the
    stylesheet wraps with a hanging indent past the line's own indentation
    (.code-indent-<n>, epub_package.py); the text itself is unchanged."""

    def per_line(found):
        opening, text, closing = found.groups()
        lines = text.split('\n')
        if lines and lines[-1] == '':
            lines.pop()
        wrapped = []
        for line in lines:
            indent = min(indent_of(line), MAX_INDENT)
            classes = f'code-line code-indent-{indent}' if indent else 'code-line'
            wrapped.append(f'<span class="{classes}">{line}\n</span>')
        return opening + ''.join(wrapped) + closing

    return PRE_BLOCK.sub(per_line, body)


def epub_page(app, pagename, templatename, context, doctree):
    """No script in any page, only the EPUB's stylesheets, and code lines
    that wrap."""
    if not epub_tab(app):
        return
    context['script_files'] = []
    context['css_files'] = [
        css
        for css in context.get('css_files', [])
        if 'd2l' not in str(getattr(css, 'filename', css))
    ]
    if 'body' in context:
        context['body'] = code_lines(context['body'])


def prepare_the_builder(app):
    """The EPUB's stylesheet, and its table of contents titled in the
    edition's language where Sphinx's catalogue has the words (Sphinx's
    epub builder keeps them in English)."""
    if not epub_tab(app):
        return
    app.builder.guide_titles = {**app.builder.guide_titles, 'toc': str(_('Table of Contents'))}
    static = os.path.join(app.outdir, '_static')
    os.makedirs(static, exist_ok=True)
    with open(os.path.join(static, STYLESHEET), 'w', encoding='utf-8') as file:
        file.write(stylesheet())
    app.add_css_file(STYLESHEET)


def visit_citation(self, node):
    """A list of citations, each an item of it. docutils 0.19 opens the list
    only where the citation before is not one, and finds the list's last
    citation before its first: the list was closed but never opened, and the
    XHTML did not parse. Its doc-biblioentry role, deprecated in DPUB-ARIA
    1.1, is no child a list may have, so each entry is a listitem."""
    at = node.parent.index(node)
    if at == 0 or not isinstance(node.parent[at - 1], nodes.citation):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, 'div', classes=[node.tagname], role='listitem'))


def depart_citation(self, node):
    self.body.append('</div>\n')
    at = node.parent.index(node)
    if at + 1 == len(node.parent) or not isinstance(node.parent[at + 1], nodes.citation):
        self.body.append('</div>\n')


def setup(app):
    app.add_node(nodes.citation, override=True, epub=(visit_citation, depart_citation))
    app.add_html_math_renderer(MATH_RENDERER, (visit_math, None), (visit_math_block, None))
    app.connect('builder-inited', prepare_the_builder)
    app.connect('env-updated', draw_equations)
    app.connect('doctree-resolved', open_with_the_framework)
    app.connect('html-collect-pages', cover_page)
    app.connect('html-page-context', epub_page)
    # The drawn equations live on the builder, which parallel writers
    # would not share.
    return {'parallel_read_safe': True, 'parallel_write_safe': False}
