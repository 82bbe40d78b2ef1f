"""The book's own measurements in `make bench` (config.ini [bench]
in_framework): each script runs in a framework's environment with the tab
as its argument, and its last line is a JSON list of the table's rows."""

import sys

import pytest

from bookbuild.bench import per_framework
from bookbuild.report import BuildError

ROWS = """\
import json, sys
print('warming up')
print(json.dumps([{'measure': f'{sys.argv[1]}: a layer', 'ours': 0.002, 'reference': 0.001,
                   'unit': 'ms', 'goal': '≤ 1.10'}]))
"""


@pytest.fixture
def project(book, monkeypatch):
    project = book({'index.md': '# A Book\n'})
    # The framework's environment: this interpreter stands in for it.
    monkeypatch.setattr(type(project), 'env_python', lambda self, tab: sys.executable)
    return project


def with_script(project, text):
    script = project.root / 'benchmarks' / 'mine.py'
    script.parent.mkdir()
    script.write_text(text, encoding='utf-8')
    config = project.root / 'config.ini'
    config.write_text(
        config.read_text(encoding='utf-8') + '\n[bench]\nin_framework = benchmarks/mine.py\n',
        encoding='utf-8',
    )
    return type(project)(project.root)


def test_a_book_benchmark_adds_its_rows_for_each_framework(project):
    project = with_script(project, ROWS)
    [script] = per_framework.book_benchmarks(project)
    rows = per_framework.book_benchmark_rows(project, script, 'jax')
    assert rows == ['| jax: a layer | 2.0 ms | 1.0 ms | 2.00 | ≤ 1.10: missed |']


def test_a_book_without_benchmarks_has_none(project):
    assert per_framework.book_benchmarks(project) == []


@pytest.mark.parametrize(
    ('text', 'message'),
    [
        ("print('no rows')\n", r'benchmarks/mine.py jax: its last line is not a JSON list of rows'),
        ("raise SystemExit('no framework')\n", r'benchmarks/mine.py jax failed:\nno framework'),
    ],
)
def test_a_benchmark_that_fails_or_prints_no_rows_is_named(project, text, message):
    project = with_script(project, text)
    [script] = per_framework.book_benchmarks(project)
    with pytest.raises(BuildError, match=message):
        per_framework.book_benchmark_rows(project, script, 'jax')
