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


def pytest_configure(config):
    # d2lbook's notedown imports pkg_resources, which warns on import: not
    # the build's to fix, and noise in a tier read at a glance.
    for warning in (
        'ignore:pkg_resources is deprecated:UserWarning',
        'ignore:Deprecated call to `pkg_resources.declare_namespace:DeprecationWarning',
    ):
        config.addinivalue_line('filterwarnings', warning)
