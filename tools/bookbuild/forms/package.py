"""`make dist`: the `d2l` helper package as a wheel and an sdist in _build/dist/.

Built with PyPA's `build` from a copy of the files the package is made of, so
that the build's own droppings (egg-info, build/) never land in the working
tree, and without build isolation, so that it needs no network: setuptools
comes from .venv/book. `twine check --strict` then reads the metadata as the
package index would. The new files replace _build/dist/ only once both
passed, so a failed build leaves the last good one, or nothing.

Runs in .venv/book: `book dist`.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..report import BuildError

# What setup.py and MANIFEST.in read, besides the package's modules (the
# extras come from the frameworks registry).
PACKAGE_FILES = [
    'setup.py',
    'tools/bookbuild/frameworks.py',
    'pyproject.toml',
    'MANIFEST.in',
    'LICENSE',
    'config.ini',
    'd2l/README.md',
]


def run_checked(cmd, what):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise BuildError(f'{what} failed (exit {result.returncode}):\n{result.stdout[-3000:]}')
    return result.stdout


def copy_sources(project, target):
    """The package's files: the project's own where it has them (config.ini,
    d2l/), the repository's otherwise (setup.py, a throw-away copy of the
    book has none)."""
    names = PACKAGE_FILES + [
        p.relative_to(project.root).as_posix() for p in sorted((project.root / 'd2l').rglob('*.py'))
    ]
    for name in names:
        source = project.root / name
        if not source.exists():
            source = project.repository / name
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)


def build(edition, tabs):
    """Write _build/dist/ (the project's own setup.py and d2l/): one package
    for every framework, in English (the helpers have no prose)."""
    project = edition.project
    dist = edition.build_dir / 'dist'
    with tempfile.TemporaryDirectory(prefix='d2l-dist-') as tmp:
        source, out = Path(tmp) / 'source', Path(tmp) / 'dist'
        copy_sources(project, source)
        # Without --sdist/--wheel, build makes the sdist and then the wheel
        # from the unpacked sdist, so an incomplete sdist fails here.
        run_checked(
            [sys.executable, '-m', 'build', '--no-isolation', '--outdir', str(out), str(source)],
            'python -m build',
        )
        built = sorted(out.iterdir())
        if sorted(p.suffix for p in built) != ['.gz', '.whl']:
            raise BuildError(
                f'expected one wheel and one sdist, build wrote {[p.name for p in built]}'
            )
        run_checked(
            [sys.executable, '-m', 'twine', 'check', '--strict', *map(str, built)], 'twine check'
        )
        staged = dist.with_name('dist.partial')
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(out, staged)
        shutil.rmtree(dist, ignore_errors=True)
        staged.rename(dist)
    for path in sorted(dist.iterdir()):
        print(f'[dist] {project.relative(path)} (twine check passed)', flush=True)
