"""`make pdf`: one PDF per framework, through d2lbook's LaTeX path.

d2lbook builds the PDF of one tab at a time (`d2lbook build pdf --tab X`)
into _build/pdf (the default tab) or _build/pdf_<tab>. The reader finds all
of them in one folder: _build/pdf/<name>.pdf for the default framework and
_build/pdf/<name>-<tab>.pdf for the others. A translated edition's go the
same way under _build/<lang>/, built from its staged sources
(Edition.source_dir; editions/ stage them). Every function takes the
edition (project.py's Edition), so a throw-away copy builds its own PDFs. The Debian
packages LaTeX needs are in environments.APT_PACKAGES['pdf'].
"""

import time

from .. import environments
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


def build_tab(edition, tab):
    project = edition.project
    named = f'{edition.tag} ' if edition.tag else ''
    started = time.monotonic()
    # The Sphinx extension names the framework on the cover, in the PDF's
    # Title and in its first words (render/sphinx_extension.py).
    env = dict(OFFLINE_ENV, **{PDF_TAB_VARIABLE: tab})
    versions = book_outputs_line(edition, tab)
    if versions:
        env[PDF_VERSIONS_VARIABLE] = versions
    code = d2lbook_build(edition, tab, 'pdf', extra_env=env)
    built = edition.latex_pdf(tab)
    if code != 0 or not built.exists():
        raise BuildError(
            f'building the {named}{tab} PDF failed (d2lbook exited with {code}); '
            f'LaTeX\'s log is {project.relative(built.with_suffix(".log"))}'
        )
    target = edition.reader_pdf(tab)
    if built != target:
        write_atomic(target, built.read_bytes())
    log(f'{named}{tab} PDF: {project.relative(target)} in {duration(time.monotonic() - started)}')


def build(edition, tabs):
    """One PDF per framework of an edition (its sources staged, if
    translated), with the Debian packages LaTeX and the edition's fonts need."""
    environments.ensure_system_packages('pdf', *edition.language.pdf_packages)
    build_each(tabs, lambda tab: build_tab(edition, tab))
