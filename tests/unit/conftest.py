"""The unit tier: tests that need nothing built, no kernel, no framework and
no network, and run in .venv/book in seconds (`make unit`)."""

import pytest

from tiny_book import write_book


@pytest.fixture
def book(tmp_path):
    """Write a small book into the test's own folder: book(pages, tabs=...)
    returns its Project."""

    def make(pages=None, **options):
        return write_book(tmp_path, pages or {}, **options)

    return make
