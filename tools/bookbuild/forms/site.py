"""`make html`: the site of an edition, with every framework's tabs, in
_build/html/ (a translation's in _build/<lang>/html/): d2lbook merges the
tabs and Sphinx renders the pages (render/html.py), then the notebooks that
the pages' download links fetch are written beside them (forms/notebooks/).

The English site is skipped whole when nothing it reads or wrote has
changed since it was last built (render/html.py's stamp): `current`.
Standard library only at import: a build with nothing changed loads no
d2lbook.
"""

import contextlib

from ..report import log

# The SiteRenderer that a build server keeps between its builds
# (build_server.py), while it builds; none in a `book html` of its own.
_kept = []


def front_page(edition):
    """The site's first page: config.ini's [build] index, which d2lbook makes
    Sphinx's root document."""
    index = edition.project.config['build'].get('index', 'index')
    return edition.html_dir / f'{index}.html'


def current(edition):
    """Whether the English site is up to date with what it is made from. If
    it is not, its stamp goes until this build has succeeded."""
    from ..render.html import build_inputs_digest, build_stamp

    if not edition.is_english:
        return False
    stamp = build_stamp(edition.project)
    if stamp.matches(build_inputs_digest(edition.project)):
        log(f'nothing changed since the last build: {front_page(edition)}')
        return True
    stamp.remove()
    return False


def build(edition, tabs):
    """Render the edition's pages and write their notebooks; the site holds
    every framework, whichever tabs are named."""
    from ..render.html import build_inputs_digest, build_stamp, render
    from .notebooks import write_site_notebooks

    render(edition, _kept[-1] if _kept and edition.is_english else None)
    write_site_notebooks(edition)
    if edition.is_english:
        build_stamp(edition.project).write(build_inputs_digest(edition.project))
    log(f'done: open {edition.project.relative(front_page(edition))} in a browser')


@contextlib.contextmanager
def keeping(renderer):
    """Builds of the English site in this block render with `renderer`,
    which keeps d2lbook and Sphinx loaded (the build server's)."""
    _kept.append(renderer)
    try:
        yield renderer
    finally:
        _kept.pop()


def early_render(edition):
    """The site's render work that can start while the kernels run: each
    page merged and converted as soon as its tabs are evaluated
    (render/early.py); pipeline.build_form asks for it."""
    from ..render.early import EarlyRender

    return EarlyRender(edition.project)
