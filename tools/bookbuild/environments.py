"""`make setup`: the Debian packages, the virtual environments, the kernels.

Runs on the system Python with the standard library only, because it is
what creates the environments that hold everything else: the Makefile starts
it as `python3 -m bookbuild setup` with tools/ on PYTHONPATH. Every
framework gets its own virtual environment (MXNet 1.9 needs NumPy 1.23,
TensorFlow and JAX need NumPy 2), and d2lbook gets one more, .venv/book,
into which this package is installed editable (its `book` command is what
the Makefile runs for everything else).
"""

import concurrent.futures
import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time

from . import npm
from .files import write_if_changed
from .identity import KERNEL_ENV, env_is_current, env_stamp, install_digest
from .progress import Quiet, duration, run_with_progress
from .report import BuildError, log

# Why each target of APT_PACKAGES is installed, for the line that says so.
APT_REASONS = {
    'html': 'to render the site (pandoc) and serve MathJax from it (npm)',
    'pdf': 'to typeset the PDFs (LaTeX)',
    'pdf-cjk': "to typeset the editions' PDFs in Chinese, Japanese or Korean script (xeCJK, fonts)",
    'epub': 'to check the EPUBs (epubcheck, on Java)',
    'test': 'to run the browser and PDF tests (Chromium, poppler)',
}

# Debian packages, keyed by the command (or a file) that shows they are
# there, per target of `apt-packages`.
APT_PACKAGES = {
    # pandoc converts the notebooks' markdown for `d2lbook build rst`; npm
    # installs the MathJax the site serves itself (npm.py).
    'html': {'pandoc': 'pandoc', 'npm': 'npm'},
    # Debian's LaTeX, keyed by a command or a file that each package installs
    # (most of TeX Live has no command of its own). xelatex because d2lbook's
    # conf.py asks for it; FreeSerif/FreeSans/FreeMono are Sphinx's xelatex
    # fonts; xindy builds the index; rsvg-convert turns SVG figures into PDF.
    'pdf': {
        'xelatex': 'texlive-xetex',
        'latexmk': 'latexmk',
        'xindy': 'xindy',
        'rsvg-convert': 'librsvg2-bin',
        '/usr/share/texlive/texmf-dist/tex/latex/fancyvrb/fancyvrb.sty': 'texlive-latex-recommended',
        '/usr/share/texlive/texmf-dist/fonts/type1/urw/helvetic/uhvr8a.pfb': 'texlive-fonts-recommended',
        '/usr/share/texlive/texmf-dist/tex/latex/fncychap/fncychap.sty': 'texlive-latex-extra',
        '/usr/share/texmf/fonts/enc/dvips/tex-gyre/q-ec.enc': 'tex-gyre',
        '/usr/share/fonts/opentype/freefont/FreeSerif.otf': 'fonts-freefont-otf',
    },
    # The editions' PDFs, besides the English book's: Korean needs xeCJK
    # (which loads ctexhook from the Chinese package) and a font with Hangul.
    'pdf-cjk': {
        '/usr/share/texlive/texmf-dist/tex/xelatex/xecjk/xeCJK.sty': 'texlive-lang-cjk',
        '/usr/share/texlive/texmf-dist/tex/latex/ctex/ctexhook.sty': 'texlive-lang-chinese',
        '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc': 'fonts-noto-cjk',
    },
    # epubcheck checks every EPUB as it is built (forms/epub.py), and Debian's
    # package (4.2.6) runs on Java; its jar is run with `java -jar`.
    'epub': {
        '/usr/share/java/epubcheck.jar': 'epubcheck',
        'java': 'default-jre-headless',
    },
    # The browser the site's tests drive, and pdftotext/pdftoppm for the PDF tests.
    'test': {'chromium': 'chromium', 'pdftotext': 'poppler-utils'},
}


def is_there(probe):
    return os.path.exists(probe) if probe.startswith('/') else shutil.which(probe)


def ensure_system_packages(*targets):
    """Install the Debian packages of targets (keys of APT_PACKAGES) that are
    missing: as root directly, otherwise stop with the command to run."""
    packages = {probe: pkg for target in targets for probe, pkg in APT_PACKAGES[target].items()}
    missing = sorted({pkg for probe, pkg in packages.items() if not is_there(probe)})
    if not missing:
        return
    if os.geteuid() != 0:
        raise BuildError(
            'missing system packages; install them with:\n'
            f'  sudo apt-get install --no-install-recommends {" ".join(missing)}'
        )
    reasons = '; '.join(
        APT_REASONS[target]
        for target in targets
        if any(not is_there(probe) for probe in APT_PACKAGES[target])
    )
    log(f'installing system packages with apt, {reasons}: {" ".join(missing)}')
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    started = time.monotonic()
    quiet = Quiet()  # one for both commands
    for cmd in (
        ['apt-get', 'update', '-q'],
        ['apt-get', 'install', '-y', '-q', '--no-install-recommends', *missing],
    ):
        output = []
        code = run_with_progress(cmd, 'apt', log, kept=output, quiet=quiet, env=env)
        if code != 0:
            print('\n'.join(output[-30:]), file=sys.stderr)
            raise BuildError(f'`{" ".join(cmd)}` failed (its last lines are above)')
    log(f'system packages installed in {duration(time.monotonic() - started)}')


def apt_packages(targets):
    """The Debian packages of some targets, for CI images that install them
    up front (`sudo apt-get install $(... apt-packages html pdf test)`)."""
    unknown = set(targets) - set(APT_PACKAGES)
    if unknown:
        raise BuildError(f'unknown target(s) {sorted(unknown)}; choose from {sorted(APT_PACKAGES)}')
    return sorted(
        {pkg for target in targets or APT_PACKAGES for pkg in APT_PACKAGES[target].values()}
    )


# ---------------------------------------------------------- environments ----


# The editable installs write their metadata into the source folders
# (tools/, the repository); one at a time, although the environments are
# installed side by side.
EDITABLE_INSTALLS = threading.Lock()


def pip_noise(line):
    """pip's warning on a find-links folder of the machine's pip configuration
    that does not exist: nothing to do with this install."""
    return 'is ignored: it is neither a file nor a directory' in line


def install_env(project, name, output, say=log, every=None, attached=False):
    """Create .venv/<name> from requirements/<name>.txt; True on success.
    pip's lines go into output, and say() hears every `every` seconds what
    pip is doing (progress.py); or, attached, pip writes to the terminal,
    with its own progress bars."""
    python = project.env_python(name)
    # Detached, pip's lines without its progress bars: the last one says
    # what it is fetching or installing.
    bars = [] if attached else ['--progress-bar', 'off']
    pip = [str(python), '-m', 'pip', 'install', *bars]
    steps = []
    if not python.exists():
        steps.append([sys.executable, '-m', 'venv', str(project.env_dir(name))])
    steps.append([*pip, '-r', str(project.requirements_file(name))])
    editable = []
    # This build package, editable: the `book` command in .venv/book, and
    # `bookbuild.project` for the tests that run in a framework's environment.
    # .venv/book builds it offline with its pinned setuptools; the framework
    # environments, whose pins leave setuptools alone, build it (and d2l) in
    # pip's isolated build environment.
    isolation = ['--no-build-isolation'] if name == 'book' else []
    editable.append([*pip, '--no-deps', *isolation, '-e', str(project.repository / 'tools')])
    if name != 'book':
        # The repo's own d2l, editable, without touching the pinned packages.
        editable.append([*pip, '--no-deps', '-e', str(project.repository)])
    label = f'.venv/{name}'
    quiet = Quiet()  # one for all the commands
    for cmd in steps + editable:
        with EDITABLE_INSTALLS if cmd in editable else contextlib.nullcontext():
            if attached:
                code = subprocess.run(cmd).returncode
            else:
                code = run_with_progress(
                    cmd, label, say, kept=output, every=every, quiet=quiet, ignore=pip_noise
                )
        if code != 0:
            output.append(f'`{" ".join(cmd)}` exited with {code}')
            return False
    # Written last, so an interrupted install is retried on the next run.
    env_stamp(project, name).write(install_digest(project, name))
    return True


def write_kernel_spec(jupyter_path, argv, display_name, env=None):
    spec = {'argv': argv, 'display_name': display_name, 'language': 'python'}
    if env:
        spec['env'] = env
    # Atomic and only when changed: a kernel starting in a build of another
    # copy of the book (which shares .venv/) never reads half a file.
    write_if_changed(
        jupyter_path / 'kernels' / 'python3' / 'kernel.json', json.dumps(spec, indent=2) + '\n'
    )


def write_kernels(project):
    """A `python3` kernel per tab, which starts .venv/<tab>/bin/python; and
    the render guard, a `python3` kernel that refuses to start. The render
    (render/live.py) runs d2lbook's merge and rst steps only, and its
    Builder's eval raises; the guard is a second net, used only by
    tests/build_behaviour/test_incremental.py, which renders with it as the
    only kernel on JUPYTER_PATH so that any kernel started would fail the
    render with this message."""
    for tab in project.tabs:
        write_kernel_spec(
            project.kernel_dir(tab),
            [str(project.env_python(tab)), '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
            f'Python 3 ({tab})',
            KERNEL_ENV,
        )
    message = (
        'render guard: d2lbook tried to evaluate a notebook while rendering; '
        'bookbuild.evaluate should have left every notebook current'
    )
    write_kernel_spec(
        project.render_guard_dir(),
        [sys.executable, '-c', f'import sys; sys.exit({message!r})'],
        'render guard (never runs code)',
    )


def setup(project, selected=None):
    """Idempotent: installs only what is missing or whose pins changed.
    With tabs given, only their environments and .venv/book (a CI job that
    evaluates one framework, or renders from evaluated notebooks, needs no
    other framework)."""
    ensure_system_packages('html')
    names = ['book'] + [tab for tab in (selected or project.tabs) if tab != 'book']
    stale = [name for name in names if not env_is_current(project, name)]
    if stale:
        log(f'creating environments: {", ".join(stale)} (under .venv/)')
        # On a terminal, one environment shows pip's own progress bars;
        # several at once, or a log (CI), get a line on each as it goes.
        attached = len(stale) == 1 and sys.stdout.isatty()
        outputs = {name: [] for name in stale}

        def install(name):
            started = time.monotonic()
            log(f'.venv/{name}: installing requirements/{name}.txt')
            done = install_env(project, name, outputs[name], attached=attached)
            took = duration(time.monotonic() - started)
            log(f'.venv/{name}: ready in {took}' if done else f'.venv/{name}: failed after {took}')
            return done

        # All at once: pip mostly waits on the network and on unpacking.
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(stale)) as pool:
            installed = dict(zip(stale, pool.map(install, stale)))
        failed = [name for name in stale if not installed[name]]
        for name in failed:
            print('\n'.join(outputs[name][-30:]), file=sys.stderr)
        if failed:
            raise BuildError(
                f'could not install the environments: {", ".join(failed)} '
                "(pip's last lines are above)"
            )
    write_kernels(project)
    try:
        npm.install(project, log)
    except npm.NpmError as error:
        raise BuildError(str(error)) from error
