"""The render work a clean build does while its kernels still run: each page
is merged and converted to reStructuredText as soon as every tab of it is
evaluated (evaluator.PagesDone says when), in one worker thread at a lower
CPU priority, so that the kernels keep the cores they use and the render
takes only the time they leave idle.

The merge and the conversion are d2lbook's own (`d2lbook build merge` and
`rst` for one page: merge_tab_notebooks, add_html_tab, convert_notebook,
with the same image names), and each file is written when complete (the
images, then the page's rst last, through a rename). d2lbook's later render
decides by file times, so it finds these pages current and converts only
what is left: the pages are byte for byte those of a render done after the
evaluation. A page whose conversion fails here is left for the final
render, which reports the failure; a page with a failed tab never comes
here, and a failed evaluation stops the work before the site is touched.

The worker also imports what the final render will need (Sphinx, its
extensions and theme, d2lbook's builder), so that the render after the
evaluation starts warm. It begins once the evaluation's plan is made, and
imports d2lbook, nbconvert and Sphinx itself: the kernels start no later
than without it.

Runs in .venv/book (d2lbook, nbformat, nbconvert, Sphinx).
"""

import concurrent.futures
import hashlib
import importlib
import os
import threading
import time
import warnings
from pathlib import Path

from ..files import write_atomic
from ..report import log

# The worker's nice value: the kernels, at 0, get the cores first.
WORKER_NICENESS = 10

# What the final render imports: Sphinx and the HTML builder, d2lbook's
# builder, and the extensions and theme of the conf.py d2lbook writes
# (d2lbook/sphinx.py, sphinx_template.py); config.ini's own extensions are
# added from the project.
RENDER_IMPORTS = (
    'sphinx.application',
    'sphinx.builders.html',
    'd2lbook.build',
    'recommonmark',
    'sphinxcontrib.bibtex',
    'sphinxcontrib.rsvgconverter',
    'sphinx.ext.autodoc',
    'sphinx.ext.viewcode',
    'mxtheme',
)


def set_niceness(thread_id, niceness):
    """Linux sets a thread's nice value on its own; the processes it starts
    (pandoc) inherit it. Lowering it again needs the right to (root, or
    RLIMIT_NICE): without, the thread keeps its nice value."""
    try:
        os.setpriority(os.PRIO_PROCESS, thread_id, niceness)
    except (AttributeError, OSError):
        pass  # not on this system, or not allowed: the work only waits longer


def newer(source, target):
    """d2lbook's rule (utils.get_updated_files): target is made again when
    it is missing or its source is strictly newer."""
    return not target.exists() or source.stat().st_mtime > target.stat().st_mtime


class PageFiles:
    """Where d2lbook's merge and rst steps read and write one page of the
    English site, and the name d2lbook gives the merged notebook (it keys
    the names of the page's images)."""

    def __init__(self, project, source):
        relative = Path(project.relative(source)).with_suffix('')
        self.tabs = [project.evaluated_notebook(source, tab) for tab in project.tabs]
        self.merged = project.merged_notebook(source)
        self.rst = project.build_dir / 'rst_all' / relative.with_suffix('.rst')
        # d2lbook finds the merged notebooks as <output_dir>/eval_all/**, with
        # output_dir as config.ini spells it, from the book's folder.
        output_dir = project.config['build'].get('output_dir', '_build')
        self.merged_name = os.path.join(output_dir, 'eval_all', f'{relative}.ipynb')


def merge_page(files, tabs):
    """`d2lbook build merge` for one page: the tabs' notebooks that have
    cells, in config.ini's order, into one. Returns whether it merged."""
    import nbformat
    from d2lbook import notebook as d2lbook_notebook

    default = files.tabs[0]
    if not default.exists() or not newer(default, files.merged):
        return False
    notebooks = [
        nbformat.read(path, as_version=4)
        for path in files.tabs
        if path.exists() and path.stat().st_size > 0
    ]
    if not notebooks:
        # No tab has a cell: d2lbook's merge fails on such a page (it takes
        # the first notebook, of none), so it is left to the final render.
        raise ValueError('every tab notebook of the page is empty: nothing to merge')
    if len(notebooks) > 1:
        merged = d2lbook_notebook.merge_tab_notebooks(notebooks)
        merged = d2lbook_notebook.add_html_tab(merged, tabs)
    else:
        merged = notebooks[0]
    text = nbformat.writes(merged)
    write_atomic(files.merged, (text if text.endswith('\n') else text + '\n').encode())
    return True


def convert_page(files):
    """`d2lbook build rst` for one page (d2lbook's ipynb2rst): the images
    first, the rst last, so an rst that exists is complete. Returns whether
    it converted."""
    if not files.merged.exists() or not newer(files.merged, files.rst):
        return False
    if files.merged.stat().st_size == 0:
        return False  # d2lbook writes nothing for an empty notebook
    import nbformat
    from d2lbook import rst as d2lbook_rst
    from d2lbook.slides import remove_slide_marks

    nb = remove_slide_marks(nbformat.read(files.merged, as_version=4))
    signature = hashlib.sha1(files.merged_name.encode()).hexdigest()[:6]
    resources = {'unique_key': f'output_{files.rst.stem}_{signature}'}
    body, resources = d2lbook_rst.convert_notebook(nb, resources)
    for name, data in resources['outputs'].items():
        write_atomic(files.rst.parent / name, data)
    write_atomic(files.rst, body.encode())
    return True


class EarlyRender:
    """A worker thread that renders pages as the evaluation finishes them
    (and, once the kernels end, the build's own thread beside it).

    page_ready(source) queues a page (from the evaluation's event loop:
    it only queues); finish() waits for the queue and returns the pages
    converted; abandon() drops what has not started. spans holds the
    (start, end) of each piece of work on time.perf_counter's clock."""

    def __init__(self, project):
        self.project = project
        self.worker = None  # the worker thread's id, for its nice value
        self.pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix='early-render', initializer=self._lower_priority
        )
        self.spans = []
        self.converted = []
        self.failed = []
        self.warm_up = None
        self.queued = []  # (source, its future)

    def _lower_priority(self):
        """The worker, and the pandoc processes it starts, yield the cores
        to the kernels."""
        self.worker = threading.get_native_id()
        set_niceness(self.worker, WORKER_NICENESS)

    def page_ready(self, source):
        if self.warm_up is None:
            self.warm_up = self.pool.submit(self._warm_up)
        self.queued.append((source, self.pool.submit(self._render_page, source)))

    def _warm_up(self):
        """Import what the conversions and the final render need, and make
        the conversions here the final render's: pandoc's answers kept on
        disk, one kept exporter per thread (render/live.py)."""
        from nbformat.warnings import DuplicateCellId

        from .live import share_rst_exporters
        from .pandoc_cache import use_pandoc_cache

        start = time.perf_counter()
        # d2lbook's merge gives every tab's copy of a cell the same id, which
        # nbformat replaces with a random one, warning each time, in d2lbook
        # too (where its output is not shown): the ids reach no page.
        warnings.filterwarnings('ignore', category=DuplicateCellId)
        use_pandoc_cache(self.project.build_dir)
        share_rst_exporters(self.project.build_dir)
        extensions = self.project.config['build'].get('sphinx_extensions', '').split()
        for name in (*RENDER_IMPORTS, *extensions, 'nbconvert', 'd2lbook.rst'):
            try:
                importlib.import_module(name)
            except Exception:  # the final render reports what is missing
                pass
        self.spans.append((start, time.perf_counter()))

    def _render_page(self, source):
        from .live import whole_notebooks_checked

        start = time.perf_counter()
        files = PageFiles(self.project, source)
        try:
            # As the final render merges and converts (render/live.py).
            with whole_notebooks_checked():
                merge_page(files, self.project.tabs)
                converted = convert_page(files)
            if converted:
                self.converted.append(self.project.relative(source).removesuffix('.md'))
        except Exception as error:  # the final render meets it again and reports it
            self.failed.append(f'{self.project.relative(source)}: {error!r}')
        finally:
            self.spans.append((start, time.perf_counter()))

    def finish(self):
        """Wait for the pages queued; they are then current for d2lbook.
        With the kernels done, the pages the worker has not started are
        converted here, beside it and at this thread's own priority."""
        if self.worker is not None:
            # The kernels are done: the page in hand need not wait for others.
            set_niceness(self.worker, 0)
        if self.warm_up is not None:
            self.warm_up.cancel()  # the final render imports what it needs
        try:
            for source, future in self.queued:
                if future.cancel():
                    self._render_page(source)
        finally:
            # Ctrl-C here: the pages not started are dropped, so that the
            # worker ends with this build, before its lock is released.
            self.pool.shutdown(wait=True, cancel_futures=True)
        if self.converted:
            log(f'rst made beside the evaluation: {", ".join(sorted(self.converted))}')
        if self.failed:
            log(
                'rendering these pages early failed; the render does them again: '
                + '; '.join(self.failed)
            )
        return sorted(self.converted)

    def abandon(self):
        """Drop the pages not started and wait for the one in hand, whose
        files are each complete or absent."""
        self.pool.shutdown(wait=True, cancel_futures=True)
