"""The goals `make bench` judges (bookbuild.bench.goals), on made-up
figures: the ratios, met or missed at each size, where the time went beside
a missed goal, the clean build's time split and profile, and `--only loop`,
which measures the goals alone. Nothing here times anything."""

import json
import math

import pytest

from bookbuild.bench import at_scale, author_loop, goals, measure, runs
from bookbuild.pipeline import TIMELINE_FILE
from bookbuild.report import BuildError

STEPS = {
    'prose': 'check 0.05 s, evaluate 0.10 s, render 1.90 s (rst 0.70 s, sphinx 1.10 s)',
    'code': 'check 0.05 s, evaluate 6.00 s, render 1.20 s',
}


def loop(prose_make, prose_watch, code_watch=0.5, unchanged=0.3, clean=60.0):
    """(times, about) of one size of the book, as at_scale.scale_times gives them."""
    times = {
        goals.CLEAN: clean,
        'clean: evaluation': 40.0,
        'clean: render overlapped with evaluation': 15.0,
        goals.RENDER_AFTER: 5.0,
        goals.UNCHANGED_MAKE: unchanged,
        goals.PROSE_MAKE: prose_make,
        goals.PROSE_WATCH: prose_watch,
        'code edit of one page-tab, make (beyond its run)': 3.0,
        goals.CODE_WATCH: code_watch,
    }
    about = {'pages': 5, 'notebooks': 20, 'kernel': 80.0, 'cores': 2, 'watch steps': STEPS}
    return times, about


def clean(ours, plain, kernel=40.0, split=True):
    return {
        'ours': ours,
        'plain': plain,
        'kernel': kernel,
        'cores': 2,
        'split': goals.time_split((0.0, 30.0), [(10.0, 34.0)]) if split else None,
    }


def by_what(goal_list):
    return {goal.what: goal for goal in goal_list}


def test_a_ratio_is_ours_over_the_reference_and_nan_without_one():
    assert goals.ratio(3.0, 1.5) == 2.0
    assert math.isnan(goals.ratio(3.0, 0.0))


@pytest.mark.parametrize(
    ('measured', 'verdict'), [(1.5, 'met'), (1.49, 'met'), (1.51, 'missed'), (math.nan, 'missed')]
)
def test_a_goal_is_met_up_to_its_limit_and_missed_above_or_without_a_figure(measured, verdict):
    goal = goals.Goal('`make watch` shows a prose edit', 1.5, 's', hard=True, measured=measured)
    assert goal.verdict == verdict


def test_a_goal_this_run_did_not_measure_says_so():
    goal = goals.Goal('`make watch` shows a prose edit', 1.5, 's', hard=True)
    assert (goal.verdict, goal.measured_text) == ('not measured', '–')


def test_make_after_a_prose_edit_is_judged_against_twice_watch_at_1x_and_16x():
    results = {1: loop(prose_make=2.8, prose_watch=1.4), 16: loop(prose_make=5.0, prose_watch=2.2)}
    goal_list = by_what(goals.issue_goals(results, None))
    at_1 = goal_list['`make` after a prose edit, 1× book']
    at_16 = goal_list['`make` after a prose edit, 16× book']
    assert (at_1.measured, at_1.hard, at_1.verdict) == (2.0, True, 'met')
    assert (round(at_16.measured, 3), at_16.hard, at_16.verdict) == (2.273, True, 'missed')
    assert at_16.limit_text == '≤ 2.00 × `make watch`'
    assert at_16.figures == '`make` 5.00 s, `make watch` 2.20 s'


@pytest.mark.parametrize(
    ('prose_make', 'prose_watch', 'figures'),
    [
        (2.8, None, '`make` 2.80 s, `make watch` not measured'),
        (None, 1.4, '`make` not measured, `make watch` 1.40 s'),
    ],
)
def test_make_over_watch_with_one_of_them_not_measured_says_so(prose_make, prose_watch, figures):
    """A run stopped between the two timings: no ratio, no error."""
    times = {goals.PROSE_MAKE: prose_make, goals.PROSE_WATCH: prose_watch}
    times = {measure: time for measure, time in times.items() if time is not None}
    goal = goals.loop_goals(1, times, STEPS)[goals.PROSE_MAKE]
    assert (goal.verdict, goal.measured_text, goal.figures) == ('not measured', '–', figures)
    assert 'not measured' in goals.goals_table([goal])


def test_watch_is_a_hard_goal_at_1x_and_one_that_may_be_missed_at_16x():
    results = {1: loop(prose_make=2.0, prose_watch=1.6), 16: loop(prose_make=3.0, prose_watch=1.9)}
    goal_list = by_what(goals.issue_goals(results, None))
    at_1 = goal_list['`make watch` shows a prose edit, 1× book']
    at_16 = goal_list['`make watch` shows a prose edit, 16× book']
    assert (at_1.limit, at_1.hard, at_1.verdict) == (1.5, True, 'missed')
    assert (at_16.limit, at_16.hard, at_16.verdict) == (2.0, False, 'met')


def test_a_missed_goal_shows_watchs_steps_and_a_met_one_does_not():
    results = {1: loop(2.0, 1.2, code_watch=2.5), 16: loop(3.0, 2.4, code_watch=1.0)}
    table = goals.goals_table(goals.issue_goals(results, None))
    [watch_16] = [row for row in table.splitlines() if 'shows a prose edit, 16×' in row]
    [watch_1] = [row for row in table.splitlines() if 'shows a prose edit, 1×' in row]
    [code_1] = [row for row in table.splitlines() if 'code edit, beyond the tab\'s run, 1×' in row]
    assert '**missed**' in watch_16 and STEPS['prose'] in watch_16
    assert '**met**' in watch_1 and STEPS['prose'] not in watch_1
    assert '**missed**' in code_1 and STEPS['code'] in code_1


def test_the_hard_goals_come_first_and_every_row_says_its_verdict():
    results = {1: loop(2.0, 1.2), 16: loop(3.0, 1.8)}
    rows = goals.goals_table(goals.issue_goals(results, clean(20.0, 100.0))).splitlines()[2:]
    kinds = [row.split(' | ')[1] for row in rows]
    assert kinds == ['hard'] * 3 + ['may be missed'] * 4
    assert all(
        any(f'**{verdict}**' in row for verdict in ('met', 'missed', 'not measured'))
        for row in rows
    )


def test_a_size_not_built_leaves_its_goals_not_measured():
    goal_list = goals.issue_goals({1: loop(2.0, 1.2), 4: loop(2.5, 1.4)}, None)
    at_16 = [goal for goal in goal_list if '16×' in goal.what]
    assert len(at_16) == 3
    assert {goal.verdict for goal in at_16} == {'not measured'}
    assert by_what(goal_list)['clean build, against plain d2lbook\'s in the same run'].verdict == (
        'not measured'
    )


def test_the_loop_goals_hold_at_1x_and_16x_only_and_the_bench_goals_at_the_largest():
    times, about = loop(2.0, 1.2)
    assert set(goals.size_goals(4, 16, times, about)) == set()
    assert set(goals.size_goals(16, 16, times, about)) == {
        goals.PROSE_MAKE,
        goals.PROSE_WATCH,
        goals.CODE_WATCH,
        goals.UNCHANGED_MAKE,
        goals.CLEAN,
    }
    # Ideal: 80 s of kernels on 2 cores, plus 5 s of render after evaluation.
    assert goals.size_goals(16, 16, times, about)[goals.CLEAN].measured == 60.0 / 45.0
    del times[goals.RENDER_AFTER]
    assert goals.size_goals(16, 16, times, about)[goals.CLEAN].verdict == 'not measured'


def test_a_clean_build_within_040_of_plain_is_met_with_its_time_split():
    goal = goals.clean_goal(clean(ours=38.0, plain=100.0))
    assert (goal.measured, goal.verdict, goal.why) == (0.38, 'met', '')
    assert goal.figures == (
        'this build 38.0 s (evaluation 30.0 s, render overlapped with evaluation 20.0 s, '
        'render after evaluation 4.0 s), plain d2lbook 100.0 s'
    )


def test_a_missed_clean_build_shows_the_kernels_floor_and_whether_it_alone_keeps_it_above():
    kernels_bound = goals.clean_goal(clean(ours=50.0, plain=100.0, kernel=90.0))
    assert kernels_bound.verdict == 'missed'
    assert kernels_bound.why == (
        'profile: the kernels ran 90.0 s on 2 cores, a floor of 45.0 s = 0.45 × plain d2lbook; '
        'the kernels alone keep it above 0.40 ×'
    )
    render_bound = goals.clean_goal(clean(ours=50.0, plain=100.0, kernel=40.0))
    assert render_bound.why == (
        'profile: the kernels ran 40.0 s on 2 cores, a floor of 20.0 s = 0.20 × plain d2lbook; '
        '30.0 s above the floor, of which render after evaluation 4.0 s'
    )


def test_a_missed_clean_build_with_its_cpu_measured_takes_the_cpu_as_its_floor():
    figures = dict(clean(29.0, 70.0, kernel=89.5), cpu=52.0)
    goal = goals.clean_goal(figures)
    assert goal.verdict == 'missed'
    assert goal.why == (
        'profile: the build used 52.0 s of CPU, its kernels included, on 2 cores, '
        'a floor of 26.0 s = 0.37 × plain d2lbook; 3.0 s above the floor, '
        'of which render after evaluation 4.0 s'
    )
    goal = goals.clean_goal(dict(figures, cpu=60.0))
    assert goal.why.endswith('the CPU it needs alone keeps it above 0.40 ×')


def test_a_clean_build_without_a_timeline_says_it_has_no_split():
    goal = goals.clean_goal(clean(ours=50.0, plain=100.0, split=False))
    assert '(the build wrote no time split)' in goal.figures
    assert goal.why.endswith('30.0 s above the floor')


@pytest.mark.parametrize(
    ('evaluation', 'renders', 'split'),
    [
        # Rendered after the evaluation only: nothing overlapped.
        ((0.0, 40.0), [(40.0, 60.0)], (40.0, 0.0, 20.0)),
        # Pages rendered while kernels ran, the last after them.
        ((0.0, 40.0), [(10.0, 20.0), (30.0, 45.0)], (40.0, 20.0, 5.0)),
        # Entirely inside the evaluation.
        ((5.0, 40.0), [(10.0, 20.0)], (35.0, 10.0, 0.0)),
    ],
)
def test_the_time_split_divides_the_render_at_the_evaluations_end(evaluation, renders, split):
    got = goals.time_split(evaluation, renders)
    assert tuple(got.values()) == split
    assert list(got) == [
        goals.EVALUATION_NAME,
        goals.RENDER_OVERLAPPED_NAME,
        goals.RENDER_AFTER_NAME,
    ]


def test_the_time_split_is_read_from_the_builds_timeline(tmp_path):
    assert runs.time_split_of(tmp_path) is None
    path = tmp_path / '_build' / TIMELINE_FILE
    path.parent.mkdir()
    path.write_text(json.dumps({'evaluation': [0, 40], 'render': [[30, 50]]}), encoding='utf-8')
    assert runs.time_split_of(tmp_path) == {
        goals.EVALUATION_NAME: 40,
        goals.RENDER_OVERLAPPED_NAME: 10.0,
        goals.RENDER_AFTER_NAME: 10.0,
    }
    path.write_text(json.dumps({'render': []}), encoding='utf-8')
    with pytest.raises(BuildError, match=rf'{TIMELINE_FILE}: expected .*evaluation'):
        runs.time_split_of(tmp_path)


def test_each_size_table_carries_its_goals_verdicts_and_the_way_make_was_timed():
    results = {1: loop(2.8, 1.4), 4: loop(3.0, 1.6), 16: loop(5.0, 2.2)}
    tables = at_scale.scale_tables(results)
    [prose_make_1] = [
        row for row in tables[0].splitlines() if row.startswith('| prose edit, make |')
    ]
    [prose_make_4] = [
        row for row in tables[1].splitlines() if row.startswith('| prose edit, make |')
    ]
    assert prose_make_1.endswith('| ≤ 2.00 × `make watch` (2.00 ×): met |')
    assert prose_make_4.endswith('|  |')
    assert '`make watch` (2.27 ×): missed |' in tables[2]
    assert all(goals.MAKE_AS_TIMED in table for table in tables)


def test_watchs_steps_are_read_from_its_last_rebuild_line(tmp_path):
    (tmp_path / 'watch.log').write_text(
        'serving http://127.0.0.1:8000\n'
        '[watch] rebuilt a (check 1.00 s)\n'
        f'[watch] rebuilt a, b ({STEPS["prose"]})\n',
        encoding='utf-8',
    )
    assert author_loop.last_watch_timings(tmp_path) == STEPS['prose']


def test_only_loop_measures_the_goals_and_nothing_else(book, monkeypatch):
    project = book({'index.md': '# A Book\n'})
    called = []
    monkeypatch.setattr(
        measure, 'component_table', lambda project: called.append('components') or ('', None)
    )
    monkeypatch.setattr(
        measure,
        'clean_builds',
        lambda project, scratch: called.append('clean') or (None, clean(38.0, 100.0)),
    )

    def scale_times(project, factor, scratch, forms):
        called.append((factor, forms))
        return loop(2.0, 1.2)

    monkeypatch.setattr(measure, 'scale_times', scale_times)
    assert measure.main(project, 'loop', [16, 1]) == 0
    assert called == ['clean', (1, False), (16, False)]
    text = (project.build_dir / 'bench.md').read_text(encoding='utf-8')
    assert text.index('## The goals') < text.index('## The book at scale')
    assert 'The components' not in text
    assert '**not measured**' not in text


@pytest.mark.parametrize(
    ('goal', 'ours', 'reference', 'verdict'),
    [
        ('≤ 1.10', 1.1, 1.0, 'met'),
        ('≤ 1.10', 1.2, 1.0, 'missed'),
        ('< 1.05', 1.05, 1.0, 'missed'),
        ('< 1.05', 1.04, 1.0, 'met'),
        ('≤ 15 s', 14.0, 90.0, 'met'),
        ('≤ 15 s', 16.0, 1.0, 'missed'),
        ('a few seconds', 3.0, 1.0, ''),
    ],
)
def test_a_components_rows_goal_is_judged_on_the_ratio_or_on_its_seconds(
    goal, ours, reference, verdict
):
    assert goals.row_verdict(goal, ours, reference) == verdict
    assert runs.row('a measure', ours, reference, 's', goal).endswith(
        f'| {goal}: {verdict} |' if verdict else f'| {goal} |'
    )
