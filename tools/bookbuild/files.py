"""Writing files so that an interrupted build never leaves a complete-looking
one behind: atomic writes, and stamps that record what an output was made
from; and reading files only when they changed (ReadCache). Standard library
only (the environments' set-up uses it)."""

import hashlib
import json
import os
import threading
import time
from pathlib import Path

# The build package's own folder (tools/bookbuild/).
PACKAGE = Path(__file__).resolve().parent


def package_code():
    """The build package's modules, in a fixed order: a change to any of
    them may change any output, so the stamps that skip work include them."""
    return sorted(path for path in PACKAGE.rglob('*.py') if '__pycache__' not in path.parts)


def write_atomic(path, data):
    """Write data (bytes or str, UTF-8) to path through a temporary file in
    the same folder and a rename: readers see the old file or the new one,
    never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode('utf-8')
    # Named by process and thread, so that two writers never share one.
    temporary = path.with_name(f'.{path.name}.{os.getpid()}.{threading.get_ident()}.tmp')
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_if_changed(path, data):
    """write_atomic, unless path already holds data: file times stay still
    when nothing changed, so d2lbook and Sphinx redo only what did."""
    path = Path(path)
    if isinstance(data, str):
        data = data.encode('utf-8')
    if not (path.exists() and path.read_bytes() == data):
        write_atomic(path, data)


def digest_of(*parts):
    """A SHA-256 over bytes, strings and files (Paths: their absolute name
    and contents; identity.py digests pins by file name, so that a moved
    checkout keeps its digests)."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            digest.update(str(part.relative_to(part.anchor)).encode() + b'\0' + part.read_bytes())
        else:
            digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b'\0')
    return digest.hexdigest()


class Stamp:
    """A file that holds the digest of what an output was made from. It is
    written last, once the output is complete, so an interrupted step is
    redone on the next run."""

    def __init__(self, path):
        self.path = Path(path)

    def matches(self, digest):
        return self.path.exists() and self.path.read_text().strip() == digest

    def write(self, digest):
        write_atomic(self.path, digest + '\n')

    def remove(self):
        self.path.unlink(missing_ok=True)


def text_of(data):
    """UTF-8 bytes as Path.read_text gives them: with universal newlines."""
    return data.decode('utf-8').replace('\r\n', '\n').replace('\r', '\n')


# How far back from the moment a file is looked at its times must lie for
# its stat to be trusted the next time (ReadCache). File times are coarse:
# the kernel stamps them from a clock that ticks every few milliseconds,
# ext3 and HFS+ keep whole seconds and FAT two. A file changed again within
# one tick of the stat keeps the stat it had, so a file that changed that
# recently is read again next time; two seconds covers every one of those.
RACY_NANOSECONDS = 2_000_000_000


def stat_key(state):
    """What tells a changed file from an unchanged one without reading it:
    its size, its times and its inode. The change time (ctime) is set by the
    kernel on every write and every change of the other times, so a tool that
    puts an old modification time back (cp -p, rsync -t, touch -d) still
    shows; a file replaced by a rename has another inode."""
    return [state.st_size, state.st_mtime_ns, state.st_ctime_ns, state.st_ino]


def trusted_stat(state):
    """stat_key(state), or None when the file changed too recently for its
    stat to tell a later change (RACY_NANOSECONDS)."""
    recent = time.time_ns() - max(state.st_mtime_ns, state.st_ctime_ns) <= RACY_NANOSECONDS
    return None if recent else stat_key(state)


# read_json's files, by path: (stat_key, the parsed contents).
_JSON_READ = {}


def read_json(path):
    """A JSON file's contents, read again only when its stat changed (or was
    too recent to trust, as in ReadCache), within one process: `book watch`
    asks for the same evaluation records on every rebuild. Callers must
    not change what it returns."""
    key = str(path)
    state = os.stat(path)
    kept = _JSON_READ.get(key)
    if kept and kept[0] is not None and kept[0] == stat_key(state):
        return kept[1]
    value = json.loads(Path(path).read_bytes())
    _JSON_READ[key] = (trusted_stat(state), value)
    return value


def package_digest(cache_folder):
    """A digest of the build package's code (package_code), each module
    read again only when it changed (a ReadCache in cache_folder)."""
    cache = ReadCache(Path(cache_folder) / 'package.json')
    files = package_code()
    digest = digest_of(*(str(path.relative_to(PACKAGE)) + cache.digest(path) for path in files))
    cache.forget_others(files)
    cache.save()
    return digest


class ReadCache:
    """What files held when a step last read them, and what the step made of
    them, kept in a small file under _build/ so that the next build, in this
    process or a fresh one, reads only the files that changed.

    A file is not read again when its stat (stat_key) equals the one taken
    just before it was last read, and that file had then been still for
    RACY_NANOSECONDS (as git does with its index's "racily clean" entries).
    Any other file is read: one whose stat changed is always read, and what
    the step made of it is reused only when its contents are the same bytes
    (SHA-256). `context` is what else the values depend on (the step's code,
    config.ini): with another context, every value is made again.

    `reads` lists the files read, in order: the seam that tests count by.
    A cache that cannot be read is empty; one that cannot be written is
    skipped (the build is only slower). Entries are checked against the
    files themselves, so a cache written by another build at the same time
    costs at most a read."""

    def __init__(self, path, context=''):
        self.path = Path(path)
        self.context = digest_of(context)
        self.reads = []
        self.entries = {}
        self.changed = False
        try:
            data = json.loads(self.path.read_text(encoding='utf-8'))
        except (OSError, ValueError):
            data = {}
        if isinstance(data, dict) and data.get('context') == self.context:
            self.entries = data.get('files', {})

    def value(self, path, make, wanted=None):
        """make(contents as bytes) for the file at path, made again only when
        its contents changed, or when wanted(the value kept) says the value
        is not the one wanted any more (it depends on something else that
        changed); raises OSError as reading it would."""
        key = str(path)
        entry = self.entries.get(key)
        if entry and wanted and not wanted(entry['value']):
            entry = None
        state = os.stat(path)  # before the read: a change after it shows next time
        if entry and entry.get('stat') == stat_key(state):
            return entry['value']
        data = Path(path).read_bytes()
        self.reads.append(Path(path))
        digest = hashlib.sha256(data).hexdigest()
        value = entry['value'] if entry and entry.get('sha256') == digest else make(data)
        self._record(key, state, digest, value)
        return value

    def _record(self, key, state, digest, value):
        self.entries[key] = {'stat': trusted_stat(state), 'sha256': digest, 'value': value}
        self.changed = True

    def update(self, path, value):
        """Replace the value kept for a file value() has just seen."""
        self.entries[str(path)]['value'] = value
        self.changed = True

    def wrote(self, path, data, value):
        """Keep value for the bytes just written to path (trusted from the
        next build on, when the stat is no longer that recent)."""
        self._record(str(path), os.stat(path), hashlib.sha256(data).hexdigest(), value)

    def digest(self, path):
        """The SHA-256 of a file's contents, read only if it changed."""
        return self.value(path, lambda data: hashlib.sha256(data).hexdigest())

    def forget_others(self, kept):
        """Drop the entries of files not in kept (files a step no longer reads)."""
        kept = {str(path) for path in kept}
        for key in [key for key in self.entries if key not in kept]:
            del self.entries[key]
            self.changed = True

    def save(self):
        if not self.changed:
            return
        data = json.dumps({'context': self.context, 'files': self.entries}, sort_keys=True)
        try:
            write_atomic(self.path, data + '\n')
        except OSError:
            return
        self.changed = False
