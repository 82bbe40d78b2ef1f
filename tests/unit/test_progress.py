"""bookbuild/progress.py: a long step says what it is doing. Commands that
stay busy until the test lets them go stand for a slow pip or LaTeX: the
tests wait for the progress lines themselves, never for a time, with the
interval set to a fraction of a second."""

import concurrent.futures
import os
import queue
import re
import sys
import textwrap

import pytest

from bookbuild import environments, progress

# Long enough for a line to come on the slowest machine, and only reached
# when the code under test is broken: then the test fails with a message.
NEVER = 120


@pytest.fixture
def point(tmp_path):
    """A named pipe: a command that opens it to read waits there until
    release() opens it to write, and closes it. A command still waiting
    when the test ends (a test that failed) is let go."""
    path = tmp_path / 'release'
    os.mkfifo(path)
    yield path
    try:
        waiting = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return  # no one waits there
    os.close(waiting)


def release(path):
    with open(path, 'w'):
        pass


def waiting_command(point, *lines):
    """A command that prints lines, then waits at the release point."""
    script = textwrap.dedent(
        f"""
        for line in {list(lines)!r}:
            print(line, flush=True)
        open({str(point)!r}).read()
        print('done', flush=True)
        """
    )
    return [sys.executable, '-c', script]


def heard(said, count, text):
    """The first `count` lines said that hold text, waiting for each."""
    found = []
    while len(found) < count:
        try:
            line = said.get(timeout=NEVER)
        except queue.Empty:
            pytest.fail(f'no progress line with {text!r} came; heard {found}')
        if text in line:
            found.append(line)
    return found


def in_thread(function, *args, **kwargs):
    """function(*args, **kwargs) started beside the test: its future."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    future = pool.submit(function, *args, **kwargs)
    pool.shutdown(wait=False)
    return future


def test_a_quiet_command_gets_a_progress_line_with_its_last_line_until_it_ends(point):
    said = queue.Queue()
    kept = []
    running = in_thread(
        progress.run_with_progress,
        waiting_command(point, 'Collecting slowpkg==1.0'),
        'pip',
        said.put,
        kept=kept,
        every=0.05,
    )
    # (Before the command's first line, a progress line has no `last:`.)
    lines = heard(said, 3, '; last: Collecting slowpkg==1.0')
    assert all(line.startswith('pip: ') and ' so far; ' in line for line in lines), lines
    release(point)
    assert running.result(NEVER) == 0
    assert kept == ['Collecting slowpkg==1.0', 'done']


def test_streamed_lines_show_and_when_they_stop_a_progress_line_names_the_last(point):
    said = queue.Queue()
    echoed = []
    running = in_thread(
        progress.run_with_progress,
        waiting_command(point, 'first', 'second'),
        '[pdf jax] still running',
        said.put,
        echo=echoed.append,
        every=0.05,
    )
    lines = heard(said, 2, '; last: second')
    assert all(line.startswith('[pdf jax] still running: ') for line in lines), lines
    assert echoed == ['first', 'second']
    release(point)
    assert running.result(NEVER) == 0 and echoed[-1] == 'done'


def test_lines_an_echo_did_not_show_leave_the_quiet_and_the_last_line_as_they_were(point):
    """The learners' hosts: only their marked lines show (learner_hosts),
    and the rest (pip's, a kernel's warnings) neither ends the quiet nor
    becomes the line a progress line names."""
    said = queue.Queue()
    running = in_thread(
        progress.run_with_progress,
        waiting_command(point, '>> notebook.ipynb: running', 'a kernel warning'),
        '[learners] bare-jax',
        said.put,
        echo=lambda line: said.put(f'shown: {line}') if line.startswith('>> ') else False,
        every=0.05,
    )
    lines = heard(said, 2, '; last: ')
    assert all(line.endswith('; last: >> notebook.ipynb: running') for line in lines), lines
    release(point)
    assert running.result(NEVER) == 0


def test_a_step_of_several_commands_keeps_its_quiet_across_them(point):
    """An environment's venv, then its pip install: the second command does
    not start the quiet again, so a step that was already quiet for a long
    while gets its progress line at once, counted from the step's start."""
    quiet = progress.Quiet()
    quiet.started = quiet.last_said = quiet.started - 100  # quiet for 100 s already
    said = queue.Queue()
    running = in_thread(
        progress.run_with_progress,
        waiting_command(point),
        '.venv/jax',
        said.put,
        every=50,
        quiet=quiet,
    )
    line = heard(said, 1, '.venv/jax: ')[0]
    release(point)
    assert running.result(NEVER) == 0
    minutes, seconds = re.match(r'\.venv/jax: (\d+) min (\d+) s so far', line).groups()
    assert 60 * int(minutes) + int(seconds) >= 100, line


def test_a_fake_slow_environment_install_says_what_pip_is_doing(book, tmp_path, point):
    """environments.install_env on a book whose environment's Python is a
    stand-in: its `pip install` prints what it downloads, then waits."""
    project = book()
    # The environments and pins of this throw-away book, not the repository's.
    project.venv = tmp_path / '.venv'
    project.requirements = tmp_path / 'requirements'
    name = 'slow'
    python = project.env_python(name)
    python.parent.mkdir(parents=True)
    assert tmp_path in python.parents
    python.write_text(
        '#!/bin/sh\n'
        'echo "Collecting slowpkg==1.0"\n'
        'echo "  Downloading slowpkg-1.0-py3-none-any.whl (3.2 MB)"\n'
        # The machine's pip configuration may name a find-links folder that
        # does not exist: noise, which the progress lines pass over.
        "echo \"WARNING: Location 'file:///nowhere/' is ignored: it is neither a file nor a "
        'directory."\n'
        # Only its first run waits (the editable installs come after).
        f'[ -e {point}.passed ] || {{ cat {point} > /dev/null; touch {point}.passed; }}\n'
    )
    python.chmod(0o755)
    project.requirements_file(name).parent.mkdir(parents=True, exist_ok=True)
    project.requirements_file(name).write_text('slowpkg==1.0\n')
    said = queue.Queue()
    output = []
    running = in_thread(environments.install_env, project, name, output, say=said.put, every=0.05)
    lines = heard(said, 2, 'last: Downloading slowpkg-1.0-py3-none-any.whl (3.2 MB)')
    assert all(line.startswith(f'.venv/{name}: ') for line in lines), lines
    release(point)
    assert running.result(NEVER) is True
    assert 'Collecting slowpkg==1.0' in output
    assert not any('file:///nowhere/' in line for line in output)


def test_no_step_waits_longer_than_half_a_minute_for_a_line(monkeypatch):
    assert progress.PROGRESS_EVERY < 30
    monkeypatch.delenv('BOOK_PROGRESS_SECONDS', raising=False)
    assert progress.progress_every() == progress.PROGRESS_EVERY
    monkeypatch.setenv('BOOK_PROGRESS_SECONDS', '0.5')
    assert progress.progress_every() == 0.5


@pytest.mark.parametrize(
    'seconds, shown', [(4.26, '4.3 s'), (59.9, '59.9 s'), (60, '1 min 0 s'), (468.4, '7 min 48 s')]
)
def test_a_duration_reads_in_seconds_then_minutes(seconds, shown):
    assert progress.duration(seconds) == shown


def test_output_that_is_not_utf8_is_kept_and_the_command_ends(tmp_path):
    """LaTeX may write bytes that are not UTF-8: they must neither stop the
    reading (the step would wait for ever) nor lose the lines around them."""
    script = "import sys; sys.stdout.buffer.write(b'ok\\n\\xff\\xfe bad\\nafter\\n')"
    kept = []
    code = progress.run_with_progress(
        [sys.executable, '-c', script], 'latex', pytest.fail, kept=kept, every=NEVER
    )
    assert code == 0
    assert kept == ['ok', '\ufffd\ufffd bad', 'after']
