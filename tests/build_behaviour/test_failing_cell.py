"""A cell that raises stops the build, and the last lines say where and why."""

import pytest

from bookbuild.project import Project
from throwaway_book import SECTION, build, copy_book, fence, tiny_section

FAILING_FIRST_LINE = 'received_width = 3'
SECTION_TEXT = tiny_section(
    'Every tab but JAX gets through this page.\n\n'
    + fence('pytorch, mxnet, tensorflow', 'received_width = 3\nreceived_width')
    + '\n'
    + fence(
        'jax',
        FAILING_FIRST_LINE + '\nraise ValueError(f\'expected 4 features, got {received_width}\')',
    )
    + '\nProse after the failing cell.\n'
)


@pytest.fixture(scope='module')
def failed_build(tmp_path_factory):
    project = copy_book(tmp_path_factory.mktemp('failing'), SECTION_TEXT)
    # A notebook left by an earlier, successful run must not survive a failure.
    stale = Project(project).eval_dir('jax') / SECTION.replace('.md', '.ipynb')
    stale.parent.mkdir(parents=True)
    stale.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    return project, build(project)


def failing_cell_position(text):
    """(line of the failing cell's fence, its number among the page's code cells)."""
    lines = text.split('\n')
    fence_index = lines.index('%%tab jax') - 1
    number = sum(line.startswith('```{.python .input}') for line in lines[: fence_index + 1])
    return fence_index + 1, number


def last_lines(output, count=5):
    return [line for line in output.splitlines() if line.strip()][-count:]


def test_a_failing_cell_makes_the_build_exit_non_zero(failed_build):
    _, result = failed_build
    assert result.returncode != 0


def test_the_last_lines_name_file_line_tab_cell_and_exception(failed_build):
    _, result = failed_build
    line, number = failing_cell_position(SECTION_TEXT)
    tail = '\n'.join(last_lines(result.stdout))
    assert f'{SECTION}:{line}' in tail, tail
    assert 'jax' in tail, tail
    assert f'code cell {number}' in tail, tail
    assert FAILING_FIRST_LINE in tail, tail
    assert 'ValueError: expected 4 features, got 3' in tail, tail


def test_nothing_is_printed_after_the_exception(failed_build):
    _, result = failed_build
    assert 'ValueError: expected 4 features, got 3' in last_lines(result.stdout, 1)[0]


def test_the_failing_tab_leaves_no_notebook_and_nothing_is_rendered(failed_build):
    project, _ = failed_build
    build_dir = Project(project).build_dir
    assert not (build_dir / 'eval_jax' / SECTION.replace('.md', '.ipynb')).exists()
    assert not (build_dir / 'html').exists()
    # The other tabs finished: their results are kept for the next build.
    assert (build_dir / 'eval_mxnet' / SECTION.replace('.md', '.ipynb')).exists()
