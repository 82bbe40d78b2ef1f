"""Render an edition's site: d2lbook merges the tabs' evaluated notebooks and
Sphinx turns them into _build/html/ (an edition's into _build/<lang>/html/),
then postprocess.py adds what d2lbook cannot."""

import json
import os
import shutil
import sys
from pathlib import Path

from ..files import Stamp, digest_of, package_code
from ..processes import book_env, d2lbook
from ..progress import run_with_progress
from ..report import BuildError
from . import postprocess


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
    Returns (whether they changed, what to call once the render succeeded)."""
    digest = site_inputs_digest(root)
    stamp = Stamp(html_dir / '.site-inputs')
    changed = not stamp.matches(digest)
    if changed:
        shutil.rmtree(html_dir, ignore_errors=True)
    return changed, lambda: stamp.write(digest)


def build_inputs_digest(project):
    """Everything `book html` reads, and the state of what it wrote: the
    pages, the helpers, the static files, the configuration, the pins and
    kernel settings of every environment, this package's code, and the
    evaluated notebooks and site as they are on disk (a deleted or edited
    output counts as a change). Standard library only and quick, so that
    `make` with nothing changed stops here, before d2lbook is imported."""
    from ..identity import KERNEL_ENV, requirements_digest

    root = project.root
    sources = {
        *project.notebook_sources(),
        *project.dependencies(),
        *(root / name for name in project.resources()),
        *(p for folder in ('d2l', 'static') for p in (root / folder).rglob('*') if p.is_file()),
        *package_code(),
    }
    outputs = [
        project.evaluated_notebook(page, tab)
        for page in project.notebook_sources()
        for tab in project.tabs
    ]
    outputs += [project.html_dir / 'index.html', project.html_dir / '.site-inputs']
    outputs += [project.english.site_notebooks(tab) for tab in project.tabs]  # the download links
    state = [
        (str(p), p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else str(p) for p in outputs
    ]
    return digest_of(
        *sorted(p for p in sources if '__pycache__' not in p.parts),
        *(requirements_digest(project, tab) for tab in project.tabs),
        json.dumps([KERNEL_ENV, state, sys.version]),
    )


def build_stamp(project):
    return Stamp(project.build_dir / '.html-inputs')


def render(edition):
    """Merge the tabs and render one edition's HTML with d2lbook, which
    evaluates nothing: an edition's d2lbook project is its staged sources
    (Edition.source_dir), whose notebooks hold the English outputs.

    d2lbook's `html` walks through its own `eval` step for every tab. With
    the notebooks current that step finds nothing to do; the render guard
    kernel makes sure of it, because it fails any kernel d2lbook starts.
    """
    project = edition.project
    root = edition.source_dir
    _, rendered = full_render_if_site_inputs_changed(root, edition.html_dir)
    env = book_env(project)
    env['JUPYTER_PATH'] = str(project.render_guard_dir())
    prefix = f'[{edition.tag} html]' if edition.tag else '[html]'
    lines = []
    returncode = run_with_progress(
        d2lbook(project, 'html', '--tab', 'all'),
        f'{prefix} rendering',
        lambda line: print(line, flush=True),
        kept=lines,
        cwd=root,
        env=env,
    )
    if returncode != 0:
        print('\n'.join(f'{prefix} {line}' for line in lines[-60:]), flush=True)
        which = f' of the {edition.tag} edition' if edition.tag else ''
        raise BuildError(
            f'rendering the HTML{which} failed (d2lbook exited with {returncode}); '
            'its last lines are above'
        )
    postprocess.postprocess_site(edition)
    rendered()
    # d2lbook logs "Convert _build/eval_all/<page>.ipynb to _build/rst_all/<page>.rst",
    # relative to the folder it runs in.
    rst_dir = edition.build_dir / 'rst_all'
    converted = [
        Path(os.path.normpath(root / line.split(' to ')[-1])).relative_to(rst_dir).with_suffix('')
        for line in lines
        if '] INFO   Convert ' in line
    ]
    print(
        f'{prefix} re-rendered {len(converted)} page(s)'
        + (': ' + ', '.join(map(str, sorted(converted))) if converted else ''),
        flush=True,
    )
