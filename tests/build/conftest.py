"""The browser tests' fixtures (tests/browser_reader.py): one server of
_build/ and one Chromium per module, and a fresh reader per test."""

import pytest

from book_paths import BUILD
from browser_reader import Reader, chromium, served


@pytest.fixture(scope='module')
def site_url():
    with served(BUILD) as url:
        yield url


@pytest.fixture(scope='module')
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def reader(browser, site_url):
    reader = Reader(browser, site_url)
    yield reader
    reader.close()
