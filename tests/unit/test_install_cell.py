"""The first cell of a hosted notebook (forms/notebooks/install.py), run as
a learner's kernel runs it, with pip faked: nothing is installed and nothing
leaves the machine, yet every path of the cell runs. Each case execs the
generated cell in a process of its own (a fork of one new process of this
Python). There, `python -m pip` starts FAKE_PIP, a small script found first
on PYTHONPATH, which prints what the case says, line by line, and may wait
until the cell has shown a line before it goes on (a state, never a delay):
a cell that held pip's lines until pip ended would never show it, and the
fake pip would stop with a message that says so. It may also start a build
of its own, as pip does, and interrupt the cell as a learner's Stop does
(SIGINT to the cell's process, which a kernel turns into KeyboardInterrupt). `importlib.metadata.version`
reports the versions the case says the runtime has (pip's answers change
them), and `sys.version_info` may be another Python's. What the cell prints
is kept as a kernel sends it: one message per flush.

These replace the learners' hosts that only showed the cell failing: a host
whose pip fails, and MXNet's hosts on a Python it cannot be installed on.
"""

import json
import re
import subprocess
import sys

import pytest

from book_paths import PROJECT
from bookbuild.forms.notebooks.install import install_cell, pinned, read_summary
from bookbuild.frameworks import framework
from bookbuild.testing.host_worker import RESTART

# `python -m pip` in a case: answers the call with the case's next answer
# (answers.json in the case's folder, FAKE_PIP_CASE), and records the call.
FAKE_PIP = r"""
import json, os, signal, subprocess, sys, time
case = os.environ['FAKE_PIP_CASE']
with open(os.path.join(case, 'pip.pid'), 'w') as file:
    file.write(str(os.getpid()))
with open(os.path.join(case, 'calls.json')) as file:
    calls = json.load(file)
calls.append({'python': sys.executable, 'argv': sys.argv[1:]})
with open(os.path.join(case, 'calls.json'), 'w') as file:
    json.dump(calls, file)
with open(os.path.join(case, 'answers.json')) as file:
    answers = json.load(file)
if len(calls) > len(answers):
    sys.exit(f'fake pip: called {len(calls)} times, the case has {len(answers)} answers')
answer = answers[len(calls) - 1]
for step in answer['stdout']:
    if isinstance(step, str):
        print(step, flush=True)
        continue
    if step.get('stop'):
        # A build that runs until it is ended, its output piped to pip as
        # pip's own are; then the learner's Stop.
        build = subprocess.Popen([sys.executable, '-c', 'import signal; signal.pause()'],
                                 stdout=subprocess.PIPE)
        with open(os.path.join(case, 'build.pid'), 'w') as file:
            file.write(str(build.pid))
        os.kill(os.getppid(), signal.SIGINT)
        continue
    # Wait until the cell has shown step['until']: a state, with a deadline
    # only so that a cell that never shows it fails instead of hanging.
    deadline = time.monotonic() + 60
    while step['until'] not in open(os.path.join(case, 'printed.txt')).read():
        if time.monotonic() > deadline:
            sys.exit(f'fake pip: the cell never showed {step["until"]!r} while pip ran')
        time.sleep(0.01)
with open(os.path.join(case, 'installed.json')) as file:
    installed = json.load(file)
installed.update(answer['installs'])
with open(os.path.join(case, 'installed.json'), 'w') as file:
    json.dump(installed, file)
sys.stderr.write(answer['stderr'])
sys.exit(answer['returncode'])
"""

# Runs in the new process: reads the cases on stdin, runs each cell in a
# forked child of its own (so that no case sees another's fakes), prints
# what happened in each as one JSON line.
RUNNER = r"""
import collections, contextlib, importlib.metadata, json, os, select, signal, sys, threading, types


class Kernel:
    # What a kernel's stdout does: each flush sends what was written since
    # the last one as one message; printed.txt holds all of it at once.
    def __init__(self, path):
        self.file, self.buffer, self.messages = open(path, 'w'), '', []

    def write(self, text):
        self.buffer += text
        return len(text)

    def flush(self):
        if self.buffer:
            self.messages.append(self.buffer)
            self.file.write(self.buffer)
            self.file.flush()
            self.buffer = ''


def state(pid):
    # 'running', 'ended' (a zombie: no parent waited for it) or 'gone'.
    try:
        with open(f'/proc/{pid}/stat') as file:
            return 'ended' if file.read().rsplit(')', 1)[1].split()[0] in 'ZX' else 'running'
    except FileNotFoundError:
        return 'gone'


def left_behind(folder):
    # What became of the fake pip and its build, once the cell ended; any
    # still running is ended here, so that a failing case leaves nothing.
    states = {}
    for name in ('pip', 'build'):
        path = os.path.join(folder, f'{name}.pid')
        if os.path.exists(path):
            with open(path) as file:
                pid = int(file.read())
            states[name] = state(pid)
            # A process killed by a signal ends soon after, not at once: wait
            # for the build to end (a state), with a deadline only so that a
            # build left running fails the case instead of hanging it. pip
            # itself must be gone already: the cell waits for it.
            if name == 'build' and states[name] == 'running':
                with contextlib.suppress(ProcessLookupError):
                    handle = os.pidfd_open(pid)  # readable once it has exited
                    select.select([handle], [], [], 10)
                    os.close(handle)
                states[name] = state(pid)
            if states[name] == 'running':
                os.kill(pid, signal.SIGKILL)
    return states


def run_case(case):
    folder = case['folder']
    # As a kernel does: SIGINT (Stop) raises KeyboardInterrupt in the cell.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for name, value in [('answers', case['pip']), ('installed', case['installed']), ('calls', [])]:
        with open(os.path.join(folder, f'{name}.json'), 'w') as file:
            json.dump(value, file)
    os.environ.update(PYTHONPATH=case['fake_pip'], FAKE_PIP_CASE=folder)

    def version(name):
        with open(os.path.join(folder, 'installed.json')) as file:
            installed = json.load(file)
        if name not in installed:
            raise importlib.metadata.PackageNotFoundError(name)
        return installed[name]

    importlib.metadata.version = version
    for name in case['loaded']:
        sys.modules[name] = types.ModuleType(name)
    if case['python']:
        VersionInfo = collections.namedtuple('VersionInfo', 'major minor micro releaselevel serial')
        sys.version_info = VersionInfo(*case['python'], 0, 'final', 0)
    kernel = sys.stdout = Kernel(os.path.join(folder, 'printed.txt'))
    error = None
    try:
        exec(compile(case['source'], 'install-cell', 'exec'), {'__name__': '__main__'})
    except BaseException as raised:
        error = [type(raised).__name__, str(raised)]
    kernel.flush()
    threads = [thread.name for thread in threading.enumerate()
               if thread is not threading.main_thread()]
    with open(os.path.join(folder, 'calls.json')) as file:
        calls = json.load(file)
    return {'error': error, 'messages': kernel.messages, 'calls': calls,
            'left': left_behind(folder), 'threads': threads}


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

# The cell's pause, in seconds, before it says that pip is still working:
# the case that shows it waits for the line, so it asks for a short one.
EVERY = 'EVERY = 10\n'


def case(tab, installed=None, pip=(), loaded=(), python=None, every=None):
    """The tab's first cell with the runtime having `installed`
    ({distribution: version}) and the modules `loaded`, pip answering each
    call with the next of `pip` (ok(), fails()), on Python `python`
    ((3, 12)) or this one; `every` replaces the cell's EVERY seconds."""
    source = install_cell(PROJECT, tab).source
    if every is not None:
        assert EVERY in source, f'the cell has no {EVERY!r} any more'
        source = source.replace(EVERY, f'EVERY = {every}\n')
    return {
        'source': source,
        'installed': installed or {},
        'pip': list(pip),
        'loaded': list(loaded),
        'python': list(python) if python else None,
    }


def run_cells(cases, folder):
    """Run the cases in one new process of this Python, each in a folder of
    its own under `folder`; returns, for each, {'error': [type, message] or
    None, 'messages': what the cell printed, flush by flush, 'printed': all
    of it, 'lines': its lines, 'calls': the arguments of each pip call,
    'left': {'pip' and 'build': 'running', 'ended' or 'gone'} after the
    cell, 'threads': the names of the threads still running}."""
    fake_pip = folder / 'fake-pip'
    (fake_pip / 'pip').mkdir(parents=True)
    (fake_pip / 'pip' / '__init__.py').write_text('')
    (fake_pip / 'pip' / '__main__.py').write_text(FAKE_PIP)
    for number, one in enumerate(cases):
        (folder / str(number)).mkdir()
        one.update(folder=str(folder / str(number)), fake_pip=str(fake_pip))
    result = subprocess.run(
        [sys.executable, '-I', '-c', RUNNER],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    runs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(runs) == len(cases) and not [run for run in runs if 'crashed' in run], runs
    for run in runs:
        assert all(call['python'] == sys.executable for call in run['calls']), (
            'the cell ran pip with another Python than its own',
            run['calls'],
        )
        # pip's bars off: in a kernel, they would hide the line after them.
        pip_install = ['install', '--progress-bar', 'off']
        assert all(call['argv'][:3] == pip_install for call in run['calls']), run['calls']
        run['calls'] = [call['argv'][3:] for call in run['calls']]
        run['printed'] = ''.join(run['messages'])
        run['lines'] = run['printed'].splitlines()
    return runs


def requirement(tab):
    return f'{PROJECT.d2l_package}[{tab}]=={PROJECT.release}'


BOOK = PROJECT.d2l_package
WHEEL = f'{BOOK.replace("-", "_")}-{PROJECT.release}-py3-none-any.whl'


def ok(*stdout, installs=None, stderr=''):
    """pip succeeding: its stdout lines, or {'until': text} to wait until
    the cell has shown text; what it installs; its warnings."""
    return {'returncode': 0, 'stdout': stdout, 'stderr': stderr, 'installs': installs or {}}


def fails(stderr, *stdout):
    return {'returncode': 1, 'stdout': stdout, 'stderr': stderr, 'installs': {}}


def until(text):
    return {'until': text}


def stop():
    """The fake pip starts a build, then the learner presses Stop."""
    return {'stop': True}


# What pip prints where the runtime has the framework: only d2l is new.
ONLY_D2L = (
    f'Processing /dist/{WHEEL}',
    'Requirement already satisfied: torch==2.6.0 in /env/site-packages (2.6.0)',
    'Requirement already satisfied: numpy==2.0.2 in /env/site-packages (2.0.2)',
    f'Installing collected packages: {BOOK}',
    f'Successfully installed {BOOK}-{PROJECT.release}',
)
# The same, with d2l from the package index.
ONLY_D2L_FROM_THE_INDEX = (
    f'Collecting {requirement("pytorch")}',
    f'  Downloading {WHEEL} (12 kB)',
    *ONLY_D2L[1:],
)
# A framework from the package index, where the cell must show each line
# before pip goes on; the progress bar's line is not shown.
JAX_FROM_THE_INDEX = (
    f'Processing /dist/{WHEEL}',
    f'Collecting jax>=0.5.2 (from {requirement("jax")})',
    '  Downloading jax-0.7.0-py3-none-any.whl (2.8 MB)',
    until('Downloading jax-0.7.0'),
    '     ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 2.8/2.8 MB 50.1 MB/s eta 0:00:00',
    f'Collecting jaxlib>=0.7.0 (from jax>=0.5.2->{requirement("jax")})',
    '  Using cached jaxlib-0.7.0-cp311-cp311-manylinux_2_27_x86_64.whl (80.1 MB)',
    f'Installing collected packages: opt-einsum, jaxlib, jax, {BOOK}',
    until('Installing collected packages'),
    f'Successfully installed {BOOK}-{PROJECT.release} jax-0.7.0 jaxlib-0.7.0 opt-einsum-3.4.0',
)
JAX_INSTALLS = {'jax': '0.7.0', 'jaxlib': '0.7.0', BOOK: PROJECT.release}
# d2l's name as pip may write it (made up: '_' and '.' for '-', capitals),
# where the cell asked for BOOK.
UNDERSCORED = BOOK.replace('-', '_')
MIXED = BOOK.title().replace('-', '_', 1).replace('-', '.')

# The framework with a Python bound (the registry's cap), and the bound.
BOUNDED = next(tab for tab in PROJECT.tabs if framework(tab).python_below)
BELOW = tuple(int(part) for part in framework(BOUNDED).python_below.split('.'))
HAVE = {'torch': '2.6.0', 'numpy': '2.0.2', 'pandas': '2.2.2'}
OTHER_TABS = [tab for tab in PROJECT.tabs if not framework(tab).python_below]
# Every case, by name: a runtime and pip's answers.
CASES = {
    'bare': dict(tab='jax', pip=[ok(*JAX_FROM_THE_INDEX, installs=JAX_INSTALLS)]),
    'pip is silent for long': dict(
        tab='jax',
        every=0.05,
        pip=[
            ok(
                f'Collecting jax>=0.5.2 (from {requirement("jax")})',
                f'Installing collected packages: jax, {BOOK}',
                until('pip is still working'),
                f'Successfully installed {BOOK}-{PROJECT.release} jax-0.7.0',
                installs=JAX_INSTALLS,
            )
        ],
    ),
    'stopped while pip works': dict(
        tab='jax',
        pip=[
            ok(
                f'Collecting jax>=0.5.2 (from {requirement("jax")})',
                until('Collecting jax'),
                stop(),
                until('a line the cell never shows'),
            )
        ],
    ),
    'pip names d2l its own way': dict(
        tab='jax',
        installed={'numpy': '2.0.2'},
        pip=[
            ok(
                f'Collecting {MIXED}[jax]=={PROJECT.release}',
                f'Collecting jax>=0.5.2 (from {MIXED}[jax]=={PROJECT.release})',
                f'Installing collected packages: opt_einsum, jaxlib, jax, {UNDERSCORED}',
                f'Successfully installed {UNDERSCORED}-{PROJECT.release} jax-0.7.0 jaxlib-0.7.0 '
                'opt_einsum-3.4.0',
                installs=JAX_INSTALLS,
            )
        ],
    ),
    'kept': dict(
        tab='pytorch', installed=HAVE, pip=[ok(*ONLY_D2L, installs={BOOK: PROJECT.release})]
    ),
    'kept, d2l from the index': dict(
        tab='pytorch',
        installed=HAVE,
        pip=[ok(*ONLY_D2L_FROM_THE_INDEX, installs={BOOK: PROJECT.release})],
    ),
    'everything there already': dict(
        tab='pytorch', installed={**HAVE, BOOK: PROJECT.release}, pip=[ok(*ONLY_D2L[1:3])]
    ),
    'warnings': dict(
        tab='pytorch',
        installed=HAVE,
        pip=[ok(*ONLY_D2L, installs={BOOK: PROJECT.release}, stderr='WARNING: a warning\n')],
    ),
    'pip fails twice': dict(
        tab='jax',
        installed={'numpy': '2.0.2'},
        pip=[
            fails('ERROR: first: ResolutionImpossible\n', *JAX_FROM_THE_INDEX[:4]),
            fails('ERROR: second: No matching distribution found for d2l-custom-layers\n'),
        ],
    ),
    'pip fails on a bare runtime': dict(
        tab='tensorflow',
        pip=[
            fails(
                'ERROR: No matching distribution found for tensorflow>=2.18.0\n',
                f'Processing /dist/{WHEEL}',
                f'Collecting tensorflow>=2.18.0 (from {requirement("tensorflow")})',
                until('Collecting tensorflow'),
            )
        ],
    ),
    'retry replaces': dict(
        tab='mxnet',
        installed={'numpy': '2.0.2'},
        pip=[
            fails('ERROR: Cannot install numpy==2.0.2 and mxnet because they conflict\n'),
            ok(
                f'Collecting mxnet>=1.9.1 (from {requirement("mxnet")})',
                f'Successfully installed {BOOK}-{PROJECT.release} mxnet-1.9.1 numpy-1.23.5',
                installs={'numpy': '1.23.5', 'mxnet': '1.9.1', BOOK: PROJECT.release},
            ),
        ],
        python=(3, 11),
    ),
    'replaces a loaded package': dict(
        tab='mxnet',
        installed={'numpy': '2.0.2'},
        loaded=['numpy'],
        pip=[
            fails('ERROR: conflict\n'),
            ok('Successfully installed numpy-1.23.5', installs={'numpy': '1.23.5'}),
        ],
        python=(3, 11),
    ),
    'bounded on an unsupported python': dict(
        tab=BOUNDED, installed={'numpy': '2.0.2'}, python=BELOW
    ),
    'bounded on the python before': dict(tab=BOUNDED, python=(BELOW[0], BELOW[1] - 1), pip=[ok()]),
    **{f'{tab} on a new python': dict(tab=tab, python=(3, 13), pip=[ok()]) for tab in OTHER_TABS},
}


@pytest.fixture(scope='module')
def ran(tmp_path_factory):
    """Every case's run, from one new process (a fork per case)."""
    folder = tmp_path_factory.mktemp('install-cell')
    return dict(zip(CASES, run_cells([case(**runtime) for runtime in CASES.values()], folder)))


def test_a_bare_runtime_installs_d2l_with_its_framework_in_one_pip_call(ran):
    ran = ran['bare']
    assert ran['error'] is None, ran
    assert ran['calls'] == [[requirement('jax')]]
    assert read_summary(ran['lines'][-1]) == {
        'installed': [f'{BOOK}=={PROJECT.release}', 'jax==0.7.0', 'jaxlib==0.7.0'],
        'others': 1,
        'kept': [],
    }, ran['lines'][-1]


def test_pips_progress_shows_line_by_line_while_it_works(ran):
    """Each line on what pip fetches and installs is a message of its own,
    shown before pip goes on (the fake pip waits for it), from the first
    package besides d2l; pip's other lines, and d2l's own, are not shown."""
    ran = ran['bare']
    shown = [line for line in JAX_FROM_THE_INDEX[1:-1] if isinstance(line, str)]
    shown = [line for line in shown if not line.lstrip().startswith('━')]
    assert ran['messages'][: len(shown)] == [f'{line}\n' for line in shown], ran['messages']
    assert len(ran['messages']) == len(shown) + 1, 'the summary is not a message of its own'
    assert WHEEL not in ran['printed'] and '━' not in ran['printed'], ran['printed']


def test_a_long_silence_of_pips_gets_a_line_saying_it_still_works(ran):
    ran = ran['pip is silent for long']
    assert ran['error'] is None, ran
    lines = ran['lines']
    waiting = [i for i, line in enumerate(lines) if 'pip is still working' in line]
    installing = next(i for i, line in enumerate(lines) if line.startswith('Installing'))
    assert waiting and installing < waiting[0] and waiting[-1] < len(lines) - 1, lines
    assert re.fullmatch(r'\.\.\. pip is still working \(\d+ s so far\)', lines[waiting[0]])
    assert read_summary(lines[-1]), lines


@pytest.mark.parametrize('name', ['kept', 'kept, d2l from the index'])
def test_a_runtime_that_has_the_framework_sees_one_line(ran, name):
    """Only the summary: d2l installed, the runtime's versions kept. Only
    what the runtime has of the framework's `kept` distributions is pinned,
    at its own versions."""
    ran = ran[name]
    assert ran['error'] is None, ran
    assert len(ran['lines']) == 1, ran['lines']
    assert read_summary(ran['lines'][0]) == {
        'installed': [f'{BOOK}=={PROJECT.release}'],
        'others': 0,
        'kept': ['torch==2.6.0', 'numpy==2.0.2'],
    }, ran['lines']
    [call] = ran['calls']
    assert call[0] == requirement('pytorch')
    expected = {f'{name}=={HAVE[name]}' for name in framework('pytorch').kept if name in HAVE}
    assert set(call[1:]) == expected == {'torch==2.6.0', 'numpy==2.0.2'}


def test_a_runtime_that_has_everything_says_it_installed_nothing(ran):
    ran = ran['everything there already']
    assert ran['error'] is None, ran
    assert len(ran['lines']) == 1 and read_summary(ran['lines'][0])['installed'] == ['nothing new']


def test_pips_warnings_show_before_the_summary_as_they_did_under_quiet(ran):
    ran = ran['warnings']
    assert ran['lines'][0] == 'WARNING: a warning' and read_summary(ran['lines'][1]), ran['lines']


def test_pip_failing_twice_stops_the_notebook_with_both_of_pips_messages(ran):
    ran = ran['pip fails twice']
    assert ran['error'] is not None, 'the cell went on after pip failed'
    kind, message = ran['error']
    assert kind == 'RuntimeError'
    assert f'pip could not install {requirement("jax")} (exit status 1)' in message
    assert 'messages are above' in message
    printed = ran['printed']
    assert 'ResolutionImpossible' in printed and 'No matching distribution' in printed
    assert printed.index('Downloading jax') < printed.index('first:') < printed.index('second:')
    assert 'Installed' not in printed


def test_pip_failing_on_a_bare_runtime_stops_at_once_without_a_retry(ran):
    """What pip fetched shows as it comes, then its messages, then the error."""
    ran = ran['pip fails on a bare runtime']
    assert ran['error'][0] == 'RuntimeError' and 'pip could not install' in ran['error'][1]
    assert len(ran['calls']) == 1
    assert ran['lines'] == [
        f'Collecting tensorflow>=2.18.0 (from {requirement("tensorflow")})',
        'ERROR: No matching distribution found for tensorflow>=2.18.0',
    ], ran['lines']


def test_when_the_pinned_install_fails_pip_retries_without_pins_and_says_what_it_replaced(ran):
    ran = ran['retry replaces']
    assert ran['calls'] == [
        [requirement('mxnet'), 'numpy==2.0.2'],
        [requirement('mxnet')],
    ]
    assert ran['error'] is None, ran
    assert 'pip replaced numpy 2.0.2 with 1.23.5' in ran['lines']
    # The first pip's conflict is not shown when the retry worked.
    assert 'conflict' not in ran['printed']
    assert read_summary(ran['lines'][-1]) == {
        'installed': [f'{BOOK}=={PROJECT.release}', 'mxnet==1.9.1', 'numpy==1.23.5'],
        'others': 0,
        'kept': [],
    }, ran['lines']


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


def test_stopping_the_cell_while_pip_works_stops_pip_and_what_it_started(ran):
    """A learner's Stop while pip works: the cell ends with the interrupt,
    and neither pip (ended and waited for) nor the build it started runs on
    behind it, nor the thread that read pip's output; a second run of the
    cell would otherwise meet them in the same site-packages."""
    ran = ran['stopped while pip works']
    assert ran['error'] is not None and ran['error'][0] == 'KeyboardInterrupt', ran
    assert ran['left']['pip'] == 'gone', f'pip is left {ran["left"]["pip"]} after Stop: {ran}'
    assert ran['left']['build'] != 'running', f'pip\'s build still runs after Stop: {ran}'
    assert ran['threads'] == [], f'threads still run after Stop: {ran["threads"]}'


def test_on_every_path_the_cell_waits_for_pip_and_the_thread_reading_it(ran):
    left = {
        name: (run['left'], run['threads'])
        for name, run in ran.items()
        if run['left'].get('pip', 'gone') != 'gone' or run['threads']
    }
    assert not left, f'pip or its reading thread outlived the cell: {left}'


def test_d2l_counts_as_d2l_whichever_way_pip_writes_its_name(ran):
    """pip may name d2l's distribution with '_' or '.' for '-', and in
    capitals: it is still d2l (PEP 503), never one of its dependencies, and
    the summary names it as the cell asked for it."""
    ran = ran['pip names d2l its own way']
    assert ran['error'] is None, ran
    assert ran['lines'][0] == f'Collecting jax>=0.5.2 (from {MIXED}[jax]=={PROJECT.release})', (
        'pip starting on d2l counted as pip fetching more',
        ran['lines'],
    )
    assert ran['lines'][-1].startswith(f'Installed {BOOK}=={PROJECT.release}, '), ran['lines']
    assert read_summary(ran['lines'][-1]) == {
        'installed': [f'{BOOK}=={PROJECT.release}', 'jax==0.7.0', 'jaxlib==0.7.0'],
        'others': 1,
        'kept': ['numpy==2.0.2'],
    }, ran['lines']


def test_the_summary_is_read_with_canonical_names():
    line = (
        f'Installed {MIXED}==0.1.0, JAX==0.7.0 (and 2 of their dependencies) in 3 s; '
        "kept this runtime's NumPy==2.0.2."
    )
    assert read_summary(line) == {
        'installed': [pinned(BOOK, '0.1.0'), 'jax==0.7.0'],
        'others': 2,
        'kept': ['numpy==2.0.2'],
    }
    assert pinned(UNDERSCORED, '0.1.0') == f'{BOOK}==0.1.0'
