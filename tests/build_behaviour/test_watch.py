"""`make watch` on a throw-away book: it serves the site with its reload
script, rebuilds a saved page and tells the open pages to reload, shows a
failing cell on the page, and recovers at the next good save. Nothing here
fails on a time: the goals are measured by `make bench`."""

import asyncio
import json
import socket
import subprocess
import time
import urllib.request

import pytest
from tornado.websocket import websocket_connect

from bookbuild.project import Project
from throwaway_book import BOOK, SECTION, copy_book, edit, fence, tiny_section

SECTION_TEXT = tiny_section(
    'The watch test reads this sentence.\n\n' + fence('all', "print('first output')")
)
PAGE = SECTION.replace('.md', '.html')


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


@pytest.fixture(scope='module')
def watch(tmp_path_factory):
    project = copy_book(tmp_path_factory.mktemp('watch'), SECTION_TEXT)
    port = free_port()
    log = open(project / 'watch.log', 'w+')  # noqa: SIM115 (open for the server's whole life)
    server = subprocess.Popen(
        [str(BOOK), 'watch', '--project', str(project), '--port', str(port)],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 600
    while 'serving http://' not in (project / 'watch.log').read_text():
        assert server.poll() is None, (project / 'watch.log').read_text()[-3000:]
        assert time.monotonic() < deadline, 'the watch never started serving'
        time.sleep(0.5)
    yield project, f'127.0.0.1:{port}'
    server.terminate()
    server.wait(timeout=30)
    log.close()


def fetch(address, path):
    with urllib.request.urlopen(f'http://{address}/{path}', timeout=30) as response:
        return response.read().decode('utf-8')


async def next_message_after(address, change):
    """Open a page's reload channel, make the change, and return the watch's
    answer to it (not the last failure, which a page is told when it opens)."""
    channel = await websocket_connect(f'ws://{address}/__watch')
    change()
    while True:
        message = json.loads(await asyncio.wait_for(channel.read_message(), timeout=300))
        if not message.get('on_open'):
            channel.close()
            return message


def message_after(watch, change):
    project, address = watch
    return asyncio.run(next_message_after(address, change))


def test_the_served_page_is_the_built_page_with_the_reload_script(watch):
    project, address = watch
    served = fetch(address, PAGE)
    built = (Project(project).html_dir / PAGE).read_text(encoding='utf-8')
    assert 'The watch test reads this sentence.' in served
    assert (
        served.replace(served[served.index('<script>\n(function () {') :], '')
        == built[: built.index('</body>')]
    )
    assert "'/__watch'" in served


def test_a_prose_edit_reloads_the_pages_with_the_new_text(watch):
    project, address = watch
    message = message_after(
        watch, lambda: edit(project / SECTION, 'reads this sentence', 'reads this new sentence')
    )
    assert message['reload'] is True
    assert 'chapter_builders-guide/custom-layer' in message['pages']
    assert 'reads this new sentence' in fetch(address, PAGE)


def test_a_failing_cell_shows_on_the_page_and_the_next_good_save_recovers(watch):
    project, address = watch
    failing = "raise ValueError('the watch shows this')"
    message = message_after(
        watch, lambda: edit(project / SECTION, "print('first output')", failing)
    )
    # The failure's summary, as `make` prints it last: page, tab, cell, exception.
    assert 'reload' not in message
    assert SECTION in message['error'] and 'ValueError: the watch shows this' in message['error']
    assert 'the watch shows this' in (project / 'watch.log').read_text()
    # The page keeps the last good build, and a page opened now is shown the error.
    assert 'first output' in fetch(address, PAGE)

    async def opened_now():
        channel = await websocket_connect(f'ws://{address}/__watch')
        message = await asyncio.wait_for(channel.read_message(), timeout=30)
        channel.close()
        return json.loads(message)

    assert asyncio.run(opened_now()) == {'error': message['error'], 'on_open': True}

    message = message_after(
        watch, lambda: edit(project / SECTION, failing, "print('fixed output')")
    )
    assert message.get('reload') is True, message
    assert 'fixed output' in fetch(address, PAGE)
