"""The environments of the learners' hosts: a new one with ipykernel and
some packages (`make_env`, a bare host's), and the replica of a host
learners use, built once and copied for each framework (`build_replica`,
`copy_replica`).

A replica holds the framework stack its host preinstalls, copied from the
host's own published manifest (requirements/hosts/<name>.txt, read by
host_manifest.py), on the manifest's Python (pyenv's, on the book's
machines). It is built once per manifest, in the machine's cache beside
pip's (`replica_cache()`), and reused by every clone of the book while the
manifest is unchanged; each framework's notebooks run on a hard-link copy
of it, so that what one notebook installs never reaches the next.
"""

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from ..progress import run_with_progress


def installed(python):
    """{distribution: version} of everything installed for this interpreter."""
    script = (
        'import importlib.metadata as m, json; print(json.dumps('
        '{d.metadata["Name"].lower().replace("_", "-"): d.version for d in m.distributions()}))'
    )
    # Isolated (-I): the current folder, which may hold the repository's own
    # <package>.egg-info (the d2l package's, from config.ini), is not on the path.
    result = subprocess.run(
        [str(python), '-I', '-c', script], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


# How a host's process marks the lines run_plans shows: the rest of its
# output (pip's, for one) is kept for the report of a host that failed.
PROGRESS_MARK = '>> '


def report_progress(line):
    print(f'{PROGRESS_MARK}{line}', flush=True)


def make_env(folder, python, packages, compile_all=False, say=report_progress):
    """A new virtual environment at folder with ipykernel and packages;
    returns its Python.

    Without compile_all, pip installs with --no-compile: Python compiles
    what the notebooks import when they import it, which is a small part of
    a framework, and compiling all of it up front took about 40% of a bare
    host's set-up. A replica compiles everything once, since each of its
    copies would otherwise compile its framework's imports again. (The
    notebooks' own first cell installs with pip's defaults, as a learner's
    does.) say() hears what pip is on every 20 s or so (progress.py); by
    default, the host's process marks the line for run_plans."""
    subprocess.run([python, '-m', 'venv', str(folder)], check=True)
    host_python = folder / 'bin' / 'python'
    output = []
    code = run_with_progress(
        [str(host_python), '-m', 'pip', 'install', '--progress-bar', 'off']
        + ([] if compile_all else ['--no-compile'])
        + ['ipykernel', *packages],
        'installing',
        say,
        kept=output,
    )
    if code != 0:
        raise RuntimeError('setting up the host failed:\n' + '\n'.join(output)[-3000:])
    return host_python


def python_version(python):
    return subprocess.run(
        [str(python), '--version'], capture_output=True, text=True, check=True
    ).stdout.strip()


def replica_cache():
    """Where the replicas are kept: in the machine's cache, beside pip's
    ($XDG_CACHE_HOME/bookbuild/hosts, ~/.cache by default), so that every
    clone of the book on the machine reuses them, as it reuses pip's."""
    base = os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache')
    return Path(base) / 'bookbuild' / 'hosts'


# Changes with the way a replica is built, so that a new way builds anew.
REPLICA_RECIPE = 'ipykernel and the manifest, compiled; 1'
# A replica's folder after its host's name: the digest, and `.partial` while it is built.
REPLICA_NAME = re.compile(r'[0-9a-f]{12}(\.partial)?')


def build_replica(host, python, say=print):
    """The replica of a host: its manifest's packages in an environment of
    its Python, in replica_cache()/<name>-<digest>/, where the digest is that
    of what it is built from (the Python's version, the manifest's packages,
    REPLICA_RECIPE; replica.json holds them). It is built once and reused
    while those stay the same; a new one is built beside it and moved in
    place when complete, so that a failed or interrupted build never looks
    like a replica. A lock on the host's name keeps two clones of the book
    from building it at once. The host's replicas that no run has used for
    a week are removed. Returns (folder, seconds spent building: 0 when
    reused)."""
    built_from = json.dumps(
        {
            'python': python_version(python),
            'packages': list(host.requirements),
            'recipe': REPLICA_RECIPE,
        },
        indent=1,
    )
    digest = hashlib.sha256(built_from.encode()).hexdigest()[:12]
    cache = replica_cache()
    folder = cache / f'{host.name}-{digest}'
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / f'{host.name}.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        seconds = 0.0
        if not (folder / 'replica.json').exists():
            started = time.monotonic()
            partial = folder.with_name(f'{folder.name}.partial')
            shutil.rmtree(partial, ignore_errors=True)
            try:
                partial.mkdir()
                make_env(partial / 'env', python, host.requirements, compile_all=True, say=say)
                (partial / 'replica.json').write_text(built_from)
                shutil.rmtree(folder, ignore_errors=True)
                partial.rename(folder)
            finally:
                shutil.rmtree(partial, ignore_errors=True)
            seconds = round(time.monotonic() - started, 1)
        os.utime(folder / 'replica.json')  # when a run last used it
        week_ago = time.time() - 7 * 24 * 3600
        for old in cache.glob(f'{host.name}-*'):
            stamp = old / 'replica.json'
            unused = not stamp.exists() or stamp.stat().st_mtime < week_ago
            if old != folder and REPLICA_NAME.fullmatch(old.name[len(host.name) + 1 :]) and unused:
                shutil.rmtree(old, ignore_errors=True)
    return folder, seconds


def copy_replica(replica, folder):
    """A pristine copy of a replica's environment at folder/env: hard links
    to its files (pip and Python replace files, never write into them), and
    its scripts pointed at the copy's Python. Returns that Python."""
    env = folder / 'env'
    linked = subprocess.run(['cp', '-al', str(replica / 'env'), str(env)], capture_output=True)
    if linked.returncode != 0:  # the cache is on another file system: copy
        print(f'cannot hard-link {replica} into {folder}: copying it', file=sys.stderr)
        shutil.rmtree(env, ignore_errors=True)
        subprocess.run(['cp', '-a', str(replica / 'env'), str(env)], check=True)
    host_python = env / 'bin' / 'python'
    for script in (env / 'bin').iterdir():
        if script.is_symlink() or not script.is_file():
            continue
        text = script.read_bytes()
        first, newline, rest = text.partition(b'\n')
        if first.startswith(b'#!') and b'/bin/python' in first:
            mode = script.stat().st_mode
            script.unlink()  # a new file: the replica's stays as it is
            script.write_bytes(b'#!' + bytes(host_python) + newline + rest)
            script.chmod(mode)
    return host_python
