"""`make pdf`: one PDF per framework, through d2lbook's LaTeX path.

d2lbook builds the PDF of one tab at a time (`d2lbook build pdf --tab X`)
into _build/pdf (the default tab) or _build/pdf_<tab>. The reader finds all
of them in one folder: _build/pdf/<name>.pdf for the default framework and
_build/pdf/<name>-<tab>.pdf for the others. Every function takes the
project (project.py), so a throw-away copy builds its own PDFs. The Debian
packages LaTeX needs are in environments.APT_PACKAGES['pdf'].
"""

from ..files import write_atomic
from ..processes import book_env, build_each, d2lbook, run_streamed
from ..report import BuildError, log

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


def build_tab(project, tab):
    env = dict(book_env(project, tab), **OFFLINE_ENV)
    code = run_streamed(
        d2lbook(project, 'pdf', '--tab', tab), env, f'[pdf {tab}]', cwd=project.root
    )
    built = project.latex_pdf(tab)
    if code != 0 or not built.exists():
        raise BuildError(
            f'building the {tab} PDF failed (d2lbook exited with {code}); '
            f'LaTeX\'s log is {project.relative(built.with_suffix(".log"))}'
        )
    target = project.reader_pdf(tab)
    if built != target:
        write_atomic(target, built.read_bytes())
    log(f'{tab}: {project.relative(target)}')


def build(project, selected=None):
    build_each(selected or project.tabs, lambda tab: build_tab(project, tab))
