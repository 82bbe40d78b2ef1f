"""The one render of an edition's site, in this process: `book html` makes
one SiteRenderer per edition and build, `book watch` keeps one between
rebuilds.

A render is what `d2lbook build html` does for the page, without starting
d2lbook or its evaluation:

  1. rst(): d2lbook's Builder merges the tabs' evaluated notebooks
     (_build/eval_all) and converts the pages whose merged notebook changed
     to reStructuredText (_build/rst_all), with its conf.py; d2lbook decides
     by file times, which the evaluator keeps right. pandoc's answers come
     from disk for the cells that did not change (pandoc_cache.py).
  2. sphinx(): one Sphinx application reads and writes the changed pages
     (sphinx_writes.py: only those, when nothing another page shows
     changed), then d2lbook's Colab buttons and postprocess.py.

d2lbook's ipynb, colab and sagemaker folders are not made here (no page is
made from them; `make notebooks` makes them), and with them goes d2lbook's
eval step: a render never evaluates. The Builder's eval raises if anything
reaches it.

Both write in place and redo a file only when its source is newer, so a
render that was killed leaves files that look current: a marker in the
edition's build folder (render_in_progress) makes the next render do all.

d2lbook's Config and the book's Sphinx extension read config.ini from, and
resolve paths against, the working directory: both steps run in the
edition's d2lbook project (Edition.source_dir) and go back after.
d2lbook, Sphinx and nbconvert are imported at the first render, not before.
"""

import contextlib
import importlib
import io
import os
import shutil
import sys
import threading
import time
import warnings
from pathlib import Path

from ..files import Stamp, digest_of, write_atomic
from ..report import BuildError
from . import postprocess
from .pandoc_cache import KeptAnswers, use_pandoc_cache

# Pygments' colouring of the code blocks, kept by sphinx_writes.remember_highlighting.
HIGHLIGHT_FOLDER = '.highlight-cache'
# Sphinx extensions of d2lbook's conf.py with names to translate.
LATER_EXTENSIONS = ('sphinx.ext.autodoc', 'sphinx.ext.viewcode', 'sphinxcontrib.bibtex')
# Jinja's compiled templates, nbconvert's and the theme's.
TEMPLATES_FOLDER = '.jinja-cache'
# In the edition's build folder while a render writes (render_in_progress).
INCOMPLETE_MARKER = '.render-incomplete'


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


def render_in_progress(edition):
    """The marker of a render that has begun writing and not finished.
    d2lbook's merge and rst steps and Sphinx write their files in place,
    Sphinx saves its environment before it writes the pages, and each
    rewrites a file only when its source is newer: a render killed halfway
    leaves files that look current and are not, which no later render
    would redo. A render that finds the marker of one that did not end
    (another process's, or this one's before a restart) renders everything
    again (whole_render_again)."""
    return edition.build_dir / INCOMPLETE_MARKER


def whole_render_again(edition):
    """Remove what a killed render may have left half written, so that
    d2lbook and Sphinx make all of it again: the merged notebooks (eval_all,
    which d2lbook's merge writes in place), the reStructuredText and its
    images (rst_all) and the site with Sphinx's environment (html). The
    tabs' evaluated notebooks are the evaluator's, written whole, and stay."""
    for folder in ('eval_all', 'rst_all'):
        shutil.rmtree(edition.build_dir / folder, ignore_errors=True)
    shutil.rmtree(edition.html_dir, ignore_errors=True)


@contextlib.contextmanager
def in_folder(folder):
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def refuse_to_evaluate():
    raise BuildError(
        'render guard: d2lbook tried to evaluate a notebook while rendering; '
        'the evaluator (book eval) runs notebooks, the render never does'
    )


_checks_lock = threading.Lock()
_checks_waived = 0


@contextlib.contextmanager
def whole_notebooks_checked():
    """d2lbook's conversion makes every markdown cell anew, and nbformat
    checks each new cell against its part of the schema with jsonschema's
    slow path: nearly half the conversion of a page. The notebook those
    cells go into is then checked whole, with the fast validator, by
    nbconvert before it converts; so, for the time of a conversion, a new
    cell is not checked on its own (a whole notebook still is, with its
    normalisation, and nothing is changed either way)."""
    from nbformat.v4 import nbbase

    global _checks_waived
    with _checks_lock:
        if _checks_waived == 0:
            check = nbbase.validate

            def validate(node, ref=None):
                return check(node) if ref is None else None

            validate.check = check
            nbbase.validate = validate
        _checks_waived += 1
    try:
        yield
    finally:
        with _checks_lock:
            _checks_waived -= 1
            if _checks_waived == 0:
                nbbase.validate = nbbase.validate.check


def compiled_templates(build_dir):
    """Jinja's store of compiled templates under the build folder: each
    process compiles nbconvert's and the theme's templates otherwise, and
    Jinja checks each stored one against its template's text before use."""
    from jinja2 import FileSystemBytecodeCache

    folder = build_dir / TEMPLATES_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


def share_rst_exporters(build_dir):
    """d2lbook makes a new nbconvert RSTExporter for every page it converts,
    which compiles its templates again, and the exporter checks the
    notebook against the schema after each of its preprocessors. One
    exporter per thread, kept, that checks once after all of them
    (nbconvert's own optimistic_validation), writes the same text."""
    import types

    import nbconvert
    from d2lbook import rst as d2lbook_rst

    if isinstance(d2lbook_rst.nbconvert, types.SimpleNamespace):
        return
    kept = threading.local()
    templates = compiled_templates(build_dir)

    def rst_exporter():
        if not hasattr(kept, 'exporter'):
            kept.exporter = nbconvert.RSTExporter(optimistic_validation=True)
            kept.exporter.environment.bytecode_cache = templates
        return kept.exporter

    d2lbook_rst.nbconvert = types.SimpleNamespace(RSTExporter=rst_exporter)


def new_builder(build_dir):
    """d2lbook's Builder of every tab, for the project in the working
    directory, that cannot evaluate."""
    from d2lbook.build import Builder
    from d2lbook.config import Config

    share_rst_exporters(build_dir)
    builder = Builder(Config(tab='all'))
    builder.eval = refuse_to_evaluate
    return builder


class SiteRenderer:
    """Renders one edition's site (project.Edition) in this process, keeping
    d2lbook's Builder and one Sphinx application, with its environment in
    memory, between renders. rst() and sphinx() are the two halves of
    render(); forget() drops what is kept, so that the next render reads
    the state of _build/ from disk."""

    def __init__(self, edition):
        self.edition = edition
        self.folder = edition.source_dir
        self.rst_dir = edition.build_dir / 'rst_all'
        self.html_dir = edition.html_dir
        self.lock = threading.RLock()
        self.builder = None
        self.app = None
        self.sphinx_context = None
        self.sphinx_log = io.StringIO()
        self.written = set()  # the pages Sphinx wrote in its last build
        self.pages_written = []  # of those, the book's own (no index, no search)
        self.stamp_site_inputs = None  # once Sphinx has rendered them
        self.marker = render_in_progress(edition)
        self.marked = False  # the marker on disk is this renderer's own
        self.seconds = {}  # of the last render, by part

    # ----------------------------------------------------------- parts ----

    def render(self):
        """rst() then sphinx(): returns (pages converted, pages written)."""
        self.seconds = {}
        converted = self.rst()
        return converted, self.sphinx()

    def rst(self):
        """Merge the tabs and convert the pages whose merged notebook
        changed; returns those pages ('chapter_builders-guide/custom-layer')."""
        with self.lock, in_folder(self.folder):
            self._begin_writing()
            if self.stamp_site_inputs is None:
                self._timed('site inputs', self._site_inputs)
            return self._timed('rst', self._rst)

    def sphinx(self):
        """Sphinx writes the pages that changed, then the Colab buttons and
        postprocess.py; returns the pages written."""
        with self.lock, in_folder(self.folder):
            self._begin_writing()
            if self.stamp_site_inputs is None:
                self._timed('site inputs', self._site_inputs)
            # Taken now: after a failure, the next render checks them again.
            stamp_site_inputs, self.stamp_site_inputs = self.stamp_site_inputs, None
            if self.builder is None:
                self.builder = new_builder(self.edition.project.build_dir)
            if self.app is None:
                self._timed('sphinx start', self._open_sphinx)
            self._timed('sphinx', self._sphinx_build)
            self._timed('postprocess', self._postprocess)
            stamp_site_inputs()
            self.marker.unlink(missing_ok=True)
            self.marked = False
            self.pages_written = sorted(set(self.written) & self.app.env.found_docs)
            return sorted(self.written)

    def forget(self):
        """Drop the Builder and the Sphinx application: the next render
        starts from what _build/ holds (another build may have written it)."""
        with self.lock:
            self._close_sphinx()
            self.builder = None
            # A marker found from now on is another build's, unless this
            # renderer writes it again.
            self.marked = False

    def timings(self):
        """'rst 0.10 s, sphinx 0.50 s, ...' of the last render."""
        return ', '.join(f'{name} {spent:.2f} s' for name, spent in self.seconds.items())

    def _timed(self, name, step):
        start = time.perf_counter()
        try:
            return step()
        finally:
            self.seconds[name] = self.seconds.get(name, 0) + time.perf_counter() - start

    def _begin_writing(self):
        """Before the render writes anything: a marker left by a render that
        did not end means the whole site again; then this render's marker,
        removed once postprocess.py has finished the site."""
        if self.marker.exists() and not self.marked:
            self._close_sphinx()
            self.builder = None
            self.stamp_site_inputs = None
            whole_render_again(self.edition)
        if not self.marker.exists():
            write_atomic(self.marker, 'a render of this site began and has not finished\n')
        self.marked = True

    # ------------------------------------------------------------- rst ----

    def _site_inputs(self):
        """A changed config.ini, static file or rendering code renders the
        whole site again, with a new Builder (it holds
        config.ini) and a new Sphinx application (it holds conf.py and the
        extension)."""
        changed, stamp = full_render_if_site_inputs_changed(self.folder, self.html_dir)
        if changed:
            self._close_sphinx()
            self.builder = None
        self.stamp_site_inputs = stamp

    def _rst(self):
        from nbformat.warnings import DuplicateCellId

        use_pandoc_cache(self.edition.project.build_dir)
        if self.builder is None:
            self.builder = new_builder(self.edition.project.build_dir)
        # A Builder runs each step once in its life (d2lbook's @_once).
        self.builder.done.clear()
        with warnings.catch_warnings():
            # d2lbook's merged notebooks repeat their tabs' cell ids, and
            # nbformat, reading them, says so for every page: nothing to act on.
            warnings.simplefilter('ignore', DuplicateCellId)
            with whole_notebooks_checked():
                return self._merge_and_convert()

    def _merge_and_convert(self):
        from d2lbook import utils

        self.builder.merge()
        config = self.builder.config
        merged = utils.find_files(os.path.join(config.eval_dir, '**', '*.ipynb'))
        outdated = utils.get_updated_files(merged, config.eval_dir, config.rst_dir, 'ipynb', 'rst')
        self.builder.rst()
        return sorted(
            os.path.splitext(os.path.relpath(target, config.rst_dir))[0].replace(os.sep, '/')
            for _, target in outdated
        )

    def prime_pandoc(self):
        """Convert every merged notebook once (answers only; nothing is
        written but pandoc's cache), so that the first edit of any page asks
        pandoc only for the cells it changed."""
        import concurrent.futures

        import nbformat
        from d2lbook import rst as d2lbook_rst

        from ..processes import at_once

        use_pandoc_cache(self.edition.project.build_dir)
        merged = sorted((self.edition.build_dir / 'eval_all').rglob('*.ipynb'))
        notebooks = [nbformat.read(path, as_version=4) for path in merged if path.stat().st_size]
        with (
            whole_notebooks_checked(),
            concurrent.futures.ThreadPoolExecutor(max_workers=at_once()) as pool,
        ):
            for done in [
                pool.submit(d2lbook_rst.convert_notebook, nb, {'unique_key': 'prime'})
                for nb in notebooks
            ]:
                done.result()

    # ---------------------------------------------------------- sphinx ----

    def _open_sphinx(self):
        from sphinx import locale
        from sphinx.application import Sphinx, builtin_extensions
        from sphinx.util.docutils import docutils_namespace, patch_docutils

        from .sphinx_writes import (
            keep_doctrees_for_figure_numbers,
            remember_highlighting,
            write_only_what_changed,
        )

        # sphinx-build wraps its one build in these two; an application that
        # lives on needs them for its whole life, or the next one finds this
        # one's directives still registered in docutils and, with -W, fails.
        self.sphinx_context = contextlib.ExitStack()
        self.sphinx_context.enter_context(patch_docutils(str(self.rst_dir)))
        self.sphinx_context.enter_context(docutils_namespace())
        # Sphinx keeps its message catalogues per process and adds a new
        # language's behind the first one's: an edition rendered after
        # another in this process must not speak the other's language.
        locale.translators.clear()
        # And Sphinx translates, when their modules are first imported, the
        # names some of its modules define (the Python module index's), in
        # the language of the application then open. Imported with no
        # language open, they stay translated on use, in each edition's.
        for module in (*builtin_extensions, *LATER_EXTENSIONS):
            importlib.import_module(module)
        self.app = Sphinx(
            str(self.rst_dir),
            str(self.rst_dir),
            str(self.html_dir),
            str(self.html_dir / '.doctrees'),
            'html',
            status=self.sphinx_log,
            warning=sys.stderr,
            # As d2lbook's `html` runs sphinx-build: -W if config.ini says so.
            warningiserror=self.builder.sphinx_opts.endswith(' -W'),
            # One process: with a few changed pages, d2lbook's -j 4 saves
            # nothing, and forked writers would inherit kernels' sockets.
            parallel=1,
        )
        self.app.connect('html-page-context', lambda app, page, *rest: self.written.add(page))
        self.app.builder.templates.environment.bytecode_cache = compiled_templates(
            self.edition.project.build_dir
        )
        keep_doctrees_for_figure_numbers()
        write_only_what_changed(self.app)
        remember_highlighting(
            self.app,
            KeptAnswers(self.edition.project.build_dir / HIGHLIGHT_FOLDER),
            site_inputs_digest(self.folder),
        )

    def _close_sphinx(self):
        if self.sphinx_context is not None:
            self.sphinx_context.close()
        self.app = self.sphinx_context = None

    def _sphinx_build(self):
        self.written = set()
        self.sphinx_log.seek(0)
        self.sphinx_log.truncate()
        try:
            self.app.build()
        except Exception as error:
            # Its environment in memory may be half updated, and Sphinx has
            # deleted the pickled one: the next application reads every page.
            self._close_sphinx()
            which = f' ({self.edition.code} edition)' if self.edition.tag else ''
            raise BuildError(f'Sphinx{which}: {error}') from error

    def _postprocess(self):
        """What d2lbook's `html` adds after Sphinx (the Colab buttons), and
        what the book adds after d2lbook."""
        self.builder._colab.add_button(str(self.html_dir))
        postprocess.postprocess_site(self.edition)
