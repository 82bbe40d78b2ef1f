"""Build driver behind the Makefile: environments, evaluation, HTML, library.

Runs on the system Python with the standard library only, because it is what
creates the environments that hold everything else. Every framework gets its
own virtual environment (MXNet 1.9 needs NumPy 1.23, TensorFlow and JAX need
NumPy 2), and d2lbook gets one more. d2lbook runs every notebook through the
Jupyter kernel named `python3`; pointing JUPYTER_PATH at a folder whose
`kernels/python3/kernel.json` starts `.venv/<tab>/bin/python` makes each tab
run in its own environment without changing d2lbook.

Usage: python3 tools/book.py {setup,eval,html,lib,pdf,notebooks,test} [tab ...]
       python3 tools/book.py apt-packages [target ...]
"""
import argparse
import configparser
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / '.venv'
REQUIREMENTS = ROOT / 'requirements'
BUILD = ROOT / '_build'

# Debian packages the build needs, keyed by the command (or a file) that shows
# they are there. pandoc converts the notebooks' markdown for `d2lbook build
# rst`; npm installs the MathJax the site serves itself (tools/npm_env.py).
APT_PACKAGES = {'pandoc': 'pandoc', 'npm': 'npm'}
# The browser the site's tests drive, and pdftotext/pdftoppm for the PDF tests.
TEST_APT_PACKAGES = {'chromium': 'chromium', 'pdftotext': 'poppler-utils'}

# Environment variables every framework kernel starts with.
KERNEL_ENV = {
    # TensorFlow's C++ log lines go to stderr, which d2lbook turns into cell
    # output on the page. TF_CPP_MIN_LOG_LEVEL quiets most of them, but not
    # the "oneDNN custom operations are on" notice printed before logging is
    # set up (TF 2.21); that one goes only when the oneDNN rewrites are off,
    # which also keeps float results free of their reordered sums.
    'TF_CPP_MIN_LOG_LEVEL': '2',
    'TF_ENABLE_ONEDNN_OPTS': '0',
}


class BuildError(Exception):
    """A failure to report in one line, without a Python traceback."""


def tabs():
    """The framework tabs, in config.ini's order (the first is the default)."""
    config = configparser.ConfigParser()
    config.read(ROOT / 'config.ini', encoding='utf-8')
    return [tab.strip() for tab in config['build']['tabs'].split(',')]


def config():
    """config.ini, as d2lbook reads it."""
    parser = configparser.ConfigParser()
    parser.read(ROOT / 'config.ini', encoding='utf-8')
    return parser


def env_dir(name):
    return VENV / name


def env_python(name):
    return env_dir(name) / 'bin' / 'python'


def kernel_dir_for(tab):
    """The JUPYTER_PATH entry whose `python3` kernel runs in tab's env."""
    return VENV / 'kernels' / tab


def log(message):
    print(f'[book] {message}', flush=True)


# ---------------------------------------------------------------- setup ----

def is_there(probe):
    return Path(probe).exists() if probe.startswith('/') else shutil.which(probe)


def ensure_system_packages(packages=APT_PACKAGES):
    missing = [pkg for probe, pkg in packages.items() if not is_there(probe)]
    if not missing:
        return
    if os.geteuid() != 0:
        raise BuildError('missing system packages; install them with:\n'
                         f'  sudo apt-get install --no-install-recommends {" ".join(missing)}')
    log(f'installing system packages: {" ".join(missing)}')
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    for cmd in (['apt-get', 'update', '-qq'],
                ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', *missing]):
        if subprocess.run(cmd, env=env).returncode != 0:
            raise BuildError(f'`{" ".join(cmd)}` failed')


def requirements_digest(name):
    """What an environment is built from: its pins, and setup.py for d2l."""
    digest = hashlib.sha256()
    digest.update((REQUIREMENTS / f'{name}.txt').read_bytes())
    if name != 'book':
        digest.update((ROOT / 'setup.py').read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def stamp_file(name):
    return env_dir(name) / '.requirements.sha256'


def env_is_current(name):
    stamp = stamp_file(name)
    return stamp.exists() and stamp.read_text().strip() == requirements_digest(name)


def install_env(name, output):
    """Create .venv/<name> from requirements/<name>.txt; True on success."""
    python = env_python(name)
    steps = []
    if not python.exists():
        steps.append([sys.executable, '-m', 'venv', str(env_dir(name))])
    steps.append([str(python), '-m', 'pip', 'install', '--quiet',
                  '-r', str(REQUIREMENTS / f'{name}.txt')])
    if name != 'book':
        # The repo's own d2l, editable, without touching the pinned packages.
        steps.append([str(python), '-m', 'pip', 'install', '--quiet',
                      '--no-deps', '-e', str(ROOT)])
    for cmd in steps:
        result = subprocess.run(cmd, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        output.extend(line for line in result.stdout.splitlines()
                      if 'is ignored: it is neither a file nor a directory' not in line)
        if result.returncode != 0:
            output.append(f'`{" ".join(cmd)}` exited with {result.returncode}')
            return False
    # Written last, so an interrupted install is retried on the next run.
    stamp_file(name).write_text(requirements_digest(name) + '\n')
    return True


def write_kernel(tab):
    spec_dir = kernel_dir_for(tab) / 'kernels' / 'python3'
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        'argv': [str(env_python(tab)), '-m', 'ipykernel_launcher',
                 '-f', '{connection_file}'],
        'display_name': f'Python 3 ({tab})',
        'language': 'python',
        'env': KERNEL_ENV,
    }
    (spec_dir / 'kernel.json').write_text(json.dumps(spec, indent=2) + '\n')


def setup(selected=None):
    """Idempotent: installs only what is missing or whose pins changed.
    With tabs given, only their environments and .venv/book (a CI job that
    evaluates one framework, or renders from evaluated notebooks, needs no
    other framework)."""
    ensure_system_packages()
    names = ['book'] + [tab for tab in (selected or tabs()) if tab != 'book']
    stale = [name for name in names if not env_is_current(name)]
    if stale:
        log(f'creating environments: {", ".join(stale)} (under .venv/)')
        outputs = {name: [] for name in stale}
        results = {}
        threads = [threading.Thread(
            target=lambda n=name: results.__setitem__(n, install_env(n, outputs[n])))
            for name in stale]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        failed = [name for name in stale if not results[name]]
        for name in failed:
            print('\n'.join(outputs[name][-30:]), file=sys.stderr)
        if failed:
            raise BuildError(f'could not install the environments: {", ".join(failed)} '
                             '(pip\'s last lines are above)')
        for name in stale:
            log(f'environment .venv/{name} is ready')
    for tab in tabs():
        write_kernel(tab)
    install_npm_env()


def install_npm_env():
    sys.path.insert(0, str(ROOT / 'tools'))
    import npm_env
    try:
        npm_env.install(log)
    except npm_env.NpmError as error:
        raise BuildError(str(error))


# ----------------------------------------------------------------- build ----

def book_env(tab=None):
    """Environment for d2lbook: its venv first on PATH (it calls
    `sphinx-build` by name), and the kernel of `tab` if given."""
    env = dict(os.environ)
    env['PATH'] = f'{env_dir("book") / "bin"}{os.pathsep}{env["PATH"]}'
    env['PYTHONUNBUFFERED'] = '1'
    if tab:
        env['JUPYTER_PATH'] = str(kernel_dir_for(tab))
    return env


def run_streamed(cmd, env, prefix):
    """Run cmd, printing each line of its output behind prefix."""
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, bufsize=1)
    for line in process.stdout:
        print(f'{prefix} {line}', end='', flush=True)
    return process.wait()


def d2lbook(*args):
    return [str(env_dir('book') / 'bin' / 'd2lbook'), 'build', *args]


def eval_tab(tab):
    """Execute every notebook of one tab in that framework's kernel."""
    code = run_streamed(d2lbook('eval', '--tab', tab), book_env(tab), f'[{tab}]')
    if code != 0:
        raise BuildError(f'evaluating the {tab} tab failed (d2lbook exited with {code}); '
                         f'the failing cell is in the [{tab}] lines above')


def eval_tabs(selected):
    """Evaluate tabs side by side; report every failed tab, not just the first."""
    errors = {}

    def run(tab):
        try:
            eval_tab(tab)
        except BuildError as error:
            errors[tab] = error

    threads = [threading.Thread(target=run, args=(tab,)) for tab in selected]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise BuildError('\n'.join(str(errors[tab]) for tab in selected if tab in errors))


def html():
    eval_tabs(tabs())
    # The per-tab notebooks are up to date now, so `build html` only merges
    # them and renders; the routing is the default tab's in case d2lbook
    # decides anything needs a kernel.
    code = run_streamed(d2lbook('html', '--tab', 'all'), book_env(tabs()[0]), '[html]')
    if code != 0:
        raise BuildError(f'rendering the HTML failed (d2lbook exited with {code})')
    page = BUILD / 'html' / 'chapter_builders-guide' / 'custom-layer.html'
    log(f'done: open {page.relative_to(ROOT)} in a browser')


def lib():
    code = run_streamed(d2lbook('lib'), book_env(), '[lib]')
    if code != 0:
        raise BuildError(f'`d2lbook build lib` exited with {code}')


def pdf():
    """One PDF per framework under _build/pdf/ (tools/pdf.py)."""
    sys.path.insert(0, str(ROOT / 'tools'))
    import pdf as pdf_forms
    ensure_system_packages(pdf_forms.APT_PACKAGES)
    eval_tabs(tabs())
    try:
        pdf_forms.build(tabs())
    except pdf_forms.PdfError as error:
        raise BuildError(str(error))


def notebooks():
    """The readers' notebooks under _build/notebooks/ (tools/notebooks.py,
    which reads notebooks with nbformat, so it runs in .venv/book)."""
    eval_tabs(tabs())
    code = run_streamed([str(env_python('book')), str(ROOT / 'tools' / 'notebooks.py')],
                        book_env(), '[notebooks]')
    if code != 0:
        raise BuildError(f'writing the notebooks failed (exit {code})')


def apt_packages(targets):
    """The Debian packages of some targets, for CI images that install them
    up front (`sudo apt-get install $(... apt-packages html pdf test)`)."""
    sys.path.insert(0, str(ROOT / 'tools'))
    import pdf as pdf_forms
    lists = {'html': APT_PACKAGES, 'pdf': pdf_forms.APT_PACKAGES, 'test': TEST_APT_PACKAGES}
    unknown = set(targets) - set(lists)
    if unknown:
        raise BuildError(f'unknown target(s) {sorted(unknown)}; choose from {sorted(lists)}')
    names = {name for target in targets or lists for name in lists[target].values()}
    print(' '.join(sorted(names)))


# ----------------------------------------------------------------- tests ----

def test():
    ensure_system_packages(TEST_APT_PACKAGES)
    sys.path.insert(0, str(ROOT / 'tools'))
    import run_tests
    return run_tests.main()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('command', choices=['setup', 'eval', 'html', 'lib', 'pdf', 'notebooks',
                                            'test', 'apt-packages'])
    parser.add_argument('tabs', nargs='*',
                        help='tabs to evaluate (eval), to set up (setup; `book` for d2lbook\'s '
                             'environment alone); targets (apt-packages)')
    args = parser.parse_args(argv)
    try:
        if args.command == 'setup':
            setup(args.tabs)
        elif args.command == 'eval':
            unknown = set(args.tabs) - set(tabs())
            if unknown:
                raise BuildError(f'unknown tab(s) {sorted(unknown)}; config.ini has {tabs()}')
            eval_tabs(args.tabs or tabs())
        elif args.command == 'html':
            html()
        elif args.command == 'lib':
            lib()
        elif args.command == 'pdf':
            pdf()
        elif args.command == 'notebooks':
            notebooks()
        elif args.command == 'apt-packages':
            apt_packages(args.tabs)
        elif args.command == 'test':
            return test()
    except BuildError as error:
        print(f'\nbuild failed: {error}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
