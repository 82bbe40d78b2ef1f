"""Fixtures that more than one module of this suite reads."""

import subprocess

import pytest

from bookbuild.processes import without_network
from throwaway_book import book_command, build_ok, copy_book


@pytest.fixture(scope='session')
def two_clean_builds(tmp_path_factory):
    """Two clean builds of the whole book, each in its own copy: the first
    evaluates as usual, the second renders the site too, with the network
    cut. Returns (first copy, second copy, the second build's result)."""
    first = copy_book(tmp_path_factory.mktemp('online'))
    build_ok(first, 'eval')
    second = copy_book(tmp_path_factory.mktemp('offline'))
    offline = subprocess.run(
        without_network(book_command(second, 'html')),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return first, second, offline
