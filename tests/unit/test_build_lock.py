"""bookbuild/locks.py: one build at a time per book. Builds are stood in for
by small processes that take the lock and keep it until the test lets them
go; the tests wait for what they print and for the lock file's state, never
for a time."""

import dataclasses
import os
import queue
import re
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

from bookbuild import cli, locks
from running_build import Running

# Long enough for a line to come on the slowest machine, and only reached
# when the code under test is broken: then the test fails with a message.
NEVER = 120

# A build: takes the lock of the book in argv[1] as the command argv[2],
# says so, and keeps it until a line comes on its input. With `children`,
# it first starts a program and forks a process, both of which outlive it.
HOLDER = textwrap.dedent("""\
    import os, signal, subprocess, sys
    from bookbuild import locks

    root, command, *what = sys.argv[1:]
    with locks.holding(root, command) as hold:
        print(f'held {hold.previous} {hold.generation}', flush=True)
        if what == ['children']:
            program = subprocess.Popen([sys.executable, '-c', 'import signal; signal.pause()'])
            forked = os.fork()
            if forked == 0:
                signal.pause()
            print(f'children {program.pid} {forked}', flush=True)
        sys.stdin.readline()
    print('released', flush=True)
""")

# Whether another process holds the lock of the book in argv[1].
PROBE = textwrap.dedent("""\
    import fcntl, os, sys
    from bookbuild import locks

    fd = os.open(locks.lock_file(sys.argv[1]), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        print('free')
    except BlockingIOError:
        print('held elsewhere')
""")

SINCE = r'since \d\d:\d\d:\d\d'

# A build that forks inside its hold: the child opens the file in argv[2],
# which gets the lowest free descriptor (the lock's, which the child closed
# on fork), says what its Hold still holds, and unwinds through holding().
FORK_INSIDE = textwrap.dedent("""\
    import os, sys
    from bookbuild import locks

    root, other = sys.argv[1:]
    with locks.holding(root, 'book pdf') as hold:
        lock_fd = hold.fd
        child = os.fork()
        if child == 0:
            fd = os.open(other, os.O_RDWR)
            print(f'child {lock_fd} {fd} {hold.fd} {hold.count}', flush=True)
    if child == 0:
        os._exit(0)
    os.waitpid(child, 0)
    print('released', flush=True)
""")

# A build that forks while it takes the lock (after the flock, as it says
# it takes over): the child lives on, and the build says its pid and ends.
FORK_WHILE_TAKING = textwrap.dedent("""\
    import os, signal, sys
    from bookbuild import locks

    children = []

    def say(text):
        print(text, flush=True)
        child = os.fork()
        if child == 0:
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)  # the build's output ends when the build does
            os.dup2(quiet, 2)
            signal.pause()
        children.append(child)

    with locks.holding(sys.argv[1], 'book html', say=say):
        pass
    print(f'released {children[0]}', flush=True)
""")


class Build(Running):
    """A HOLDER process, whose lines the test reads as they come."""

    def __init__(self, root, command, *what):
        argv = [sys.executable, '-c', HOLDER, str(root), command, *what]
        super().__init__(argv, command, NEVER, stdin=True)
        self.command = command

    def let_go(self):
        self.say()
        self.expect('released')
        self.finish()


@pytest.fixture
def builds(tmp_path):
    """Start Builds of the book in tmp_path; those still running at the end
    (a failed test) are stopped."""
    started = []

    def start(command, *what):
        started.append(Build(tmp_path, command, *what))
        return started[-1]

    yield start
    for build in started:
        if build.process.poll() is None:
            build.kill()


def holder(root):
    return locks.read_state(locks.lock_file(root)).get('holder')


def probe(root):
    return subprocess.run(
        [sys.executable, '-c', PROBE, str(root)], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_second_build_waits_saying_in_one_line_for_which_command(tmp_path, builds):
    pdf = builds('book pdf')
    pdf.expect('held')
    html = builds('book html')
    waiting = html.expect('[lock]')
    assert re.fullmatch(
        rf'\[lock\] waiting for `book pdf` \(pid {pdf.pid}, {SINCE}\) to finish with .+', waiting
    ), waiting
    assert holder(tmp_path)['pid'] == pdf.pid, 'the waiting build took the lock'
    pdf.let_go()
    assert html.expect('held') == 'held 1 2', 'the second build holds it after the first'
    assert holder(tmp_path)['command'] == 'book html'
    html.let_go()
    assert [text for text in html.said if text.startswith('[lock]')] == [waiting]
    assert holder(tmp_path) is None, 'a build that ends leaves no holder behind'


def test_the_lock_of_a_killed_build_is_taken_over_and_said_so(tmp_path, builds):
    pdf = builds('book pdf')
    pdf.expect('held')
    pdf.kill()
    assert holder(tmp_path)['pid'] == pdf.pid, "the killed build's details stay in the file"
    html = builds('book html')
    taking = html.expect('[lock]')
    assert re.fullmatch(
        rf'\[lock\] taking over from `book pdf` \(pid {pdf.pid}, {SINCE}\), which was killed '
        r'before it finished',
        taking,
    ), taking
    assert html.expect('held') == 'held 1 2'
    html.let_go()
    assert holder(tmp_path) is None


def test_what_a_build_starts_never_holds_the_lock(tmp_path, builds):
    """A program the build started and a process it forked, both still
    running after it was killed, leave the lock free."""
    pdf = builds('book pdf', 'children')
    pdf.expect('held')
    children = [int(pid) for pid in pdf.expect('children').split()[1:]]
    try:
        assert probe(tmp_path) == 'held elsewhere'
        pdf.kill()
        for pid in children:
            os.kill(pid, 0)  # raises if it is gone: the test would prove nothing
        assert probe(tmp_path) == 'free', "the build's children keep its lock"
    finally:
        for pid in children:
            os.kill(pid, signal.SIGKILL)


def test_the_lock_is_reentrant_in_one_process_and_its_threads(tmp_path):
    said = []

    def take_again():
        with locks.holding(tmp_path, 'book eval', say=said.append) as again:
            return again

    def in_a_thread():
        """take_again in a thread of its own, which a deadlock leaves behind."""
        taken = queue.Queue()
        threading.Thread(target=lambda: taken.put(take_again()), daemon=True).start()
        try:
            return taken.get(timeout=NEVER)
        except queue.Empty:
            pytest.fail(f'taking the lock again waited for itself; it said {said}')

    with locks.holding(tmp_path, 'book notebooks', say=said.append) as outer:
        assert in_a_thread() is outer
        with locks.holding(tmp_path, 'book eval', say=said.append) as inner:
            assert inner is outer
        assert holder(tmp_path) == {
            'command': 'book notebooks',
            'pid': os.getpid(),
            'since': holder(tmp_path)['since'],
        }
        assert probe(tmp_path) == 'held elsewhere'
    assert said == [], 'a command waited for itself'
    assert holder(tmp_path) is None
    assert probe(tmp_path) == 'free'


def test_every_hold_counts_one_generation_up(tmp_path):
    generations = []
    for _ in range(3):
        with locks.holding(tmp_path, 'book html') as hold:
            generations.append((hold.previous, hold.generation))
    assert generations == [(0, 1), (1, 2), (2, 3)]


def test_the_lock_file_is_in_the_root_of_the_book_not_in_its_build_folder(book):
    project = book()
    assert locks.lock_file(project.root) == project.root.resolve() / locks.LOCK_FILE
    assert project.build_dir not in locks.lock_file(project.root).parents


@pytest.mark.parametrize(
    ('argv', 'held_as'),
    [
        (['lib'], 'book lib'),
        (['pdf'], 'book pdf'),
        (['edition-notebooks', 'ko'], 'book edition-notebooks ko'),
        (['edition-copy-code'], 'book edition-copy-code'),
        (['check'], None),
    ],
)
def test_book_holds_the_lock_around_a_command_that_writes(book, monkeypatch, argv, held_as):
    project = book()
    seen = []

    def probe_run(project, **arguments):
        seen.append(holder(project.root))

    commands = [
        dataclasses.replace(command, run=probe_run) if command.name == argv[0] else command
        for command in cli.COMMANDS
    ]
    monkeypatch.setattr(cli, 'COMMANDS', commands)
    assert cli.main([*argv, '--project', str(project.root)]) == 0
    if held_as is None:
        assert seen == [None], f'`book {argv[0]}` only reads, yet held the lock'
    else:
        assert seen == [{'command': held_as, 'pid': os.getpid(), 'since': seen[0]['since']}]
        assert holder(project.root) is None


def test_a_child_forked_inside_a_hold_holds_nothing_and_writes_no_state(tmp_path):
    other = tmp_path / 'other file'
    other.write_bytes(b'not the lock')
    build = Running(
        [sys.executable, '-c', FORK_INSIDE, str(tmp_path), str(other)], 'fork inside', NEVER
    )
    lock_fd, fd, held_fd, count = build.expect('child').split()[1:]
    build.expect('released')
    build.finish()
    assert fd == lock_fd, f'the other file got descriptor {fd}, not the lock\'s {lock_fd}'
    assert (held_fd, count) == ('None', '0'), f'the child still holds {held_fd} ({count} deep)'
    assert other.read_bytes() == b'not the lock', (
        'the child, unwinding through holding(), wrote the lock state into another file'
    )
    assert holder(tmp_path) is None


def test_a_child_forked_while_the_lock_is_taken_never_holds_it(tmp_path, builds):
    pdf = builds('book pdf')
    pdf.expect('held')
    pdf.kill()
    html = Running(
        [sys.executable, '-c', FORK_WHILE_TAKING, str(tmp_path)], 'fork while taking', NEVER
    )
    html.expect('[lock] taking over')
    child = int(html.expect('released').split()[1])
    try:
        html.finish()
        os.kill(child, 0)  # raises if it is gone: the test would prove nothing
        assert probe(tmp_path) == 'free', 'a child forked while the lock was taken keeps it'
    finally:
        os.kill(child, signal.SIGKILL)
