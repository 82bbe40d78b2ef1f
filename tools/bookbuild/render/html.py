"""Render an edition's site: d2lbook merges the tabs' evaluated notebooks and
Sphinx turns them into _build/html/ (an edition's into _build/<lang>/html/),
then postprocess.py adds what d2lbook cannot; all in this process
(render/live.py), for `book html` and `book watch` alike.

Standard library only at import: forms/site.py asks the stamps here whether
anything changed before d2lbook or Sphinx is imported.
"""

import json
import sys

from ..files import Stamp, digest_of, package_code


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


def render(edition, renderer=None):
    """Render one edition's site in this process (render/live.py): merge the
    tabs, convert the changed pages, and let Sphinx write them. An edition's
    d2lbook project is its staged sources (Edition.source_dir), whose
    notebooks hold the English outputs. Nothing is evaluated: the render
    cannot start a kernel. `renderer` is a SiteRenderer kept between
    renders (`book watch`); by default a new one, closed afterwards.
    Returns it."""
    from .live import SiteRenderer

    own = renderer is None
    renderer = renderer or SiteRenderer(edition)
    prefix = f'[{edition.tag} html]' if edition.tag else '[html]'
    try:
        renderer.render()
    finally:
        if own:
            # Its Sphinx application holds docutils' registry until closed:
            # the next edition's, in this process, registers the same names.
            renderer.forget()
    # The book's pages Sphinx wrote (not its index and search pages): only
    # those that changed, unless what every page shows of them changed.
    pages = renderer.pages_written
    print(
        f'{prefix} re-rendered {len(pages)} page(s)' + (': ' + ', '.join(pages) if pages else ''),
        flush=True,
    )
    return renderer
