"""pandoc's answers, kept on disk so that a new process converts only what
changed.

d2lbook converts a page to reStructuredText with nbconvert, which starts
pandoc once per markdown cell: some 200 times for the section, most of the
page's conversion time. pandoc's answer depends only on its input, its
arguments and pandoc itself, so each answer is kept in a file named by the
digest of all three (under _build/.pandoc-cache/), and a cell whose text did
not change is never converted twice, in this process or the next.

KeptAnswers is the store itself; sphinx_writes.py keeps Pygments' colouring
of the code blocks in one too (_build/.highlight-cache/).

Standard library only; nbconvert is patched only by `use_pandoc_cache`.
"""

import hashlib
import shutil
import threading
from pathlib import Path

from ..files import write_atomic

FOLDER_NAME = '.pandoc-cache'


def pandoc_identity():
    """What stands for pandoc's version in the key: the program's resolved
    path, size and modification time. Any other release of pandoc is
    another file, and reading these costs a stat, not a process."""
    found = shutil.which('pandoc')
    if found is None:
        return 'no pandoc'  # nbconvert raises its own error at the first call
    program = Path(found).resolve()
    state = program.stat()
    return f'{program} {state.st_size} {state.st_mtime_ns}'


class KeptAnswers:
    """Answers on disk, one file per question, named by the question's
    digest and opening with it, so that a file that is not whole, or holds
    another question's answer, is never taken for this one; written through
    a rename (files.write_atomic). Also kept in memory once read."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.in_memory = {}
        self.lock = threading.Lock()

    @staticmethod
    def key(*question):
        return hashlib.sha256('\0'.join(question).encode('utf-8')).hexdigest()

    def path(self, key):
        return self.folder / key[:2] / key

    def get(self, key):
        """The answer kept for key, or None."""
        with self.lock:
            if key in self.in_memory:
                return self.in_memory[key]
        try:
            text = self.path(key).read_text(encoding='utf-8')
        except (OSError, UnicodeDecodeError):
            return None
        first, newline, answer = text.partition('\n')
        if not newline or first != key:
            return None
        with self.lock:
            self.in_memory[key] = answer
        return answer

    def put(self, key, answer):
        write_atomic(self.path(key), f'{key}\n{answer}')
        with self.lock:
            self.in_memory[key] = answer


class PandocAnswers(KeptAnswers):
    """A pandoc call (nbconvert's signature) that answers from folder when
    it has asked pandoc the same question before, and asks `convert`
    otherwise. Safe to call from several threads and processes at once."""

    def __init__(self, folder, convert, identity):
        super().__init__(folder)
        self.convert = convert
        self.identity = identity
        self.asked = 0  # how many times pandoc itself was asked

    def __call__(self, source, fmt, to, extra_args=None, encoding='utf-8'):
        key = self.key(self.identity, fmt, to, *(extra_args or ()), encoding, source)
        answer = self.get(key)
        if answer is None:
            answer = self.convert(source, fmt, to, extra_args=extra_args, encoding=encoding)
            self.asked += 1
            self.put(key, answer)
        return answer


def use_pandoc_cache(build_dir):
    """Make nbconvert's conversions through pandoc answer from
    <build_dir>/.pandoc-cache/ (once per process; a later call with another
    folder moves the cache there). Returns the PandocAnswers."""
    from nbconvert.filters import pandoc as nbconvert_pandoc

    folder = Path(build_dir) / FOLDER_NAME
    current = nbconvert_pandoc.pandoc
    if isinstance(current, PandocAnswers):
        if current.folder != folder:
            current.folder = folder
            current.in_memory = {}
        return current
    answers = PandocAnswers(folder, current, pandoc_identity())
    nbconvert_pandoc.pandoc = answers
    return answers
