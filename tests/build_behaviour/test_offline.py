"""The book builds with no network once `make setup` has run."""

import subprocess

from bookbuild.processes import without_network
from bookbuild.project import Project
from throwaway_book import SECTION, actions, executed, tabs


def offline(cmd):
    return subprocess.run(
        without_network(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def test_the_namespace_has_only_the_loopback_device():
    result = offline(['ip', '-o', 'link'])
    assert result.returncode == 0, result.stdout
    devices = [line.split(':')[1].strip() for line in result.stdout.splitlines()]
    assert devices == ['lo'], result.stdout


def test_a_clean_build_of_the_book_succeeds_with_the_network_cut(two_clean_builds):
    """The second of the two clean builds (conftest.py) ran without a network."""
    _, project, result = two_clean_builds
    assert result.returncode == 0, result.stdout[-3000:]
    assert {(SECTION, tab) for tab in tabs()} <= set(executed(project))
    assert 'failed' not in actions(project).values()
    assert (Project(project).html_dir / SECTION.replace('.md', '.html')).exists()
