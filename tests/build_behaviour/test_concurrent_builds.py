"""Builds that never collide: an author starts `book html` beside
`book notebooks`, after a `book html` that was killed halfway.

In one copy of the book, `book html` is killed (SIGKILL, with the programs
it started, as closing its terminal does) once its render has begun; `book
notebooks` then takes over its lock, saying so, and, kept from building
until the test lets it go, holds it while a second `book html` starts and
waits, saying for which command. In another copy, the same two commands run
one after the other, and nothing is killed. Both copies end with the same
outputs, byte for byte: the site, the readers' notebooks and the evaluated
notebooks (their records too, but for when a kernel ran and for how long).

A third copy, built, has its evaluated notebooks written again (the same
bytes) and `book html` killed while Sphinx writes the pages again, with the first page it wrote cut in half (what a
kill during that write leaves): the next `book html` renders the site
again whole, and equals the second copy's.

The copies reuse the repository's evaluated notebooks (throwaway_book's
copy_the_outputs), so no kernel runs. The test waits for what the builds
print, never for a time: where it must catch a build at one moment, the
build, run with the test's hand in it (HOOKED_BOOK), says it is there and
waits for the test.
"""

import json
import os
import re
import sys
import textwrap
import threading

import pytest

from bookbuild import locks
from bookbuild.project import Project
from running_build import Running
from throwaway_book import book_command, copy_book, copy_the_outputs

# Long enough for a line to come on the slowest machine, and only reached
# when the build is broken or hangs: then the test fails with what it said.
NEVER = 600
SINCE = r'since \d\d:\d\d:\d\d'


# `book <argv[2:]>` as the `book` program runs it, with the test's hand in
# one moment of the build (argv[1]):
#   hold: `book notebooks`, holding its lock, builds only once a line comes
#     on its input;
#   converted: `book html` has its pages converted (rst_all/ written), and
#     then waits to be killed;
#   cut: the first of the book's pages that Sphinx writes is cut in half, as
#     a kill during its write leaves it, and the build then waits to be killed.
HOOKED_BOOK = textwrap.dedent("""\
    import sys
    from pathlib import Path

    moment, *argv = sys.argv[1:]
    if moment == 'hold':
        from bookbuild.forms import notebooks

        build = notebooks.build

        def held(edition, tabs):
            print('[test] holding the lock', flush=True)
            sys.stdin.readline()
            return build(edition, tabs)

        notebooks.build = held
    elif moment == 'converted':
        from bookbuild.render.live import SiteRenderer

        merge_and_convert = SiteRenderer._merge_and_convert

        def converted(self):
            merge_and_convert(self)
            print('[test] converted', flush=True)
            sys.stdin.readline()

        SiteRenderer._merge_and_convert = converted
    elif moment == 'cut':
        from sphinx.builders.html import StandaloneHTMLBuilder

        handle_page = StandaloneHTMLBuilder.handle_page

        def cut(self, pagename, *args, **kwargs):
            handle_page(self, pagename, *args, **kwargs)
            if pagename in self.env.all_docs:
                page = Path(self.get_outfilename(pagename))
                data = page.read_bytes()
                page.write_bytes(data[: len(data) // 2])
                print(f'[test] cut {page}', flush=True)
                sys.stdin.readline()

        StandaloneHTMLBuilder.handle_page = cut
    from bookbuild.cli import main

    sys.exit(main(argv))
""")
# Every build here in the test's own process: killing it kills the build.
ALONE = dict(os.environ, BOOK_BUILD_SERVER='0')


def running(root, command, moment=None):
    """`book <command>` on a copy (with the test's hand in `moment`), in a
    process group of its own."""
    argv = book_command(root, command)
    if moment:
        argv = [sys.executable, '-c', HOOKED_BOOK, moment, *argv[1:]]
    return Running(
        argv, f'book {command}', NEVER, own_group=True, stdin=moment is not None, env=ALONE
    )


def holder(root):
    return locks.read_state(locks.lock_file(root)).get('holder')


def outputs(root):
    """{path: bytes} of what the two builds publish and keep: the site
    (without Sphinx's pickles, which hold the copy's path), the readers'
    notebooks and zips, and the evaluated notebooks with their records (as
    without_when gives them) and versions. d2lbook's own working folders and
    the stamps are left out."""
    project = Project(root)
    folders = [project.html_dir, project.build_dir / 'notebooks']
    folders += [project.eval_dir(tab) for tab in project.tabs]
    folders += [project.build_dir / 'eval_records', project.build_dir / 'eval_versions']
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob('*')):
            relative = path.relative_to(project.build_dir)
            hidden = any(part.startswith('.') for part in relative.parts)
            if path.is_file() and not hidden:
                records = folder.name == 'eval_records'
                found[relative.as_posix()] = without_when(path) if records else path.read_bytes()
    return found


def without_when(record):
    """An evaluation record without when its kernel ran and how long it took,
    which differ whenever a kernel runs (the repository's outputs are behind
    the code under test): the rest says what the notebook was made from."""
    data = json.loads(record.read_text())
    return {key: value for key, value in data.items() if key not in ('evaluated', 'seconds')}


@pytest.fixture(scope='module')
def one_after_the_other(tmp_path_factory):
    """A copy built by `book notebooks`, then `book html`, in a thread of its
    own while the test runs the other copy: (its root, the thread, and
    {'error': ...} when a build failed)."""
    root = copy_book(tmp_path_factory.mktemp('one-after-the-other'))
    copy_the_outputs(root)
    result = {}

    def build():
        try:
            for command in ('notebooks', 'html'):
                running(root, command).finish()
        except BaseException as error:  # pytest.fail's too: the test reports it
            result['error'] = str(error)

    thread = threading.Thread(target=build, daemon=True)
    thread.start()
    yield root, thread, result


def test_builds_run_together_wait_in_turn_and_equal_builds_run_one_after_the_other(
    tmp_path, one_after_the_other
):
    root = copy_book(tmp_path / 'together')
    copy_the_outputs(root)

    killed = running(root, 'html', 'converted')
    killed.expect('[test] converted')  # halfway: the render has begun writing
    killed.kill()
    assert (holder(root) or {}).get('pid') == killed.pid, (
        f'the html build was not holding the lock when it was killed: {holder(root)}'
    )

    notebooks = running(root, 'notebooks', 'hold')
    taking_over = notebooks.expect('[lock]')
    assert re.fullmatch(
        rf'\[lock\] taking over from `book html` \(pid {killed.pid}, {SINCE}\), which was killed '
        r'before it finished',
        taking_over,
    ), taking_over
    notebooks.expect('[test] holding the lock')  # and builds once the test says

    html = running(root, 'html')
    waiting = html.expect('[lock]')
    assert re.fullmatch(
        rf'\[lock\] waiting for `book notebooks` \(pid {notebooks.pid}, {SINCE}\) '
        r'to finish with .+',
        waiting,
    ), waiting
    notebooks.say()
    notebooks.finish()
    html.finish()
    assert [text for text in html.said if text.startswith('[lock]')] == [waiting], html.tail()
    assert not any('nothing changed since the last build' in text for text in html.said), (
        'the html build after the killed one took its half-made site as current:\n' + html.tail()
    )

    assert_same_outputs(root, sequential_build(one_after_the_other))


def sequential_build(one_after_the_other):
    """The root of the copy built one command after the other, once built."""
    sequential, thread, result = one_after_the_other
    thread.join()
    assert 'error' not in result, result.get('error')
    return sequential


def assert_same_outputs(root, sequential, made=('html/', 'notebooks/')):
    """The outputs of the copy at root equal the sequential copy's, byte for
    byte, in the folders made (the site, the readers' notebooks)."""
    ours, theirs = outputs(root), outputs(sequential)
    for folder in made:
        assert any(name.startswith(folder) for name in ours), f'the builds made no {folder}'
    if made == ('html/',):
        ours, theirs = (
            {name: data for name, data in found.items() if not name.startswith('notebooks/')}
            for found in (ours, theirs)
        )
    assert sorted(ours) == sorted(theirs), (
        f'only in {root}: {sorted(set(ours) - set(theirs))[:10]}; '
        f'only after the builds one after the other: {sorted(set(theirs) - set(ours))[:10]}'
    )
    differ = [name for name in ours if ours[name] != theirs[name]]
    assert not differ, f'{root} holds other bytes in {differ[:10]}'


def test_a_site_killed_while_sphinx_writes_its_pages_is_rendered_again_whole(
    tmp_path, one_after_the_other
):
    """Sphinx saves its environment before it writes the pages, and rewrites
    a page only when its source is newer: a page cut short by a kill looks
    current to it, and so does the site's state of inputs."""
    sequential = sequential_build(one_after_the_other)
    root = copy_book(tmp_path / 'killed-while-writing')
    copy_the_outputs(root)
    running(root, 'html').finish()
    # Every notebook evaluated again, to the same bytes: every page renders again.
    project = Project(root)
    for tab in project.tabs:
        for notebook in project.eval_dir(tab).rglob('*.ipynb'):
            os.utime(notebook)

    killed = running(root, 'html', 'cut')
    killed.expect('[test] cut')
    killed.kill()

    running(root, 'html').finish()
    assert_same_outputs(root, sequential, made=('html/',))
