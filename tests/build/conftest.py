"""The browser tests' fixtures (tests/browser_reader.py): one server of
_build/ and one Chromium per module, and a fresh reader per test."""

import pytest
from playwright.sync_api import sync_playwright

from book_paths import BUILD
from browser_reader import CHROMIUM, CHROMIUM_ARGS, Reader, serve


@pytest.fixture(scope='module')
def site_url():
    server, url = serve(BUILD)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope='module')
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def reader(browser, site_url):
    reader = Reader(browser, site_url)
    yield reader
    reader.close()
