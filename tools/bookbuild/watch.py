"""`make watch`: a live preview for authors.

`book watch` builds the site once, serves _build/html/ on localhost, and
rebuilds when a page or another file config.ini names (the helpers, the
static files, the bibliography) or config.ini itself is saved;
every open page then reloads itself. A failed rebuild (a malformed page, a
failing cell, a Sphinx error) prints its report in the terminal and shows it
over the page; the next save that builds cleanly takes it away.

A rebuild is `book html`'s build (pipeline.build_site: check, evaluate,
render, the site's notebooks) with `book html`'s render (render/live.py),
kept loaded: one process keeps d2lbook, Sphinx and the evaluator imported,
one SiteRenderer (d2lbook's Builder and one Sphinx application with its
environment in memory), and pandoc's answers. This module only serves the
site and watches the files. The site it leaves is the one `make` makes, so
`make` afterwards finds nothing to do.
"""

import asyncio
import concurrent.futures
import contextlib
import json
import os
import sys
import time
import traceback

import tornado.web
import tornado.websocket
import watchfiles

from . import pipeline
from .project import book_sources
from .render.live import SiteRenderer
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
    """Rebuilds the site of one project in this process, keeping the
    renderer (render/live.py) loaded between rebuilds."""

    def __init__(self, project):
        self.project = project
        self.renderer = SiteRenderer(project.english)
        self.seconds = {}  # of the last rebuild, by step
        self.written = []

    def rebuild(self):
        """Bring _build/html up to date; returns the pages Sphinx wrote.
        Raises BuildError with the report of a failure."""
        self.seconds = {}
        self.written = []
        start = time.perf_counter()
        pipeline.build_site(self.project, self._render, run_step=self._timed(self.seconds))
        self.seconds['total'] = time.perf_counter() - start
        return self.written

    def forget(self):
        """Drop the Builder and the Sphinx application kept in memory: the
        next rebuild reads the state of _build/ from disk (another build
        wrote it in between)."""
        self.renderer.forget()

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
        _, self.written = self.renderer.render()

    def prime_pandoc(self):
        """Ask pandoc once for every cell of the book, so that the first edit
        of any page converts only the cells it changed."""
        self.renderer.prime_pandoc()

    def timings(self):
        """'check 0.05 s, ..., render 0.60 s (rst 0.10 s, ...), ...' of the last rebuild."""
        shown = {name: f'{spent:.2f} s' for name, spent in self.seconds.items()}
        if 'render' in shown:
            shown['render'] += f' ({self.renderer.timings()})'
        return ', '.join(f'{name} {spent}' for name, spent in shown.items())


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
