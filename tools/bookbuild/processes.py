"""Starting the build's other programs: d2lbook from .venv/book, commands
whose output streams to the terminal, and commands cut off from the network.
Standard library only."""

import concurrent.futures
import os
import subprocess

from .project import Project


def book_env(tab=None):
    """Environment for d2lbook: its venv first on PATH (it calls
    `sphinx-build` by name), and the kernel of `tab` if given (for the
    d2lbook steps that may still evaluate: `build pdf`, `build ipynb`)."""
    project = Project()
    env = dict(os.environ)
    env['PATH'] = f'{project.env_dir("book") / "bin"}{os.pathsep}{env["PATH"]}'
    env['PYTHONUNBUFFERED'] = '1'
    if tab:
        env['JUPYTER_PATH'] = str(project.kernel_dir(tab))
    return env


def d2lbook(*args):
    """The command line of `d2lbook build <args>`."""
    return [str(Project().env_dir('book') / 'bin' / 'd2lbook'), 'build', *args]


def run_streamed(cmd, env, prefix, cwd):
    """Run cmd, printing each line of its output behind prefix (if any)."""
    process = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    for line in process.stdout:
        print(f'{prefix} {line}' if prefix else line, end='', flush=True)
    return process.wait()


def without_network(cmd):
    """cmd run in a new network namespace with only the loopback device.

    Jupyter kernels talk to the build over 127.0.0.1, so `lo` comes up;
    nothing else exists there. Root can make the namespace directly; anyone
    else needs a user namespace first (-r).
    """
    namespace = '-n' if os.geteuid() == 0 else '-rn'
    return ['unshare', namespace, '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', *cmd]


# Tabs built at once (the PDFs' LaTeX runs, the notebooks' d2lbook runs):
# each tab has folders of its own (rst_<tab>, pdf_<tab>, ipynb_<tab>, ...);
# one per core, at most two, so that a build leaves a shared machine some room.
AT_ONCE = min(2, os.cpu_count() or 1)


def build_each(tabs, build_one):
    """build_one(tab) for every tab, AT_ONCE at a time; the first failure
    is raised once the others have finished."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        for result in [pool.submit(build_one, tab) for tab in tabs]:
            result.result()
