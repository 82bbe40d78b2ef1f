"""`make bench`'s clean builds and rebuilds, this book's against the plain
d2lbook flow, each in its own throw-away copy of the book, and the weight
and load time of the page each makes, in headless Chromium."""

import concurrent.futures
import configparser
import os
import tempfile
from pathlib import Path

from ..processes import book_env, d2lbook
from ..project import copy_book_sources
from .runs import bench_page, bench_says, clean_build, quiet, this_build, timed


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


def clean_builds(project, scratch):
    """A clean build of this book and one with the plain d2lbook flow, side
    by side in fresh copies under scratch: (the copies, {'ours', 'plain':
    seconds, 'split', 'kernel', 'cores'}), the second as goals.clean_goal
    takes it."""
    plain = as_plain_d2lbook(copy_book_sources(project.root, Path(scratch) / 'plain'))
    ours = copy_book_sources(project.root, Path(scratch) / 'ours')
    bench_says('clean build, plain d2lbook flow ...')
    plain_clean = timed(lambda: plain_d2lbook_build(project, plain))
    bench_says('clean build, this build ...')
    built = clean_build(ours)
    clean = {
        'ours': built['seconds'],
        'plain': plain_clean,
        'split': built['split'],
        'kernel': built['kernel'],
        'cpu': built['cpu'],
        'cores': os.cpu_count() or 1,
    }
    return (ours, plain), clean


def build_times(project):
    """The clean builds (clean_builds), ((this build, plain d2lbook) with
    nothing changed), and {'ours'/'plain': (bytes, seconds)} of the bench's
    page as they render it."""
    with tempfile.TemporaryDirectory(prefix='bench-') as scratch:
        (ours, plain), clean = clean_builds(project, scratch)
        bench_says('rebuild with nothing changed, both ...')
        ours_again = timed(lambda: this_build(ours))
        plain_again = timed(lambda: plain_d2lbook_build(project, plain))
        bench_says(f'the page {bench_page(project)} in headless Chromium, both ...')
        weights = page_weights(
            project, {'ours': ours / '_build' / 'html', 'plain': plain / '_build' / 'html'}
        )
    return clean, (ours_again, plain_again), weights


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
