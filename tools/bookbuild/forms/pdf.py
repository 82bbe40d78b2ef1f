"""`make pdf`: one PDF per framework, through d2lbook's LaTeX path.

d2lbook builds the PDF of one tab at a time (`d2lbook build pdf --tab X`)
into _build/pdf (the default tab) or _build/pdf_<tab>. The reader finds all
of them in one folder: _build/pdf/<name>.pdf for the default framework and
_build/pdf/<name>-<tab>.pdf for the others. A translated edition's go the
same way under _build/<lang>/, built from its staged sources
(project.edition_source_dir; editions/ stage them). Every function takes the
project (project.py), so a throw-away copy builds its own PDFs. The Debian
packages LaTeX needs are in environments.APT_PACKAGES['pdf'].
"""

import time

from ..evaluate.versions import book_outputs_line
from ..files import write_atomic
from ..processes import PDF_TAB_VARIABLE, PDF_VERSIONS_VARIABLE, build_each
from ..progress import duration
from ..report import BuildError, log
from .d2lbook_steps import d2lbook_build

# The PDF build must not fetch anything (d2lbook would download `latex_url`
# styles, for one). Pointing every proxy at a closed local port makes any
# such download fail the build instead of happening quietly.
OFFLINE_ENV = {
    'http_proxy': 'http://127.0.0.1:9',
    'https_proxy': 'http://127.0.0.1:9',
    'HTTP_PROXY': 'http://127.0.0.1:9',
    'HTTPS_PROXY': 'http://127.0.0.1:9',
    'no_proxy': '',
    'NO_PROXY': '',
}


def build_tab(project, tab, lang='en'):
    edition = '' if lang == 'en' else f'{lang} '
    started = time.monotonic()
    # The Sphinx extension names the framework on the cover, in the PDF's
    # Title and in its first words (render/sphinx_extension.py).
    env = dict(OFFLINE_ENV, **{PDF_TAB_VARIABLE: tab})
    versions = book_outputs_line(project, tab, lang)
    if versions:
        env[PDF_VERSIONS_VARIABLE] = versions
    code = d2lbook_build(project, lang, tab, 'pdf', extra_env=env)
    built = project.latex_pdf(tab, lang)
    if code != 0 or not built.exists():
        raise BuildError(
            f'building the {edition}{tab} PDF failed (d2lbook exited with {code}); '
            f'LaTeX\'s log is {project.relative(built.with_suffix(".log"))}'
        )
    target = project.reader_pdf(tab, lang)
    if built != target:
        write_atomic(target, built.read_bytes())
    log(f'{edition}{tab} PDF: {project.relative(target)} in {duration(time.monotonic() - started)}')


def build(project, selected=None, lang='en'):
    """One PDF per framework of an edition (its sources staged, if translated)."""
    build_each(selected or project.tabs, lambda tab: build_tab(project, tab, lang))
