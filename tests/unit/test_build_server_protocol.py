"""The build server's key and protocol (build_server.py), with a server made
in the test whose build only prints: no Sphinx, no kernel, no process.
The real server is tested on a copy of the book in
tests/build_behaviour/test_build_server.py."""

import contextlib
import json
import os
import socket
import sys
import threading

import pytest

from bookbuild import build_server, locks


@pytest.fixture(autouse=True)
def server_switched_on(monkeypatch):
    """These tests talk to a server: `make test` runs its suites with the
    server switched off (BOOK_BUILD_SERVER=0), which the client obeys."""
    monkeypatch.delenv(build_server.SWITCH, raising=False)


def test_the_key_follows_what_the_build_reads_and_only_that(book):
    project = book()
    environ = {'PATH': '/usr/bin', 'BOOK_TESTS_OFFLINE': '1', 'HOME': '/root'}
    key = build_server.key(project, environ)
    assert build_server.key(project, dict(environ)) == key
    # Neither the switch nor a variable the build does not read changes it.
    assert build_server.key(project, dict(environ, BOOK_BUILD_SERVER='1', HOME='/x')) == key
    assert build_server.key(project, dict(environ, BOOK_TESTS_OFFLINE='0')) != key
    assert build_server.key(project, dict(environ, PATH='/opt/bin')) != key
    config = project.root / 'config.ini'
    config.write_text(config.read_text() + '\n# edited\n')
    assert build_server.key(project, environ) != key, 'config.ini is not in the key'


def test_a_root_too_long_for_a_unix_socket_gets_one_in_tmp(book, tmp_path):
    project = book()
    assert build_server.socket_path(project) == project.build_dir / 'build-server.sock'
    deep = tmp_path / ('d' * 60) / ('e' * 60)
    deep.mkdir(parents=True)
    (deep / 'config.ini').write_text((project.root / 'config.ini').read_text())
    long_project = type(project)(deep)
    path = build_server.socket_path(long_project)
    assert path.parent.as_posix() == '/tmp' and len(os.fsencode(path)) < 100, path
    assert path != build_server.socket_path(project)


def test_the_switch_turns_the_server_off():
    assert build_server.enabled({})
    assert not build_server.enabled({'BOOK_BUILD_SERVER': '0'})


def test_lines_go_whole_and_a_client_that_left_does_not_stop_the_build():
    ours, theirs = socket.socketpair()
    stream = build_server.Lines(ours, 'out', threading.Lock())
    stream.write('half ')
    stream.write('a line\nand more')
    stream.flush()
    ours.shutdown(socket.SHUT_WR)
    assert list(build_server.messages(theirs)) == [{'out': 'half a line\n'}, {'out': 'and more'}]
    theirs.close()
    for _ in range(3):  # the peer is gone: nothing is raised
        stream.write('into the void\n')
    assert stream.gone
    ours.close()


class PrintingServer(build_server.Server):
    """A server whose build prints two lines and returns `status`."""

    status = 0

    def build(self):
        print('[html] re-rendered 1 page(s)', flush=True)
        print('build failed: a broken page', file=sys.stderr, flush=True)
        return self.status


@contextlib.contextmanager
def serving(project, server, requests=1):
    """Answer `requests` connections at the book's socket, in a thread;
    yields the list of the Stop raised (the server's ends)."""
    listener, _ = build_server.listen(build_server.socket_path(project))
    ends = []

    def answer():
        for _ in range(requests):
            connection, _ = listener.accept()
            with connection:
                try:
                    server.handle(connection)
                except build_server.Stop as stop:
                    ends.append(stop)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        yield ends
    finally:
        thread.join(timeout=60)
        listener.close()


@pytest.mark.parametrize('status', [0, 1])
def test_the_client_prints_the_servers_lines_and_exits_with_its_status(book, capsys, status):
    project = book()
    server = PrintingServer(project, build_server.key(project))
    server.status = status
    with serving(project, server, requests=2):
        assert build_server.ready(project) == os.getpid()
        assert build_server.hand_over(project) == status
    out, err = capsys.readouterr()
    assert '[html] re-rendered 1 page(s)\n' in out
    assert err == 'build failed: a broken page\n'
    said = f'[book] built by the build server (pid {os.getpid()})'
    assert (said in out) == (status == 0), out


def test_a_request_with_another_key_is_refused_and_ends_the_server(book, capsys):
    project = book()
    server = PrintingServer(project, 'a key of other code')
    with serving(project, server) as ends:
        assert build_server.hand_over(project) is None
    assert ends, 'the out-of-date server did not end'
    assert 'the build server did not build' in capsys.readouterr().out


def test_stop_ends_the_server_and_no_server_means_no_hand_over(book, capsys):
    project = book()
    with serving(project, PrintingServer(project, build_server.key(project))) as ends:
        build_server.stop(project)
    assert ends and f'(pid {os.getpid()}) stops' in capsys.readouterr().out
    build_server.socket_path(project).unlink()
    assert build_server.hand_over(project) is None
    assert build_server.ready(project) is None


def test_a_request_the_busy_server_has_not_taken_up_says_what_it_waits_for(
    book, capsys, monkeypatch
):
    """The server builds one request at a time: a client queued behind
    another build says for what it waits, in the lock's words, before the
    server's lines."""
    project = book()
    monkeypatch.setattr(build_server, 'NOTICE_SECONDS', 0)
    holder = {'command': 'book html', 'pid': 4242, 'since': 0}
    locks.lock_file(project.root).write_text(json.dumps({'generation': 3, 'holder': holder}))
    listener, _ = build_server.listen(build_server.socket_path(project))
    statuses = []
    client = threading.Thread(target=lambda: statuses.append(build_server.hand_over(project)))
    client.start()
    # The server takes the request up only once the client has said it waits.
    said = ''
    # NOTICE_SECONDS is 0: the line comes at once. The bound only keeps a
    # client that never says it from hanging the tier.
    for _ in range(600):
        if locks.waiting_line(holder) in said:
            break
        assert client.is_alive(), f'the client ended without saying it waits: {said!r}'
        client.join(timeout=0.05)
        said += capsys.readouterr().out
    else:
        listener.close()  # the client's read then ends
        pytest.fail(f'a client queued behind a busy server never said so: {said!r}')
    connection, _ = listener.accept()
    with connection:
        PrintingServer(project, build_server.key(project)).handle(connection)
    client.join()
    listener.close()
    out = capsys.readouterr().out
    assert statuses == [0]
    assert said.startswith('[lock] waiting for `book html` (pid 4242'), said
    assert '[html] re-rendered 1 page(s)' in out
