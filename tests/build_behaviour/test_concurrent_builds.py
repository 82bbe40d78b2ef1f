"""Builds that never collide: an author starts `book html` beside
`book notebooks`, after a `book html` that was killed halfway.

In one copy of the book, `book html` is killed (SIGKILL, with the programs
it started, as closing its terminal does) once its render has begun; `book
notebooks` then takes over its lock, saying so, and while it works a second
`book html` waits, saying for which command. In another copy, the same
two commands run one after the other, and nothing is killed. Both copies
end with the same outputs, byte for byte: the site, the readers' notebooks
and the evaluated notebooks (their records too, but for when a kernel ran
and for how long).

Both copies reuse the repository's evaluated notebooks (throwaway_book's
copy_the_outputs), so no kernel runs. The test waits for what the builds
print, the lock file and the render's folder, never for a time.
"""

import json
import os
import queue
import re
import signal
import subprocess
import threading
import time

import pytest

from bookbuild import locks
from bookbuild.project import Project
from throwaway_book import book_command, build_ok, copy_book, copy_the_outputs

# Long enough for a line to come on the slowest machine, and only reached
# when the build is broken or hangs: then the test fails with what it said.
NEVER = 600
SINCE = r'since \d\d:\d\d:\d\d'


class Running:
    """`book <command>` on a copy, in a process group of its own, whose
    lines the test reads as they come."""

    def __init__(self, root, command):
        self.command = command
        self.process = subprocess.Popen(
            book_command(root, command),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.pid = self.process.pid
        self.said = []
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for text in self.process.stdout:
            self.lines.put(text.rstrip('\n'))
        self.lines.put(None)

    def expect(self, start):
        """The next line that starts with `start`."""
        while True:
            try:
                text = self.lines.get(timeout=NEVER)
            except queue.Empty:
                pytest.fail(f'`book {self.command}` never printed {start!r}:\n' + self.tail())
            if text is None:
                pytest.fail(f'`book {self.command}` ended without {start!r}:\n' + self.tail())
            self.said.append(text)
            if text.startswith(start):
                return text

    def finish(self):
        """Every line to the end; fails unless the build succeeded."""
        self.said += list(iter(self.lines.get, None))
        assert self.process.wait() == 0, f'`book {self.command}` failed:\n' + self.tail()

    def kill(self):
        """SIGKILL the build and the programs it started (d2lbook, Sphinx)."""
        os.killpg(self.pid, signal.SIGKILL)
        self.process.wait()

    def tail(self):
        return '\n'.join(self.said[-40:])


def wait_for(state, build):
    """Until state() holds; fails if the build ends first or never gets there."""
    deadline = time.monotonic() + NEVER
    while not state():
        if build.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f'`book {build.command}` never got there:\n' + build.tail())
        time.sleep(0.02)


def holder(root):
    return locks.read_state(locks.lock_file(root)).get('holder')


def outputs(root):
    """{path: bytes} of what the two builds publish and keep: the site
    (without Sphinx's pickles, which hold the copy's path), the readers'
    notebooks and zips, and the evaluated notebooks with their records (as
    without_when gives them) and versions. d2lbook's own working folders and
    the stamps are left out."""
    project = Project(root)
    folders = [project.html_dir, project.build_dir / 'notebooks']
    folders += [project.eval_dir(tab) for tab in project.tabs]
    folders += [project.build_dir / 'eval_records', project.build_dir / 'eval_versions']
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob('*')):
            relative = path.relative_to(project.build_dir)
            hidden = any(part.startswith('.') for part in relative.parts)
            if path.is_file() and not hidden:
                records = folder.name == 'eval_records'
                found[relative.as_posix()] = without_when(path) if records else path.read_bytes()
    return found


def without_when(record):
    """An evaluation record without when its kernel ran and how long it took,
    which differ whenever a kernel runs (the repository's outputs are behind
    the code under test): the rest says what the notebook was made from."""
    data = json.loads(record.read_text())
    return {key: value for key, value in data.items() if key not in ('evaluated', 'seconds')}


@pytest.fixture(scope='module')
def one_after_the_other(tmp_path_factory):
    """A copy built by `book notebooks`, then `book html`, in a thread of its
    own while the test runs the other copy: (its root, the thread, and
    {'error': ...} when a build failed)."""
    root = copy_book(tmp_path_factory.mktemp('one-after-the-other'))
    copy_the_outputs(root)
    result = {}

    def build():
        try:
            build_ok(root, 'notebooks')
            build_ok(root, 'html')
        except AssertionError as error:
            result['error'] = str(error)

    thread = threading.Thread(target=build, daemon=True)
    thread.start()
    yield root, thread, result


def test_builds_run_together_wait_in_turn_and_equal_builds_run_one_after_the_other(
    tmp_path, one_after_the_other
):
    root = copy_book(tmp_path / 'together')
    copy_the_outputs(root)

    killed = Running(root, 'html')
    killed.expect('[book] checked')  # it holds the lock, and has removed its stamp
    # Halfway: the render has begun writing (the copy had no rst_all/).
    wait_for(lambda: (Project(root).build_dir / 'rst_all').exists(), killed)
    killed.kill()
    assert (holder(root) or {}).get('pid') == killed.pid, (
        f'the html build was not holding the lock when it was killed: {holder(root)}'
    )

    notebooks = Running(root, 'notebooks')
    taking_over = notebooks.expect('[lock]')
    assert re.fullmatch(
        rf'\[lock\] taking over from `book html` \(pid {killed.pid}, {SINCE}\), which was killed '
        r'before it finished: what it was writing is built again',
        taking_over,
    ), taking_over
    notebooks.expect('[book] checked')  # it holds the lock, and works

    html = Running(root, 'html')
    waiting = html.expect('[lock]')
    assert re.fullmatch(
        rf'\[lock\] waiting for `book notebooks` \(pid {notebooks.pid}, {SINCE}\) '
        r'to finish with .+',
        waiting,
    ), waiting
    notebooks.finish()
    html.finish()
    assert [text for text in html.said if text.startswith('[lock]')] == [waiting], html.tail()
    assert not any('nothing changed since the last build' in text for text in html.said), (
        'the html build after the killed one took its half-made site as current:\n' + html.tail()
    )

    sequential, thread, result = one_after_the_other
    thread.join()
    assert 'error' not in result, result.get('error')
    ours, theirs = outputs(root), outputs(sequential)
    assert any(name.startswith('html/') for name in ours), 'the builds made no site'
    assert any(name.startswith('notebooks/') for name in ours), 'the builds made no notebooks'
    assert sorted(ours) == sorted(theirs), (
        f'only after the builds run together: {sorted(set(ours) - set(theirs))[:10]}; '
        f'only after them one after the other: {sorted(set(theirs) - set(ours))[:10]}'
    )
    differ = [name for name in ours if ours[name] != theirs[name]]
    assert not differ, f'the builds run together wrote other bytes in {differ[:10]}'
