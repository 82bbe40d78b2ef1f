"""`book`, the build's one command; the Makefile calls its subcommands.

`book setup` runs on the system Python (`python3 -m bookbuild setup`, with
tools/ on PYTHONPATH), because it creates the environments; this module and
what setup needs import the standard library only. Every other subcommand
runs in .venv/book, as .venv/book/bin/book, and imports its step's module
when it is called. Every form of the book (the site, the PDFs, the
notebooks, the package: forms.FORMS) has its `book <form>` command, and a
translated edition's `book edition-<form>`; both build it through
pipeline.build_form.

Each subcommand is one entry of COMMANDS: its name, its help, the function
that carries it out, and what it takes besides the project (the names after
it, or an option); the parser and its help are made from that table.
"""

import argparse
import contextlib
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import build_server, environments, hosted, locks, pipeline
from .evaluate.shards import Shard
from .forms import FORMS
from .project import REPOSITORY, Project
from .render import report_link
from .report import AlreadyReported, BuildError, log


def setup(project, names):
    environments.setup(project, names)


def apt_packages(project, names):
    print(' '.join(environments.apt_packages(names)))


def known_tabs(project, names):
    unknown = set(names) - set(project.tabs)
    if unknown:
        raise BuildError(f'unknown tab(s) {sorted(unknown)}; config.ini has {project.tabs}')
    return names or project.tabs


def evaluate_tabs(project, names, shard=None, export=None):
    """`book eval [tabs] [--shard I/N [--export DIR]]`."""
    tabs = known_tabs(project, names)
    if export and not shard:
        raise BuildError('--export copies the notebooks of a shard: give --shard I/N too')
    shard = Shard.parse(shard) if shard else None
    pipeline.check_sources(project)
    pipeline.evaluate(project, tabs, shard)
    if export:
        pipeline.export_shard(project, tabs, shard, export)


def eval_times(project):
    from .evaluate import shards

    path, timed, untimed = shards.write_times(project)
    log(f'{project.relative(path)}: the run times of {timed} notebooks')
    if untimed:
        log(f'{untimed} notebooks have code but no recorded time: evaluate them (make eval) first')


def lib(project):
    from .processes import book_env, d2lbook, run_streamed

    code = run_streamed(d2lbook(project, 'lib'), book_env(project), '[lib]', project.root)
    if code != 0:
        raise BuildError(f'`d2lbook build lib` exited with {code}')


def form_command(form):
    """`book <form>`: the English form (forms.FORMS)."""

    def run(project):
        pipeline.build_form(form, [project.english])

    return run


def edition_form_command(form):
    """`book edition-<form> [lang ...]`: the form of the translations named
    (default: every one the book has)."""

    def run(project, names):
        from . import editions

        pipeline.build_form(form, editions.named(project, names))

    return run


def printing(name):
    """A command that prints, as they come, the lines editions.<name> yields."""

    def run(project, names, **options):
        from . import editions

        for line in getattr(editions, name)(project, names, **options):
            print(line, flush=True)

    return run


def preview(project, port):
    from .watch import serve

    serve(project, port=port)


def run_test_steps(project, names, make):
    """`make test`: each step, timed, then `book test` (timings.py)."""
    from . import timings

    return timings.run_steps(project, names, make)


def run_test_suites(project):
    from .testing import suites

    environments.ensure_system_packages('test')
    return suites.main(project)


def bench(project, only=None, scales=None):
    from .bench import measure

    return measure.main(project, only, scales)


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


@dataclass(frozen=True)
class Command:
    """One subcommand: `run(project, **arguments)` carries it out and
    returns its exit code (None for 0)."""

    name: str
    help: str
    run: Callable[..., int | None]
    # For a command that takes names after it, what they are (it gets them
    # as `names`, a list, empty when none are given).
    names: str | None = None
    # Its options: {flag: argparse keywords}, passed by their dest.
    options: dict = field(default_factory=dict)
    # The lock it holds (locks.py): the book's, the repository's (.venv/), or none.
    lock: str | None = None


def report_labels(project):
    """Print every label a reader's report can carry, one per line."""
    for label in report_link.every_label(project):
        print(label)


COMMANDS = [
    Command(
        'setup',
        'create .venv/book and the environments of the tabs named (default: all)',
        setup,
        names='book (the build tools) and tabs',
        lock='repository',  # it rewrites the kernels' files, which builds read
    ),
    Command('check', "check the pages' markdown; runs nothing", pipeline.check_sources),
    Command(
        'report-labels',
        "print the labels of readers' reports (the form's, each edition's and framework's)",
        report_labels,
    ),
    Command(
        'eval',
        'evaluate what changed in the tabs named (default: all)',
        evaluate_tabs,
        names='tabs',
        lock='book',
        options={
            '--shard': {
                'metavar': 'I/N',
                'help': "only shard I of N of each tab's notebooks, split by their "
                'recorded run times (eval-times.json)',
            },
            '--export': {
                'metavar': 'DIR',
                'type': Path,
                'help': "then copy the shard's notebooks, their records and the "
                "tab's versions to DIR, laid out as under _build/",
            },
        },
    ),
    Command(
        'eval-shard',
        "print a shard's cache key and how many of its notebooks would run, "
        'as name=value lines (for the hosted workflow)',
        hosted.eval_shard,
        names='one tab',
        options={'--shard': {'metavar': 'I/N', 'required': True, 'help': 'shard I of N'}},
    ),
    Command(
        'eval-times',
        "record each notebook's last run time in eval-times.json (shards are balanced by it)",
        eval_times,
        lock='book',
    ),
    Command('lib', 'regenerate d2l/*.py from the #@save cells', lib, lock='book'),
    Command(
        'edition-check',
        'check that the translations named (default: all) follow the English, '
        'and list the paragraphs that are behind it',
        printing('check_translations'),
        names='editions, by language code',
        options={
            '--strict': {
                'action': 'store_true',
                'help': 'fail on a stale, missing or removed paragraph too',
            },
            '--release': {
                'action': 'store_true',
                'help': 'as --strict, unless config.ini [editions] release_with_notes is true',
            },
        },
    ),
    Command(
        'edition-mark-current',
        'record that translated pages or paragraphs are up to date with the English',
        printing('mark_current'),
        names='an edition (ko), a page (ko/<page>.md) or a paragraph (ko/<page>.md:<line>)',
        lock='book',
    ),
    Command(
        'edition-copy-code',
        'copy the English code cells into the translations',
        printing('copy_translated_code'),
        names='editions, by language code',
        lock='book',
    ),
    Command(
        'watch',
        'serve the site on localhost, rebuild on save, reload the browser',
        preview,
        options={'--port': {'type': int, 'default': 8000, 'help': 'the local port'}},
    ),
    Command('test', 'run every test suite in its environment', run_test_suites),
    Command(
        'test-steps',
        "`make test`: run each Makefile step named, timed, then `book test` (on the system Python)",
        run_test_steps,
        names='the Makefile targets, in order',
        options={'--make': {'default': 'make', 'help': 'the make to run them with'}},
    ),
    Command(
        'bench',
        'time the build, the helpers and the book\'s own measurements, and the build of larger books; '
        'writes _build/bench.md',
        bench,
        options={
            '--only': {
                'choices': ['components', 'scale', 'loop'],
                'help': 'only the components against their references, only the book at scale, '
                'or only the goals (the clean builds, and the author\'s loop at the scales)',
            },
            '--scales': {
                'type': int,
                'nargs': '+',
                'metavar': 'FACTOR',
                'help': 'the sizes of the book at scale, in times its chapters (default: 1 4 16)',
            },
        },
    ),
    Command(
        'build-server',
        'keep the site\'s build loaded and serve `book html` (started by `book html` itself)',
        build_server.serve,
    ),
    Command(
        'server-status',
        "say whether the book's build server runs, once it has loaded the build (1: none)",
        build_server.status,
    ),
    Command('stop-server', "stop the book's build server, if one runs", build_server.stop),
    Command('offline-check', '`make test` with the network cut', offline_check),
    Command(
        'apt-packages',
        f'print the Debian packages of the targets named ({", ".join(environments.APT_PACKAGES)})',
        apt_packages,
        names=f'targets: {", ".join(environments.APT_PACKAGES)}',
    ),
    Command(
        'ci-matrix',
        "print the hosted workflow's evaluation jobs (framework × shard) as JSON",
        hosted.ci_matrix,
    ),
    Command(
        'notebook-repos',
        "print the notebooks' repositories as JSON (for the hosted workflow)",
        hosted.notebook_repos,
    ),
    Command(
        'release-files',
        "copy every edition's PDFs, EPUBs and notebook zips into a folder, under the "
        "release's names",
        hosted.release_files,
        names='the folder',
        lock='book',  # it reads every output: never one a build is writing
    ),
]


def form_commands():
    """`book <form>` and `book edition-<form>` for every form of forms.FORMS."""
    commands = []
    for form in FORMS.values():
        where = f'_build/{form.output}/'
        commands.append(
            Command(form.name, f'{form.summary}, in {where}', form_command(form), lock='book')
        )
        if form.translated:
            commands.append(
                Command(
                    f'edition-{form.name}',
                    f'{form.summary}, of the translations named (default: all), '
                    f'in _build/<lang>/{form.output}/',
                    edition_form_command(form),
                    names='editions, by language code',
                    lock='book',
                )
            )
    return commands


COMMANDS += form_commands()


def parser():
    """`book [--project PATH] <command> [names] [options]`, from COMMANDS."""
    project_help = (
        'the book to build (default: this repository; the tests build throw-away '
        'copies); the environments stay in .venv/'
    )
    book = argparse.ArgumentParser(prog='book', description=__doc__.splitlines()[0])
    book.add_argument('--project', type=Path, default=REPOSITORY, help=project_help)
    # --project may also follow the command (`book html --project PATH`);
    # there it has no default, so that it leaves one given before alone.
    after_command = argparse.ArgumentParser(add_help=False)
    after_command.add_argument('--project', type=Path, default=argparse.SUPPRESS, help=project_help)
    commands = book.add_subparsers(dest='command', metavar='command', required=True)
    for command in COMMANDS:
        sub = commands.add_parser(
            command.name, help=command.help, description=command.help, parents=[after_command]
        )
        sub.set_defaults(run=command.run, spec=command)
        if command.names:
            sub.add_argument('names', nargs='*', help=command.names)
        for flag, keywords in command.options.items():
            sub.add_argument(flag, **keywords)
    return book


def locked(command, project, arguments):
    """The lock a command holds while it works (`book watch`'s: watch.py)."""
    root = {'book': project.root, 'repository': project.repository}.get(command.lock)
    words = ['book', command.name, *map(str, arguments.get('names') or [])]
    return locks.holding(root, ' '.join(words)) if root else contextlib.nullcontext()


def main(argv=None):
    arguments = vars(parser().parse_args(argv))
    del arguments['command']
    run = arguments.pop('run')
    command = arguments.pop('spec')
    try:
        project = Project(arguments.pop('project'))
        served = build_server.hand_over(project) if command.name == 'html' else None
        if served is not None:
            return served
        with locked(command, project, arguments):
            code = run(project, **arguments) or 0
        if command.name == 'html' and code == 0:
            build_server.start(project)  # so that the next `make` is quick
        return code
    except AlreadyReported:
        return 1
    except BuildError as error:
        print(f'\nbuild failed: {error}', file=sys.stderr, flush=True)
        return 1
