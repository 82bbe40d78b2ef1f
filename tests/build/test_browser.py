"""The built site in a real browser: Debian's headless Chromium, driven by
Playwright, reading _build/html from a server on 127.0.0.1.

Every request the pages make is recorded; requests to any other host are
recorded and blocked, so they never leave the machine and still fail a test.
"""

import functools
import http.server
import threading
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

from book_paths import BUILD, DEFAULT_TAB, SECTION, TABS

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
SCREENSHOTS = BUILD / 'screenshots'
SECTION_PAGE = f'{SECTION}.html'
PAGES = ['index.html', 'chapter_builders-guide/index.html', SECTION_PAGE, 'references.html']
LOCAL_HOST = '127.0.0.1'


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class LocalSite(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the browser hung up early (a page left mid-download): not a site error


@pytest.fixture(scope='module')
def site_url():
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = LocalSite((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f'http://{LOCAL_HOST}:{server.server_address[1]}'
    server.shutdown()
    server.server_close()


@pytest.fixture(scope='module')
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Reader:
    """One browser profile (fresh storage) and what its pages did."""

    def __init__(self, browser, site_url):
        self.site_url = site_url
        self.context = browser.new_context(viewport={'width': 1280, 'height': 900})
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
        self.page.goto(f'{self.site_url}/{path}', wait_until='load')
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
        tab = (
            self.page.locator('.mdl-tabs__tab-bar')
            .nth(group)
            .locator('.mdl-tabs__tab', has_text=name)
        )
        tab.scroll_into_view_if_needed()
        tab.click()

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


@pytest.fixture
def reader(browser, site_url):
    reader = Reader(browser, site_url)
    yield reader
    reader.close()


def test_every_page_loads_without_errors_or_missing_files(reader):
    for path in PAGES:
        reader.open(path)
    assert not reader.errors, reader.errors
    assert not reader.failed, reader.failed


def test_pages_request_nothing_from_other_hosts(reader):
    for path in PAGES:
        reader.open(path)
    reader.open(SECTION_PAGE)
    reader.click_tab(TABS[-1])
    assert reader.requests, 'the pages made no request at all: was anything recorded?'
    assert reader.remote_requests() == []


def test_mathjax_and_the_copy_icon_are_served_by_the_site(reader):
    reader.open(SECTION_PAGE)
    local_paths = [urlparse(url).path for url in reader.requests]
    assert '/_static/mathjax/tex-mml-chtml.js' in local_paths
    icons = reader.page.locator('a.copybtn img')
    assert icons.count() > 0, 'no copy buttons on the section'
    for src, width in icons.evaluate_all('imgs => imgs.map(i => [i.src, i.naturalWidth])'):
        assert urlparse(src).hostname == LOCAL_HOST and width > 0, (src, width)


def test_equations_are_rendered_by_mathjax_not_left_as_tex(reader):
    reader.open(SECTION_PAGE)
    equations = reader.page.locator('span.math')
    assert equations.count() >= 1, 'the section has no equation'
    rendered = reader.page.locator('span.math mjx-container')
    assert rendered.count() == equations.count()
    visible_text = reader.page.inner_text('body')
    assert '\\(' not in visible_text and '\\sum' not in visible_text


def test_a_click_on_a_tab_switches_every_code_group(reader):
    reader.open(SECTION_PAGE)
    assert set(reader.active_tabs()) == {DEFAULT_TAB}
    for name in TABS[::-1]:
        reader.click_tab(name, group=0)
        tabs = reader.active_tabs()
        assert len(tabs) >= 2 and set(tabs) == {name}, tabs


def test_the_chosen_framework_survives_a_reload(reader):
    reader.open(SECTION_PAGE)
    reader.click_tab('jax')
    reader.page.reload(wait_until='load')
    assert set(reader.active_tabs()) == {'jax'}


def test_the_chosen_framework_survives_a_change_of_page(reader):
    reader.open(SECTION_PAGE)
    reader.click_tab('tensorflow')
    # Leave by a link on the page, and come back by another.
    reader.page.locator('a[href="../index.html"]').filter(visible=True).first.click()
    reader.page.wait_for_load_state('load')
    assert reader.page.url.endswith('/index.html')
    reader.page.locator(f'a[href="{SECTION_PAGE}"]').filter(visible=True).first.click()
    reader.page.wait_for_load_state('load')
    assert reader.page.url.endswith(SECTION_PAGE)
    assert set(reader.active_tabs()) == {'tensorflow'}
    assert not reader.errors, reader.errors


def test_a_new_reader_starts_on_the_default_framework(browser, site_url):
    first = Reader(browser, site_url)
    first.open(SECTION_PAGE)
    first.click_tab('mxnet')
    first.close()
    stranger = Reader(browser, site_url)  # a fresh profile: nothing remembered
    stranger.open(SECTION_PAGE)
    assert set(stranger.active_tabs()) == {DEFAULT_TAB}
    stranger.close()


def test_screenshot_of_the_section_per_framework(reader):
    """Saved for people to look at: _build/screenshots/<section>-<tab>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reader.open(SECTION_PAGE)
    shots = {}
    for name in TABS:
        reader.click_tab(name, group=0)
        assert set(reader.active_tabs()) == {name}
        path = SCREENSHOTS / f'{SECTION.split("/")[-1]}-{name}.png'
        path.unlink(missing_ok=True)
        reader.screenshot_whole_page(path)
        shots[name] = path.read_bytes()
    assert all(len(image) > 50_000 for image in shots.values())
    assert len(set(shots.values())) == len(TABS), 'two frameworks look the same'
