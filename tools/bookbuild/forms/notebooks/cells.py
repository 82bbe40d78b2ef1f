"""What every notebook variant gets besides d2lbook's cells: a header cell
that says where the learner is, markdown that reads as Markdown (the book's
roles made text and links, a References cell, a translation note's link to
the English page at the notebook's framework), code without d2lbook's build
marks (`#@save`), and the metadata each host reads."""

import re
from pathlib import PurePosixPath

import nbformat

from ...evaluate import versions
from ...frameworks import framework
from ...languages import NOTE_SIGN
from ...render import build_marks, report_link
from .layout import link_maker

COLAB_BADGE = 'https://colab.research.google.com/assets/colab-badge.svg'


def header_cell(notebooks, variant, tab, page):
    """The notebook's first cell: where the learner is, the same section in
    the other frameworks' notebooks, the page, a link that reports a problem
    with it, and (Colab, SageMaker) a badge."""
    project = notebooks.project
    address = notebooks.sagemaker_address if variant == 'sagemaker' else notebooks.colab_address
    others = [
        (framework(other).title, address(page, other))
        for other in project.tabs
        if other != tab and project.has_notebook(other, page)
    ]
    badge = None
    if variant != 'plain':
        badge = f'[![Open In Colab]({COLAB_BADGE})]({notebooks.colab_address(page, tab)})'
    outputs = versions.outputs_line(notebooks.edition, page, tab)
    here = notebooks.book.pages[page]
    report = report_link.report_address(
        notebooks.edition,
        tab,
        notebooks.page_address(page, tab),
        report_link.section_text(here.number, here.title),
        outputs,
    )
    text = notebooks.book.header(
        page,
        framework(tab).title,
        others,
        notebooks.page_address(page, tab),
        badge,
        outputs,
        report,
    )
    # Fixed cell ids (nbformat would draw random ones), so that every build
    # writes the same bytes.
    return nbformat.v4.new_markdown_cell(text, metadata={'header': True}, id='header')


def readable_markdown(notebooks, notebook, variant, tab, page):
    """Every markdown cell without the book's roles, and a References cell
    at the end when the notebook cites anything."""
    cited = []
    link = link_maker(notebooks, variant, tab, page)
    is_bibliography = any(
        ':bibliography:' in cell.source for cell in notebook.cells if cell.cell_type == 'markdown'
    )
    for cell in notebook.cells:
        if cell.cell_type == 'markdown':
            cell.source, keys = notebooks.book.convert(cell.source, page, link)
            cell.source = english_links_at(notebooks.project, cell.source, tab)
            cited += keys
    if cited and not is_bibliography:
        notebook.cells.append(
            nbformat.v4.new_markdown_cell(
                notebooks.book.references_cell(cited),
                metadata={'references': True},
                id='references',
            )
        )
    return notebook


def english_links_at(project, markdown, tab):
    """A translation note's link to a paragraph of the English page
    (editions/markers.py: a line that starts with the note's sign), opening
    it on the notebook's framework."""
    page = re.escape(f'{project.published_site}html/') + r'[^\s()?#]+\.html'
    link = re.compile(rf'\]\(({page})(#[^\s()]*)?\)')

    def at_tab(line):
        if not line.startswith(f'{NOTE_SIGN} '):
            return line
        return link.sub(lambda m: f']({m[1]}?framework={tab}{m[2] or ""})', line)

    return '\n'.join(at_tab(line) for line in markdown.split('\n'))


def without_build_marks(notebook):
    for cell in notebook.cells:
        if cell.cell_type == 'code':
            cell.source = build_marks.strip_marks(cell.source)
    return notebook


def kernel_metadata(project, variant, tab, page):
    """What Jupyter, Colab and SageMaker read: the kernel, the language, and
    for Colab the notebook's name and an open table of contents."""
    kernel = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    if variant == 'sagemaker':
        name = project.per_tab('sagemaker', 'kernel', tab)
        kernel = {'name': name, 'display_name': name, 'language': 'python'}
    metadata = {
        'kernelspec': kernel,
        'language_info': {
            'name': 'python',
            'mimetype': 'text/x-python',
            'file_extension': '.py',
            'pygments_lexer': 'ipython3',
            'codemirror_mode': {'name': 'ipython', 'version': 3},
            'nbconvert_exporter': 'python',
        },
    }
    if variant == 'colab':
        metadata['colab'] = {
            'name': f'{PurePosixPath(page).name}.ipynb',
            'provenance': [],
            'toc_visible': True,
        }
    return metadata
