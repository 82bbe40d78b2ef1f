"""`book`, the build's one command; the Makefile calls its subcommands.

`book setup` runs on the system Python (`python3 -m bookbuild setup`, with
tools/ on PYTHONPATH), because it creates the environments; this module and
what setup needs import the standard library only. Every other subcommand
runs in .venv/book, as .venv/book/bin/book, and imports its step's module
when it is called. A build has three steps:

  1. source.check reads the pages and stops on a malformed one before
     anything runs;
  2. evaluate.run runs each page in each tab's own kernel, several at once,
     and only where the code changed;
  3. render.html has d2lbook merge the tabs and Sphinx render the site.

The PDFs, the readers' notebooks and the editions are made from the same
evaluated notebooks (forms/, editions).
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from . import environments
from .project import Project
from .report import AlreadyReported, BuildError, log

SECTION_PAGE = Path('chapter_builders-guide') / 'custom-layer.html'


def check_sources(project):
    """Stop on a malformed page before any environment or kernel is used."""
    from .source import check

    problems = check.check(project)
    if problems:
        raise BuildError(
            f"the chapter's source has {len(problems)} problem(s); nothing was run:\n"
            + '\n'.join(problems)
        )
    log(
        f'checked {len(project.notebook_sources())} pages: tabs, code groups, no stored outputs, roles the notebooks can show'
    )


def evaluate(project, selected=None):
    """Run what changed, in each tab's own kernel (see evaluate/run.py)."""
    from .evaluate import run, versions

    if run.evaluate(project, selected or project.tabs):
        raise AlreadyReported()
    versions.record_versions(project, selected or project.tabs)


def html(project):
    # Standard library only: a build with nothing changed imports no d2lbook.
    from .render.html import build_inputs_digest, build_stamp, render

    stamp = build_stamp(project)
    if stamp.matches(build_inputs_digest(project)):
        log(f'nothing changed since the last build: {project.html_dir / SECTION_PAGE}')
        return
    stamp.remove()  # until this build has succeeded
    check_sources(project)
    evaluate(project)
    render(project)
    write_site_notebooks(project)
    stamp.write(build_inputs_digest(project))
    log(f'done: open {project.html_dir / SECTION_PAGE} in a browser')


def write_site_notebooks(project, lang='en'):
    """The notebooks that the pages' download links fetch, in the site."""
    from .forms import notebooks as notebook_forms

    notebook_forms.write_site_notebooks(project, lang)


def lib(project):
    from .processes import book_env, d2lbook, run_streamed

    code = run_streamed(d2lbook(project, 'lib'), book_env(project), '[lib]', project.root)
    if code != 0:
        raise BuildError(f'`d2lbook build lib` exited with {code}')


def pdf(project):
    """One PDF per framework under _build/pdf/ (forms/pdf.py)."""
    from .forms import pdf as pdf_forms

    environments.ensure_system_packages('pdf')
    check_sources(project)
    evaluate(project)
    pdf_forms.build(project)


def notebooks(project):
    """The readers' notebooks under _build/notebooks/ (forms/notebooks.py)."""
    from .forms import notebooks as notebook_forms

    check_sources(project)
    evaluate(project)
    notebook_forms.build(project)


def notebook_repos(project):
    """The Colab and SageMaker repositories of config.ini, as JSON for the
    hosted workflow's matrix, each with the name of its deploy key's secret."""
    targets = []
    for variant in ('colab', 'sagemaker'):
        for tab in project.tabs:
            targets.append(
                {
                    'tab': tab,
                    'variant': variant,
                    'repo': project.notebook_repository(variant, tab),
                    'secret': f'DEPLOY_KEY_{variant}_{tab}'.upper(),
                }
            )
    print(json.dumps(targets))


def offline_check(project):
    """`make test` (which builds first) in a namespace with no network."""
    from .processes import without_network

    log(
        "running `make test` with the network cut (unshare -n); the learners' fresh "
        'hosts, which install from the package index, are left out'
    )
    code = subprocess.run(
        without_network(['make', '--no-print-directory', 'test']),
        cwd=project.repository,
        env=dict(os.environ, BOOK_TESTS_OFFLINE='1'),
    ).returncode
    if code != 0:
        raise AlreadyReported()
    log('the build and every test passed without a network')


def edition(project, command, languages):
    from . import editions

    languages = languages or list(editions.LANGUAGES)
    for problem_or_line in editions.run(project, command, languages):
        print(problem_or_line, flush=True)
    if command == 'html':
        for lang in languages:
            write_site_notebooks(project, lang)


def run(args, project):
    """Carry out one subcommand; returns the exit code."""
    command = args.command
    if command == 'setup':
        environments.setup(project, args.names)
    elif command == 'apt-packages':
        print(' '.join(environments.apt_packages(args.names)))
    elif command == 'notebook-repos':
        notebook_repos(project)
    elif command == 'check':
        check_sources(project)
    elif command == 'eval':
        unknown = set(args.names) - set(project.tabs)
        if unknown:
            raise BuildError(f'unknown tab(s) {sorted(unknown)}; config.ini has {project.tabs}')
        check_sources(project)
        evaluate(project, args.names)
    elif command == 'html':
        html(project)
    elif command == 'lib':
        lib(project)
    elif command == 'pdf':
        pdf(project)
    elif command == 'notebooks':
        notebooks(project)
    elif command == 'dist':
        from .forms import package

        package.build(project)
    elif command.startswith('edition-'):
        edition(project, command.removeprefix('edition-'), args.names)
    elif command == 'watch':
        from . import watch

        watch.serve(project, port=args.port)
    elif command == 'test':
        from .testing import suites

        environments.ensure_system_packages('test')
        return suites.main(project)
    elif command == 'bench':
        from .bench import run as bench

        return bench.main(project)
    elif command == 'offline-check':
        offline_check(project)
    return 0


COMMANDS = {
    'setup': 'create .venv/book and the environments of the tabs named (default: all)',
    'check': "check the pages' markdown; runs nothing",
    'eval': 'evaluate what changed in the tabs named (default: all)',
    'html': 'check, evaluate and render _build/html/',
    'lib': "regenerate d2l/*.py from the #@save cells",
    'pdf': 'one PDF per framework in _build/pdf/',
    'notebooks': "the readers' notebooks in _build/notebooks/",
    'dist': "the d2l package's wheel and sdist in _build/dist/",
    'edition-check': 'check that the translations named (default: all) follow the English',
    'edition-copy-code': "copy the English code cells into the translations",
    'edition-html': 'render the editions named into _build/<lang>/html/',
    'edition-pdf': "the editions' PDFs in _build/<lang>/pdf/",
    'watch': 'serve the site on localhost, rebuild on save, reload the browser',
    'test': 'run every test suite in its environment',
    'bench': 'time the build, the imports and the layers; writes _build/bench.md',
    'offline-check': '`make test` with the network cut',
    'apt-packages': 'print the Debian packages of the targets named (html, pdf, pdf-cjk, test)',
    'notebook-repos': "print the notebooks' repositories as JSON (for the hosted workflow)",
}


def main(argv=None):
    parser = argparse.ArgumentParser(prog='book', description=__doc__.splitlines()[0])
    parser.add_argument('command', choices=COMMANDS, metavar='command')
    parser.add_argument('names', nargs='*', help='tabs, editions or targets, as the command says')
    parser.add_argument(
        '--project',
        type=Path,
        default=Project().root,
        help='the book to build (default: this repository; the tests '
        'build throw-away copies); the environments stay in .venv/',
    )
    parser.add_argument('--port', type=int, default=8000, help='watch: the local port')
    parser.epilog = 'commands:\n' + '\n'.join(f'  {c:18} {h}' for c, h in COMMANDS.items())
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    args = parser.parse_args(argv)
    try:
        return run(args, Project(args.project))
    except AlreadyReported:
        return 1
    except BuildError as error:
        print(f'\nbuild failed: {error}', file=sys.stderr, flush=True)
        return 1
