"""Build driver behind the Makefile: environments, checks, evaluation, HTML.

Runs on the system Python with the standard library only, because it is what
creates the environments that hold everything else. Every framework gets its
own virtual environment (MXNet 1.9 needs NumPy 1.23, TensorFlow and JAX need
NumPy 2), and d2lbook gets one more. A build has three steps:

  1. tools/check_source.py reads the pages and stops on a malformed one
     before anything runs;
  2. tools/evaluate.py (in .venv/book) runs each page in each tab's own
     kernel, several at once, and only where the code changed; the kernel
     spec .venv/kernels/<tab>/kernels/python3 starts `.venv/<tab>/bin/python`;
  3. `d2lbook build html --tab all` merges the tabs and renders the site.
The PDFs and the readers' notebooks are made from the same evaluated
notebooks (tools/pdf.py, tools/notebooks.py).

Usage: python3 tools/book.py {setup,check,eval,html,lib,pdf,notebooks,dist,test,
                              bench,offline-check} [--project DIR] [tab ...]
       python3 tools/book.py apt-packages [target ...]
       python3 tools/book.py notebook-repos   (JSON, for the hosted workflow)
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

# book.py runs as a script from tools/, where this module lives.
from project import Project

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
    """The framework tabs, in config.ini's order (the first is the default),
    as tools/project.py reads them."""
    return Project(ROOT).tabs


def config():
    """config.ini, as tools/project.py (and d2lbook) reads it."""
    return Project(ROOT).config


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
        raise BuildError(
            'missing system packages; install them with:\n'
            f'  sudo apt-get install --no-install-recommends {" ".join(missing)}'
        )
    log(f'installing system packages: {" ".join(missing)}')
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    for cmd in (
        ['apt-get', 'update', '-qq'],
        ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', *missing],
    ):
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
    steps.append(
        [str(python), '-m', 'pip', 'install', '--quiet', '-r', str(REQUIREMENTS / f'{name}.txt')]
    )
    if name != 'book':
        # The repo's own d2l, editable, without touching the pinned packages.
        steps.append([str(python), '-m', 'pip', 'install', '--quiet', '--no-deps', '-e', str(ROOT)])
    for cmd in steps:
        result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        output.extend(
            line
            for line in result.stdout.splitlines()
            if 'is ignored: it is neither a file nor a directory' not in line
        )
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
        'argv': [str(env_python(tab)), '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
        'display_name': f'Python 3 ({tab})',
        'language': 'python',
        'env': KERNEL_ENV,
    }
    (spec_dir / 'kernel.json').write_text(json.dumps(spec, indent=2) + '\n')


def render_guard_dir():
    """The JUPYTER_PATH entry used while d2lbook renders."""
    return VENV / 'kernels' / 'render-guard'


def write_render_guard():
    """A `python3` kernel that refuses to start, for `d2lbook build html`.

    tools/evaluate.py has run every notebook before d2lbook renders. Should
    d2lbook's own time-based check ever decide to evaluate one again, the
    build fails with this message instead of running it a second time.
    """
    spec_dir = render_guard_dir() / 'kernels' / 'python3'
    spec_dir.mkdir(parents=True, exist_ok=True)
    message = (
        'render guard: d2lbook tried to evaluate a notebook while rendering; '
        'tools/evaluate.py should have left every notebook current'
    )
    spec = {
        'argv': [sys.executable, '-c', f'import sys; sys.exit({message!r})'],
        'display_name': 'render guard (never runs code)',
        'language': 'python',
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
        # All at once: pip mostly waits on the network and on unpacking.
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(stale)) as pool:
            installed = dict(zip(stale, pool.map(lambda n: install_env(n, outputs[n]), stale)))
        failed = [name for name in stale if not installed[name]]
        for name in failed:
            print('\n'.join(outputs[name][-30:]), file=sys.stderr)
        if failed:
            raise BuildError(
                f'could not install the environments: {", ".join(failed)} '
                '(pip\'s last lines are above)'
            )
        for name in stale:
            log(f'environment .venv/{name} is ready')
    for tab in tabs():
        write_kernel(tab)
    write_render_guard()
    install_npm_env()


def install_npm_env():
    import npm_env

    try:
        npm_env.install(log)
    except npm_env.NpmError as error:
        raise BuildError(str(error)) from error


# ----------------------------------------------------------------- build ----


class AlreadyReported(BuildError):
    """A failure whose report is already the last thing on the screen."""


def book_env(tab=None):
    """Environment for d2lbook: its venv first on PATH (it calls
    `sphinx-build` by name), and the kernel of `tab` if given (for the
    d2lbook steps that may still evaluate: `build pdf`, `build ipynb`)."""
    env = dict(os.environ)
    env['PATH'] = f'{env_dir("book") / "bin"}{os.pathsep}{env["PATH"]}'
    env['PYTHONUNBUFFERED'] = '1'
    if tab:
        env['JUPYTER_PATH'] = str(kernel_dir_for(tab))
    return env


def run_streamed(cmd, env, prefix, cwd=ROOT):
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


def d2lbook(*args):
    return [str(env_dir('book') / 'bin' / 'd2lbook'), 'build', *args]


def check_sources(project):
    """Stop on a malformed page before any environment or kernel is used."""
    import check_source

    problems = check_source.check(project)
    if problems:
        raise BuildError(
            f'the chapter\'s source has {len(problems)} problem(s); nothing was run:\n'
            + '\n'.join(problems)
        )
    log(f'checked {len(project.notebook_sources())} pages: tabs, code groups, no stored outputs')


def evaluate(project, selected=None):
    """Run what changed, in each tab's own kernel (see tools/evaluate.py)."""
    cmd = [
        str(env_python('book')),
        str(ROOT / 'tools' / 'evaluate.py'),
        '--project',
        str(project.root),
        '--venv',
        str(VENV),
        *(selected or []),
    ]
    if run_streamed(cmd, book_env(), '', project.root) != 0:
        raise AlreadyReported()
    record_versions(project, selected or project.tabs)


# Run in a framework's environment: the versions of what the d2l package's
# extra for the tab names (the editable install there carries the extras)
# and of the requirements file's pins, by distribution name; the build's
# own tools (ipykernel, pytest) are left out.
VERSIONS_SCRIPT = """
import importlib.metadata as metadata, json, re, sys
package, tab, requirements_file = sys.argv[1:]

def name_of(requirement):
    return re.split(r'[<>=!~;\\[ ]', requirement.split('#')[0].strip())[0]

names = [name_of(line) for line in metadata.requires(package) if f'extra == "{tab}"' in line]
with open(requirements_file) as lines:
    names += [name for name in map(name_of, lines) if name and name not in {'ipykernel', 'pytest'}]
versions = {}
for name in names:
    for distribution in (name, name + '-cpu'):
        try:
            versions[distribution] = metadata.version(distribution)
            break
        except metadata.PackageNotFoundError:
            pass
    else:
        sys.exit(f'{name} is not installed in this environment')
print(json.dumps(versions, sort_keys=True))
"""


def versions_file(build_dir, tab):
    return build_dir / 'eval_versions' / f'{tab}.json'


def record_versions(project, selected):
    """Write what each evaluated tab ran with, for the notebooks' zips
    (tools/notebooks.py). A tab whose environment is not on this machine,
    as in the hosted render job, keeps the record its evaluation job made;
    one made since the environment was last installed is kept as it is."""
    for tab in selected:
        path = versions_file(project.build_dir, tab)
        if not env_python(tab).exists() or (
            path.exists()
            and stamp_file(tab).exists()
            and path.stat().st_mtime > stamp_file(tab).stat().st_mtime
        ):
            continue
        result = subprocess.run(
            [
                str(env_python(tab)),
                '-c',
                VERSIONS_SCRIPT,
                config().defaults()['d2l_package'],
                tab,
                str(REQUIREMENTS / f'{tab}.txt'),
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BuildError(f'could not read the versions of .venv/{tab}: {result.stderr.strip()}')
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.stdout)


def site_inputs_digest(root):
    """What reaches every page without being a page: the static files, the
    configuration and the Sphinx extension."""
    files = [
        root / 'config.ini',
        ROOT / 'tools' / 'sphinx_extension.py',
        *sorted(p for p in (root / 'static').rglob('*') if p.is_file()),
    ]
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(path.anchor)).encode() + b'\0' + path.read_bytes())
    return digest.hexdigest()


def full_render_if_site_inputs_changed(root, html_dir):
    """Sphinx re-renders only the pages that changed, and with none changed
    it stops before copying the static files: a new logo, stylesheet or
    script would never reach the site. When those inputs changed since the
    last render, the old site goes, so that Sphinx renders everything.
    Returns what to call once the render succeeded."""
    digest = site_inputs_digest(root)
    stamp = html_dir / '.site-inputs'
    if not stamp.exists() or stamp.read_text() != digest:
        shutil.rmtree(html_dir, ignore_errors=True)
    return lambda: stamp.write_text(digest)


def render(project):
    """Merge the tabs and render the HTML with d2lbook, which evaluates nothing.

    d2lbook's `html` walks through its own `eval` step for every tab. With
    the notebooks current that step finds nothing to do; the render guard
    kernel makes sure of it, because it fails any kernel d2lbook starts.
    """
    rendered = full_render_if_site_inputs_changed(project.root, project.build_dir / 'html')
    env = book_env()
    env['JUPYTER_PATH'] = str(render_guard_dir())
    process = subprocess.run(
        d2lbook('html', '--tab', 'all'),
        cwd=project.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = process.stdout.splitlines()
    if process.returncode != 0:
        print('\n'.join(f'[html] {line}' for line in lines[-60:]), flush=True)
        raise BuildError(
            f'rendering the HTML failed (d2lbook exited with {process.returncode}); '
            'its last lines are above'
        )
    import rendered_pages

    rendered_pages.finish_site(project.build_dir / 'html')
    rendered()
    # d2lbook logs "Convert _build/eval_all/<page>.ipynb to _build/rst_all/<page>.rst".
    converted = [
        (project.root / line.split(' to ')[-1])
        .relative_to(project.build_dir / 'rst_all')
        .with_suffix('')
        for line in lines
        if '] INFO   Convert ' in line
    ]
    print(
        f'[html] re-rendered {len(converted)} page(s)'
        + (': ' + ', '.join(map(str, sorted(converted))) if converted else ''),
        flush=True,
    )


def html(project):
    check_sources(project)
    evaluate(project)
    render(project)
    page = project.build_dir / 'html' / 'chapter_builders-guide' / 'custom-layer.html'
    log(f'done: open {page} in a browser')


def lib(project):
    code = run_streamed(d2lbook('lib'), book_env(), '[lib]', project.root)
    if code != 0:
        raise BuildError(f'`d2lbook build lib` exited with {code}')


def pdf(project):
    """One PDF per framework under _build/pdf/ (tools/pdf.py)."""
    import pdf as pdf_forms

    ensure_system_packages(pdf_forms.APT_PACKAGES)
    check_sources(project)
    evaluate(project)
    try:
        pdf_forms.build(project)
    except pdf_forms.PdfError as error:
        raise BuildError(str(error)) from error


def notebooks(project):
    """The readers' notebooks under _build/notebooks/ (tools/notebooks.py,
    which reads notebooks with nbformat, so it runs in .venv/book)."""
    check_sources(project)
    evaluate(project)
    cmd = [
        str(env_python('book')),
        str(ROOT / 'tools' / 'notebooks.py'),
        '--project',
        str(project.root),
    ]
    code = run_streamed(cmd, book_env(), '[notebooks]')
    if code != 0:
        raise BuildError(f'writing the notebooks failed (exit {code})')


def dist():
    """The d2l package's wheel and sdist in _build/dist/ (tools/dist.py, which
    runs PyPA's build and twine from .venv/book)."""
    code = run_streamed([str(env_python('book')), str(ROOT / 'tools' / 'dist.py')], book_env(), '')
    if code != 0:
        raise AlreadyReported()


def notebook_repos():
    """The Colab and SageMaker repositories of config.ini, as JSON for the
    hosted workflow's matrix, each with the name of its deploy key's secret."""
    parser = config()
    targets = []
    for variant in ('colab', 'sagemaker'):
        for line in parser[variant]['github_repo'].strip().splitlines():
            tab, repo = (part.strip() for part in line.split(','))
            targets.append(
                {
                    'tab': tab,
                    'variant': variant,
                    'repo': repo,
                    'secret': f'DEPLOY_KEY_{variant}_{tab}'.upper(),
                }
            )
    print(json.dumps(targets))


def apt_packages(targets):
    """The Debian packages of some targets, for CI images that install them
    up front (`sudo apt-get install $(... apt-packages html pdf test)`)."""
    import pdf as pdf_forms

    lists = {'html': APT_PACKAGES, 'pdf': pdf_forms.APT_PACKAGES, 'test': TEST_APT_PACKAGES}
    unknown = set(targets) - set(lists)
    if unknown:
        raise BuildError(f'unknown target(s) {sorted(unknown)}; choose from {sorted(lists)}')
    names = {name for target in targets or lists for name in lists[target].values()}
    print(' '.join(sorted(names)))


def without_network(cmd):
    """cmd run in a new network namespace with only the loopback device.

    Jupyter kernels talk to the build over 127.0.0.1, so `lo` comes up;
    nothing else exists there. Root can make the namespace directly; anyone
    else needs a user namespace first (-r).
    """
    namespace = '-n' if os.geteuid() == 0 else '-rn'
    return ['unshare', namespace, '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', *cmd]


def offline_check():
    """`make test` (which builds first) in a namespace with no network."""
    log(
        'running `make test` with the network cut (unshare -n); the learners\' fresh '
        'hosts, which install from the package index, are left out'
    )
    code = subprocess.run(
        without_network(['make', '--no-print-directory', 'test']),
        cwd=ROOT,
        env=dict(os.environ, BOOK_TESTS_OFFLINE='1'),
    ).returncode
    if code != 0:
        raise AlreadyReported()
    log('the build and every test passed without a network')


# ----------------------------------------------------------------- tests ----


def test():
    ensure_system_packages(TEST_APT_PACKAGES)
    import run_tests

    return run_tests.main()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'command',
        choices=[
            'setup',
            'check',
            'eval',
            'html',
            'lib',
            'pdf',
            'notebooks',
            'dist',
            'test',
            'bench',
            'offline-check',
            'apt-packages',
            'notebook-repos',
        ],
    )
    parser.add_argument(
        'tabs',
        nargs='*',
        help='tabs to evaluate (eval), to set up (setup; `book` for d2lbook\'s '
        'environment alone); targets (apt-packages)',
    )
    parser.add_argument(
        '--project',
        type=Path,
        default=ROOT,
        help='the book to build (default: this repository; the tests '
        'build throw-away copies); the environments stay in .venv/',
    )
    args = parser.parse_args(argv)

    project = Project(args.project)
    try:
        if args.command == 'setup':
            setup(args.tabs)
        elif args.command == 'check':
            check_sources(project)
        elif args.command == 'eval':
            unknown = set(args.tabs) - set(project.tabs)
            if unknown:
                raise BuildError(f'unknown tab(s) {sorted(unknown)}; config.ini has {project.tabs}')
            check_sources(project)
            evaluate(project, args.tabs)
        elif args.command == 'html':
            html(project)
        elif args.command == 'lib':
            lib(project)
        elif args.command == 'pdf':
            pdf(project)
        elif args.command == 'notebooks':
            notebooks(project)
        elif args.command == 'dist':
            dist()
        elif args.command == 'apt-packages':
            apt_packages(args.tabs)
        elif args.command == 'notebook-repos':
            notebook_repos()
        elif args.command == 'test':
            return test()
        elif args.command == 'bench':
            import bench

            return bench.main()
        elif args.command == 'offline-check':
            offline_check()
    except AlreadyReported:
        return 1
    except BuildError as error:
        print(f'\nbuild failed: {error}', file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
