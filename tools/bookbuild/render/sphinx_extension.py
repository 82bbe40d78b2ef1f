"""The book's Sphinx extension: clean code blocks and a page that works offline.

config.ini's `[build] sphinx_extensions` loads it into every Sphinx build
d2lbook runs (the HTML page and each framework's PDF). It

* takes d2lbook's build marks (`#@save`, ...) out of the code blocks, for the
  page and the PDF alike (the chapter's source keeps them);
* serves MathJax from the site's own `_static/mathjax` (installed from npm by
  bookbuild/npm.py) instead of a CDN;
* rewrites d2lbook's `_static/d2l.js` so that the page sends no request off
  the site: the Google Analytics loader goes, and the copy button's icon is
  the book's own `static/copy-button.svg` instead of an image on GitHub;
* shows what a cell printed or returned verbatim: d2lbook (through nbconvert)
  writes outputs as `parsed-literal` blocks, where reStructuredText would
  read `*before*` as emphasis and fail on a lone `*` or a trailing `_`;
* drops the theme's web fonts that live on other hosts (fonts.css fetches a
  CJK font from Google for, say, the Korean edition's name in the language
  links); the browser draws those characters with a font of its own;
* in a framework's PDF, names the framework: on the cover and in the PDF's
  Title (`<title> — <framework>`), and in a first paragraph that says which
  framework the PDF holds and which versions made its outputs, in the
  edition's language (forms/pdf.py names the tab and that line in
  BOOK_PDF_TAB and BOOK_PDF_VERSIONS), and the link that reports a problem
  (render/report_link.py);
* on an edition's page, makes each translation note (a paragraph that
  editions/markers.py writes where the translation is behind the English) a
  note for screen readers (role="note"), with the English text it shows
  marked lang="en", and its link pointing at the English site beside the
  edition's, whatever host serves them;
* writes the pages' <html lang> as a language tag (zh-CN where Sphinx's
  language is zh_CN), and loads the Chinese edition's search (search_zh.py).

It is a module of the build package, installed in .venv/book, so Sphinx
imports it by name: config.ini's `sphinx_extensions` says
`bookbuild.render.sphinx_extension`.
"""

import html
import json
import os
import re
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx.errors import ExtensionError
from sphinx.util.fileutil import copy_asset

from ..frameworks import framework
from ..languages import ENGLISH, LANGUAGES, NOTE_SIGN
from ..processes import PDF_TAB_VARIABLE, PDF_VERSIONS_VARIABLE
from ..project import REPOSITORY, Project
from . import build_marks, report_link, search_zh

COPY_ICON = REPOSITORY / 'static' / 'copy-button.svg'
MATHJAX_FOLDER = 'mathjax'  # under the site's _static

# Where d2lbook's copy button takes its icon from (d2lbook.sphinx_template).
REMOTE_COPY_ICON = (
    'https://raw.githubusercontent.com/choldgraf/sphinx-copybutton/'
    'master/sphinx_copybutton/_static/copy-button.svg'
)
# The icon sits next to d2l.js; the script works out its address from its own,
# so the same d2l.js serves pages at every depth of the site.
LOCAL_COPY_ICON = '${d2lStaticUrl("copy-button.svg")}'
STATIC_URL_HELPER = (
    '// The address of a file in _static, next to this script.\n'
    'var d2lStaticUrl = (function (script) {\n'
    '  return function (name) { return new URL(name, script.src).href; };\n'
    '})(document.currentScript);\n'
)


def strip_build_marks(app, doctree):
    """Remove the marks from every code block, for every builder."""
    for block in doctree.findall(nodes.literal_block):
        code = block.astext()
        if not build_marks.has_marks(code):
            continue
        clean = build_marks.strip_marks(code)
        # Sphinx highlights a block only while rawsource equals its text.
        block.rawsource = clean
        block[:] = [nodes.Text(clean)]


def book_project():
    """The book Sphinx renders: d2lbook runs Sphinx in the book's folder
    (the repository, a staged edition or a throw-away copy). Sphinx starts
    this extension, so it is an entry point, as `book` is."""
    return Project(Path.cwd())


def edition_code(app):
    """The registry's code of the edition Sphinx renders. Sphinx's language
    is the entry's sphinx_language where that differs (zh_CN for zh)."""
    name = app.config.language or ENGLISH
    return next((code for code, entry in LANGUAGES.items() if entry.sphinx_language == name), name)


def use_local_mathjax(app, config):
    # A relative mathjax_path is relative to the site's _static folder.
    config.mathjax_path = f'{MATHJAX_FOLDER}/{book_project().mathjax_entry.name}'


def analytics_loader_pattern():
    """d2lbook's Google Analytics snippet, whatever the tracking id."""
    from d2lbook import sphinx_template

    snippet = sphinx_template.google_tracker
    placeholder = 'GOOGLE_ANALYTICS_TRACKING_ID'
    return re.compile(re.escape(snippet).replace(re.escape(placeholder), "[^']*"))


def make_d2l_js_local(js):
    """d2l.js without requests off the site; fails loudly if d2lbook's
    snippets changed, rather than leaving a remote request in the page."""
    js, loaders = analytics_loader_pattern().subn(
        "\n// d2lbook's Google Analytics loader was removed here: the book sends\n"
        '// no request off its own site. tagClick and captureOutboundLink, which\n'
        "// the loader used to define, come from static/page/core.js.\n",
        js,
    )
    if loaders != 1:
        raise ExtensionError(
            f'expected d2lbook\'s analytics loader once in d2l.js, found {loaders}'
        )
    if js.count(REMOTE_COPY_ICON) != 1:
        raise ExtensionError(
            'd2lbook\'s copy button no longer uses the icon this extension replaces'
        )
    js = js.replace(REMOTE_COPY_ICON, LOCAL_COPY_ICON)
    return STATIC_URL_HELPER + js


def registries_script(project):
    """The registries the page's scripts read (static/languages.js and
    static/page/), as JavaScript: the book's frameworks in the order
    of its tabs, and every edition with its name, its site's folder and the
    words of the framework controls. A new language or framework reaches the
    page from tools/bookbuild/languages.py or frameworks.py alone."""
    frameworks = {tab: framework(tab).title for tab in project.tabs}
    editions = {
        code: {'name': entry.name, 'site': f'{project.edition(code).url_prefix}html/'}
        for code, entry in LANGUAGES.items()
    }
    words = {code: entry.page_controls for code, entry in LANGUAGES.items()}
    return (
        '// The book\'s registries, written by the build (bookbuild/frameworks.py,\n'
        '// bookbuild/languages.py).\n'
        f'var BOOK_FRAMEWORKS = {json.dumps(frameworks, ensure_ascii=False)};\n'
        f'var BOOK_EDITIONS = {json.dumps(editions, ensure_ascii=False)};\n'
        f'var BOOK_PAGE_WORDS = {json.dumps(words, ensure_ascii=False)};\n'
    )


# An @font-face rule with a font on another host (`//host/...` or http(s)).
REMOTE_FONT_FACE = re.compile(
    r'@font-face\s*\{[^}]*url\(\s*[\'"]?(?:https?:)?//[^}]*\}\s*', re.IGNORECASE
)


def without_remote_fonts(css):
    return REMOTE_FONT_FACE.sub('', css)


def is_epub(app):
    """Whether Sphinx builds an EPUB (forms/epub.py), whose pages are HTML
    but which has no site's scripts, and no English site beside it."""
    return getattr(app.builder, 'name', '') == 'epub'


def finish_html(app, exception):
    if exception is not None or app.builder.format != 'html' or is_epub(app):
        return
    static = Path(app.outdir) / '_static'
    # From the d2l.js that d2lbook wrote next to conf.py, not the copy in the
    # site: Sphinx skips copying static files when no page changed, and
    # rewriting the site's copy twice would find no loader the second time.
    written_by_d2lbook = Path(app.confdir) / '_static' / 'd2l.js'
    (static / 'd2l.js').write_text(
        registries_script(book_project())
        + make_d2l_js_local(written_by_d2lbook.read_text(encoding='utf-8')),
        encoding='utf-8',
    )
    for stylesheet in static.glob('*.css'):
        css = stylesheet.read_text(encoding='utf-8')
        if REMOTE_FONT_FACE.search(css):
            stylesheet.write_text(without_remote_fonts(css), encoding='utf-8')
    shutil.copy(COPY_ICON, static / COPY_ICON.name)
    entry = book_project().mathjax_entry
    if not entry.exists():
        raise ExtensionError(f'MathJax is missing from {entry.parent}; run `make setup`')
    copy_asset(str(entry.parent), str(static / MATHJAX_FOLDER))


def translation_note(paragraph, site, up, words):
    """The raw HTML that opens and closes one translation note, or None when
    the paragraph is not one. A note (editions/markers.py) is a paragraph:
    the sign, the edition's sentence of a stale or a missing paragraph, and
    one link to the published English page (with a text fragment where the
    paragraph starts with plain words). `up` leads
    from the page to the build's root, where the English site is html/."""
    if not isinstance(paragraph, nodes.paragraph) or not paragraph.astext().startswith(NOTE_SIGN):
        return None
    links = list(paragraph.findall(nodes.reference))
    if len(links) != 1 or not links[0].get('refuri', '').startswith(site):
        return None
    link = links[0]
    sentence = ''.join(
        child.astext() for child in paragraph.children if not isinstance(child, nodes.reference)
    )
    # The words as one line: pandoc wraps the Markdown's long lines.
    sentence = ' '.join(sentence.replace(NOTE_SIGN, '', 1).split())
    kinds = {as_written(words.stale_note): 'stale', as_written(words.missing_note): 'missing'}
    if as_written(sentence) not in kinds:
        return None
    kind = kinds[as_written(sentence)]
    address = up + 'html/' + link['refuri'][len(site) :]
    opening = (
        f'<div class="translation-note translation-note--{kind}" role="note">'
        f'<p class="translation-note__words"><span aria-hidden="true">{NOTE_SIGN}</span> '
        f'{html.escape(sentence)} <a class="translation-note__link" href="{html.escape(address)}" '
        f'hreflang="en">{html.escape(" ".join(link.astext().split()))}</a></p>'
    )
    if kind == 'missing':
        return kind, opening + '<div class="translation-note__english" lang="en">', '</div></div>'
    return kind, opening, '</div>'


# What Sphinx's smart quotes make of a sentence's quotes and dashes.
SMART = str.maketrans({'‘': "'", '’': "'", '“': '"', '”': '"', '–': '--', '—': '---'})


def as_written(sentence):
    """A sentence as the Markdown wrote it: one line, straight quotes."""
    return ' '.join(sentence.translate(SMART).split())


def mark_translation_notes(app, doctree, docname):
    """An edition's translation notes, for the HTML page: each a note for
    screen readers, holding, for a missing paragraph, the English text that
    follows it (the PDF keeps them as the paragraphs they are)."""
    edition = book_project().edition(edition_code(app))
    if app.builder.format != 'html' or is_epub(app) or edition.is_english:
        return
    site = edition.project.published_site + 'html/'
    # From the page up to the build's root: its folders, the site's html/
    # and the edition's <lang>/.
    up = '../' * (docname.count('/') + 1 + edition.url_prefix.count('/'))
    for paragraph in list(doctree.findall(nodes.paragraph)):
        found = translation_note(paragraph, site, up, edition.language)
        if not found:
            continue
        kind, opening, closing = found
        parent = paragraph.parent
        at = parent.index(paragraph)
        parent.replace(paragraph, nodes.raw('', opening, format='html'))
        # A missing paragraph's English text is the element after its note.
        after = at + 2 if kind == 'missing' and at + 1 < len(parent) else at + 1
        parent.insert(after, nodes.raw('', closing, format='html'))


def pdf_tab(app):
    """The framework of the PDF being built, or None (not a PDF, or a PDF
    that is not one framework's)."""
    tab = os.environ.get(PDF_TAB_VARIABLE)
    return tab if tab and app.builder.format == 'latex' else None


def pdf_title(title, tab):
    return f'{title} — {framework(tab).title}'


def title_the_pdf(app):
    """The framework in the PDF's title: its cover, and its Title metadata
    (Sphinx's LaTeX classes hand the title to hyperref's pdftitle)."""
    tab = pdf_tab(app)
    if not tab:
        return
    app.config.latex_documents = [
        (start, target, pdf_title(title, tab), *rest)
        for start, target, title, *rest in app.config.latex_documents
    ]


def open_with_the_framework(app, doctree, docname):
    """The PDF's first words: which framework it holds, and the versions that
    made its outputs, before the book's own first paragraph."""
    tab = pdf_tab(app)
    if not tab or docname != app.config.root_doc:
        return
    words = LANGUAGES[edition_code(app)]
    sentence = words.pdf_opening.format(framework=framework(tab).title)
    insert_opening(
        app, doctree, docname, tab, 'PDF', sentence, os.environ.get(PDF_VERSIONS_VARIABLE)
    )


def insert_opening(app, doctree, docname, tab, form, sentence, versions):
    """After the title of a form's first page (the PDF's, the EPUB's), the
    sentence that names its framework, the outputs line when there is one,
    and the link that reports a problem, as the pages and notebooks have it."""
    section = next(doctree.findall(nodes.section), None)
    if section is None:
        raise ExtensionError(f'the {tab} {form} has no first section to name its framework in')
    opening = [nodes.paragraph('', sentence)]
    if versions:
        opening.append(nodes.paragraph('', versions))
    edition = book_project().edition(edition_code(app))
    address = report_link.report_address(
        edition, tab, edition.published_page(docname, tab), app.config.project, versions
    )
    words = edition.language.report_words[0]
    opening.append(nodes.paragraph('', '', nodes.reference('', words, refuri=address)))
    at = 1 if section.children and isinstance(section[0], nodes.title) else 0
    for offset, paragraph in enumerate(opening):
        section.insert(at + offset, paragraph)


def language_tag(app, pagename, templatename, context, doctree):
    """<html lang> as a BCP 47 tag: Sphinx writes its language name, zh_CN."""
    if context.get('language'):
        context['language'] = context['language'].replace('_', '-')


class VerbatimOutput(Directive):
    """`.. parsed-literal::` as d2lbook writes it for a cell's output,
    without the parsing: a literal block of exactly the printed text, not
    highlighted as code. The chapter's own markdown never makes one."""

    has_content = True
    option_spec = {'class': directives.class_option}

    def run(self):
        text = '\n'.join(self.content)
        block = nodes.literal_block(text, text, language='none')
        block['classes'] += self.options.get('class', [])
        return [block]


def setup(app):
    app.add_directive('parsed-literal', VerbatimOutput, override=True)
    app.connect('config-inited', use_local_mathjax)
    app.connect('doctree-read', strip_build_marks)
    app.connect('doctree-resolved', mark_translation_notes)
    app.connect('builder-inited', title_the_pdf)
    app.connect('doctree-resolved', open_with_the_framework)
    app.connect('build-finished', finish_html)
    app.connect('html-page-context', language_tag)
    search_zh.register(app, book_project)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
