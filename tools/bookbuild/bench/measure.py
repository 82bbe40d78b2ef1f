"""`make bench`: the helpers, the book's own measurements and the build, timed.

Every figure is a pair measured side by side in this one run, so that the
ratio holds even on a machine shared with other builds:

  - import time of `d2l.<framework>` over importing the framework modules
    that d2l/<framework>.py needs (goal: under 5% more), each in a fresh
    interpreter, alternating, the fastest of several (a neighbour's build
    only ever adds time, and an import's cost is what remains without it);
  - the book's own measurements in each framework: the scripts config.ini
    [bench] in_framework names, each a table's rows;
  - a clean build of the four tabs plus HTML against the plain d2lbook flow
    (`d2lbook build eval --tab X` for every tab, side by side as the old
    driver ran them, then `d2lbook build html --tab all`), each in its own
    throw-away copy of the book (goal: at most half the time); and a
    rebuild of each with nothing changed;
  - the first cell of each framework's Colab notebook on a fresh host that
    already has the book's versions of the framework (only d2l installs;
    goal: 15 s or less) against a bare host, where pip brings the framework
    too (testing/learner_hosts.py; needs `make notebooks dist` first and the
    package index, or pip's cache).

The table is printed and written to _build/bench.md. A benchmark is never a
test: nothing fails on a number.
"""

import concurrent.futures
import configparser
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..files import write_atomic
from ..frameworks import framework
from ..identity import KERNEL_ENV
from ..processes import book_env, d2lbook
from ..project import copy_book_sources
from ..report import BuildError
from ..source import cells as source_cells

# The part of the bench that runs inside a framework's environment, as a
# script (the environments hold the framework, not the build's packages).
IN_FRAMEWORK = Path(__file__).resolve().parent / 'in_framework.py'
# `book`, as the Makefile runs it.
BOOK_COMMAND = Path(sys.executable).parent / 'book'

IMPORT_ROUNDS = 7


def log(message):
    print(f'[bench] {message}', flush=True)


def framework_env():
    return dict(os.environ, **KERNEL_ENV)


def run_in(project, tab, *args):
    result = subprocess.run(
        [str(project.env_python(tab)), str(IN_FRAMEWORK), *args],
        env=framework_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def import_times(project, tab):
    """(seconds of d2l's import, of the framework's own imports): the fastest runs."""
    d2l_import = f'from d2l import {module_name(project, tab)}'
    times = {'d2l': [], 'framework': []}
    for index in range(IMPORT_ROUNDS):
        pairs = [('d2l', d2l_import), ('framework', framework(tab).imports)]
        for name, statement in pairs if index % 2 == 0 else pairs[::-1]:
            times[name].append(float(run_in(project, tab, 'import', statement)))
    return min(times['d2l']), min(times['framework'])


def module_name(project, tab):
    """d2l's module of a tab, from config.ini (e.g. torch for pytorch)."""
    return project.lib_file(tab).stem


def book_benchmarks(project):
    """The book's own scripts that run in each framework's environment
    (config.ini [bench] in_framework), each printing a JSON list of rows
    {measure, ours, reference, unit, goal}."""
    return [
        project.root / name
        for name in project.config.get('bench', 'in_framework', fallback='').split()
    ]


def book_benchmark_rows(project, script, tab):
    result = subprocess.run(
        [str(project.env_python(tab)), str(script), tab],
        cwd=project.root,
        env=dict(framework_env(), PYTHONPATH=str(project.root)),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BuildError(f'{project.relative(script)} {tab} failed:\n{result.stderr[-3000:]}')
    try:
        rows = json.loads(result.stdout.strip().splitlines()[-1])
        return [row(r['measure'], r['ours'], r['reference'], r['unit'], r['goal']) for r in rows]
    except (ValueError, IndexError, KeyError, TypeError) as error:
        raise BuildError(
            f'{project.relative(script)} {tab}: its last line is not a JSON list of rows '
            f'{{measure, ours, reference, unit, goal}} ({error})'
        ) from error


# ---------------------------------------------------------------- builds ----


def timed(run):
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def quiet(cmd, cwd, env=None):
    result = subprocess.run(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    if result.returncode != 0:
        print(result.stdout[-3000:])
        raise BuildError(f'`{" ".join(map(str, cmd))}` failed in {cwd}')


def this_build(copy):
    """`make html` of a copy: `book html`, as the Makefile runs it."""
    quiet([str(BOOK_COMMAND), 'html', '--project', str(copy)], copy)


def plain_d2lbook_build(project, copy):
    """The flow this project replaced: d2lbook evaluates every tab (all four
    at once), then merges and renders."""

    def evaluate(tab):
        env = book_env(project, tab)
        quiet(d2lbook(project, 'eval', '--tab', tab), copy, env)

    # All tabs at once, as the old driver ran them; the first failure is raised.
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(project.tabs)) as pool:
        list(pool.map(evaluate, project.tabs))
    quiet(d2lbook(project, 'html', '--tab', 'all'), copy, book_env(project, project.default_tab))


def as_plain_d2lbook(copy):
    """A copy's config.ini without what this book adds to d2lbook's page:
    its Sphinx extension (local MathJax, verbatim outputs, no build marks),
    its stylesheets and its scripts."""
    config = configparser.ConfigParser()
    config.read(copy / 'config.ini', encoding='utf-8')
    config.remove_option('build', 'sphinx_extensions')
    for option in ('include_css', 'include_js'):
        config.remove_option('html', option)
    with open(copy / 'config.ini', 'w', encoding='utf-8') as file:
        config.write(file)
    return copy


def build_times(project):
    """((this build, plain d2lbook) clean, (the same) with nothing changed),
    and {'ours'/'plain': (bytes, seconds)} of the bench's page as they render it."""
    with tempfile.TemporaryDirectory(prefix='bench-') as scratch:
        plain = as_plain_d2lbook(copy_book_sources(project.root, Path(scratch) / 'plain'))
        ours = copy_book_sources(project.root, Path(scratch) / 'ours')
        log('clean build, plain d2lbook flow ...')
        plain_clean = timed(lambda: plain_d2lbook_build(project, plain))
        log('clean build, this build ...')
        ours_clean = timed(lambda: this_build(ours))
        log('rebuild with nothing changed, both ...')
        ours_again = timed(lambda: this_build(ours))
        plain_again = timed(lambda: plain_d2lbook_build(project, plain))
        log(f'the page {bench_page(project)} in headless Chromium, both ...')
        weights = page_weights(
            project, {'ours': ours / '_build' / 'html', 'plain': plain / '_build' / 'html'}
        )
    return (ours_clean, plain_clean), (ours_again, plain_again), weights


# ------------------------------------------------------------ page weight ----

# Where plain d2lbook's page takes MathJax from (Sphinx's default); the bench
# serves those files from the same MathJax release on this machine.
MATHJAX_CDN = '/npm/mathjax@3/es5/'
PAGE_ROUNDS = 3


def page_weights(project, sites):
    """{name: (bytes, seconds)} of the bench's page (bench_page) of each site: every byte
    it loads (MathJax included, from this machine for both), and the time
    from the start of navigation until MathJax has typeset the page; the
    fastest of alternating rounds. Any other remote request is refused."""
    import functools
    import http.server
    import threading
    from urllib.parse import urlparse

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    servers = {}
    for name, folder in sites.items():
        server = http.server.ThreadingHTTPServer(
            ('127.0.0.1', 0), functools.partial(Quiet, directory=str(folder))
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers[name] = server

    def route(route):
        url = urlparse(route.request.url)
        if url.hostname == '127.0.0.1':
            route.continue_()
        elif MATHJAX_CDN in url.path:
            local = project.mathjax_dir / url.path.split(MATHJAX_CDN, 1)[1]
            route.fulfill(path=str(local)) if local.exists() else route.abort()
        else:
            route.abort()

    results = {name: [] for name in sites}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path='/usr/bin/chromium', args=['--no-sandbox', '--disable-gpu']
            )
            for _ in range(PAGE_ROUNDS):
                for name, server in servers.items():
                    context = browser.new_context(viewport={'width': 1280, 'height': 900})
                    page = context.new_page()
                    page.route('**/*', route)
                    loaded = []

                    def record(request, loaded=loaded):
                        loaded.append(request)

                    page.on('requestfinished', record)
                    page.goto(
                        f'http://127.0.0.1:{server.server_address[1]}/{bench_page(project)}.html',
                        wait_until='load',
                    )
                    seconds = page.evaluate(
                        'MathJax.startup.promise.then(() => performance.now() / 1000)'
                    )
                    page.wait_for_load_state('networkidle')
                    size = sum(
                        len(request.response().body()) for request in loaded if request.response()
                    )
                    results[name].append((size, seconds))
                    context.close()
            browser.close()
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()
    return {
        name: (max(r[0] for r in runs), min(r[1] for r in runs)) for name, runs in results.items()
    }


# ----------------------------------------------------------- author loop ----


def bench_page(project):
    """The page the bench loads and edits, without its suffix: of the pages
    config.ini names, the one with the most code cells of the default tab."""

    def default_tab_cells(source):
        text = source.read_text(encoding='utf-8')
        return sum(
            1
            for cell in source_cells.code_cells(text)
            if project.default_tab in (cell.tab_line() or (None, []))[1]
        )

    page = max(project.notebook_sources(), key=default_tab_cells)
    return project.relative(page).removesuffix('.md')


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
    """What `make` runs: the set-up check on the system Python, then `book html`."""
    quiet(
        [sys.base_prefix + '/bin/python3', '-m', 'bookbuild', 'setup'],
        copy,
        dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2])),
    )
    this_build(copy)


def run_seconds(copy, page, tab):
    """How long a page's notebook of one tab ran in the last evaluation."""
    report = json.loads((copy / '_build' / 'eval_report.json').read_text())
    [job] = [j for j in report['notebooks'] if (j['source'], j['tab']) == (f'{page}.md', tab)]
    return job['seconds']


def author_loop_times(project):
    """{measure: (this project, reference)} on a copy of the book: a prose
    edit and a code edit of the default tab until `make watch` tells the
    page to reload, against `make` (a new process) for the same edit; and
    `make` with nothing changed. The code edit's figures leave out the
    tab's own run of the page, which both pay."""
    with tempfile.TemporaryDirectory(prefix='bench-watch-') as scratch:
        copy = copy_book_sources(project.root, Path(scratch) / 'book')
        this_build(copy)
        loop = loop_times(copy, bench_page(project), project.default_tab)
    return {
        'unchanged': loop['unchanged'],
        'prose': (loop['prose watch'], loop['prose make']),
        'code': (loop['code watch'], loop['code make']),
    }


def loop_times(copy, page, tab):
    """The author's loop on a built copy, in seconds: `make` with nothing
    changed; a prose edit and a one-line code edit of one page in one tab,
    each with `make` and with `make watch` (until the page is told to
    reload). The code edits leave out the tab's own run of the page.
    'watch steps' holds the times `make watch` gave each step of each edit."""
    import asyncio

    from tornado.websocket import websocket_connect

    source = copy / f'{page}.md'
    edits = author_edits(source.read_text(encoding='utf-8'), tab)
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
        this_build(copy)
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


# ----------------------------------------------------- the book at scale ----

# The sizes of the books the bench grows (bench/scale.py), in chapters.
SCALES = (1, 4, 16)


def last_watch_timings(copy):
    """The step times `make watch` printed for its last rebuild."""
    lines = [line for line in (copy / 'watch.log').read_text().splitlines() if 'rebuilt' in line]
    return lines[-1].split(' (', 1)[1].rstrip(')') if lines else ''


def book_step(copy, command):
    """The seconds of `book <command>` on a copy."""
    return timed(lambda: quiet([str(BOOK_COMMAND), command, '--project', str(copy)], copy))


def scale_times(project, factor, scratch):
    """{measure: seconds} of a book `factor` times this one's size, and
    {'pages', 'notebooks', 'kernel', 'watch steps'} about it."""
    from ..processes import at_once
    from . import scale

    copy = scale.grow(project.root, Path(scratch) / f'book-{factor}x', factor)
    log(f'{factor}× book: clean evaluation ...')
    times = {'clean: evaluation': book_step(copy, 'eval')}
    report = json.loads((copy / '_build' / 'eval_report.json').read_text())
    pages = len({job['source'] for job in report['notebooks']})
    executed = [job for job in report['notebooks'] if job['action'] == 'executed']
    kernel = sum(job['seconds'] for job in executed)
    log(f'{factor}× book: render ...')
    times['clean: render'] = timed(lambda: this_build(copy))
    times['clean build'] = times['clean: evaluation'] + times['clean: render']
    log(f'{factor}× book: the author\'s loop ...')
    loop = loop_times(copy, bench_page(project), project.default_tab)
    watch_steps = loop['watch steps']
    times.update(
        {
            'make, nothing changed': loop['unchanged'],
            'prose edit, make': loop['prose make'],
            'prose edit, make watch': loop['prose watch'],
            'code edit of one page-tab, make (beyond its run)': loop['code make'],
            'code edit of one page-tab, make watch (beyond its run)': loop['code watch'],
        }
    )
    log(f'{factor}× book: make notebooks ...')
    times['make notebooks'] = book_step(copy, 'notebooks')
    log(f'{factor}× book: make pdf ...')
    times['make pdf'] = book_step(copy, 'pdf')
    shutil.rmtree(copy)
    about = {
        'pages': pages,
        'notebooks': len(executed),
        'kernel': kernel,
        'cores': at_once(),
        'watch steps': watch_steps,
    }
    return times, about


def scale_goals(times, about):
    """{measure: (goal, met)} at the largest size."""
    ideal = about['kernel'] / about['cores'] + times['clean: render']
    return {
        'make, nothing changed': ('≤ 0.5 s', times['make, nothing changed'] <= 0.5),
        'prose edit, make watch': ('≤ 2 s', times['prose edit, make watch'] <= 2),
        'code edit of one page-tab, make watch (beyond its run)': (
            '≤ 2 s',
            times['code edit of one page-tab, make watch (beyond its run)'] <= 2,
        ),
        'clean build': (
            f'≤ 1.2 × (kernel ÷ cores + render) = {1.2 * ideal:.0f} s',
            times['clean build'] <= 1.2 * ideal,
        ),
    }


def scale_tables(results):
    """A markdown table per size: each measure's seconds, per page, and
    its growth over the smallest size; the goals at the largest."""
    smallest = min(results)
    largest = max(results)
    tables = []
    for factor, (times, about) in sorted(results.items()):
        goals = scale_goals(times, about) if factor == largest else {}
        rows = [
            f'### {factor}× the book: {about["pages"]} pages, {about["notebooks"]} notebooks run, '
            f'{about["kernel"]:.0f} s of kernel time on {about["cores"]} kernels at once',
            '',
            f'| measure | seconds | per page | × the {smallest}× book | goal |',
            '|---|---|---|---|---|',
        ]
        for measure, seconds in times.items():
            base = results[smallest][0][measure]
            goal, met = goals.get(measure, ('', None))
            verdict = '' if met is None else (' ✓' if met else ' ✗ not met')
            rows.append(
                f'| {measure} | {seconds:.2f} | {seconds / about["pages"]:.3f} '
                f'| {seconds / base if base > 0 else float("nan"):.2f} | {goal}{verdict} |'
            )
        rows.append('')
        for edit_name, steps in about['watch steps'].items():
            rows.append(f'- `make watch`\'s steps for the {edit_name} edit: {steps}')
        rows.append('')
        tables.append('\n'.join(rows))
    return tables


def first_cell_times(project):
    """{tab: (seconds with the framework preinstalled, seconds on a bare host)}."""
    from ..testing import learner_hosts

    return learner_hosts.first_cell_seconds(project)


# ----------------------------------------------------------------- table ----


def row(measure, ours, reference, unit, goal):
    scale = 1000 if unit == 'ms' else 1
    return (
        f'| {measure} | {ours * scale:.{1 if unit == "ms" else 2}f} {unit} '
        f'| {reference * scale:.{1 if unit == "ms" else 2}f} {unit} '
        f'| {ours / reference:.2f} | {goal} |'
    )


def main(project, only=None, scales=None):
    """`book bench`: the components against their references, then the
    book at scale (only: one of the two); the tables go to the terminal and
    _build/bench.md."""
    scales = sorted(set(scales or SCALES))
    if any(factor < 1 for factor in scales):
        raise BuildError(f'--scales takes whole factors ≥ 1, not {scales}')
    try:
        sections = []
        if only in (None, 'components'):
            sections.append(component_table(project))
        if only in (None, 'scale'):
            results = {}
            with tempfile.TemporaryDirectory(prefix='bench-scale-') as scratch:
                for factor in scales:
                    results[factor] = scale_times(project, factor, scratch)
                    # Each size's table as soon as it is measured.
                    print('\n' + scale_tables(results)[-1], flush=True)
            sections += [
                '## The book at scale',
                '',
                f'Copies of the book with 1 to {max(scales)} times its chapters '
                '(bench/scale.py), built with the same environments; growth is '
                f'each figure over the {min(scales)}× book\'s, per page is the '
                'figure over the pages config.ini names.',
                '',
                *scale_tables(results),
            ]
    except subprocess.CalledProcessError as error:
        raise BuildError(f'bench failed: {error}') from error
    load = ', '.join(f'{x:.1f}' for x in os.getloadavg())
    text = '\n'.join(
        [
            '# make bench',
            '',
            f'{datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, '
            f'load average {load} at the end.',
            '',
            *sections,
        ]
    )
    print('\n' + text)
    write_atomic(project.build_dir / 'bench.md', text)
    log(f'written to {project.relative(project.build_dir / "bench.md")}')
    return 0


def component_table(project):
    """The components, each against its reference, side by side in this run."""
    tabs = project.tabs
    rows = []
    for tab in tabs:
        log(f'import time of d2l.{module_name(project, tab)} ...')
        ours, reference = import_times(project, tab)
        rows.append(
            row(
                f'`import d2l.{module_name(project, tab)}` vs `{framework(tab).imports}`',
                ours,
                reference,
                's',
                '< 1.05',
            )
        )
    for script in book_benchmarks(project):
        for tab in tabs:
            log(f'{project.relative(script)} in {tab} ...')
            rows += book_benchmark_rows(project, script, tab)
    log('the author\'s loop: make with nothing changed, and make watch after an edit ...')
    loop = author_loop_times(project)
    clean, unchanged, weights = build_times(project)
    rows.append(
        row(
            '`make` with nothing changed (the set-up check, then `book html`), '
            'vs plain d2lbook\'s rebuild with nothing changed',
            loop['unchanged'],
            unchanged[1],
            's',
            '≤ 1.5 s',
        )
    )
    rows.append(
        row(
            'prose edit until the page reloads: `make watch` vs `make`',
            *loop['prose'],
            's',
            '≤ 2 s',
        )
    )
    rows.append(
        row(
            f'{project.default_tab} code edit, beyond the tab\'s own run: `make watch` vs `make`',
            *loop['code'],
            's',
            '≤ 2 s',
        )
    )
    rows.append(
        row(
            f'clean build, {len(project.tabs)} tabs + HTML, vs plain d2lbook', *clean, 's', '≤ 0.50'
        )
    )
    rows.append(
        row('`book html` with nothing changed, vs plain d2lbook', *unchanged, 's', 'a few seconds')
    )
    (ours_bytes, ours_seconds), (plain_bytes, plain_seconds) = weights['ours'], weights['plain']
    rows.append(
        f'| the page {bench_page(project)}: bytes it loads, vs plain d2lbook\'s | {ours_bytes / 1e6:.2f} MB '
        f'| {plain_bytes / 1e6:.2f} MB | {ours_bytes / plain_bytes:.2f} | ≤ 1.00 |'
    )
    rows.append(
        row(
            f'the page {bench_page(project)}: until MathJax has typeset it, headless Chromium',
            ours_seconds,
            plain_seconds,
            's',
            '≤ 1.00',
        )
    )
    log('first cell of the Colab notebooks, framework there vs a bare host ...')
    for tab, (with_framework, bare) in first_cell_times(project).items():
        rows.append(
            row(
                f'{tab}: first cell, host with the framework vs a bare host',
                with_framework,
                bare,
                's',
                '≤ 15 s',
            )
        )
    return '\n'.join(
        [
            '## The components, each against its reference',
            '',
            'Each pair was measured side by side in this run; ratio = this project / reference.',
            '',
            '| measure | this project | reference | ratio | goal |',
            '|---|---|---|---|---|',
            *rows,
            '',
        ]
    )
