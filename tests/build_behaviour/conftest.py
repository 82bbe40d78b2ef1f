"""Fixtures that more than one module of this suite reads."""

import subprocess

import pytest

from book_paths import PROJECT
from bookbuild.processes import without_network
from throwaway_book import book_command, copy_book


@pytest.fixture(scope='session')
def two_clean_builds(tmp_path_factory):
    """Two builds of the whole book: the repository's own, which `make test`
    builds before the suites (as usual, online), and a clean build of a copy,
    which renders the site too, with the network cut. Every notebook of the
    first ran from the same code in the same environment as the second's
    (tests/build/test_notebooks.py checks that the repository's evaluation
    is current). Returns (the repository's root, the copy, the copy's build
    result)."""
    first = PROJECT.root
    second = copy_book(tmp_path_factory.mktemp('offline'))
    offline = subprocess.run(
        without_network(book_command(second, 'html')),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return first, second, offline
