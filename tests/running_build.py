"""A build, or a stand-in for one, running in a process of its own while a
test reads its lines as they come: tests/unit/test_build_lock.py's small
holders and tests/build_behaviour's `book` commands on a copy of the book.

A test waits for a line (expect) or lets the process go on (say a line on
its input), never for a time."""

import os
import queue
import signal
import subprocess
import threading

import pytest


class Running:
    """argv started now, its output (stderr too) read line by line.

    name: how failures name it. never: the seconds a line may take, only
    reached when the code under test is broken or hangs (the test then
    fails with what it said). With own_group, it runs in a process group of
    its own, which kill() ends whole (the programs it started too, as
    closing its terminal does); with stdin, the test writes to its input."""

    def __init__(self, argv, name, never, *, own_group=False, stdin=False, env=None):
        self.name = name
        self.never = never
        self.own_group = own_group
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=own_group,
            env=env,
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
        """The next line that starts with `start`; every line is kept."""
        while True:
            try:
                text = self.lines.get(timeout=self.never)
            except queue.Empty:
                pytest.fail(f'`{self.name}` never printed {start!r}:\n' + self.tail())
            if text is None:
                pytest.fail(f'`{self.name}` ended without {start!r}:\n' + self.tail())
            self.said.append(text)
            if text.startswith(start):
                return text

    def say(self, text=''):
        """One line on its input."""
        self.process.stdin.write(text + '\n')
        self.process.stdin.flush()

    def finish(self):
        """Every line to the end; fails unless it ended with status 0."""
        self.said += list(iter(self.lines.get, None))
        code = self.process.wait(timeout=self.never)
        assert code == 0, f'`{self.name}` failed ({code}):\n' + self.tail()

    def kill(self):
        """SIGKILL it (with its process group, if it has one of its own)."""
        if self.own_group:
            os.killpg(self.pid, signal.SIGKILL)
        else:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=self.never)

    def tail(self):
        return '\n'.join(self.said[-40:])
