"""What the rendered pages need after d2lbook has written them.

- The note beside the "Colab" button of each framework with a Python bound
  (frameworks.py's cap; MXNet today): which Python its notebook needs.
  d2lbook adds the "Colab" buttons to the HTML files after Sphinx has
  written them (to every page that has none yet), so the note goes into the
  files too, right after that button's tooltip, once per page. It says in
  short what the framework's first cell says when it stops on a Python it
  cannot be installed on (forms/notebooks/install.py), in the language of
  the edition, from the framework's facts.
- In a translated edition, the labels that d2lbook's theme and buttons
  write in English (the table of contents, previous and next, the search
  field, the Colab tooltip, Sphinx's permalink title where its catalogue has
  none) in the edition's language.
- The theme's "previous" and "next" links lose their misspelt ARIA role.
- In an edition, the "Colab" buttons open the edition's own notebooks, which
  sit under <lang>/ in each framework's Colab repository (project.py's
  Edition.launch_address).
- Beside each framework's "Colab" button, in the same box (so that they
  follow the selected framework as it does): links that open the notebook
  on SageMaker Studio Lab and on Kaggle, and one that downloads it from the
  site itself (forms/notebooks/writing.py writes it there), then the book's
  PDF and EPUB of that framework, as the latest release publishes them
  (ci.py names them); under them, the line that says which versions made
  the outputs, and when (evaluate/versions.py).
- After the title of every page of the book, its "Report a problem" link
  (render/report_link.py), which static/page/report.js keeps on the
  reader's framework and section.

Every word it writes comes from the languages registry (languages.py).
Standard library only: render/live.py's SiteRenderer calls `postprocess_site`
after Sphinx, for `book html` and `book watch`; running it twice changes
nothing.
"""

import html
import os
import re
from dataclasses import asdict
from pathlib import Path, PurePosixPath

from ..ci import published_download
from ..evaluate.versions import outputs_line
from ..files import ReadCache, digest_of, package_digest, text_of, write_atomic
from ..frameworks import FRAMEWORKS, framework
from ..languages import language
from ..project import PUBLISHED_BRANCH
from . import previews, report_link

NOTE_CLASS = 'colab-note'


def noted_tabs(page):
    """The frameworks with a Python bound whose "Colab" button is on the page."""
    return [
        tab for tab, entry in FRAMEWORKS.items() if entry.python_below and f'Colab_[{tab}]' in page
    ]


def tooltip_and_note(tab):
    """d2lbook's tooltip of a framework's "Colab" button (d2lbook/colab.py,
    _get_colab_html, names it `Colab_[<tab>]`), and the note after it, if any."""
    return re.compile(
        rf'(<div class="mdl-tooltip" data-mdl-for="Colab_\[{re.escape(tab)}\]">[^<]*</div>)'
        rf'(<p class="{NOTE_CLASS}"[^>]*>[^<]*</p>)?'
    )


def with_note(page, lang):
    """The page's HTML with the note after the tooltip of each of its
    noted_tabs' buttons, once, in place of any note an earlier build wrote."""
    for tab in noted_tabs(page):
        text = language(lang).python_note.format(**framework(tab).facts())
        note = f'<p class="{NOTE_CLASS}" role="note">{html.escape(text)}</p>'
        page = tooltip_and_note(tab).sub(
            lambda match, note=note: match.group(1) + note, page, count=1
        )
    return page


# Where d2lbook's theme and buttons write the labels an edition translates
# (languages.Language.theme_labels): the label within its HTML.
THEME_LABELS = (
    ('Table Of Contents', '<span class="mdl-layout-title toc">{}</span>'),
    ('Table Of Contents', '<span class="caption-text">{}</span>'),
    ('Previous', '<span class="pagenation-direction">{}</span>'),
    ('Next', '<span class="pagenation-direction">{}</span>'),
    ('Search', 'placeholder="{}"'),
    ('Open the notebook in Colab', '> {}</div>'),
    ('Permalink to this heading', 'title="{}"'),
)


def in_language(page, edition):
    """The page with the theme's English labels in the edition's language."""
    translated = edition.language.theme_labels
    for english, within in THEME_LABELS:
        if english in translated:
            page = page.replace(
                within.format(english), within.format(html.escape(translated[english]))
            )
    return page


# d2lbook's theme gives its "previous" and "next" links role="botton", which
# is no ARIA role (screen readers and axe-core reject it); as links they
# need no role at all.
MISSPELT_ROLE = ' role="botton"'


def colab_in_language(page, edition):
    """An edition's "Colab" buttons, pointed at its <lang>/ notebooks (once)."""
    if not edition.url_prefix:
        return page
    return re.sub(
        rf'(https://colab\.research\.google\.com/github/[^/"\']+/[^/"\']+/blob/'
        rf'{re.escape(PUBLISHED_BRANCH)}/)(?!{re.escape(edition.url_prefix)})',
        rf'\g<1>{edition.url_prefix}',
        page,
    )


LAUNCH_CLASS = 'notebook-launch'
OUTPUTS_CLASS = 'outputs-from'
# One framework's box of d2lbook's buttons, up to the end of its tooltip and
# of its note, if any: the links go after it.
BUTTON_BOX = re.compile(
    r'<div class="d2l-tabs__tab"><a href="[^"]*"[^>]*>.*?</a>'
    r'<div class="mdl-tooltip" data-mdl-for="Colab_\[(\w+)\]">[^<]*</div>'
    rf'(?:<p class="{NOTE_CLASS}"[^>]*>[^<]*</p>)?',
    re.S,
)


def launch_links(edition, page, tab):
    """The Studio Lab, Kaggle and download links of one framework, its PDF
    and EPUB, and the line on the versions that made its outputs, as HTML."""
    # The links' words, in the edition's language (languages.py).
    words = edition.language.launch_words
    title = framework(tab).title
    download = os.path.relpath(edition.site_notebook(tab, page), (edition.html_dir / page).parent)
    links = [
        ('studiolab', edition.launch_address('studiolab', tab, page), ''),
        ('kaggle', edition.launch_address('kaggle', tab, page), ''),
        (
            'download',
            PurePosixPath(*Path(download).parts).as_posix(),
            f' download="{PurePosixPath(page).name}-{tab}.ipynb"',
        ),
        ('pdf', published_download(edition, tab, '.pdf'), ''),
        ('epub', published_download(edition, tab, '.epub'), ''),
    ]
    anchors = ''.join(
        f'<a class="{LAUNCH_CLASS}__{kind}" href="{html.escape(address)}"{extra}'
        f' aria-label="{html.escape(words[kind][1].format(framework=title))}">'
        f'{html.escape(words[kind][0])}</a>'
        for kind, address, extra in links
    )
    block = f'<span class="{LAUNCH_CLASS}" data-framework="{tab}">{anchors}</span>'
    line = outputs_line(edition, page, tab)
    if line:
        block += f'<span class="{OUTPUTS_CLASS}" data-framework="{tab}">{html.escape(line)}</span>'
    return block


# What with_launch_links wrote before: Sphinx re-renders only the pages
# whose text changed, so a page may keep the links and line of an earlier
# build, whose versions and date may be out of date.
WRITTEN_LINKS = re.compile(
    rf'<span class="{LAUNCH_CLASS}" data-framework="\w+">.*?</span>'
    rf'(?:<span class="{OUTPUTS_CLASS}" data-framework="\w+">[^<]*</span>)?',
    re.S,
)


def with_launch_links(edition, page_html, page):
    """The page's HTML with each framework's links after its Colab button,
    written afresh from the current records."""
    page_html = WRITTEN_LINKS.sub('', page_html)

    def with_links(box):
        tab = box.group(1)
        if not edition.project.has_notebook(tab, page):
            return box.group(0)
        return box.group(0) + launch_links(edition, page, tab)

    return BUTTON_BOX.sub(with_links, page_html)


# A page's title: its section's id, Sphinx's label targets, and the heading.
PAGE_TITLE = re.compile(
    r'<section id="([^"]+)">\s*(?:<span id="[^"]*"></span>\s*)*<h1>(.*?)</h1>', re.S
)
WRITTEN_REPORT = re.compile(rf'<a class="{report_link.LINK_CLASS}" [^>]*>[^<]*</a>')


def with_report_link(edition, page_html, page):
    """The page's HTML with its "Report a problem" link right after its
    title, in place of any an earlier build wrote, or None when the page
    has no title where Sphinx writes one."""
    page_html = WRITTEN_REPORT.sub('', page_html)
    title = PAGE_TITLE.search(page_html)
    if not title:
        return None
    heading = title.group(2).split('<a class="headerlink"')[0]
    number = previews.SECTION_NUMBER.search(heading)
    words = html.unescape(re.sub(r'<[^>]+>', '', previews.SECTION_NUMBER.sub('', heading))).strip()
    tab = edition.project.tabs[0]
    link = report_link.link_html(
        edition,
        tab,
        page,
        title.group(1),
        number.group(1).strip().rstrip('.') if number else None,
        words,
        outputs_line(edition, page, tab),
    )
    return page_html[: title.end()] + link + page_html[title.end() :]


def postprocess_site(edition):
    """The note, the edition's labels and Colab links, the launch and
    download links, the report link, valid roles and the previews of
    references on every page of a rendered site.

    Only the pages that changed since it last ran are read (Sphinx wrote
    them again, or the records their links and outputs line come from
    changed): what it made of each page, its targets and its links, is
    kept by the page's stat and digest (files.ReadCache, in
    <edition's build>/read_cache/postprocess.json). A page it does not
    read gets new previews, read and written, only when a page it links to
    changed what its preview shows."""
    html_dir = edition.html_dir
    pages = set(edition.project.notebook_sources())
    cache = ReadCache(edition.build_dir / 'read_cache' / 'postprocess.json', site_context(edition))
    facts, read_now = {}, {}
    paths = sorted(html_dir.rglob('*.html'))
    for path in paths:
        address = path.relative_to(html_dir).as_posix()
        inputs = page_inputs(edition, path, html_dir, pages)

        def make(data, path=path, address=address, inputs=inputs):
            page = text_of(data)
            done = finished(edition, path, page, html_dir, pages)
            read_now[path] = (page, done)
            found = {**previews.sections(done), **previews.citations(done)}
            return {
                'inputs': inputs,
                'targets': sorted([target, asdict(preview)] for target, preview in found.items()),
                'links': previews.links_of(address, done),
                'previews': None,  # those the page holds, once written
            }

        facts[path] = cache.value(path, make, wanted=lambda kept, i=inputs: kept['inputs'] == i)
    # The previews come from every page as finished, so they go in last.
    known = {
        (path.relative_to(html_dir).as_posix(), target): previews.Preview(**preview)
        for path, kept in facts.items()
        for target, preview in kept['targets']
    }
    for path, kept in facts.items():
        links = [tuple(link) for link in kept['links']]
        shown = previews.previews_of_links(links, known)
        held = {href: asdict(preview) for href, preview in shown.items()}
        if path in read_now:
            written, done = read_now[path]
        elif kept['previews'] == held:
            continue  # unchanged, and so are the previews of its links
        else:
            written = done = path.read_text(encoding='utf-8')
        try:
            page = previews.with_previews(done, shown)
        except ValueError as error:
            raise RuntimeError(f'{path}: {error}') from None
        kept = {**kept, 'previews': held}
        if page != written:
            # Whole or not at all: a build killed here leaves the page Sphinx wrote.
            write_atomic(path, page)
            cache.wrote(path, page.encode('utf-8'), kept)
        else:
            cache.update(path, kept)
    cache.forget_others(paths)
    cache.save()


def site_context(edition):
    """What every finished page depends on besides its own HTML and
    page_inputs: the edition, config.ini (the published addresses, the
    release) and the build package's code."""
    project = edition.project
    return digest_of(
        edition.code,
        (project.root / 'config.ini').read_bytes(),
        package_digest(project.build_dir / 'read_cache'),
    )


def page_inputs(edition, path, html_dir, pages):
    """What a page's links and outputs lines are made from besides its HTML:
    for each framework, whether it has the page's notebook and its outputs
    line (the evaluation's records)."""
    name = path.relative_to(html_dir).with_suffix('').as_posix()
    project = edition.project
    if (project.root / f'{name}.md') not in pages:
        return []
    return [
        [project.has_notebook(tab, name), outputs_line(edition, name, tab)] for tab in project.tabs
    ]


def finished(edition, path, page, html_dir, pages):
    """One page with everything but its previews."""
    project = edition.project
    done = colab_in_language(in_language(page, edition), edition).replace(MISSPELT_ROLE, '')
    noted = noted_tabs(page)
    if noted:
        done = with_note(done, edition.code)
        for tab in noted:
            match = tooltip_and_note(tab).search(done)
            if not match or not match.group(2):
                raise RuntimeError(
                    f'{path}: d2lbook\'s {framework(tab).title} "Colab" button has no tooltip '
                    'any more, so the note on its Python version has nowhere to go'
                )
    name = path.relative_to(html_dir).with_suffix('').as_posix()
    if (project.root / f'{name}.md') in pages:
        done = with_report_link(edition, done, name)
        if done is None:
            raise RuntimeError(
                f'{path}: no <section> with an <h1> title, so the "Report a problem" link '
                'has nowhere to go (render/postprocess.py, PAGE_TITLE)'
            )
    if 'id="Colab_[' in page and (project.root / f'{name}.md') in pages:
        done = with_launch_links(edition, done, name)
        if f'class="{LAUNCH_CLASS}"' not in done:
            raise RuntimeError(
                f'{path}: d2lbook\'s "Colab" buttons changed shape, so the Studio Lab, '
                'Kaggle and download links have nowhere to go (render/postprocess.py, BUTTON_BOX)'
            )
    return done
