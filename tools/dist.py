"""`make dist`: the `d2l` helper package as a wheel and an sdist in _build/dist/.

Built with PyPA's `build` from a copy of the files the package is made of, so
that the build's own droppings (egg-info, build/) never land in the working
tree, and without build isolation, so that it needs no network: setuptools
comes from .venv/book. `twine check --strict` then reads the metadata as the
package index would. The new files replace _build/dist/ only once both
passed, so a failed build leaves the last good one, or nothing.

Runs in .venv/book: book.py starts it as `.venv/book/bin/python tools/dist.py`.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / '_build' / 'dist'
# What setup.py and MANIFEST.in read, besides the package's modules.
PACKAGE_FILES = [
    'setup.py',
    'pyproject.toml',
    'MANIFEST.in',
    'LICENSE',
    'config.ini',
    'd2l/README.md',
]


class DistError(Exception):
    pass


def run(cmd, what):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise DistError(f'{what} failed (exit {result.returncode}):\n{result.stdout[-3000:]}')
    return result.stdout


def copy_sources(target):
    for name in PACKAGE_FILES + [
        p.relative_to(ROOT).as_posix() for p in sorted((ROOT / 'd2l').glob('*.py'))
    ]:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)


def build():
    """Write _build/dist/ and return the paths of the wheel and the sdist."""
    with tempfile.TemporaryDirectory(prefix='d2l-dist-') as tmp:
        source, out = Path(tmp) / 'source', Path(tmp) / 'dist'
        copy_sources(source)
        # Without --sdist/--wheel, build makes the sdist and then the wheel
        # from the unpacked sdist, so an incomplete sdist fails here.
        run(
            [sys.executable, '-m', 'build', '--no-isolation', '--outdir', str(out), str(source)],
            'python -m build',
        )
        built = sorted(out.iterdir())
        if sorted(p.suffix for p in built) != ['.gz', '.whl']:
            raise DistError(
                f'expected one wheel and one sdist, build wrote {[p.name for p in built]}'
            )
        run([sys.executable, '-m', 'twine', 'check', '--strict', *map(str, built)], 'twine check')
        staged = DIST.with_name('dist.partial')
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(out, staged)
        shutil.rmtree(DIST, ignore_errors=True)
        staged.rename(DIST)
    return sorted(DIST.iterdir())


def main():
    try:
        paths = build()
    except DistError as error:
        print(f'\nbuild failed: {error}', file=sys.stderr)
        return 1
    for path in paths:
        print(f'[dist] {path.relative_to(ROOT)} (twine check passed)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
