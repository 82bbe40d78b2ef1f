"""The built site in a real browser, for the browser tests of tests/build:
Debian's headless Chromium, driven by Playwright, reading _build/ from a
server on 127.0.0.1 (so that the links between the editions work).

Every request the pages make is recorded; requests to any other host are
recorded and blocked, so they never leave the machine and still fail a test.
"""

import contextlib
import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import expect, sync_playwright

from book_paths import BUILD, PROJECT, SECTION
from bookbuild.languages import LANGUAGES

# Every `expect` waits for a state the page sets; this is only how long it
# may take before the test gives up. Playwright's 5 s default is short when
# `make test` runs three suites and Chromium side by side on two cores: a
# state that comes is then reported as one that never came.
expect.set_options(timeout=30_000)

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
]
SITE = BUILD / 'html'
# The English site and the editions' sites, as folders under the server's root.
EDITIONS = {code: f'{PROJECT.edition(code).url_prefix}html' for code in LANGUAGES}
SCREENSHOTS = BUILD / 'screenshots'
SECTION_PAGE = f'{SECTION}.html'
# Every page of the book (the editions have the same paths).
PAGES = [
    str(Path(PROJECT.relative(page)).with_suffix('.html')) for page in PROJECT.notebook_sources()
]
LOCAL_HOST = '127.0.0.1'


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class LocalSite(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the browser hung up early (a page left mid-download): not a site error


class Reader:
    """One browser profile (fresh storage) and what its pages did."""

    def __init__(self, browser, site_url, edition='en', **context_options):
        self.site_url = f'{site_url}/{EDITIONS[edition]}'
        options = {'viewport': {'width': 1280, 'height': 900}, **context_options}
        self.context = browser.new_context(**options)
        self.requests = []
        self.failed = []
        self.errors = []
        self.context.route('**/*', self._local_only)
        self.page = self.context.new_page()
        self.page.on('console', self._console)
        self.page.on('pageerror', lambda error: self.errors.append(f'uncaught: {error}'))
        self.page.on('requestfailed', self._request_failed)
        self.page.on('response', self._response)

    def _local_only(self, route):
        url = route.request.url
        self.requests.append(url)
        if urlparse(url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            route.abort()

    def _console(self, message):
        if message.type == 'error':
            self.errors.append(f'console: {message.text}')

    def _request_failed(self, request):
        # ERR_ABORTED: the page was left before the request finished (the
        # favicon, typically), which says nothing about the site.
        if request.failure != 'net::ERR_ABORTED' or urlparse(request.url).hostname != LOCAL_HOST:
            self.failed.append(f'{request.url} ({request.failure})')

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f'{response.url} (HTTP {response.status})')

    def open(self, path):
        self.goto(f'{self.site_url}/{path}')

    def goto(self, url):
        """Open a page and wait until it is ready to be used."""
        self.page.goto(url, wait_until='load')
        self.wait_until_ready()

    def reload(self):
        self.page.reload(wait_until='load')
        self.wait_until_ready()

    def follow(self, link, url_pattern):
        """Click a link to another page, and wait until that page is ready."""
        self.click(link)
        self.page.wait_for_url(url_pattern, wait_until='load')
        self.wait_until_ready()

    def wait_until_ready(self):
        """Until the page's scripts (static/page/) have set up the page (every
        feature's handlers attached, the reader's framework selected): core.js
        marks <html> with data-ready, "false" when a feature is missing or
        failed, which fails here with the page's errors. MathJax typesets on
        its own time: wait for it too."""
        self.page.locator('html[data-ready]').wait_for(state='attached')
        ready = self.page.get_attribute('html', 'data-ready')
        assert ready == 'true', f'{self.page.url} did not set up: {self.errors}'
        self.wait_for_mathjax()

    def wait_for_mathjax(self):
        if self.page.locator('span.math').count():
            self.page.wait_for_function(
                'window.MathJax && MathJax.startup && MathJax.startup.promise'
            )
            self.page.evaluate('MathJax.startup.promise')

    def remote_requests(self):
        return [url for url in self.requests if urlparse(url).hostname != LOCAL_HOST]

    def active_tabs(self):
        """The framework shown by each code group, in page order."""
        return self.page.evaluate('''() => Array.from(document.querySelectorAll('.mdl-tabs')).map(
            group => {
                const names = Array.from(group.querySelectorAll('.mdl-tabs__tab')).map(a => a.textContent.trim());
                const panels = Array.from(group.querySelectorAll(':scope > .mdl-tabs__panel'));
                const shown = panels.map(p => p.classList.contains('is-active') && p.offsetHeight > 0);
                return shown.filter(Boolean).length === 1 ? names[shown.indexOf(true)] : null;
            })''')

    def click_tab(self, name, group=-1):
        """Click a framework's tab, and wait until static/page/tabs.js has
        marked it selected (aria-selected), the state every test reads."""
        tab = (
            self.page.locator('.mdl-tabs__tab-bar')
            .nth(group)
            .locator('.mdl-tabs__tab', has_text=name)
        )
        self.click(tab)
        expect(tab).to_have_attribute('aria-selected', 'true')

    def click(self, element):
        """Click an element where the settled layout has it. The theme's
        header (MDL's waterfall header) folds its second row when the page
        scrolls, and moves the whole page up with an animation; a click
        aimed before that ends would land on whatever moved under it."""
        element.scroll_into_view_if_needed()
        self.wait_for_header()
        element.click()

    def uncheck(self, box):
        """Untick a checkbox, as click() clicks (Playwright then checks
        that the box is unticked)."""
        box.scroll_into_view_if_needed()
        self.wait_for_header()
        box.uncheck()

    def wait_for_header(self):
        """Until the header is folded exactly when the content is scrolled,
        and not animating: the state MDL's scroll handler ends in (the
        theme's material-design-lite, Layout.contentScrollHandler_)."""
        self.page.wait_for_function(
            """() => {
                const header = document.querySelector('.mdl-layout__header--waterfall');
                const content = document.querySelector('.mdl-layout__content');
                if (!header || !content) return true;
                const folded = header.classList.contains('is-compact');
                return !header.classList.contains('is-animating')
                    && folded === (content.scrollTop > 0);
            }"""
        )

    def screenshot_whole_page(self, path):
        """The theme scrolls its content pane, not the page, so a full-page
        screenshot would stop at the window: grow the window to fit first."""
        height = self.page.evaluate(
            "Math.max(...Array.from(document.querySelectorAll('.mdl-layout__content, body'))"
            ".map(e => e.scrollHeight))"
        )
        size = self.page.viewport_size
        self.page.set_viewport_size({'width': size['width'], 'height': min(height + 100, 20000)})
        self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size(size)

    def close(self):
        self.context.close()


def serious_violations(reader):
    """What axe-core finds serious or critical on the reader's page, as it
    is now."""
    reader.page.add_script_tag(path=str(PROJECT.axe_script))
    results = reader.page.evaluate('axe.run(document, {resultTypes: ["violations"]})')
    return [
        f'{v["id"]} ({v["impact"]}): {v["help"]} at {[n["target"] for n in v["nodes"][:3]]}'
        for v in results['violations']
        if v['impact'] in ('serious', 'critical')
    ]


def serve(directory):
    """A server of directory on 127.0.0.1; returns (server, its URL)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = LocalSite((LOCAL_HOST, 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f'http://{LOCAL_HOST}:{server.server_address[1]}'


@contextlib.contextmanager
def served(directory):
    """serve(directory) for a with block: its URL, and the server shut down after."""
    server, url = serve(directory)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium():
    """Debian's Chromium, driven by Playwright, for a with block."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
