"""The notebooks' markdown, as a learner's notebook shows it.

Jupyter, Colab and SageMaker read a markdown cell as plain Markdown, so the
book's Sphinx roles and d2lbook's blocks would show as stray code. This
module turns them into text and links (forms/notebooks/ applies it to every
markdown cell of every notebook variant: plain, Colab, SageMaker):

    :label:`x`              removed (its line too, when it stands alone)
    :numref:`x`             "Section 1.2 (Title)", a link to the section
    :ref:`x`                the section's title, as a link
    :eqlabel:`x`            \\tag{1.1.1} in the equation above it
    :eqref:`x`              "(1.1.1)", a link to the equation's section
    :cite:`a,b`             "(A et al., 2019; B, 2020)"; :citet: "A et al. (2019)"
    :bibliography:`f.bib`   every entry of the bibliography
    ```eval_rst .. only:: html + a heading```   that heading
    d2lbook's table of contents     numbered titles, as links

A cited notebook ends with a References cell that lists the entries it cites
(forms/bibliography.py renders them).
Links go to the sibling notebook in the plain variant (and its zip), and to
the published page in the Colab and SageMaker variants. Any other role fails the
build with its file and line (`unknown_roles`), as does a target the book
does not define.

Numbers follow Sphinx's: the root page's numbered tables of contents number
the pages beneath them, and a page's headings number its subsections. The
words it writes are the edition's, from the languages registry (languages.py).
"""

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from ..report import BuildError
from ..source.cells import HEADING, all_blocks
from ..source.roles import RAW, ROLE, prose_lines, rst_heading, unknown_roles
from .bibliography import load_bibliography, reference_list

TOC_OPTION = re.compile(r'^:(\w+):')


@dataclass
class Target:
    """Where a label points: a page, and a heading or an equation on it."""

    page: str  # the page's path without suffix, e.g. 'chapter_basics/layers'
    title: str
    number: str | None
    anchor: str | None  # the page's HTML id for it; None for the page's title
    notebook_anchor: str | None = None  # Jupyter's id for a heading of the notebook


@dataclass
class Page:
    path: str
    source: Path
    text: str  # the page's markdown, read once
    title: str = ''
    number: str | None = None
    tocs: list = field(default_factory=list)  # [(numbered, [page paths])]


def html_id(name):
    """The HTML id Sphinx gives a label or a section title: docutils' own
    make_id (editions/markers.py asks it for the English sections)."""
    from docutils.nodes import make_id  # in .venv/book, with d2lbook and Sphinx

    return make_id(name)


def page_title(text):
    """A page's title: its first heading, `# Title` or underlined with = or -,
    or else the heading of its eval_rst block (the references page)."""
    lines = prose_lines(text)
    for (number, line), (next_number, next_line) in zip(lines, lines[1:] + [(0, '')]):
        heading = HEADING.match(line)
        if heading:
            return heading[2]
        if line.strip() and next_number == number + 1 and re.fullmatch(r'=+|-+', next_line):
            return line.strip()
    for block in all_blocks(text):
        if 'eval_rst' in block.classes and rst_heading(block.source):
            return rst_heading(block.source)
    return ''


class Book:
    """What the notebooks' text refers to, read from one edition's sources:
    the pages with their titles and numbers, the labels, the equations, and
    the bibliography."""

    def __init__(self, edition):
        self.project = edition.d2lbook_project()
        self.edition = edition
        self.words = edition.language  # its section names, header and references
        root = self.project.root
        self.pages = {}
        problems = []
        for source in self.project.notebook_sources():
            path = PurePosixPath(self.project.relative(source)).with_suffix('').as_posix()
            text = source.read_text(encoding='utf-8')
            problems += unknown_roles(text, self.shown(source))
            self.pages[path] = Page(path, source, text)
        if problems:
            raise BuildError('\n'.join(problems))
        self.index = self.project.config['build'].get('index', 'index')
        self.labels, self.equations = {}, {}
        for page in self.pages.values():
            self._read_page(page)
        if self.index in self.pages:
            self._number(self.index, None, False)
        for page in self.pages.values():
            self._read_labels(page)
        bibfile = (
            self.project.config['pdf'].get('bibfile', '') if 'pdf' in self.project.config else ''
        )
        self.bibliography = load_bibliography(root / bibfile) if bibfile else {}

    def digest(self):
        """What the text of any notebook can take from the book: the pages'
        titles, numbers and tables of contents, the labels and equations,
        and the bibliography. An edit that leaves these alone changes no
        other page's notebook."""
        pages = [(p.path, p.title, p.number, p.tocs) for p in self.pages.values()]
        parts = [
            self.edition.code,
            pages,
            sorted((label, asdict(t)) for label, t in self.labels.items()),
            sorted((label, asdict(t)) for label, t in self.equations.items()),
            sorted((key, asdict(r)) for key, r in self.bibliography.items()),
        ]
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()

    def reading_order(self):
        """The pages' paths as a reader meets them: the root page, then each
        table of contents' entries in turn, each with what is beneath it;
        then any page no table of contents lists."""
        order = []

        def visit(path):
            if path in self.pages and path not in order:
                order.append(path)
                for _, children in self.pages[path].tocs:
                    for child in children:
                        visit(child)

        visit(self.index)
        return order + [path for path in self.pages if path not in order]

    def shown(self, source):
        """A page as messages name it: an edition's under its <lang>/ folder."""
        return self.edition.url_prefix + self.project.relative(source)

    # -------------------------------------------------------- reading ----

    def _read_page(self, page):
        page.title = page_title(page.text)
        for block in all_blocks(page.text):
            if 'toc' in block.classes:
                options = [
                    TOC_OPTION.match(line)[1] for line in block.lines if TOC_OPTION.match(line)
                ]
                entries = [
                    line.strip()
                    for line in block.lines
                    if line.strip() and not TOC_OPTION.match(line.strip())
                ]
                folder = PurePosixPath(page.path).parent
                children = [(folder / entry).as_posix().removeprefix('./') for entry in entries]
                page.tocs.append(('numbered' in options, children))

    def _number(self, path, number, numbered):
        """Number the pages under `path` as Sphinx does: a numbered table of
        contents numbers its entries and everything beneath them."""
        page = self.pages[path]
        page.number = number
        count = 0
        for toc_numbered, children in page.tocs:
            for child in children:
                if child not in self.pages:
                    raise BuildError(
                        f'{self.shown(page.source)}: the table of contents lists '
                        f'{child}, which is not a page of the book'
                    )
                if numbered or toc_numbered:
                    count += 1
                    self._number(child, f'{number}.{count}' if number else str(count), True)
                else:
                    self._number(child, None, False)

    def _read_labels(self, page):
        """Labels follow the heading they name; equation labels the $$ block."""
        counters = []  # per heading level below the title
        current = Target(page.path, page.title, page.number, None)
        equations = 0
        where = self.shown(page.source)
        for number, line in prose_lines(page.text):
            heading = HEADING.match(line)
            if heading and heading[2] != page.title:
                depth = len(heading[1]) - 1
                counters = counters[:depth] + [0] * max(0, depth - len(counters))
                counters[depth - 1] += 1
                numbered = page.number and all(counters)
                current = Target(
                    page.path,
                    heading[2],
                    '.'.join([page.number, *map(str, counters)]) if numbered else None,
                    None,
                )
            for role, target in ROLE.findall(line):
                if role == 'label':
                    self._define(self.labels, target, where, number)
                    is_title = current.title == page.title
                    self.labels[target] = Target(
                        current.page,
                        current.title,
                        current.number,
                        None if is_title else html_id(target),
                        None if is_title else current.title.replace(' ', '-'),
                    )
                elif role == 'eqlabel':
                    equations += 1
                    self._define(self.equations, target, where, number)
                    self.equations[target] = Target(
                        page.path,
                        page.title,
                        f'{page.number}.{equations}' if page.number else str(equations),
                        f'equation-{html_id(target)}',
                    )

    @staticmethod
    def _define(table, label, where, line):
        if label in table:
            raise BuildError(f'{where}:{line}: the label {label} is defined twice')

    # ----------------------------------------------------- converting ----

    def section_name(self, target):
        if target.number:
            return f'{self.words.section.format(number=target.number)} ({target.title})'
        return target.title

    def convert(self, markdown, page, link):
        """One markdown cell of `page`, roles made text; returns the text and
        the citation keys it uses. `link(target)` is where a reference to a
        Target leads in this notebook variant."""
        cited = []
        where = self.shown(self.pages[page].source)

        def target_of(table, label, role):
            if label not in table:
                raise BuildError(
                    f'{where}:{line_of(label)}: :{role}:`{label}` names no label of the book'
                )
            return table[label]

        def line_of(needle):
            lines = self.pages[page].text.split('\n')
            return next((n for n, line in enumerate(lines, 1) if needle in line), '?')

        def role(match):
            name, value = match[1], match[2]
            if name in ('label', 'eqlabel'):  # a label within a line of prose
                return ''
            if name in ('numref', 'ref'):
                text, label = split_explicit(value)
                target = target_of(self.labels, label, name)
                if text is None:
                    text = self.section_name(target) if name == 'numref' else target.title
                else:
                    text = text.replace('%s', target.number or '').replace(
                        '{number}', target.number or ''
                    )
                    text = text.replace('{name}', target.title)
                return f'[{text}]({link(target)})'
            if name == 'eqref':
                target = target_of(self.equations, value, name)
                return f'[({target.number})]({link(target)})'
            if name in ('cite', 'citet', 'citep'):
                keys = [key.strip() for key in value.split(',') if key.strip()]
                labels = []
                for key in keys:
                    if key not in self.bibliography:
                        raise BuildError(
                            f'{where}:{line_of(key)}: :{name}:`{value}` cites {key}, '
                            'which the bibliography does not have'
                        )
                    cited.append(key)
                    labels.append(self.bibliography[key].label)
                if name == 'citet':
                    return '; '.join('{} ({})'.format(*label.rsplit(', ', 1)) for label in labels)
                return '(' + '; '.join(labels) + ')'
            if name == 'bibliography':
                cited.extend(self.bibliography)
                return reference_list(self.bibliography.values())
            raise BuildError(f'{where}:{line_of(match[0])}: the role :{name}: has no form here')

        text = self._equation_tags(markdown)
        text = EVAL_RST.sub(lambda m: self._rst_block(m, where, line_of), text)
        text = TOC.sub(lambda m: self._toc(m, page, link), text)
        # A label alone on its line goes with its line.
        text = re.sub(r'^[ \t]*:(?:label|eqlabel):`[^`]*`[ \t]*\n?', '', text, flags=re.M)
        text = ROLE.sub(role, text)
        raw = RAW.search(text)
        if raw:
            raise BuildError(
                f'{where}:{line_of(raw[0].strip())}: {raw[0]!r} would reach a notebook as it is'
            )
        return text, cited

    def _equation_tags(self, markdown):
        """Number each labelled equation inside its $$ block, as the page does."""

        def tag(match):
            target = self.equations.get(match[2])
            if target is None:
                return match[0]
            return f'{match[1].rstrip()} \\tag{{{target.number}}}$$\n'

        return re.sub(r'(\$\$[^$]+?)\$\$[ \t]*\n[ \t]*:eqlabel:`([^`]*)`[ \t]*\n?', tag, markdown)

    def _rst_block(self, match, where, line_of):
        title = rst_heading(match[1])
        if title is None:
            raise BuildError(
                f'{where}:{line_of("eval_rst")}: an eval_rst block the notebooks cannot show'
            )
        return f'# {title}'

    def _toc(self, match, page, link):
        """d2lbook's table of contents: one line per page, with its number."""
        lines = []
        folder = PurePosixPath(page).parent
        for entry in TOC_ENTRY.finditer(match[1]):
            child = (folder / entry[1]).as_posix().removeprefix('./')
            child = PurePosixPath(child).with_suffix('').as_posix()
            target = self.pages.get(child)
            if target is None:
                raise BuildError(f'{page}: the table of contents lists {entry[1]}, not a page')
            label = f'{target.number} {target.title}' if target.number else target.title
            lines.append(f'- [{label}]({link(Target(child, target.title, target.number, None))})')
        return '\n'.join(lines)

    def references_cell(self, keys):
        """The References cell of a notebook that cites `keys`."""
        entries = [self.bibliography[key] for key in dict.fromkeys(keys)]
        return f'## {self.words.references}\n\n' + reference_list(entries)

    # -------------------------------------------------------- header ----

    def header(
        self, page, framework, other_links, page_link, badge=None, outputs=None, report=None
    ):
        """The notebook's first cell: the book, the section, the framework,
        the line on the versions that made its outputs (evaluate/versions.py,
        in this edition's language), the same section in the other
        frameworks, the page, the address that reports a problem
        (render/report_link.py), and a badge."""
        index = self.pages[self.index]
        here = self.pages[page]
        line = self.words.notebook.format(book=index.title, framework=framework)
        if page != index.path:
            where = self.section_name(Target(page, here.title, here.number, None))
            line = f'**{where}** — {line}'
        links = ', '.join(f'[{name}]({address})' for name, address in other_links)
        lines = [line, '']
        if outputs:
            lines += [outputs, '']
        lines += [
            self.words.others.format(links=links, title=here.title, page=page_link),
        ]
        if report:
            lines += ['', f'[{self.words.report_words[0]}]({report})']
        if badge:
            lines += ['', badge]
        return '\n'.join(lines)


EVAL_RST = re.compile(r'^```eval_rst[ \t]*\n(.*?)^```[ \t]*$', re.M | re.S)
TOC = re.compile(r'^:begin_tab:toc[ \t]*\n(.*?)^:end_tab:[ \t]*$', re.M | re.S)
TOC_ENTRY = re.compile(r'^\s*-\s*\[[^\]]*\]\(([^)]+)\)', re.M)


def split_explicit(value):
    """`text <label>` gives (text, label); a bare label (None, label)."""
    explicit = re.fullmatch(r'(.*?)\s*<([^>]+)>', value, re.S)
    return (explicit[1], explicit[2]) if explicit else (None, value.strip())
