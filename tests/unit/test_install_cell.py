"""The first cell of a hosted notebook (forms/notebooks/install.py), run as
a learner's kernel runs it, with pip faked: nothing is installed and nothing
leaves the machine, yet every path of the cell runs. Each case execs the
generated cell in a process of its own (a fork of one new process of this
Python) whose `subprocess.run` answers pip's calls from a script, whose
`importlib.metadata.version` reports the versions the case says the runtime
has (and pip's answers change), and whose `sys.version_info` may be another
Python's.

These replace the learners' hosts that only showed the cell failing: a host
whose pip fails, and MXNet's hosts on a Python it cannot be installed on.
"""

import json
import subprocess
import sys

import pytest

from book_paths import PROJECT
from bookbuild.forms.notebooks.install import install_cell
from bookbuild.frameworks import framework
from bookbuild.testing.host_worker import RESTART

# Runs in the new process: reads the cases on stdin, runs each cell in a
# forked child of its own (so that no case sees another's fakes), prints
# what happened in each as one JSON line.
RUNNER = r"""
import collections, contextlib, importlib.metadata, io, json, os, subprocess, sys, types


def run_case(case):
    installed = dict(case['installed'])
    answers = list(case['pip'])
    calls = []

    def version(name):
        if name not in installed:
            raise importlib.metadata.PackageNotFoundError(name)
        return installed[name]

    def run(cmd, **options):
        if list(cmd[:4]) != [sys.executable, '-m', 'pip', 'install']:
            raise AssertionError(f'the cell ran something other than pip install: {cmd}')
        calls.append(list(cmd[4:]))
        if not answers:
            raise AssertionError(f'pip was called more often than the case expects: {calls}')
        answer = answers.pop(0)
        installed.update(answer.get('installs', {}))
        return subprocess.CompletedProcess(cmd, answer['returncode'], answer['output'], None)

    importlib.metadata.version = version
    subprocess.run = run
    for name in case['loaded']:
        sys.modules[name] = types.ModuleType(name)
    if case['python']:
        VersionInfo = collections.namedtuple('VersionInfo', 'major minor micro releaselevel serial')
        sys.version_info = VersionInfo(*case['python'], 0, 'final', 0)
    printed = io.StringIO()
    error = None
    with contextlib.redirect_stdout(printed):
        try:
            exec(compile(case['source'], 'install-cell', 'exec'), {'__name__': '__main__'})
        except Exception as raised:
            error = [type(raised).__name__, str(raised)]
    return {'error': error, 'printed': printed.getvalue(), 'calls': calls}


for case in json.loads(sys.stdin.read()):
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        try:
            result = run_case(case)
        except BaseException as failure:
            result = {'crashed': repr(failure)}
        os.write(write, json.dumps(result).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        print(pipe.read().replace(chr(10), ' '))
    os.waitpid(child, 0)
"""


def case(tab, installed=None, pip=(), loaded=(), python=None):
    """The tab's first cell with the runtime having `installed`
    ({distribution: version}) and the modules `loaded`, pip answering each
    call with the next of `pip` ({'returncode', 'output', 'installs'}), on
    Python `python` ((3, 12)) or this one."""
    return {
        'source': install_cell(PROJECT, tab).source,
        'installed': installed or {},
        'pip': list(pip),
        'loaded': list(loaded),
        'python': list(python) if python else None,
    }


def run_cells(cases):
    """Run the cases in one new process of this Python; returns, for each,
    {'error': [type, message] or None, 'printed': what the cell printed,
    'calls': the arguments of each pip call}."""
    result = subprocess.run(
        [sys.executable, '-I', '-c', RUNNER],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    runs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(runs) == len(cases) and not [run for run in runs if 'crashed' in run], runs
    return runs


def requirement(tab):
    return f'{PROJECT.d2l_package}[{tab}]=={PROJECT.release}'


def ok(output='', installs=None):
    return {'returncode': 0, 'output': output, 'installs': installs or {}}


def fails(output):
    return {'returncode': 1, 'output': output}


# The framework with a Python bound (the registry's cap), and the bound.
BOUNDED = next(tab for tab in PROJECT.tabs if framework(tab).python_below)
BELOW = tuple(int(part) for part in framework(BOUNDED).python_below.split('.'))
HAVE = {'torch': '2.6.0', 'numpy': '2.0.2', 'pandas': '2.2.2'}
OTHER_TABS = [tab for tab in PROJECT.tabs if not framework(tab).python_below]
# Every case, by name: a runtime and pip's answers.
CASES = {
    'bare': dict(tab='jax', pip=[ok(installs={'jax': '0.7.0', 'd2l-custom-layers': '0.1.0'})]),
    'kept': dict(tab='pytorch', installed=HAVE, pip=[ok()]),
    'pip fails twice': dict(
        tab='jax',
        installed={'numpy': '2.0.2'},
        pip=[
            fails('ERROR: first: ResolutionImpossible\n'),
            fails('ERROR: second: No matching distribution found for d2l-custom-layers\n'),
        ],
    ),
    'pip fails on a bare runtime': dict(
        tab='tensorflow', pip=[fails('ERROR: No matching distribution found\n')]
    ),
    'retry replaces': dict(
        tab='mxnet',
        installed={'numpy': '2.0.2'},
        pip=[
            fails('ERROR: Cannot install numpy==2.0.2 and mxnet because they conflict\n'),
            ok('Successfully installed mxnet-1.9.1 numpy-1.23.5\n', {'numpy': '1.23.5'}),
        ],
        python=(3, 11),
    ),
    'replaces a loaded package': dict(
        tab='mxnet',
        installed={'numpy': '2.0.2'},
        loaded=['numpy'],
        pip=[fails('ERROR: conflict\n'), ok(installs={'numpy': '1.23.5'})],
        python=(3, 11),
    ),
    'bounded on an unsupported python': dict(
        tab=BOUNDED, installed={'numpy': '2.0.2'}, python=BELOW
    ),
    'bounded on the python before': dict(tab=BOUNDED, python=(BELOW[0], BELOW[1] - 1), pip=[ok()]),
    **{f'{tab} on a new python': dict(tab=tab, python=(3, 13), pip=[ok()]) for tab in OTHER_TABS},
}


@pytest.fixture(scope='module')
def ran():
    """Every case's run, from one new process (a fork per case)."""
    return dict(zip(CASES, run_cells([case(**runtime) for runtime in CASES.values()])))


def test_a_bare_runtime_installs_d2l_with_its_framework_in_one_pip_call(ran):
    ran = ran['bare']
    assert ran['error'] is None, ran
    assert ran['calls'] == [['--quiet', requirement('jax')]]
    assert ran['printed'].endswith(f'Installed {requirement("jax")}\n')


def test_the_runtimes_versions_are_asked_for_so_that_pip_keeps_them(ran):
    """Only what the runtime has of the framework's `kept` distributions is
    pinned, at its own versions, and nothing is reported replaced."""
    ran = ran['kept']
    assert ran['error'] is None, ran
    [call] = ran['calls']
    assert call[:2] == ['--quiet', requirement('pytorch')]
    expected = {f'{name}=={HAVE[name]}' for name in framework('pytorch').kept if name in HAVE}
    assert set(call[2:]) == expected == {'torch==2.6.0', 'numpy==2.0.2'}
    assert 'replaced' not in ran['printed']


def test_pip_failing_twice_stops_the_notebook_with_both_of_pips_messages(ran):
    ran = ran['pip fails twice']
    assert ran['error'] is not None, 'the cell went on after pip failed'
    kind, message = ran['error']
    assert kind == 'RuntimeError'
    assert f'pip could not install {requirement("jax")} (exit status 1)' in message
    assert 'messages are above' in message
    printed = ran['printed']
    assert 'ResolutionImpossible' in printed and 'No matching distribution' in printed
    assert printed.index('first:') < printed.index('second:'), printed
    assert 'Installed' not in printed


def test_pip_failing_on_a_bare_runtime_stops_at_once_without_a_retry(ran):
    ran = ran['pip fails on a bare runtime']
    assert ran['error'][0] == 'RuntimeError' and 'pip could not install' in ran['error'][1]
    assert len(ran['calls']) == 1
    assert 'No matching distribution' in ran['printed']


def test_when_the_pinned_install_fails_pip_retries_without_pins_and_says_what_it_replaced(ran):
    ran = ran['retry replaces']
    assert ran['calls'] == [
        ['--quiet', requirement('mxnet'), 'numpy==2.0.2'],
        ['--quiet', requirement('mxnet')],
    ]
    assert ran['error'] is None, ran
    assert 'pip replaced numpy 2.0.2 with 1.23.5' in ran['printed']
    # The first pip's conflict is not shown when the retry worked.
    assert 'conflict' not in ran['printed']
    assert ran['printed'].endswith(f'Installed {requirement("mxnet")}\n')


def test_replacing_a_package_the_runtime_had_loaded_asks_for_a_restart(ran):
    """Colab imports NumPy when its kernel starts; the old NumPy stays loaded
    until the runtime restarts. The learners' hosts run the notebook again
    when the message holds host_worker.RESTART."""
    ran = ran['replaces a loaded package']
    kind, message = ran['error']
    assert kind == 'RuntimeError' and RESTART in message, message
    assert 'pip replaced numpy 2.0.2 with 1.23.5' in ran['printed']


def test_a_bounded_framework_stops_before_pip_on_a_python_it_cannot_be_installed_on(ran):
    """From frameworks.py's python_below on: at once, installing nothing,
    saying why and what to do; below it, the cell goes on to pip."""
    stopped = ran['bounded on an unsupported python']
    assert stopped['calls'] == [], f'the cell ran pip on a Python {BOUNDED} cannot install on'
    kind, message = stopped['error']
    assert kind == 'RuntimeError'
    for words in (
        f'Python {BELOW[0]}.{BELOW[1]}',
        f'{framework(BOUNDED).cap.title} older than {framework(BOUNDED).cap.below}',
        'Change runtime version',
        'Python 3.11',
    ):
        assert words in message, f'the message does not say {words!r}: {message}'
    older = ran['bounded on the python before']
    assert older['error'] is None and len(older['calls']) == 1, older


@pytest.mark.parametrize('tab', OTHER_TABS)
def test_other_frameworks_install_on_any_python(ran, tab):
    ran = ran[f'{tab} on a new python']
    assert ran['error'] is None and len(ran['calls']) == 1, ran
