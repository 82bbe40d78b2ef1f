"""The goals `make bench` holds the author's loop and the clean build to,
and whether a run met them, from figures measured side by side in that run.

Two goals are hard: `make` after a prose edit (the literal command, with its
set-up check) takes at most twice `make watch`'s time for the same edit, at
1× and 16× the book; and `make watch` shows a prose edit in at most 1.5 s at
1×. The others may be missed with a measured reason, shown beside them:
`make watch`'s per-step times for an edit, and for a clean build the
kernels' own time over the cores, the floor no render can go below.

Nothing here measures or reads a clock: the functions take the figures,
so that the goal logic is tested on made-up numbers (tests/unit)."""

import math
import re
from dataclasses import dataclass, replace

# The sizes of the book (times its chapters) at which the loop's goals hold.
LOOP_SIZES = (1, 16)
MAKE_OVER_WATCH = 2.0
WATCH_PROSE = {1: 1.5, 16: 2.0}
# Seconds of a one-tab code edit beyond the tab's own run of the page.
CODE_BEYOND_RUN = 2.0
CLEAN_OVER_PLAIN = 0.40
# The bench's own goals at the largest size, beside the issue's.
UNCHANGED = 0.5
CLEAN_OVER_IDEAL = 1.2

# The scale tables' measures (at_scale.py) that the goals read.
PROSE_MAKE = 'prose edit, make'
PROSE_WATCH = 'prose edit, make watch'
CODE_WATCH = 'code edit of one page-tab, make watch (beyond its run)'
UNCHANGED_MAKE = 'make, nothing changed'
CLEAN = 'clean build'
# The time split of a clean build, in the order the tables show it.
EVALUATION_NAME = 'evaluation'
RENDER_OVERLAPPED_NAME = 'render overlapped with evaluation'
RENDER_AFTER_NAME = 'render after evaluation'
RENDER_AFTER = f'clean: {RENDER_AFTER_NAME}'

# How `make` is timed after an edit, said in the tables: a copy of the book
# has no Makefile (project.copy_book_sources), so the bench runs what the
# Makefile's html target runs.
MAKE_AS_TIMED = (
    '`make` is timed as its html target runs: `PYTHONPATH=tools python3 -m bookbuild setup` '
    '(the set-up check), then `book html`; the copies of the book have no Makefile.'
)


def ratio(ours, reference):
    """ours over reference; NaN (a missed goal) when the reference took no time."""
    return ours / reference if reference > 0 else math.nan


@dataclass(frozen=True)
class Goal:
    """One goal and what this run measured of it. A ratio's unit is '×'
    and `of` names what it is a ratio of."""

    what: str
    limit: float
    unit: str
    hard: bool
    measured: float | None = None  # None: not measured in this run
    of: str = ''
    figures: str = ''  # the figures behind the measure
    why: str = ''  # where the time went, shown when the goal is missed

    @property
    def verdict(self):
        if self.measured is None:
            return 'not measured'
        # NaN compares false: a figure that could not be made misses its goal.
        return 'met' if self.measured <= self.limit else 'missed'

    @property
    def limit_text(self):
        if self.unit == '×':
            return f'≤ {self.limit:.2f} × {self.of}'
        return f'≤ {self.limit:g} s'

    @property
    def measured_text(self):
        if self.measured is None:
            return '–'
        return f'{self.measured:.2f} ×' if self.unit == '×' else f'{self.measured:.2f} s'

    @property
    def kind(self):
        return 'hard' if self.hard else 'may be missed'

    def cell(self):
        """The goal column of a scale table: the limit, the ratio, the verdict."""
        shown = f' ({self.measured_text})' if self.unit == '×' else ''
        return f'{self.limit_text}{shown}: {self.verdict}'


def loop_figures(make, watch):
    """The figures behind make over watch: each time, or that this run did
    not measure it (a run stopped between the two); nothing when neither was."""
    if make is None and watch is None:
        return ''
    shown = [f'{time:.2f} s' if time is not None else 'not measured' for time in (make, watch)]
    return f'`make` {shown[0]}, `make watch` {shown[1]}'


def loop_goals(factor, times=None, steps=None):
    """{measure: Goal} of the author's loop on a book factor× this one
    (a size of LOOP_SIZES); without times, the goals not measured."""
    times, steps = times or {}, steps or {}
    make, watch = times.get(PROSE_MAKE), times.get(PROSE_WATCH)
    return {
        PROSE_MAKE: Goal(
            f'`make` after a prose edit, {factor}× book',
            MAKE_OVER_WATCH,
            '×',
            hard=True,
            measured=None if make is None or watch is None else ratio(make, watch),
            of='`make watch`',
            figures=loop_figures(make, watch),
        ),
        PROSE_WATCH: Goal(
            f'`make watch` shows a prose edit, {factor}× book',
            WATCH_PROSE[factor],
            's',
            hard=factor == 1,
            measured=watch,
            why=watch_steps(steps, 'prose'),
        ),
        CODE_WATCH: Goal(
            f'`make watch` after a one-tab code edit, beyond the tab\'s run, {factor}× book',
            CODE_BEYOND_RUN,
            's',
            hard=False,
            measured=times.get(CODE_WATCH),
            why=watch_steps(steps, 'code'),
        ),
    }


def size_goals(factor, largest, times, about):
    """{measure: Goal} of one size of the book at scale: the loop's goals at
    the sizes they hold at, and the bench's own at the largest size.
    times and about are at_scale.scale_times's."""
    goals = loop_goals(factor, times, about.get('watch steps', {})) if factor in LOOP_SIZES else {}
    if factor == largest:
        goals[UNCHANGED_MAKE] = Goal(
            f'`make` with nothing changed, {factor}× book',
            UNCHANGED,
            's',
            hard=False,
            measured=times[UNCHANGED_MAKE],
        )
        goals[CLEAN] = Goal(
            f'clean build, {factor}× book',
            CLEAN_OVER_IDEAL,
            '×',
            hard=False,
            of='(kernel ÷ cores + render after evaluation)',
        )
        # Without the build's time split there is no render to add to the floor.
        if RENDER_AFTER in times:
            ideal = about['kernel'] / about['cores'] + times[RENDER_AFTER]
            goals[CLEAN] = replace(
                goals[CLEAN],
                measured=ratio(times[CLEAN], ideal),
                figures=f'{times[CLEAN]:.1f} s against {ideal:.1f} s',
            )
    return goals


def watch_steps(steps, edit):
    return f'`make watch`\'s steps: {steps[edit]}' if steps.get(edit) else ''


def clean_goal(clean):
    """The clean build against plain d2lbook's, same run. clean: {'ours',
    'plain': seconds, 'split': time_split() or None, 'kernel': seconds of
    the kernels (eval_report.json), 'cores', and 'cpu': the CPU seconds the
    build used, when measured}, or None (not measured). When missed, why
    holds the profile: the CPU seconds (else the kernels') over the cores,
    the floor of any build of these pages on this machine."""
    goal = Goal(
        'clean build, against plain d2lbook\'s in the same run',
        CLEAN_OVER_PLAIN,
        '×',
        hard=False,
        of='plain d2lbook',
    )
    if clean is None:
        return goal
    ours, plain, split = clean['ours'], clean['plain'], clean.get('split')
    figures = f'this build {ours:.1f} s'
    if split:
        figures += (
            ' (' + ', '.join(f'{name} {seconds:.1f} s' for name, seconds in split.items()) + ')'
        )
    else:
        figures += ' (the build wrote no time split)'
    goal = replace(
        goal, measured=ratio(ours, plain), figures=f'{figures}, plain d2lbook {plain:.1f} s'
    )
    if goal.verdict != 'missed':
        return goal
    if clean.get('cpu'):
        # The CPU the build used, kernels included: with more kernels than
        # cores, their summed wall times count waiting, and are no floor.
        floor = clean['cpu'] / clean['cores']
        why = (
            f'profile: the build used {clean["cpu"]:.1f} s of CPU, its kernels included, '
            f'on {clean["cores"]} cores, a floor of {floor:.1f} s = '
            f'{ratio(floor, plain):.2f} × plain d2lbook'
        )
        alone = 'the CPU it needs alone keeps'
    else:
        floor = clean['kernel'] / clean['cores']
        why = (
            f'profile: the kernels ran {clean["kernel"]:.1f} s on {clean["cores"]} cores, '
            f'a floor of {floor:.1f} s = {ratio(floor, plain):.2f} × plain d2lbook'
        )
        alone = 'the kernels alone keep'
    if ratio(floor, plain) > CLEAN_OVER_PLAIN:
        why += f'; {alone} it above {CLEAN_OVER_PLAIN:.2f} ×'
    else:
        why += f'; {ours - floor:.1f} s above the floor'
        if split:
            why += f', of which render after evaluation {split[RENDER_AFTER_NAME]:.1f} s'
    return replace(goal, why=why)


def time_split(evaluation, renders):
    """{evaluation, render overlapped with evaluation, render after
    evaluation} in seconds, from the evaluation's (start, end) and the
    render's spans [(start, end), ...] on one clock. A render span that
    starts before the evaluation ends counts in the overlap up to its end;
    the rest of it, after the evaluation, counts after."""
    eval_start, eval_end = evaluation
    overlapped = after = 0.0
    for start, end in renders:
        overlapped += max(0.0, min(end, eval_end) - max(start, eval_start))
        after += max(0.0, end - max(start, eval_end))
    return {
        EVALUATION_NAME: eval_end - eval_start,
        RENDER_OVERLAPPED_NAME: overlapped,
        RENDER_AFTER_NAME: after,
    }


def issue_goals(results, clean):
    """The goals of the loop at 1× and 16× and of the clean build, in the
    order of the goals table; a size this run did not build gives goals
    'not measured'. results: {factor: (times, about)} of at_scale; clean:
    clean_goal's argument, or None."""
    goals = []
    for factor in LOOP_SIZES:
        times, about = results.get(factor, ({}, {}))
        goals += loop_goals(factor, times, about.get('watch steps')).values()
    return [*goals, clean_goal(clean)]


def goals_table(goals):
    """The goals side by side, as markdown: hard goals first, each row
    met, missed or not measured, a missed one with where its time went."""
    rows = [
        '| goal | kind | limit | measured | verdict | figures; where the time went if missed |',
        '|---|---|---|---|---|---|',
    ]
    for goal in sorted(goals, key=lambda goal: not goal.hard):
        notes = '; '.join(
            note for note in (goal.figures, goal.why if goal.verdict == 'missed' else '') if note
        )
        rows.append(
            f'| {goal.what} | {goal.kind} | {goal.limit_text} | {goal.measured_text} '
            f'| **{goal.verdict}** | {notes} |'
        )
    return '\n'.join(rows)


# A components row's goal that can be judged: '≤ 1.10' or '< 1.05' bounds
# the ratio, '≤ 15 s' this project's seconds.
ROW_LIMIT = re.compile(r'(?P<sign>≤|<) *(?P<limit>[0-9.]+)(?P<seconds> s)?')


def row_verdict(goal, ours, reference):
    """'met' or 'missed' of a components row (runs.row), or '' for a goal
    said in words."""
    match = ROW_LIMIT.fullmatch(goal.strip())
    if not match:
        return ''
    value = ours if match['seconds'] else ratio(ours, reference)
    limit = float(match['limit'])
    met = value <= limit if match['sign'] == '≤' else value < limit
    return 'met' if met else 'missed'
