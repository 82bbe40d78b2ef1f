"""What a learner sees while the first cell sets the runtime up, as the
host's kernel sent it: host_worker records when each piece of the cell's
printed output arrived, and conftest.py writes the figures of every first
cell (first line after, largest gap, lines, messages) into
_build/learner-hosts/summary.json. These tests hold the output's
structure, never its timing: on a host that installs a framework, pip's
progress arrives in messages of its own before the summary, which comes
last and names what was installed and what was kept; on a host that has
the framework, the summary is the one line. (tests/unit/test_install_cell.py
shows each path of the cell with pip faked.)"""

import pytest
from packaging.utils import canonicalize_name

from book_paths import PROJECT
from bookbuild.forms.notebooks.install import pinned, read_summary
from bookbuild.frameworks import framework
from bookbuild.testing import host_plans
from bookbuild.testing.host_worker import printed_lines, runs_in_order

PLANS = host_plans.plans(PROJECT)
# Names as read_summary gives them: canonical (pinned), whichever way pip wrote them.
D2L = pinned(PROJECT.d2l_package, PROJECT.release)


def has_framework(plan):
    """Whether the host has the plan's framework before any notebook runs:
    a replica whose manifest lists it."""
    names = {canonicalize_name(line.split('=')[0]) for line in plan.replica.requirements}
    return canonicalize_name(framework(plan.tab).distribution) in names


# The hosts whose first notebook installs its framework, and the others.
INSTALLING = [plan for plan in PLANS if not plan.replica or not has_framework(plan)]
HAVING = [plan for plan in PLANS if plan not in INSTALLING]
# The lines in which the cell shows what pip fetches and installs.
PROGRESS = (
    'Collecting',
    'Processing',
    '  Downloading',
    '  Using cached',
    'Installing collected packages',
    '... pip is still working',
)


def versions(report, when):
    """{canonical name: version} the host had 'before' or 'after' its notebooks."""
    return {canonicalize_name(name): version for name, version in report[when].items()}


def runs_of(host_reports, plan):
    report = host_reports[plan.name]
    assert 'setup_error' not in report, f'{plan.name} could not run:\n{report["setup_error"]}'
    runs = list(runs_in_order(report))
    assert runs, f'{plan.name} ran no notebook'
    return report, runs


def quiet(plan, run, report, installed):
    """The first cell of a run on a host that has the framework printed the
    summary alone: d2l `installed` (or nothing new), the framework kept."""
    lines = [line for _, _, line in printed_lines(run['first_cell_output'])]
    where = f'{plan.name}, {run["notebook"]}'
    assert len(lines) == 1, f'{where}: the first cell printed more than its summary: {lines}'
    summary = read_summary(lines[0])
    assert summary, f'{where}: the one line is not the summary: {lines[0]!r}'
    distribution = canonicalize_name(framework(plan.tab).distribution)
    assert summary['installed'] == installed and not summary['others'], (where, summary)
    kept = pinned(distribution, versions(report, 'after')[distribution])
    assert kept in summary['kept'], (where, summary)


@pytest.mark.parametrize('plan', INSTALLING, ids=lambda plan: plan.name)
def test_a_host_that_installs_the_framework_sees_pips_progress_then_the_summary(host_reports, plan):
    """The first notebook's first cell (before the restart it asked for, if
    any): pip's progress lines, in several messages, each sent as it came;
    then the summary, last, in a message of its own, naming d2l and the
    framework at the versions the host has after it, and what the host
    kept of its own."""
    report, runs = runs_of(host_reports, plan)
    run = runs[0]
    where = f'{plan.name}, {run["notebook"]}'
    lines = printed_lines(run['first_cell_output'])
    assert lines, f'{where}: the first cell printed nothing'
    *before, (_, last_message, last) = lines
    summary = read_summary(last)
    assert summary, f'{where}: the last line is not the summary: {last!r}'
    assert not [line for _, _, line in before if read_summary(line)], f'{where}: two summaries'
    progress = [(number, line) for _, number, line in before if line.startswith(PROGRESS)]
    assert progress, f'{where}: no progress line before the summary: {[x[2] for x in lines]}'
    messages = {number for number, _ in progress}
    assert len(messages) > 1, f'{where}: pip\'s progress came in one message: {progress}'
    assert max(messages) < last_message, f'{where}: the summary came with the progress'
    entry = framework(plan.tab)
    assert any(entry.distribution in line for _, line in progress), (
        f'{where}: the progress never names {entry.distribution}: {progress}'
    )
    after, before_run = versions(report, 'after'), versions(report, 'before')
    assert D2L in summary['installed'], (where, summary)
    distribution = canonicalize_name(entry.distribution)
    assert pinned(distribution, after[distribution]) in summary['installed'], (where, summary)
    kept = {
        pinned(name, before_run[name])
        for name in map(canonicalize_name, entry.kept)
        if name in before_run and after.get(name) == before_run[name]
    }
    assert set(summary['kept']) == kept, (where, summary, kept)


@pytest.mark.parametrize('plan', HAVING, ids=lambda plan: plan.name)
def test_a_host_that_has_the_framework_sees_one_line(host_reports, plan):
    """Every notebook's first cell prints the summary alone: the first
    installs d2l, the others nothing new."""
    report, runs = runs_of(host_reports, plan)
    quiet(plan, runs[0], report, [D2L])
    for run in runs[1:]:
        quiet(plan, run, report, ['nothing new'])


@pytest.mark.parametrize('plan', INSTALLING, ids=lambda plan: plan.name)
def test_once_the_framework_is_installed_every_first_cell_prints_one_line(host_reports, plan):
    """The host's other notebooks, and the first after a restart, find
    everything the first cell installed."""
    report, runs = runs_of(host_reports, plan)
    assert len(runs) > 1, f'{plan.name} ran one notebook; it has {len(plan.notebooks)}'
    for run in runs[1:]:
        quiet(plan, run, report, ['nothing new'])
