"""The first code cell of a Colab or SageMaker notebook: the learner's
whole setup. It installs the book's `d2l` by its package name and release
with the extra of its framework, so that pip adds the framework only where
the runtime lacks a supported version; it keeps what the runtime has of the
framework's distributions (frameworks.py: `kept`), and it stops when pip
fails. d2lbook's own install cell, a bare `!pip install` that goes on after
a failure, is replaced.

Its text is what learners run (and what tests/learners run on replicas of
their hosts): a change to it changes every hosted notebook.
"""

import re
import string

import nbformat
from packaging.utils import canonicalize_name

from ...frameworks import framework
from ...report import BuildError


def d2l_requirement(project, tab):
    """What a notebook of this tab installs: config.ini's d2l_package with
    the tab's extra, at its release, e.g. 'd2l-book[jax]==0.1.0'."""
    return f'{project.d2l_package}[{tab}]=={project.release}'


# The first cell of a Colab or SageMaker notebook. `%pip install` would go on
# to the next cell after a failure, so the cell runs pip itself and raises
# with pip's messages. pip's lines on what it fetches and installs show as
# they come (a silent cell looks stuck, and learners interrupt it), from the
# first package besides d2l: a runtime that lacks only d2l sees the summary
# alone. pip's warnings and errors (its stderr) show after it ends, as
# `--quiet` showed them, so that a first attempt's errors stay hidden when
# the second attempt works. Colab imports NumPy when its kernel starts, and a
# module that is already loaded stays the old one until the kernel restarts:
# the cell says so if pip had to replace one (MXNet on a NumPy 2 runtime).
# Stopping the cell (the learner's Stop, or any error) stops pip and what it
# started, before the cell ends: a pip left installing behind a stopped cell
# would meet the next run's pip in the same site-packages. Names are compared
# as pip compares them (PEP 503): pip may print d2l's as d2l_custom_layers.
INSTALL_CELL = string.Template("""\
# Sets up this runtime: installs the book's d2l helpers and, unless the
# runtime already has versions the book supports, $frameworks.
# What the runtime already has of these, NumPy included, stays as it is
# where the book supports it. pip's progress shows as it goes; if pip
# fails, the notebook stops here with pip's messages.
import importlib
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
$python_check
requirement = '$requirement'


def canonical(name):
    \"\"\"name as pip compares names: D2L_Custom.Layers is d2l-custom-layers.\"\"\"
    return re.sub(r'[-_.]+', '-', name).lower()


book = canonical(requirement.split('[')[0])
packages = $kept
started = time.monotonic()
# The lines in which pip says what it fetches and installs.
PROGRESS = ('Collecting', 'Processing', 'Downloading', 'Using cached',
            'Installing collected packages')
# Seconds without news after which the cell says that pip is still working.
EVERY = 10


def installed(name):
    \"\"\"The version of name that Python imports, or None.\"\"\"
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def fetches_more(line):
    \"\"\"Whether pip starts on a package besides d2l, which it names as a
    requirement or by its file (book_name-1.0-py3-none-any.whl).\"\"\"
    if not line.startswith(('Collecting', 'Processing')):
        return False
    what = line.split()[1]
    if line.startswith('Processing'):
        what = what.rstrip('/').rsplit('/', 1)[-1].split('-')[0]
    return canonical(re.match(r'[A-Za-z0-9._-]*', what).group()) != book


def stop(pip, reader):
    \"\"\"Ends pip and whatever it started (its session's processes), and
    the thread that reads its output, which then meets the output's end.\"\"\"
    try:
        if hasattr(os, 'killpg'):
            os.killpg(pip.pid, signal.SIGKILL)
        else:
            pip.kill()
    except ProcessLookupError:
        pass  # pip and its processes had already ended
    pip.wait()
    if reader.is_alive():
        reader.join()


def pip_install(*requirements):
    \"\"\"Runs pip. Once pip fetches more than d2l, shows its progress lines as
    they come, and a line whenever it has said nothing for EVERY seconds.
    Returns pip's exit status, its output, and its warnings and errors;
    stopped (Stop pressed, or any error), stops pip first.\"\"\"
    with tempfile.TemporaryFile() as stderr:
        # A kernel sets FORCE_COLOR: pip would draw its bars as on a terminal,
        # which hides the line after each bar behind control characters. A
        # session of its own lets stop() end pip with what pip started.
        pip = subprocess.Popen([sys.executable, '-m', 'pip', 'install', '--progress-bar', 'off',
                                *requirements],
                               stdout=subprocess.PIPE, stderr=stderr,
                               text=True, encoding='utf-8', errors='replace',
                               start_new_session=True)
        lines = queue.Queue()

        def read():
            for line in pip.stdout:
                lines.put(line)
            lines.put(None)  # pip is done

        reader = threading.Thread(target=read, daemon=True)
        try:
            reader.start()
            output, busy, said = [], False, time.monotonic()
            while True:
                try:
                    line = lines.get(timeout=max(0, said + EVERY - time.monotonic()))
                except queue.Empty:
                    if busy:
                        print(f'... pip is still working ({time.monotonic() - started:.0f} s '
                              'so far)', flush=True)
                    said = time.monotonic()
                    continue
                if line is None:
                    break
                output.append(line)
                busy = busy or fetches_more(line)
                if busy and line.lstrip().startswith(PROGRESS):
                    print(line, end='', flush=True)
                    said = time.monotonic()
            code = pip.wait()
            reader.join()
        except BaseException:
            stop(pip, reader)
            raise
        stderr.seek(0)
        return code, ''.join(output), stderr.read().decode('utf-8', 'replace')


kept = {name: installed(name) for name in packages if installed(name)}
# Asking for the installed versions too makes pip add only what is missing.
code, output, messages = pip_install(requirement, *[f'{name}=={version}'
                                                    for name, version in kept.items()])
if code != 0 and kept:
    # pip could not keep them all, most likely because one is a version the
    # book does not support: let it replace what it must (said below).
    print("pip could not keep all of this runtime's versions; trying again without them",
          flush=True)
    first = messages
    code, output, messages = pip_install(requirement)
    if code != 0:
        print(first, end='')
print(messages, end='')
if code != 0:
    raise RuntimeError(f'pip could not install {requirement} (exit status '
                       f'{code}); its messages are above.')
importlib.invalidate_caches()
replaced = [name for name, version in kept.items() if installed(name) != version]
for name in replaced:
    print(f'pip replaced {name} {kept[name]} with {installed(name)}')
# pip ends with 'Successfully installed <name>-<version> <name>-<version> ...'.
done = ' '.join(line for line in output.splitlines() if line.startswith('Successfully installed'))
new = [(canonical(name), version) for name, version in
       (word.rsplit('-', 1) for word in done.split()[2:])]
ours = (book, *map(canonical, packages))
named = [f'{name}=={version}' for name, version in new if name in ours]
others = f' (and {len(new) - len(named)} of their dependencies)' if len(new) > len(named) else ''
still = [f'{canonical(name)}=={version}' for name, version in kept.items()
         if name not in replaced]
print(f'Installed {", ".join(named) or "nothing new"}{others}'
      f' in {time.monotonic() - started:.0f} s'
      + (f"; kept this runtime's {', '.join(still)}." if still else '.'))
if any(name in sys.modules for name in replaced):
    raise RuntimeError('pip replaced a package this runtime had already loaded. Restart '
                       'the runtime (on Colab: Runtime > "Restart session"), then run '
                       'this notebook again from the top.')""")

# The cell's last line, its summary, as the tests read it: 'Installed
# d2l-custom-layers==0.1.0, torch==2.8.0 (and 20 of their dependencies) in 95 s;
# kept this runtime's numpy==2.0.2.' ('nothing new' when pip installed nothing).
# Names in it are canonical (PEP 503), as the cell writes them.
SUMMARY = re.compile(
    r'Installed (?P<installed>.+?)(?: \(and (?P<others>\d+) of their dependencies\))?'
    r' in \d+ s(?:; kept this runtime\'s (?P<kept>.+))?\.'
)


def pinned(name, version):
    """'name==version' as the summary says it, with the canonical name
    (PEP 503): compare what read_summary gives with this."""
    return f'{canonicalize_name(name)}=={version}'


def read_summary(line):
    """{'installed': ['name==version', ...], 'others': how many more it
    installed, 'kept': ['name==version', ...]} of the cell's summary line,
    each name canonical (see pinned); None for another line."""
    found = SUMMARY.fullmatch(line)
    if not found:
        return None

    def each(text):
        return [pinned(*item.split('==', 1)) if '==' in item else item for item in text.split(', ')]

    return {
        'installed': each(found['installed']),
        'others': int(found['others'] or 0),
        'kept': each(found['kept']) if found['kept'] else [],
    }


# A framework that cannot be installed on a Python from some version on
# (frameworks.py's python_below, set by its cap): pip would try to compile
# what has no wheel there and fail after minutes with a compiler error
# (MXNet 1.9.1, the last MXNet, needs NumPy < 1.24). The cell says why at
# once, before installing anything, from the cap's facts (REASON); the page
# says the same (render/postprocess.py). The runtime Colab keeps for older
# Pythons is 2025.07, with Python 3.11.
PYTHON_CHECK = string.Template("""
if sys.version_info >= $below:
    raise RuntimeError(
        f'This runtime has Python {sys.version_info.major}.{sys.version_info.minor}, '
        'and $title cannot be installed on it: '
        '$reason. '
        'On Colab, choose Runtime > "Change runtime version" and pick a runtime with Python 3.11, '
        'such as 2025.07, then run this notebook again. Elsewhere, use a Python '
        'older than $version.')
""")
REASON = (
    '{framework} {release} needs {dependency} older than {below}, which has no wheels '
    'for Python {python_below} or later'
)


def python_check(entry):
    """The cell's first check, for a framework with a python_below; or nothing."""
    if entry.python_below is None:
        return ''
    return PYTHON_CHECK.substitute(
        below=repr(tuple(int(part) for part in entry.python_below.split('.'))),
        title=entry.title,
        reason=REASON.format(**entry.facts()),
        version=entry.python_below,
    )


def install_cell(project, tab):
    """The learner's whole setup, as the first cell of a notebook."""
    entry = framework(tab)
    source = INSTALL_CELL.substitute(
        frameworks=entry.brings,
        requirement=d2l_requirement(project, tab),
        kept=repr(entry.kept),
        python_check=python_check(entry),
    )
    return nbformat.v4.new_code_cell(source, id='install')


def with_install_cell(project, variant_nb, plain_nb, tab):
    """The variant's cells after d2lbook's install cells, under ours."""
    added = len(variant_nb.cells) - len(plain_nb.cells)
    rest = variant_nb.cells[added:]
    if added < 0 or [c.source for c in rest] != [c.source for c in plain_nb.cells]:
        raise BuildError(
            'd2lbook\'s Colab/SageMaker notebook is not the plain one '
            'behind an install cell any more; see bookbuild/forms/notebooks/install.py'
        )
    has_code = any(cell.cell_type == 'code' for cell in rest)
    variant_nb.cells = ([install_cell(project, tab)] if has_code else []) + rest
    return variant_nb
