"""bookbuild.testing.suites (`book test`): every suite but the unit tier
(which `make unit` has run before), and a summary line per suite with its
counts and time."""

import json
import re

import pytest

from bookbuild import timings
from bookbuild.testing import suites


@pytest.fixture(autouse=True)
def outside_make_test(monkeypatch):
    """No timed steps, unless a test records some: `make test` runs this tier
    with its own timings file named in the environment."""
    monkeypatch.delenv(timings.TIMINGS_VARIABLE, raising=False)


def test_book_test_runs_every_suite_in_its_environment_but_not_the_unit_tier(book):
    project = book(tabs='pytorch, jax')
    assert suites.suites(project) == [
        ('build', 'book'),
        ('build_behaviour', 'book'),
        ('learners', 'book'),
        ('framework_pytorch', 'pytorch'),
        ('framework_jax', 'jax'),
    ]


def test_the_summary_gives_each_suites_counts_and_time_and_fails_on_a_skip(
    book, monkeypatch, capsys
):
    results = {'build': (3, 0, 0), 'build_behaviour': (2, 0, 1), 'framework_jax': (4, 1, 0)}
    monkeypatch.setattr(suites, 'suites', lambda project: [(name, 'book') for name in results])
    monkeypatch.setattr(
        suites, 'run_suite', lambda project, suite, env_name, report: results[suite]
    )
    assert suites.main(book()) == 1
    summary = capsys.readouterr().out.strip().splitlines()
    rows = [re.split(r'\s{2,}', line) for line in summary[:4]]
    assert [(row[0], row[-1]) for row in rows[:3]] == [
        ('[test] suite build', '3 passed, 0 failed, 0 skipped'),
        ('[test] suite build_behaviour', '2 passed, 0 failed, 1 skipped'),
        ('[test] suite framework_jax', '4 passed, 1 failed, 0 skipped'),
    ]
    assert rows[3][0] == '[test] all'
    assert all(row[1].endswith(' s') for row in rows), rows
    assert summary[4:6] == [
        '[test] problem: build_behaviour: 1 skipped',
        '[test] problem: framework_jax: 1 failed',
    ]
    assert summary[-1].startswith('9 passed, 1 failed, 1 skipped in ')


def test_the_table_begins_with_the_steps_make_test_ran_and_ends_with_their_sum(
    book, monkeypatch, capsys, tmp_path
):
    """`make test` times its steps (timings.py); `book test` lists them
    before its suites, and the total holds both."""
    path = tmp_path / 'timings.jsonl'
    # The first step started 400 s ago: the total is the time since, not the
    # sum of the rows (the suites run side by side).
    timings.record(path, 'unit', 1000.0, 12.0, 0)
    timings.record(path, 'html', 1012.0, 349.0, 0)
    monkeypatch.setenv(timings.TIMINGS_VARIABLE, str(path))
    monkeypatch.setattr(suites, 'suites', lambda project: [('build', 'book')])
    monkeypatch.setattr(suites, 'run_suite', lambda project, suite, env_name, report: (5, 0, 0))
    monkeypatch.setattr(suites.time, 'perf_counter', iter(range(0, 1000, 30)).__next__)
    monkeypatch.setattr(suites.time, 'time', lambda: 1400.0)
    assert suites.main(book()) == 0
    summary = capsys.readouterr().out.strip().splitlines()
    rows = [re.split(r'\s{2,}', line) for line in summary[:4]]
    assert rows == [
        ['[test] unit', '12.0 s', 'ok'],
        ['[test] html', '5 min 49 s', 'ok'],
        ['[test] suite build', '30.0 s', '5 passed, 0 failed, 0 skipped'],
        ['[test] all', '6 min 40 s'],
    ]


def test_the_learners_suite_starts_once_every_other_suite_has_ended(book, monkeypatch, capsys):
    events = []
    monkeypatch.setattr(
        suites,
        'suites',
        lambda project: [('build', 'book'), ('learners', 'book'), ('framework_jax', 'jax')],
    )

    def run_suite(project, suite, env_name, report):
        events.append(('start', suite))
        events.append(('end', suite))
        return 1, 0, 0

    monkeypatch.setattr(suites, 'run_suite', run_suite)
    assert suites.main(book()) == 0
    assert events[-2:] == [('start', 'learners'), ('end', 'learners')]
    assert sorted(events[:-2]) == sorted(
        [('start', 'build'), ('end', 'build'), ('start', 'framework_jax'), ('end', 'framework_jax')]
    )
    # The summary keeps the suites' order, whatever order they ended in.
    summary = capsys.readouterr().out.strip().splitlines()
    assert [re.split(r'\s{2,}', line)[0] for line in summary[:3]] == [
        '[test] suite build',
        '[test] suite learners',
        '[test] suite framework_jax',
    ]


def stand_in(path, script):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('#!/bin/sh\n' + script)
    path.chmod(0o755)
    return path


def test_make_test_runs_its_steps_in_order_timed_then_book_test(book, tmp_path, capsys):
    project = book()
    project.venv = tmp_path / '.venv'
    ran = tmp_path / 'ran'
    make = stand_in(tmp_path / 'make', f'echo "make $1" >> {ran}\n')
    stand_in(
        project.env_dir('book') / 'bin' / 'book',
        f'echo "book $1 $BOOK_TIMINGS" >> {ran}\n',
    )
    assert timings.run_steps(project, ['unit', 'html'], str(make)) == 0
    path = project.build_dir / 'timings.jsonl'
    assert ran.read_text().splitlines() == ['make unit', 'make html', f'book test {path}']
    steps = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(step['step'], step['status']) for step in steps] == [('unit', 0), ('html', 0)]


def test_a_failing_step_stops_make_test_with_the_table_so_far(book, tmp_path, capsys):
    project = book()
    project.venv = tmp_path / '.venv'
    make = stand_in(tmp_path / 'make', '[ "$1" = lint ] && exit 2\nexit 0\n')
    assert timings.run_steps(project, ['unit', 'lint', 'html'], str(make)) == 2
    table = [line for line in capsys.readouterr().out.splitlines() if line.startswith('[test]')]
    assert [re.split(r'\s{2,}', line)[::2] for line in table] == [
        ['[test] unit', 'ok'],
        ['[test] lint', 'exit 2'],
        ['[test] all'],
    ]
