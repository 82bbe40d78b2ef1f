"""One build at a time per book: the build lock.

Every `book` command that writes _build/, the evaluation records, d2l/, the
translations or the environments holds the lock of its book while it works
(cli.py); `book watch` holds it for each rebuild only (watch.py). A command
that finds it held prints one line naming the holder and waits.

The lock is an flock(2) on a file in the book's root (LOCK_FILE): the kernel
releases it when its holder ends, however it ends, so a killed build never
leaves a lock that hangs the next one. The file also keeps the holder's
details (its command, pid and start), which a waiting build prints, and a
generation, counted up by every holder, by which `book watch` knows that
another build wrote between two of its rebuilds. A holder that ends
normally clears its details; details found by the next holder are a killed
build's, and it says it takes over.

Re-entrant in one process: a command that runs another's code, in any
thread, shares the hold. It is never inherited: the file is opened
close-on-exec, and a forked child closes its copy (even one forked while
the lock is being taken) and holds nothing, so that the programs a build
starts (d2lbook, Sphinx, kernels, pytest) neither hold nor need it.

Standard library only: `book setup` runs on the system Python.
"""

import contextlib
import fcntl
import json
import os
import threading
import time
from pathlib import Path

from .report import line

# In the book's root, beside config.ini: not in _build/, which `make clean`
# deletes and a fresh clone lacks. Ignored by git (.gitignore).
LOCK_FILE = '.book-build.lock'
# The state is written by one pwrite of this many bytes (JSON padded with
# spaces, never truncated first), so that a waiting build reads one state
# whole, never an empty file or the half of one.
STATE_SIZE = 1024
# What the waiting line says a holder is busy with.
WHAT = '_build/, d2l/ and the translations'


def lock_file(root):
    return Path(root).resolve() / LOCK_FILE


def read_state(path_or_fd):
    """{'generation': n, 'holder': {'command', 'pid', 'since'} or None} of a
    lock file (a path or an open descriptor); {} when it holds none yet."""
    if isinstance(path_or_fd, int):
        data = os.pread(path_or_fd, STATE_SIZE, 0)
    else:
        try:
            data = Path(path_or_fd).read_bytes()
        except FileNotFoundError:
            return {}
    try:
        state = json.loads(data.decode('utf-8') or '{}')
    except (UnicodeDecodeError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(fd, state):
    data = json.dumps(state).encode('utf-8')
    if len(data) > STATE_SIZE:  # a very long command line: keep its start
        state['holder']['command'] = state['holder']['command'][:200] + ' ...'
        data = json.dumps(state).encode('utf-8')
    os.pwrite(fd, data.ljust(STATE_SIZE), 0)


def describe(holder):
    """'`book pdf` (pid 4242, since 09:12:03)'."""
    if not holder:
        return 'another build (it has not written its details yet)'
    since = time.strftime('%H:%M:%S', time.localtime(holder.get('since', 0)))
    return f'`{holder.get("command", "?")}` (pid {holder.get("pid", "?")}, since {since})'


def waiting_line(holder):
    return f'[lock] waiting for {describe(holder)} to finish with {WHAT}'


def take_over_line(holder):
    # No promise on what the killed build left: the site's render starts
    # again whole (render/live.py), d2lbook's own steps for the other forms
    # redo a file only when its source is newer (docs/authors.md).
    return f'[lock] taking over from {describe(holder)}, which was killed before it finished'


class Hold:
    """This process's hold on one book's lock: how many of its commands are
    inside it, and the generations before and after it was taken."""

    def __init__(self, path):
        self.path = path
        self.count = 0
        self.fd = None
        self.previous = None  # the generation the last holder left
        self.generation = None  # this hold's
        self.mutex = threading.Lock()

    def take(self, command, say):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # os.open's descriptors are close-on-exec (PEP 446): no program the
        # build starts inherits the lock. A child forked before fd is kept
        # in self.fd closes it too (_opening, _forget_holds_in_child).
        with _fork_guard:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            _opening.add(fd)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                say(waiting_line(read_state(fd).get('holder')))
                fcntl.flock(fd, fcntl.LOCK_EX)
            state = read_state(fd)
            if state.get('holder'):
                # Held, and the lock was free: its holder ended without
                # clearing its details, so it was killed.
                say(take_over_line(state['holder']))
            self.previous = state.get('generation', 0)
            self.generation = self.previous + 1
            holder = {'command': command, 'pid': os.getpid(), 'since': time.time()}
            _write_state(fd, {'generation': self.generation, 'holder': holder})
        except BaseException:
            _opening.discard(fd)
            os.close(fd)  # closing releases the flock, if it was taken
            raise
        with _fork_guard:
            self.fd = fd
            _opening.discard(fd)

    def release(self):
        fd, self.fd = self.fd, None
        try:
            _write_state(fd, {'generation': self.generation, 'holder': None})
        finally:
            os.close(fd)


_holds = {}  # {lock file: Hold} of this process
# Descriptors of lock files being taken (Hold.take), not yet in a Hold,
# and the guard that keeps a fork from falling between a descriptor's
# opening and its entry here or in its Hold.
_opening = set()
_fork_guard = threading.Lock()
_holds_guard = threading.Lock()


@contextlib.contextmanager
def holding(root, command, say=line):
    """Hold the lock of the book in `root` while the block runs, as
    `command` (the words the waiting line shows, e.g. 'book pdf'). Waits,
    saying so in one line, while another process holds it; yields the Hold.
    Inside a hold of this process, it only counts (re-entrant)."""
    path = lock_file(root)
    with _holds_guard:
        hold = _holds.setdefault(path, Hold(path))
    with hold.mutex:  # threads of this process take the flock one at a time
        if hold.count == 0:
            hold.take(command, say)
        hold.count += 1
    try:
        yield hold
    finally:
        with hold.mutex:
            hold.count -= 1
            if hold.count == 0:
                hold.release()


def _forget_holds_in_child():
    """A child forked while a hold is taken, or being taken (Sphinx's or
    multiprocessing's workers), closes its copy of the descriptor, so that
    the lock ends with the holder; closing never releases the parent's
    flock, unlocking would. Its Holds then hold nothing: a child unwinding
    through holding() must not write the state into whatever file has that
    descriptor's number by then."""
    global _holds_guard, _fork_guard
    _fork_guard = threading.Lock()  # the parent's was taken for the fork
    descriptors = set(_opening)
    for hold in _holds.values():
        if hold.fd is not None:
            descriptors.add(hold.fd)
        hold.fd = None
        hold.count = 0
        hold.mutex = threading.Lock()
    for fd in descriptors:
        with contextlib.suppress(OSError):
            os.close(fd)
    _opening.clear()
    _holds.clear()
    _holds_guard = threading.Lock()


os.register_at_fork(
    before=lambda: _fork_guard.acquire(),
    after_in_parent=lambda: _fork_guard.release(),
    after_in_child=_forget_holds_in_child,
)
