"""Writing files so that an interrupted build never leaves a complete-looking
one behind: atomic writes, and stamps that record what an output was made
from. Standard library only (the environments' set-up uses it)."""

import hashlib
import os
import threading
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
