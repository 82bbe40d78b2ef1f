"""`make watch`: a live preview for authors.

`book watch` builds the site once, serves _build/html/ on localhost, and
rebuilds when a page or another file config.ini names (the helpers, the
static files, the bibliography) or config.ini itself is saved;
every open page then reloads itself. A failed rebuild (a malformed page, a
failing cell, a Sphinx error) prints its report in the terminal and shows it
over the page; the next save that builds cleanly takes it away.

What makes a rebuild fast is that nothing is started again: one process
keeps d2lbook, Sphinx and the evaluator imported, one d2lbook Builder and one
Sphinx application (its environment in memory), and pandoc's answers for the
cells that did not change. A rebuild is `book html`'s build
(pipeline.build_site: check, evaluate, render, the site's notebooks) with
its own render, in this process:

  1. Builder.rst(): merge the tabs and convert the pages whose merged
     notebook changed to rst (d2lbook decides by file times, which the
     evaluator keeps right), and write conf.py;
  2. Sphinx.build(): read and write the changed documents;
  3. d2lbook's Colab buttons and render/postprocess.py.

d2lbook's ipynb, colab and sagemaker folders are left alone (the page is not
made from them), and with them its eval step: nothing here can evaluate
behind the evaluator's back. The site it leaves is the one `make` makes, so
`make` afterwards finds nothing to do.
"""

import asyncio
import concurrent.futures
import contextlib
import io
import json
import os
import sys
import threading
import time
import traceback

import nbformat
import tornado.web
import tornado.websocket
import watchfiles
from d2lbook import rst as d2lbook_rst
from d2lbook.build import Builder
from d2lbook.config import Config
from nbconvert.filters import pandoc as nbconvert_pandoc
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace, patch_docutils

from . import pipeline
from .processes import at_once
from .project import book_sources
from .render import postprocess
from .render.html import full_render_if_site_inputs_changed
from .report import BuildError, log

RELOAD_PATH = '/__watch'
# Added to every HTML page served: reload when a rebuild succeeds, and show
# a failed rebuild's report over the page.
RELOAD_SCRIPT = """<script>
(function () {
  var box = null;
  function show(text) {
    if (!box) {
      box = document.createElement('pre');
      box.id = 'watch-build-error';
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;' +
        'margin:0;padding:1em;z-index:99999;background:#fff4f4;color:#8b0000;' +
        'border-top:3px solid #8b0000;font-size:13px;white-space:pre-wrap';
      document.body.appendChild(box);
    }
    box.textContent = 'The build failed; the page shows the last good build.\\n\\n' + text;
  }
  function connect() {
    var socket = new WebSocket(location.origin.replace(/^http/, 'ws') + '__RELOAD_PATH__');
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.error) { show(message.error); } else if (message.reload) { location.reload(); }
    };
    socket.onclose = function () { setTimeout(connect, 1000); };
  }
  connect();
})();
</script>""".replace('__RELOAD_PATH__', RELOAD_PATH)


class LivePreview:
    """Rebuilds the site of one project in this process, keeping d2lbook and
    Sphinx loaded between rebuilds."""

    def __init__(self, project):
        self.project = project
        self.rst_dir = project.build_dir / 'rst_all'
        self.builder = None
        self.sphinx = None
        self.sphinx_context = None
        self.sphinx_log = io.StringIO()
        self.written = set()
        self.seconds = {}  # of the last rebuild, by step
        self.render_seconds = {}  # of its render, by part
        memoize_pandoc()

    def rebuild(self):
        """Bring _build/html up to date; returns the pages Sphinx wrote.
        Raises BuildError with the report of a failure."""
        self.seconds = {}
        self.render_seconds = {}
        start = time.perf_counter()
        pipeline.build_site(self.project, self._render, run_step=self._timed(self.seconds))
        self.seconds['total'] = time.perf_counter() - start
        return sorted(self.written)

    @staticmethod
    def _timed(seconds):
        """A run_step that adds each step's time to `seconds`."""

        def run_step(name, step, *args):
            start = time.perf_counter()
            try:
                return step(*args)
            finally:
                seconds[name] = time.perf_counter() - start

        return run_step

    def _render(self, project):
        run_step = self._timed(self.render_seconds)
        run_step('rst', self._rst)
        stamp_site_inputs = run_step('site inputs', self._site_inputs)
        if self.sphinx is None:
            run_step('sphinx start', self._open_sphinx)
        run_step('sphinx', self._sphinx_build)
        run_step('postprocess', self._postprocess)
        stamp_site_inputs()

    def _rst(self):
        if self.builder is None:
            # d2lbook's Config reads config.ini from, and resolves every
            # folder against, the working directory (`book watch` runs there).
            self.builder = Builder(Config(tab='all'))
        # A Builder runs each step once in its life (d2lbook's @_once).
        self.builder.done.clear()
        self.builder.rst()

    def _site_inputs(self):
        """A changed config.ini, static file or rendering code renders the
        whole site again, as in `book html`; here it also takes a new Sphinx
        application, which reads the new conf.py and extension."""
        changed, stamp = full_render_if_site_inputs_changed(
            self.project.root, self.project.html_dir
        )
        if changed:
            self._close_sphinx()
        return stamp

    def _open_sphinx(self):
        # sphinx-build wraps its one build in these two; an application that
        # lives on needs them for its whole life, or the next one finds this
        # one's directives still registered in docutils and, with -W, fails.
        self.sphinx_context = contextlib.ExitStack()
        self.sphinx_context.enter_context(patch_docutils(str(self.rst_dir)))
        self.sphinx_context.enter_context(docutils_namespace())
        self.sphinx = Sphinx(
            str(self.rst_dir),
            str(self.rst_dir),
            str(self.project.html_dir),
            str(self.project.html_dir / '.doctrees'),
            'html',
            status=self.sphinx_log,
            warning=sys.stderr,
            warningiserror=True,
            # One process: with one changed page, d2lbook's -j 4 saves
            # nothing, and its forked writers would inherit kernels' sockets.
            parallel=1,
        )
        self.sphinx.connect('html-page-context', lambda app, page, *rest: self.written.add(page))
        keep_doctrees_for_figure_numbers()

    def _close_sphinx(self):
        if self.sphinx_context is not None:
            self.sphinx_context.close()
        self.sphinx = self.sphinx_context = None

    def _sphinx_build(self):
        self.written = set()
        self.sphinx_log.seek(0)
        self.sphinx_log.truncate()
        try:
            self.sphinx.build()
        except Exception as error:
            # Its environment in memory may be half updated, and Sphinx has
            # deleted the pickled one: the next application reads every page.
            self._close_sphinx()
            raise BuildError(f'Sphinx: {error}') from error

    def _postprocess(self):
        """What d2lbook's html adds after Sphinx, and what render/html.py
        adds after d2lbook."""
        self.builder._colab.add_button(str(self.project.html_dir))
        postprocess.postprocess_site(self.project.english)

    def prime_pandoc(self):
        """Convert every merged notebook once, so that the first edit asks
        pandoc only for the cells it changed."""
        merged = sorted((self.project.build_dir / 'eval_all').rglob('*.ipynb'))
        notebooks = [nbformat.read(path, as_version=4) for path in merged if path.stat().st_size]
        with concurrent.futures.ThreadPoolExecutor(max_workers=at_once()) as pool:
            for nb in notebooks:
                pool.submit(d2lbook_rst.convert_notebook, nb, {'unique_key': 'watch'})

    def timings(self):
        """'check 0.05 s, ..., render 0.60 s (rst 0.10 s, ...), ...' of the last rebuild."""
        shown = {name: f'{spent:.2f} s' for name, spent in self.seconds.items()}
        if 'render' in shown:
            parts = ', '.join(
                f'{name} {spent:.2f} s' for name, spent in self.render_seconds.items()
            )
            shown['render'] += f' ({parts})'
        return ', '.join(f'{name} {spent}' for name, spent in shown.items())


def keep_doctrees_for_figure_numbers():
    """With numbered figures (d2lbook's conf.py), Sphinx walks the doctree
    of every page after any edit to number the figures again, unpickling
    each from disk: at 50 pages most of a rebuild's time. The walk only
    reads, so the preview keeps each page's doctree for it until the page's
    pickle changes; the writing steps still unpickle their own copies."""
    from sphinx.environment.collectors.toctree import TocTreeCollector

    assign = TocTreeCollector.assign_figure_numbers
    if getattr(assign, 'kept', False):
        return
    kept = {}

    def assign_figure_numbers(self, env):
        load = env.get_doctree

        def get_doctree(docname):
            state = os.stat(os.path.join(env.doctreedir, docname + '.doctree'))
            key = (state.st_ino, state.st_mtime_ns, state.st_ctime_ns, state.st_size)
            if docname not in kept or kept[docname][0] != key:
                kept[docname] = (key, load(docname))
            return kept[docname][1]

        env.get_doctree = get_doctree
        try:
            return assign(self, env)
        finally:
            del env.get_doctree

    assign_figure_numbers.kept = True
    TocTreeCollector.assign_figure_numbers = assign_figure_numbers


def memoize_pandoc():
    """d2lbook converts a page to rst with nbconvert, which starts pandoc
    once per markdown cell (some 200 times for the section). Pandoc's answer
    depends only on its input, so the preview asks once per distinct cell."""
    convert = nbconvert_pandoc.pandoc
    if getattr(convert, 'memoized', False):
        return
    answers = {}
    lock = threading.Lock()

    def pandoc(source, fmt, to, extra_args=None, encoding='utf-8'):
        key = (source, fmt, to, tuple(extra_args or ()), encoding)
        with lock:
            if key in answers:
                return answers[key]
        answer = convert(source, fmt, to, extra_args=extra_args, encoding=encoding)
        with lock:
            answers[key] = answer
        return answer

    pandoc.memoized = True
    nbconvert_pandoc.pandoc = pandoc


# ---------------------------------------------------------------- server ----


class ReloadChannel(tornado.websocket.WebSocketHandler):
    """The pages' side of the preview: told to reload, or shown an error."""

    pages = set()
    last_error = None

    def open(self):
        ReloadChannel.pages.add(self)
        if ReloadChannel.last_error:
            # A page opened while the last rebuild had failed.
            self.write_message(json.dumps({'error': ReloadChannel.last_error, 'on_open': True}))

    def on_close(self):
        ReloadChannel.pages.discard(self)

    @classmethod
    def tell(cls, message):
        cls.last_error = message.get('error')
        for page in list(cls.pages):
            page.write_message(json.dumps(message))


class SiteHandler(tornado.web.StaticFileHandler):
    """_build/html/, with the reload script in every HTML page."""

    def get_content_size(self):
        if self.absolute_path.endswith('.html'):
            return len(self.get_content(self.absolute_path))
        return super().get_content_size()

    @classmethod
    def get_content(cls, abspath, start=None, end=None):
        if abspath.endswith('.html'):
            with open(abspath, 'rb') as page:
                html = page.read()
            return html.replace(b'</body>', RELOAD_SCRIPT.encode() + b'</body>', 1)
        return super().get_content(abspath, start, end)

    def compute_etag(self):
        return None  # the page changes under the same name; never a 304

    def set_extra_headers(self, path):
        self.set_header('Cache-Control', 'no-store')


def watched_names(project):
    """What a rebuild reads, by top-level name: what config.ini names (the
    pages' folders, the helpers, the static files, the resources) and
    config.ini itself, as a copy of the book holds them."""
    return set(book_sources(project.root))


def watched_paths(project):
    paths = {project.root / name for name in watched_names(project)}
    paths |= {page.parent for page in project.notebook_sources()}
    return sorted(paths)


class SourceFilter(watchfiles.DefaultFilter):
    """A saved page, or a file of watched_names; never the build's own output
    (the root folder, which holds index.md, also holds _build/), nor an
    editor's droppings."""

    def __init__(self, project):
        super().__init__(ignore_paths=[str(project.build_dir)])
        self.root = project.root
        self.names = watched_names(project)

    def __call__(self, change, path):
        if not super().__call__(change, path) or path.endswith(('~', '.swp', '.tmp')):
            return False
        relative = os.path.relpath(path, self.root)
        return relative.endswith('.md') or relative.split(os.sep)[0] in self.names


def rebuild_and_tell(preview):
    """One rebuild; tells the pages to reload, or shows them the failure.

    It holds the book's build lock (locks.py) for the rebuild only, so a
    `make pdf` started beside the watch waits one rebuild at most. When
    another build has written since the last rebuild (the lock's generation
    moved on), what the preview keeps in memory may be out of date, and it
    is dropped first."""
    from . import locks

    try:
        with locks.holding(preview.project.root, 'book watch') as hold:
            if getattr(preview, 'lock_generation', None) not in (None, hold.previous):
                preview.forget()
            try:
                pages = preview.rebuild()
            finally:
                preview.lock_generation = hold.generation
    except BuildError as error:
        print(f'\n[watch] build failed: {error}', file=sys.stderr, flush=True)
        return {'error': str(error)}
    except Exception:  # any surprise is reported, and the watch goes on
        report = traceback.format_exc()
        print(report, file=sys.stderr, flush=True)
        return {'error': report}
    log(f'rebuilt {", ".join(pages) or "nothing"} ({preview.timings()})')
    return {'reload': True, 'pages': pages, 'seconds': round(preview.seconds['total'], 3)}


async def watch_and_rebuild(preview, paths):
    loop = asyncio.get_running_loop()
    # One rebuild at a time, in a thread of its own: the evaluator runs its
    # kernels in an event loop of its own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as builder:
        async for changes in watchfiles.awatch(
            *paths, watch_filter=SourceFilter(preview.project), debounce=50, step=20
        ):
            names = sorted({os.path.relpath(path, preview.project.root) for _, path in changes})
            log(f'changed: {", ".join(names)}')
            ReloadChannel.tell(await loop.run_in_executor(builder, rebuild_and_tell, preview))


def serve(project, port=8000):
    """Build, serve on localhost:port, rebuild on every save; until Ctrl-C."""
    from . import locks

    os.chdir(project.root)
    preview = LivePreview(project)
    # The first build and the priming, which reads the merged notebooks,
    # under one hold of the lock (rebuild_and_tell's own take is re-entrant).
    with locks.holding(project.root, 'book watch'):
        first = rebuild_and_tell(preview)
        preview.prime_pandoc()
    ReloadChannel.last_error = first.get('error')
    app = tornado.web.Application(
        [
            (RELOAD_PATH, ReloadChannel),
            (
                r'/(.*)',
                SiteHandler,
                {'path': str(project.html_dir), 'default_filename': 'index.html'},
            ),
        ]
    )

    async def main():
        app.listen(port, address='127.0.0.1')
        log(f'serving http://127.0.0.1:{port}/ ; watching {project.root} (Ctrl-C stops)')
        await watch_and_rebuild(preview, watched_paths(project))

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
