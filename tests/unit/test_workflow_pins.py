"""The hosted workflow's actions are pinned by commit, and Dependabot keeps the
pins current: every `uses:` in .github/workflows/ names a full 40-hex commit
with its release in a comment (`@<sha> # v7.0.1`), each action is pinned at
one release throughout, and .github/dependabot.yml updates the
github-actions ecosystem. Reads the files only; needs nothing built."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / '.github' / 'workflows').glob('*.y*ml'))
DEPENDABOT = ROOT / '.github' / 'dependabot.yml'

USES_LINE = re.compile(r'^\s*(?:-\s+)?uses:\s*(?P<value>.*?)\s*$')
# owner/repo[/path]@<40 hex> # v<version>: the form Dependabot reads and
# rewrites (the commit and the comment together).
PINNED = re.compile(
    r'^(?P<repo>[\w.-]+/[\w.-]+)(?:/[\w./-]+)?@(?P<sha>[0-9a-f]{40})'
    r'\s+#\s+(?P<version>v\d+(?:\.\d+)*)$'
)


def uses_in_yaml(text):
    """Every `uses:` value in a workflow, as YAML reads it: the jobs'
    (reusable workflows) and their steps'."""
    found = []
    for job in (yaml.safe_load(text).get('jobs') or {}).values():
        if 'uses' in job:
            found.append(job['uses'])
        found += [step['uses'] for step in job.get('steps', []) if 'uses' in step]
    return found


def pin_problems(text, name='workflow.yml'):
    """What is wrong with the pins of one workflow's text, one line each
    ('book.yml:53: ...'); [] when every `uses:` is pinned."""
    problems, pins = [], {}
    lines = [
        (number, match['value'])
        for number, line in enumerate(text.splitlines(), 1)
        if (match := USES_LINE.match(line))
    ]
    # A `uses:` the line pattern cannot see (flow style, say) goes unchecked.
    if len(lines) != len(uses_in_yaml(text)):
        problems.append(
            f'{name}: {len(uses_in_yaml(text))} `uses:` in the YAML, '
            f'but {len(lines)} on lines of their own'
        )
    for number, value in lines:
        if value.startswith('./'):
            continue  # an action of this repository: pinned by the checkout
        pinned = PINNED.match(value)
        if not pinned:
            problems.append(
                f'{name}:{number}: `{value}` is not pinned as <action>@<40-hex commit> # v<version>'
            )
            continue
        pins.setdefault(pinned['repo'], set()).add((pinned['sha'], pinned['version']))
    for repo, releases in sorted(pins.items()):
        if len(releases) > 1:
            listed = ', '.join(f'{sha} # {version}' for sha, version in sorted(releases))
            problems.append(f'{name}: {repo} is pinned at several releases: {listed}')
    return problems


def dependabot_problems(text):
    """Why a dependabot.yml would not keep the action pins current; []
    when it does."""
    config = yaml.safe_load(text) or {}
    if config.get('version') != 2:
        return [f'version is {config.get("version")!r}, not 2']
    for update in config.get('updates') or []:
        if update.get('package-ecosystem') != 'github-actions':
            continue
        directories = update.get('directories') or [update.get('directory')]
        if '/' not in directories:
            return [f'the github-actions update looks in {directories}, not / (.github/workflows/)']
        interval = (update.get('schedule') or {}).get('interval')
        if interval not in ('daily', 'weekly', 'monthly', 'quarterly', 'semiannually', 'yearly'):
            return [f'the github-actions update has no schedule (interval {interval!r})']
        return []
    return ['no update covers the github-actions ecosystem']


CHECKOUT = 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1'
STEP = '      - uses: {}\n'
GOOD = 'jobs:\n  a:\n    steps:\n' + STEP.format(CHECKOUT)


@pytest.mark.parametrize(
    'bad, problem',
    [
        ('actions/checkout@v7', 'not pinned'),
        ('actions/checkout@3d3c42e5', 'not pinned'),  # a short commit
        ('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1', 'not pinned'),  # no version
        ('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # latest', 'not pinned'),
        ('pypa/gh-action-pypi-publish@release/v1', 'not pinned'),
    ],
)
def test_the_pin_check_finds_an_unpinned_action(bad, problem):
    assert pin_problems(GOOD) == []
    [found] = pin_problems(GOOD.replace(CHECKOUT, bad))
    assert problem in found and ':4:' in found, found


def test_the_pin_check_finds_an_action_pinned_at_two_releases():
    older = STEP.format(f'actions/checkout@{"1" * 40} # v6.0.0')
    [found] = pin_problems(GOOD + older)
    assert 'actions/checkout is pinned at several releases' in found


def test_the_pin_check_sees_a_uses_it_cannot_read_line_by_line():
    text = GOOD + "      - {uses: 'actions/cache@v5'}\n"  # flow style
    assert any('2 `uses:` in the YAML, but 1' in problem for problem in pin_problems(text))


@pytest.mark.parametrize('workflow', WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_by_commit_with_its_version(workflow):
    assert WORKFLOWS, 'no workflow under .github/workflows/'
    problems = pin_problems(workflow.read_text(encoding='utf-8'), workflow.name)
    assert problems == [], '\n'.join(problems)


GOOD_DEPENDABOT = (
    'version: 2\nupdates:\n  - package-ecosystem: github-actions\n'
    '    directory: /\n    schedule:\n      interval: weekly\n'
)


@pytest.mark.parametrize(
    'bad, problem',
    [
        (GOOD_DEPENDABOT.replace('github-actions', 'pip'), 'no update covers the github-actions'),
        (GOOD_DEPENDABOT.replace('directory: /', 'directory: /docs'), 'not /'),
        (GOOD_DEPENDABOT.replace('      interval: weekly\n', ''), 'no schedule'),
        (GOOD_DEPENDABOT.replace('version: 2', 'version: 1'), 'not 2'),
    ],
)
def test_the_dependabot_check_finds_a_configuration_that_misses_the_actions(bad, problem):
    assert dependabot_problems(GOOD_DEPENDABOT) == []
    [found] = dependabot_problems(bad)
    assert problem in found, found


def test_dependabot_keeps_the_action_pins_current():
    assert DEPENDABOT.exists(), f'{DEPENDABOT.relative_to(ROOT)} is missing'
    problems = dependabot_problems(DEPENDABOT.read_text(encoding='utf-8'))
    assert problems == [], f'{DEPENDABOT.relative_to(ROOT)}: {problems}'
