"""The build server: `make` after an edit as quick as `make watch`.

A fresh `book html` spends most of a prose edit's build importing d2lbook,
Sphinx and the evaluator and opening a Sphinx application. So, after a
successful build in its own process, `book html` starts a server for the
book, detached, that keeps all of that loaded (`book build-server`); the
next `book html` hands its build to it over a Unix socket, with the
standard library only, and prints the build's lines as they come.

The server runs `book html`'s own build (pipeline.build_form of the site,
forms/site.py) under the book's build lock (locks.py), one request at a
time, and keeps one SiteRenderer between them, dropped when another process
built in between (the lock's generation moved on), as `book watch` does.
It never serves a stale build: it answers only a request whose key (this
package's code, the Python, the environments' pins, config.ini and the
BOOK_* variables: what the build reads at import or keeps) equals its own;
otherwise it tells the client to build itself, and exits. It exits too when
idle for IDLE_SECONDS, when its socket file or the book is gone, on
`book stop-server` and on SIGTERM. BOOK_BUILD_SERVER=0 turns it off: no
server is asked or started (`make test` sets it).

Standard library only at import: the client runs before anything heavy.
"""

import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

from .files import digest_of, package_code
from .identity import requirements_digest
from .report import AlreadyReported, BuildError, log

SWITCH = 'BOOK_BUILD_SERVER'
SOCKET_NAME = 'build-server.sock'
LOG_NAME = 'build-server.log'
IDLE_SECONDS = 15 * 60
# How often the server looks at its socket file, the book and the clock.
CHECK_SECONDS = 5.0
# How long a client waits for the server to take its request up before it
# says what the server is busy with (only what is printed depends on it).
NOTICE_SECONDS = 1.0
# sun_path holds 108 bytes with its NUL; the server binds a temporary name
# beside the socket (up to 12 bytes longer) before renaming it.
MAX_SOCKET_PATH = 108 - 1 - 12


def enabled(environ=os.environ):
    return environ.get(SWITCH, '1') != '0'


def socket_path(project):
    """_build/build-server.sock, or, when that is too long for a Unix
    socket, one in /tmp named by a digest of the book's root."""
    path = project.build_dir / SOCKET_NAME
    if len(os.fsencode(path)) <= MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha256(os.fsencode(project.root.resolve())).hexdigest()[:16]
    return Path('/tmp') / f'book-server-{digest}.sock'


def key(project, environ=os.environ):
    """What a server's build depends on besides the pages and outputs,
    which the build itself checks: equal keys, same build."""
    variables = sorted(
        (name, value)
        for name, value in environ.items()
        if (name.startswith('BOOK_') and name != SWITCH) or name == 'PATH'
    )
    return digest_of(
        *package_code(),
        sys.executable,
        sys.version,
        *(requirements_digest(project, name) for name in ['book', *project.tabs]),
        project.root / 'config.ini',
        json.dumps(variables),
    )


# ---------------------------------------------------------- protocol ----
# One JSON object a line. The client sends {'key', 'command': 'html'},
# {'ping': true} (answered with {'pid'} once the build is loaded) or
# {'stop': true}; the server answers {'refused': why} or {'pid'}, then the
# build's lines ({'out': text} or {'err': text}) and {'status': code}.


def send(connection, message):
    connection.sendall(json.dumps(message).encode('utf-8') + b'\n')


def messages(connection):
    """The messages read from a connection, until it closes."""
    with connection.makefile('r', encoding='utf-8') as reader:
        for text in reader:
            yield json.loads(text)


class Lines:
    """A text stream that sends what is written to the client, as 'out' or
    'err' messages. A client that stopped waiting gets nothing more; the
    build goes on to its end."""

    def __init__(self, connection, name, guard):
        self.connection = connection
        self.name = name
        self.guard = guard  # shared by both streams of one request
        self.pending = ''
        self.gone = False

    def write(self, text):
        self.pending += text
        if '\n' in self.pending:
            whole, _, self.pending = self.pending.rpartition('\n')
            self._send(whole + '\n')
        return len(text)

    def flush(self):
        if self.pending:
            text, self.pending = self.pending, ''
            self._send(text)

    def isatty(self):
        return False

    def _send(self, text):
        with self.guard:
            if self.gone:
                return
            try:
                send(self.connection, {self.name: text})
            except OSError:
                self.gone = True


# ------------------------------------------------------------ client ----


def connect(project):
    """A connection to the book's server, or None when none listens."""
    path = socket_path(project)
    if not path.exists():
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
    except OSError:
        connection.close()
        return None
    return connection


def hand_over(project):
    """Have the book's server build the site: its exit status, or None when
    no server built it (none runs, it refused, or it ended mid-build), and
    the caller builds in its own process."""
    if not enabled():
        return None
    connection = connect(project)
    if connection is None:
        return None
    pid = status = None
    # The streams as the build starts, bound once: the server's lines go
    # where the caller's output goes, whatever replaces sys.stdout meanwhile.
    streams = (('out', sys.stdout), ('err', sys.stderr))
    with connection:
        try:
            send(connection, {'key': key(project), 'command': 'html'})
            say_if_queued(project, connection)
            for message in messages(connection):
                if 'refused' in message:
                    log(f'the build server did not build: {message["refused"]}; building here')
                    return None
                if 'pid' in message:
                    pid = message['pid']
                for name, stream in streams:
                    if name in message:
                        stream.write(message[name])
                        stream.flush()
                if 'status' in message:
                    status = message['status']
        except KeyboardInterrupt:
            log(f'stopped waiting; the build server (pid {pid}) finishes the build')
            return 130
        except (OSError, ValueError):
            pass
    if status is None:
        log(f'the build server (pid {pid}) ended before its build did; building here')
        return None
    if status == 0:
        log(f'built by the build server (pid {pid})')
    return status


def say_if_queued(project, connection):
    """The server answers one request at a time: when it has not taken this
    one up within NOTICE_SECONDS, say in one line what it is busy with (the
    book lock's holder), as a build waiting for the lock does."""
    import select

    from . import locks

    if select.select([connection], [], [], NOTICE_SECONDS)[0]:
        return
    holder = locks.read_state(locks.lock_file(project.root)).get('holder')
    if holder:
        print(locks.waiting_line(holder), flush=True)
    else:
        log('waiting for the build server to take this build up')


def ready(project):
    """Wait until the book's server has loaded the build and answers; its
    pid, or None when none runs."""
    connection = connect(project)
    if connection is None:
        return None
    with connection:
        send(connection, {'ping': True})
        return next(messages(connection), {}).get('pid')


def status(project):
    """`book server-status`: whether the book's server runs, once it has
    loaded the build; exit status 1 when none does."""
    pid = ready(project)
    log(f'the build server (pid {pid}) answers' if pid else 'no build server runs for this book')
    return 0 if pid else 1


def stop(project):
    """`book stop-server`: ask the book's server to end."""
    connection = connect(project)
    if connection is None:
        log('no build server runs for this book')
        return
    with connection:
        send(connection, {'stop': True})
        for message in messages(connection):
            log(f'the build server (pid {message.get("stopping")}) stops')


def start(project):
    """Start the book's server in the background, detached: its own session
    and its output in _build/build-server.log, so that nothing (a CI job,
    a pipe) waits for it."""
    if not enabled():
        return
    project.build_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, '-m', 'bookbuild', 'build-server', '--project', str(project.root)]
    path = socket_path(project)
    before = inode_of(path)  # an old server's, or a killed one's
    with open(project.build_dir / LOG_NAME, 'ab') as output:
        server = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=project.root,
            start_new_session=True,
        )
    # Until it listens (it binds before loading the build), so that the
    # next `book html` finds it, however soon it comes.
    while server.poll() is None and inode_of(path) in (None, before):
        time.sleep(0.01)
    log(
        f'started a build server (pid {server.pid}) for the next `make`; '
        '`book stop-server` stops it, BOOK_BUILD_SERVER=0 does without'
    )


# ------------------------------------------------------------ server ----


class Stop(Exception):
    """The server ends (asked to, or its key is out of date)."""


class Server:
    def __init__(self, project, own_key):
        self.project = project
        self.key = own_key
        self.renderer = None
        self.generation = None  # the lock's, after this server's last build
        self.last = time.monotonic()
        self.busy = False
        self.stopping = False

    def handle(self, connection):
        request = next(messages(connection), {})
        if request.get('ping'):
            send(connection, {'pid': os.getpid()})
            return
        if request.get('stop'):
            send(connection, {'stopping': os.getpid()})
            raise Stop('asked to stop (book stop-server)')
        if request.get('key') != self.key:
            why = "the build package, its Python, the pins or config.ini changed since it started"
            send(connection, {'refused': why})
            raise Stop(f'out of date: {why}')
        send(connection, {'pid': os.getpid()})
        guard = threading.Lock()
        out, err = Lines(connection, 'out', guard), Lines(connection, 'err', guard)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = self.build()
            out.flush()
            err.flush()
        with contextlib.suppress(OSError):
            send(connection, {'status': status})

    def build(self):
        """`book html`'s build, as cli.main runs it: its exit status."""
        from . import locks, pipeline
        from .forms import FORMS, site

        try:
            with locks.holding(self.project.root, 'book html') as hold:
                if self.generation not in (None, hold.previous):
                    self.renderer.forget()  # another build wrote _build/ since
                try:
                    with site.keeping(self.renderer):
                        pipeline.build_form(FORMS['html'], [self.project.english])
                finally:
                    self.generation = hold.generation
            return 0
        except AlreadyReported:
            return 1
        except BuildError as error:
            print(f'\nbuild failed: {error}', file=sys.stderr, flush=True)
            return 1
        except Exception:
            traceback.print_exc()
            self.renderer.forget()
            return 1

    def warm_up(self):
        """Open d2lbook's Builder and the Sphinx application now, by a render
        of the site as it is, so that the first edit served finds them
        loaded; only when the site is current, and it stays so."""
        from . import locks
        from .render.html import build_inputs_digest, build_stamp

        with locks.holding(self.project.root, 'book build-server') as hold:
            stamp = build_stamp(self.project)
            if stamp.matches(build_inputs_digest(self.project)):
                start = time.perf_counter()
                self.renderer.render()
                stamp.write(build_inputs_digest(self.project))
                log(f'loaded the site in {time.perf_counter() - start:.2f} s')
            self.generation = hold.generation

    def should_end(self, path, inode):
        """Why the server should end now, or None."""
        try:
            if os.stat(path).st_ino != inode:
                return 'another server took its socket'
        except FileNotFoundError:
            return 'its socket file is gone'
        if not (self.project.root / 'config.ini').exists():
            return 'the book is gone'
        if time.monotonic() - self.last > IDLE_SECONDS:
            return f'idle for {IDLE_SECONDS // 60} minutes'
        return None


def inode_of(path):
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def listen(path):
    """A socket listening at path, bound under a temporary name and renamed,
    so that a client never finds a socket file nobody listens on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f'.{os.getpid()}.sock')
    temporary.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(temporary))
    listener.listen(8)
    os.replace(temporary, path)
    return listener, os.stat(path).st_ino


def serve(project):
    """`book build-server`: serve the book's builds until told to end."""
    own_key = key(project)  # before the code it names is imported
    path = socket_path(project)
    listener, inode = listen(path)
    # Requests wait in the backlog while the build's modules load.
    log(f'build server (pid {os.getpid()}) for {project.root} at {path}')
    from .render.live import SiteRenderer

    server = Server(project, own_key)
    server.renderer = SiteRenderer(project.english)
    os.chdir(project.root)
    try:
        server.warm_up()
    except Exception:  # a build that finds it cold still works
        traceback.print_exc()
        server.renderer.forget()

    def on_term(signum, frame):
        server.stopping = True
        if not server.busy:
            raise Stop('SIGTERM')

    signal.signal(signal.SIGTERM, on_term)
    listener.settimeout(CHECK_SECONDS)
    why = 'SIGTERM'  # unless the loop ends otherwise
    try:
        while not server.stopping:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                why = server.should_end(path, inode)
                if why:
                    break
                continue
            with connection:
                connection.settimeout(None)
                server.busy = True
                try:
                    server.handle(connection)
                finally:
                    server.busy = False
                    server.last = time.monotonic()
    except Stop as stop:
        why = str(stop)
    finally:
        with contextlib.suppress(OSError):
            if os.stat(path).st_ino == inode:
                path.unlink()
        listener.close()
        log(f'build server (pid {os.getpid()}) ends: {why}')
