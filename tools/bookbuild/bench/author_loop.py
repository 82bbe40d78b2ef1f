"""The author's loop, timed by `make bench`: a prose edit and a one-line
code edit of a page, each with `make` and with `make watch` (until the page
is told to reload), and `make` with nothing changed, on a built copy."""

import json
import os
import subprocess
import time
from pathlib import Path

from .. import build_server
from ..report import BuildError
from ..source import cells as source_cells
from .runs import BOOK_COMMAND, quiet, this_build, timed


def author_edits(text, tab):
    """The edits of the author's loop, as (old, new) pairs of a page's text:
    a word added to its first paragraph of prose, and a comment line in the
    first code cell of one tab (the first cell, so the
    whole notebook of the tab runs again)."""
    fenced = set()
    blocks = source_cells.all_blocks(text)
    for block in blocks:
        fenced.update(range(block.line, block.end_line + 1))
    lines = text.split('\n')
    prose = next(
        line
        for number, line in enumerate(lines, start=1)
        if number not in fenced and line[:1].isalpha() and text.count(line) == 1
    )
    cell = next(
        block for block in blocks if block.is_input and tab in (block.tab_line() or (None, []))[1]
    )
    code = '\n'.join(cell.lines)
    # A comment line under the tab mark: the code changes, its outputs do not.
    edited = '\n'.join([cell.lines[0], '# edited', *cell.lines[1:]])
    return {'prose': (prose, prose + ' Edited.'), 'code': (code, edited)}


def edit(path, old, new):
    text = path.read_text(encoding='utf-8')
    if old not in text:
        raise BuildError(f'{path}: the bench edit expects {old!r}')
    path.write_text(text.replace(old, new, 1), encoding='utf-8')


def make_html(copy):
    """What `make` runs, as the Makefile's html target runs it (a copy of the
    book has no Makefile): the set-up check on the `python3` of the PATH, with
    the build package's folder as PYTHONPATH, then `book html`."""
    quiet(
        ['python3', '-m', 'bookbuild', 'setup'],
        copy,
        dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2])),
    )
    this_build(copy, server=True)


def run_seconds(copy, page, tab):
    """How long a page's notebook of one tab ran in the last evaluation."""
    report = json.loads((copy / '_build' / 'eval_report.json').read_text())
    [job] = [j for j in report['notebooks'] if (j['source'], j['tab']) == (f'{page}.md', tab)]
    return job['seconds']


def loop_times(copy, page, tab):
    """The author's loop on a built copy, in seconds: `make` with nothing
    changed; a prose edit and a one-line code edit of one page in one tab,
    each with `make` and with `make watch` (until the page is told to
    reload). The code edits leave out the tab's own run of the page.
    'watch steps' holds the times `make watch` gave each step of each edit.
    `make` is handed to the copy's build server, stopped at the end."""
    source = copy / f'{page}.md'
    edits = author_edits(source.read_text(encoding='utf-8'), tab)
    # `make` as an author runs it again and again: the first starts the
    # copy's build server, and the bench waits until it has loaded the build
    # (as the author's edit would), so that the next ones are served.
    make_html(copy)
    if build_server.enabled():
        quiet([str(BOOK_COMMAND), 'server-status', '--project', str(copy)], copy)
    try:
        return author_loop_times(copy, page, tab, source, edits)
    finally:
        quiet([str(BOOK_COMMAND), 'stop-server', '--project', str(copy)], copy)


def author_loop_times(copy, page, tab, source, edits):
    """loop_times's measures, with the copy's build server running."""
    import asyncio

    from tornado.websocket import websocket_connect

    times = {'unchanged': timed(lambda: make_html(copy))}
    # What `make watch` printed of its steps for each edit.
    steps = {}
    times['watch steps'] = steps
    for name, (old, new) in edits.items():
        edit(source, old, new)
        times[f'{name} make'] = timed(lambda: make_html(copy))
        if name == 'code':
            times[f'{name} make'] -= run_seconds(copy, page, tab)
        edit(source, new, old)
        this_build(copy, server=True)
    port = 8765
    log_file = open(copy / 'watch.log', 'w')  # noqa: SIM115 (the server's whole life)
    server = subprocess.Popen(
        [str(BOOK_COMMAND), 'watch', '--project', str(copy), '--port', str(port)],
        cwd=copy,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    try:
        while 'serving http://' not in (copy / 'watch.log').read_text():
            if server.poll() is not None:
                raise BuildError(f'make watch stopped:\n{(copy / "watch.log").read_text()}')
            time.sleep(0.2)

        async def until_reload(old, new):
            channel = await websocket_connect(f'ws://127.0.0.1:{port}/__watch')
            start = time.perf_counter()
            edit(source, old, new)
            message = json.loads(await asyncio.wait_for(channel.read_message(), 1800))
            seconds = time.perf_counter() - start
            channel.close()
            if not message.get('reload'):
                raise BuildError(f'make watch failed: {message}')
            return seconds

        for name, (old, new) in edits.items():
            times[f'{name} watch'] = asyncio.run(until_reload(old, new))
            steps[name] = last_watch_timings(copy)
            if name == 'code':
                times[f'{name} watch'] -= run_seconds(copy, page, tab)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log_file.close()
    return times


def last_watch_timings(copy):
    """The step times `make watch` printed for its last rebuild."""
    lines = [line for line in (copy / 'watch.log').read_text().splitlines() if 'rebuilt' in line]
    # 'rebuilt <pages> (<steps>)', where a step may have parts in brackets.
    return lines[-1].split(' (', 1)[1].removesuffix(')') if lines else ''
