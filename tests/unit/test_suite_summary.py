"""bookbuild.testing.suites (`book test`): every suite but the unit tier
(which `make unit` has run before), and a summary line per suite with its
counts and time."""

import pytest

from bookbuild.testing import suites


def test_book_test_runs_every_suite_in_its_environment_but_not_the_unit_tier(book):
    project = book(tabs='pytorch, jax')
    assert suites.suites(project) == [
        ('build', 'book'),
        ('build_behaviour', 'book'),
        ('learners', 'book'),
        ('framework_pytorch', 'pytorch'),
        ('framework_jax', 'jax'),
    ]


@pytest.mark.parametrize(
    'seconds, shown', [(4.26, '4.3 s'), (59.9, '59.9 s'), (60, '1 min 0 s'), (468.4, '7 min 48 s')]
)
def test_a_duration_reads_in_seconds_then_minutes(seconds, shown):
    assert suites.duration(seconds) == shown


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
    assert [line.rsplit(' in ', 1)[0] for line in summary[:3]] == [
        '[test] build: 3 passed, 0 failed, 0 skipped',
        '[test] build_behaviour: 2 passed, 0 failed, 1 skipped',
        '[test] framework_jax: 4 passed, 1 failed, 0 skipped',
    ]
    assert all(line.endswith(' s') for line in summary[:3] + summary[-1:])
    assert summary[3:5] == [
        '[test] problem: build_behaviour: 1 skipped',
        '[test] problem: framework_jax: 1 failed',
    ]
    assert summary[-1].startswith('9 passed, 1 failed, 1 skipped in ')


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
    assert [line.split(':')[0] for line in summary[:3]] == [
        '[test] build',
        '[test] learners',
        '[test] framework_jax',
    ]
