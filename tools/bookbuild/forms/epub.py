"""`make epub`: one EPUB 3 per framework, from the reStructuredText that
d2lbook writes for the PDF.

d2lbook has no EPUB builder, but it writes each tab's pages as
reStructuredText, with that tab's code, outputs and prose blocks only, into
_build/rst (the default tab) or _build/rst_<tab> (`d2lbook build rst --tab
X`, the first step of its PDF). Sphinx's `epub` builder turns that folder
into an EPUB, with d2lbook's conf.py and a few settings more (conf_text:
the title with the framework, the edition's language tag, no scripts, the
equations drawn by forms/epub_sphinx.py), in _build/[<lang>/]epub_sphinx[_<tab>]/.
The reader's EPUB is that one written again (forms/epub_package.py):
accessibility metadata, fixed times and order. It goes beside the others,
named as the PDFs are: _build/[<lang>/]epub/<name>[-<tab>].epub.

The Debian packages (epubcheck and the Java it runs on) are in
environments.APT_PACKAGES['epub']; every EPUB is checked with epubcheck as
it is made, and one with an error or a warning fails the build.
"""

import calendar
import os
import shutil
import subprocess
import time
from pathlib import Path

from .. import environments
from ..evaluate.versions import book_outputs_line, evaluation_date
from ..files import write_atomic
from ..frameworks import framework
from ..processes import book_env, build_each
from ..progress import duration
from ..report import BuildError, log
from .d2lbook_steps import d2lbook_build
from .epub_package import repack
from .epub_sphinx import MATH_RENDERER, TAB_VARIABLE, VERSIONS_VARIABLE
from .pdf import OFFLINE_ENV

EPUBCHECK = '/usr/share/java/epubcheck.jar'  # Debian's epubcheck 4.2.6
SPHINX_NAME = 'book'  # the epub_basename of Sphinx's own zip

# What the EPUB's Sphinx run sets on top of d2lbook's conf.py (the tab's
# rst folder), which it runs first: the site's static files, logo and
# scripts stay out, the title names the framework, and the language is a
# BCP 47 tag (zh-CN where Sphinx says zh_CN).
CONF_TEMPLATE = """\
# Written by bookbuild/forms/epub.py: d2lbook's conf.py, then the EPUB's settings.
_conf = {conf!r}
with open(_conf, encoding='utf-8') as _file:
    exec(compile(_file.read(), _conf, 'exec'))
extensions = [*extensions, 'bookbuild.forms.epub_sphinx']
templates_path = []
html_static_path = []
html_logo = None
html_favicon = None
html_math_renderer = {renderer!r}
epub_title = project + ' — ' + {framework!r}
epub_language = (globals().get('language') or 'en').replace('_', '-')
epub_author = author
epub_contributor = author
epub_description = epub_title
epub_publisher = author
epub_copyright = copyright
epub_identifier = {identifier!r}
epub_scheme = 'URL'
epub_uid = 'BookId'
epub_basename = {basename!r}
epub_show_urls = 'no'
epub_use_index = False
version = release  # EPUB 3 asks for one
epub_tocdepth = 3
epub_pre_files = [('cover.xhtml', epub_title)]
"""


def reader_epub(edition, tab):
    """The reader's EPUB of one framework: _build/[<lang>/]epub/<name>[-<tab>].epub."""
    return edition.build_dir / 'epub' / edition.project.reader_file_name(tab, '.epub')


def sphinx_dir(edition, tab):
    """Where Sphinx writes one framework's EPUB: _build/[<lang>/]epub_sphinx[_<tab>]/."""
    return edition.build_dir / edition.project.tab_folder('epub_sphinx', tab)


def rst_dir(edition, tab):
    """d2lbook's reStructuredText of one tab of an edition."""
    return edition.build_dir / edition.project.tab_folder('rst', tab)


def outputs_epoch(edition, tab):
    """The EPUB's date, as a Unix time: the day of the tab's latest
    evaluation, so that building again writes the same bytes (1980, the
    zip's first day, when the tab has no code)."""
    project = edition.project
    dates = [
        date
        for source in project.notebook_sources()
        if (
            date := evaluation_date(
                project, Path(project.relative(source)).with_suffix('').as_posix(), tab
            )
        )
    ]
    if not dates:
        return 315532800
    return calendar.timegm(time.strptime(max(dates), '%Y-%m-%d'))


def what(edition, tab):
    return f'the {edition.tag + " " if edition.tag else ""}{tab} EPUB'


def run_sphinx(edition, tab, versions, epoch):
    """Sphinx's epub builder on the tab's reStructuredText; returns its zip."""
    project = edition.project
    source = rst_dir(edition, tab)
    conf = source / 'conf.py'
    if not conf.exists():
        raise BuildError(f'{what(edition, tab)}: d2lbook wrote no {project.relative(conf)}')
    out = sphinx_dir(edition, tab)
    work = out.with_name(out.name + '.work')
    for folder in (out, work):
        shutil.rmtree(folder, ignore_errors=True)
    work.mkdir(parents=True)
    (work / 'conf.py').write_text(
        CONF_TEMPLATE.format(
            conf=str(conf),
            framework=framework(tab).title,
            identifier=edition.published_page(project.config['build'].get('index', 'index'), tab),
            basename=SPHINX_NAME,
            renderer=MATH_RENDERER,
        ),
        encoding='utf-8',
    )
    env = dict(book_env(project), **OFFLINE_ENV)
    env[TAB_VARIABLE] = tab
    env['SOURCE_DATE_EPOCH'] = str(epoch)
    if versions:
        env[VERSIONS_VARIABLE] = versions
    sphinx = project.env_dir('book') / 'bin' / 'sphinx-build'
    # -W: a broken reference fails the EPUB, as it fails the site; the
    # doctrees stay outside the folder Sphinx zips.
    cmd = [
        str(sphinx),
        '-b',
        'epub',
        '-q',
        '-W',
        '-E',
        '-c',
        str(work),
        '-d',
        str(work / 'doctrees'),
        str(source),
        str(out),
    ]
    result = subprocess.run(
        cmd, cwd=edition.source_dir, env=env, capture_output=True, text=True, check=False
    )
    built = out / f'{SPHINX_NAME}.epub'
    if result.returncode != 0 or not built.exists():
        raise BuildError(
            f'{what(edition, tab)}: Sphinx failed on {project.relative(source)} '
            f'(exit {result.returncode}):\n{(result.stdout + result.stderr).strip()[-3000:]}'
        )
    return built


def epubcheck_command(path, *options):
    """epubcheck on one EPUB. The JVM only compiles quickly (C1) and
    collects on one thread: a check is a short run, and this halves it."""
    java = ['java', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-jar', EPUBCHECK]
    return [*java, *options, str(path)]


def epubcheck(path):
    """epubcheck's messages on one EPUB: [] when it has no error and no
    warning."""
    result = subprocess.run(
        epubcheck_command(path, '--quiet'),
        capture_output=True,
        text=True,
        check=False,
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.startswith(('ERROR', 'WARNING', 'FATAL'))
    ]
    if result.returncode != 0 and not problems:
        problems = [f'epubcheck exited with {result.returncode}: {result.stderr.strip()}']
    return problems


def build_tab(edition, tab):
    project = edition.project
    started = time.monotonic()
    code = d2lbook_build(edition, tab, 'rst', extra_env=OFFLINE_ENV)
    if code != 0:
        raise BuildError(
            f'{what(edition, tab)}: `d2lbook build rst --tab {tab}` exited with {code}'
        )
    epoch = outputs_epoch(edition, tab)
    built = run_sphinx(edition, tab, book_outputs_line(edition, tab), epoch)
    target = reader_epub(edition, tab)
    data = repack(built, epoch, what(edition, tab))
    # Checked before it takes the reader's name: a failed check leaves the
    # last good EPUB, or none.
    candidate = built.with_name(target.name)
    write_atomic(candidate, data)
    problems = epubcheck(candidate)
    if problems:
        raise BuildError(
            f'{what(edition, tab)}: epubcheck found {len(problems)} problem(s) in '
            f'{project.relative(candidate)}:\n' + '\n'.join(problems[:20])
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(candidate, target)
    log(
        f'{what(edition, tab)}: {project.relative(target)} in {duration(time.monotonic() - started)}'
    )


def build(edition, tabs):
    """One EPUB per framework of an edition (its sources staged, if
    translated), with epubcheck and Java installed to check each."""
    environments.ensure_system_packages('epub')
    build_each(tabs, lambda tab: build_tab(edition, tab))
