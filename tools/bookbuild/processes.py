"""Starting the build's other programs: d2lbook from .venv/book, commands
whose output streams to the terminal, and commands cut off from the network.
Standard library only."""

import concurrent.futures
import os

from .progress import run_with_progress
from .report import line

# What forms/pdf.py tells the Sphinx extension (render/sphinx_extension.py)
# of the PDF it builds: its tab, and the line on the versions that made its
# outputs (an edition's Sphinx runs in its staged sources, which hold no
# evaluation of their own).
PDF_TAB_VARIABLE = 'BOOK_PDF_TAB'
PDF_VERSIONS_VARIABLE = 'BOOK_PDF_VERSIONS'


def book_env(project, tab=None):
    """Environment for d2lbook: its venv first on PATH (it calls
    `sphinx-build` by name), and the kernel of `tab` if given (for the
    d2lbook steps that may still evaluate: `build pdf`, `build ipynb`)."""
    env = dict(os.environ)
    env['PATH'] = f'{project.env_dir("book") / "bin"}{os.pathsep}{env["PATH"]}'
    env['PYTHONUNBUFFERED'] = '1'
    if tab:
        env['JUPYTER_PATH'] = str(project.kernel_dir(tab))
    return env


def d2lbook(project, *args):
    """The command line of `d2lbook build <args>`."""
    return [str(project.env_dir('book') / 'bin' / 'd2lbook'), 'build', *args]


def run_streamed(cmd, env, prefix, cwd):
    """Run cmd, printing each line of its output behind prefix (if any), and
    a progress line whenever it has been quiet for a while (progress.py)."""

    def echo(text):
        line(f'{prefix} {text}' if prefix else text)

    label = f'{prefix} still running' if prefix else f'{cmd[0]} still running'
    return run_with_progress(cmd, label, line, echo=echo, env=env, cwd=cwd)


def without_network(cmd):
    """cmd run in a new network namespace with only the loopback device.

    Jupyter kernels talk to the build over 127.0.0.1, so `lo` comes up;
    nothing else exists there. Root can make the namespace directly; anyone
    else needs a user namespace first (-r).
    """
    namespace = '-n' if os.geteuid() == 0 else '-rn'
    return ['unshare', namespace, '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', *cmd]


def at_once(heavy=False, waiting=False):
    """How many of the build's processes run side by side: the one rule for
    the whole package.

    Light work (a pandoc conversion) runs one per core, and at least two.
    Work that waits much of its time (waiting: a notebook's kernel, which
    waits for its start and for each cell's messages) runs two beyond the
    cores: on two cores, four kernels at once evaluate the book in 26 s
    where two took 36 s, the cores busy instead of half idle. Heavy
    work runs one per core and at most two, whatever the machine: a tab's
    whole d2lbook or LaTeX build (each tab has folders of its own: rst_<tab>,
    pdf_<tab>, ...), or a learner's host that installs frameworks of several
    GB. Those share memory, the disk and the network, which do not grow
    with the cores, and a build should leave a shared machine some room."""
    cores = os.cpu_count() or 1
    if heavy:
        return min(2, cores)
    return cores + 2 if waiting else max(2, cores)


def build_each(tabs, build_one):
    """build_one(tab) for every tab, as many at once as heavy work may run;
    the first failure is raised once the others have finished."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=at_once(heavy=True)) as pool:
        for result in [pool.submit(build_one, tab) for tab in tabs]:
            result.result()
