"""Render the site: d2lbook merges the tabs' evaluated notebooks and Sphinx
turns them into _build/html/, then finish.py adds what d2lbook cannot."""

import shutil
import subprocess
from pathlib import Path

from ..files import Stamp, digest_of
from ..processes import book_env, d2lbook
from ..report import BuildError
from . import finish


def site_inputs_digest(root):
    """What reaches every page without being a page: the static files, the
    configuration and this package's rendering code (the Sphinx extension)."""
    files = [
        root / 'config.ini',
        *sorted(Path(__file__).parent.glob('*.py')),
        *sorted(p for p in (root / 'static').rglob('*') if p.is_file()),
    ]
    return digest_of(*files)


def full_render_if_site_inputs_changed(root, html_dir):
    """Sphinx re-renders only the pages that changed, and with none changed
    it stops before copying the static files: a new logo, stylesheet or
    script would never reach the site. When those inputs changed since the
    last render, the old site goes, so that Sphinx renders everything.
    Returns what to call once the render succeeded."""
    digest = site_inputs_digest(root)
    stamp = Stamp(html_dir / '.site-inputs')
    if not stamp.matches(digest):
        shutil.rmtree(html_dir, ignore_errors=True)
    return lambda: stamp.write(digest)


def render(project):
    """Merge the tabs and render the HTML with d2lbook, which evaluates nothing.

    d2lbook's `html` walks through its own `eval` step for every tab. With
    the notebooks current that step finds nothing to do; the render guard
    kernel makes sure of it, because it fails any kernel d2lbook starts.
    """
    rendered = full_render_if_site_inputs_changed(project.root, project.html_dir)
    env = book_env()
    env['JUPYTER_PATH'] = str(project.render_guard_dir())
    process = subprocess.run(
        d2lbook('html', '--tab', 'all'),
        cwd=project.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = process.stdout.splitlines()
    if process.returncode != 0:
        print('\n'.join(f'[html] {line}' for line in lines[-60:]), flush=True)
        raise BuildError(
            f'rendering the HTML failed (d2lbook exited with {process.returncode}); '
            'its last lines are above'
        )
    finish.finish_site(project.html_dir)
    rendered()
    # d2lbook logs "Convert _build/eval_all/<page>.ipynb to _build/rst_all/<page>.rst".
    converted = [
        (project.root / line.split(' to ')[-1])
        .relative_to(project.build_dir / 'rst_all')
        .with_suffix('')
        for line in lines
        if '] INFO   Convert ' in line
    ]
    print(
        f'[html] re-rendered {len(converted)} page(s)'
        + (': ' + ', '.join(map(str, sorted(converted))) if converted else ''),
        flush=True,
    )
