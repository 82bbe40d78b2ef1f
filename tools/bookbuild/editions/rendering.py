"""An edition's site, PDFs and notebooks, made by the English book's own
steps (render/html.py, forms/pdf.py, forms/notebooks/) from the edition's
staged sources, once they are checked and filled with the English outputs.

Runs in .venv/book (d2lbook, nbformat)."""

from .. import environments
from ..forms import notebooks as notebook_forms
from ..forms import pdf as pdf_forms
from ..languages import EDITIONS, language
from ..render.html import render
from ..report import BuildError
from .outputs import reuse_english_outputs
from .staging import stage
from .sync import check


def prepare(project, lang):
    """Check, stage, and fill the edition's notebooks with English outputs."""
    problems = check(project, [lang])
    if problems:
        raise BuildError(
            'the translation is out of step with the English source:\n  ' + '\n  '.join(problems)
        )
    stage(project, lang)
    reuse_english_outputs(project, lang)


def html(project, lang):
    """The edition's site in _build/<lang>/html/."""
    prepare(project, lang)
    render(project, lang)
    index = project.html_dir_of(lang) / 'index.html'
    print(f'[{lang}] done: open {project.relative(index)}', flush=True)


def pdf(project, lang):
    """One PDF per framework in _build/<lang>/pdf/, as `make pdf` does for English."""
    environments.ensure_system_packages('pdf', *language(lang).pdf_packages)
    prepare(project, lang)
    pdf_forms.build(project, lang=lang)


def notebooks(project, selected=None):
    """The English notebooks, then each edition's, whose code and outputs
    are the English build's (checked cell by cell by `prepare`). A copy of
    the book without translations has the English ones only."""
    notebook_forms.build(project, 'en', selected)
    for lang in EDITIONS:
        if (project.root / lang).is_dir():
            prepare(project, lang)
            notebook_forms.build(project, lang, selected)
