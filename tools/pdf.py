"""`make pdf`: one PDF per framework, through d2lbook's LaTeX path.

d2lbook builds the PDF of one tab at a time (`d2lbook build pdf --tab X`)
into _build/pdf (the default tab) or _build/pdf_<tab>. The reader finds all
of them in one folder: _build/pdf/<name>.pdf for the default framework and
_build/pdf/<name>-<tab>.pdf for the others. Every function takes the
project (tools/project.py), so a throw-away copy builds its own PDFs.
"""

import shutil

import book


class PdfError(Exception):
    """A failed PDF build, reported in one line by book.py."""


# Debian's LaTeX, keyed by a command or a file that each package installs
# (most of TeX Live has no command of its own). xelatex because d2lbook's
# conf.py asks for it; FreeSerif/FreeSans/FreeMono are Sphinx's xelatex fonts;
# xindy builds the index; rsvg-convert turns SVG figures into PDF.
APT_PACKAGES = {
    'xelatex': 'texlive-xetex',
    'latexmk': 'latexmk',
    'xindy': 'xindy',
    'rsvg-convert': 'librsvg2-bin',
    '/usr/share/texlive/texmf-dist/tex/latex/fancyvrb/fancyvrb.sty': 'texlive-latex-recommended',
    '/usr/share/texlive/texmf-dist/fonts/type1/urw/helvetic/uhvr8a.pfb': 'texlive-fonts-recommended',
    '/usr/share/texlive/texmf-dist/tex/latex/fncychap/fncychap.sty': 'texlive-latex-extra',
    '/usr/share/texmf/fonts/enc/dvips/tex-gyre/q-ec.enc': 'tex-gyre',
    '/usr/share/fonts/opentype/freefont/FreeSerif.otf': 'fonts-freefont-otf',
}

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


def project_name(project):
    return project.config['project']['name']


def latex_dir_for(project, tab):
    """Where d2lbook runs LaTeX for one tab."""
    return project.build_dir / project.tab_folder('pdf', tab)


def pdf_for(project, tab):
    """The reader's PDF of one framework."""
    return project.build_dir / 'pdf' / project.reader_file_name(tab, '.pdf')


def build_tab(project, tab):
    env = dict(book.book_env(tab), **OFFLINE_ENV)
    code = book.run_streamed(
        book.d2lbook('pdf', '--tab', tab), env, f'[pdf {tab}]', cwd=project.root
    )
    built = latex_dir_for(project, tab) / f'{project_name(project)}.pdf'
    if code != 0 or not built.exists():
        raise PdfError(
            f'building the {tab} PDF failed (d2lbook exited with {code}); '
            f'LaTeX\'s log is {project.relative(built.with_suffix(".log"))}'
        )
    target = pdf_for(project, tab)
    if built != target:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(built, target)
    book.log(f'{tab}: {project.relative(target)}')


def build(project, selected=None):
    # One after the other: each LaTeX run is single-threaded, but two at once
    # on the two cores would compete with the rest of a shared machine.
    for tab in selected or project.tabs:
        build_tab(project, tab)
