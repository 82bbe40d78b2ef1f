"""`make` handed to the book's build server (build_server.py).

Two copies of the book reuse the repository's evaluated notebooks
(throwaway_book's copy_the_outputs), so no kernel runs. In one, `book html`
builds and starts a server, and the builds after it are handed to that
server; the other builds every time in its own process
(BOOK_BUILD_SERVER=0). After the same prose edit both sites and their
notebooks are equal, byte for byte; a broken page fails both builds with the
same message; a request whose key differs (a BOOK_* variable the key
includes) is built by the client, and that server ends; `book stop-server`
ends one. The test waits for what the builds print and for processes to
end, never for a time.
"""

import os
import select
import subprocess

import pytest

from bookbuild import build_server
from bookbuild.project import Project
from throwaway_book import SECTION, book_command, copy_book, copy_the_outputs, edit, fence

# Only reached when the server hangs: then the test fails saying so.
NEVER = 600
SERVED = dict(os.environ, BOOK_BUILD_SERVER='1')
ALONE = dict(os.environ, BOOK_BUILD_SERVER='0')


def html(root, env):
    return subprocess.run(
        book_command(root, 'html'),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def html_ok(root, env):
    result = html(root, env)
    assert result.returncode == 0, result.stdout[-3000:]
    return result.stdout


def ended(pid):
    """Wait until process pid has ended (it is the server's own, detached:
    not our child): its pidfd becomes readable when it exits."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([handle], [], [], NEVER)[0])
    finally:
        os.close(handle)


def published(html_dir):
    """{path: bytes} of the site and its notebooks, without Sphinx's pickles
    and the stamps (hidden: they hold the copy's path)."""
    return {
        path.relative_to(html_dir).as_posix(): path.read_bytes()
        for path in sorted(html_dir.rglob('*'))
        if path.is_file() and not any(p.startswith('.') for p in path.relative_to(html_dir).parts)
    }


@pytest.fixture(scope='module')
def books(tmp_path_factory):
    """(served copy, alone copy), both built once; the served one's server
    runs. Every server the module started is stopped at its end."""
    served = copy_book(tmp_path_factory.mktemp('served') / 'book')
    alone = copy_book(tmp_path_factory.mktemp('alone') / 'book')
    for root in (served, alone):
        copy_the_outputs(root)
    assert 'started a build server' in html_ok(served, SERVED)
    assert 'build server' not in html_ok(alone, ALONE)
    yield served, alone
    subprocess.run(book_command(served, 'stop-server'), env=SERVED, check=False)


def server_pid(root):
    pid = build_server.ready(Project(root))
    assert pid, f'no build server answers for {root}'
    return pid


def test_a_prose_edit_is_built_by_the_server_as_in_its_own_process(books):
    served, alone = books
    pid = server_pid(served)
    for root in books:
        edit(root / SECTION, '\n\n', '\n\nA word the server renders.\n\n')
    said = html_ok(served, SERVED)
    assert f'[book] built by the build server (pid {pid})' in said, said
    assert 'build server' not in html_ok(alone, ALONE)
    site, other = published(Project(served).html_dir), published(Project(alone).html_dir)
    assert any(name.startswith('notebooks/') for name in site), 'no site notebooks'
    diff = sorted(name for name in site.keys() | other.keys() if site.get(name) != other.get(name))
    assert not diff, f'the served build differs from the build in its own process: {diff[:10]}'


def test_a_broken_page_fails_in_the_server_with_the_same_message(books):
    served, alone = books
    pid = server_pid(served)
    broken = '\n' + fence('pytorch, mxnet, jax', 'u = 6') + '\n'
    results = []
    for root, env in ((served, SERVED), (alone, ALONE)):
        original = (root / SECTION).read_text(encoding='utf-8')
        (root / SECTION).write_text(original + broken, encoding='utf-8')
        try:
            results.append(html(root, env))
        finally:
            (root / SECTION).write_text(original, encoding='utf-8')
    on_server, on_its_own = results
    assert on_server.returncode != 0 and on_its_own.returncode != 0
    failure = [text for text in on_its_own.stdout.splitlines() if 'no tensorflow cell' in text]
    assert failure, on_its_own.stdout[-3000:]
    assert failure == [t for t in on_server.stdout.splitlines() if 'no tensorflow cell' in t]
    assert server_pid(served) == pid, 'the server did not survive a failed build'


def test_a_changed_key_is_built_by_the_client_and_ends_the_server(books):
    served, _ = books
    pid = server_pid(served)
    said = html_ok(served, dict(SERVED, BOOK_SERVER_TEST_KEY='changed'))
    assert 'the build server did not build' in said, said
    assert f'built by the build server (pid {pid})' not in said
    assert ended(pid), f'the out-of-date server (pid {pid}) is still running'
    # That build started a server with the changed key: the next request
    # without it is refused in turn, and builds in its own process.
    assert 'the build server did not build' in html_ok(served, SERVED)


def test_the_server_stops_on_request(books):
    served, _ = books
    pid = server_pid(served)
    subprocess.run(book_command(served, 'stop-server'), env=SERVED, check=True)
    assert ended(pid), f'the server (pid {pid}) is still running after book stop-server'
    assert build_server.ready(Project(served)) is None
