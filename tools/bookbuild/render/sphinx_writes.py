"""What the one Sphinx application of render/live.py writes after an edit,
and how quickly: only the pages that changed, when nothing another page
shows of them changed, and the figure numbers from doctrees kept in memory.

Sphinx, told that one page changed, writes it, every page whose table of
contents lists it (up to the root page), the root page, the general index
and the search page: five pages for a prose edit of the section. The others
need writing only when what they show of the page changed: its title, its
sections, its numbers, its labels, its citations or index entries. When
none of that changed, the other pages are the same bytes as before, so only
the changed pages are written; when any of it changed, every page is, so
that the site equals a clean render (Sphinx's own choice of the listing
pages would leave the other pages' sidebars stale).

Imports Sphinx: only render/live.py imports this module, at its first render.
"""

import os
import pickle

from docutils import nodes
from sphinx.builders.html import StandaloneHTMLBuilder

# What the environment holds per page that other pages show or number by.
OUTWARD = (
    'titles',
    'longtitles',
    'tocs',
    'toc_num_entries',
    'toc_secnumbers',
    'toc_fignumbers',
    'toctree_includes',
    'files_to_rebuild',
    'glob_toctrees',
    'numbered_toctrees',
    'domaindata',
)


class Unknown:
    """A value that can be neither compared nor copied: equal to nothing, so
    that a page holding one counts as changed."""

    def __eq__(self, other):
        return False

    __hash__ = object.__hash__


def canonical(value):
    """value as plain, comparable data: dicts and sets in a fixed order,
    docutils nodes as their text, Sphinx's symbol trees as their dump, and
    anything else as its pickle."""
    if isinstance(value, dict):
        return tuple(sorted(((repr(k), canonical(v)) for k, v in value.items()), key=repr))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted((canonical(item) for item in value), key=repr))
    if isinstance(value, (list, tuple)):
        return tuple(canonical(item) for item in value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, nodes.Node):
        return str(value)
    if type(value).__name__ == 'Symbol' and hasattr(value, 'dump'):
        return value.dump(0)  # the C and C++ domains' trees
    try:
        return pickle.dumps(value)
    except Exception:
        return Unknown()


def outward(env):
    """What other pages can show of the pages, as comparable data."""
    return canonical({name: getattr(env, name) for name in OUTWARD})


def write_only_what_changed(app):
    """Make the application's builder write only the pages that changed
    when, between reading the changed pages and writing, nothing other pages
    show of them changed; every page otherwise."""
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return
    before = {}
    app.connect(
        'env-before-read-docs', lambda app, env, docnames: before.update(state=outward(env))
    )
    write = builder.write
    write_indices = builder.gen_indices
    write_pages = builder.gen_additional_pages
    changed_elsewhere = {'yes': True}

    def write_changed(build_docnames, updated_docnames, method='update'):
        state = before.pop('state', None)
        everything = build_docnames is None or build_docnames == ['__all__']
        if everything or method != 'update' or state is None or state != outward(app.env):
            changed_elsewhere['yes'] = True
            return write(app.env.found_docs, updated_docnames, method)
        changed_elsewhere['yes'] = False
        docnames = set(build_docnames) | set(updated_docnames)
        builder.prepare_writing(docnames)
        builder._write_serial(sorted(docnames))

    # The general index lists index entries and the search page shows none
    # of the pages: the same bytes unless something other pages show changed.
    def gen_indices():
        if changed_elsewhere['yes'] or not os.path.exists(
            os.path.join(builder.outdir, 'genindex.html')
        ):
            write_indices()

    def gen_additional_pages():
        if changed_elsewhere['yes'] or not os.path.exists(
            os.path.join(builder.outdir, 'search.html')
        ):
            write_pages()

    builder.write = write_changed
    builder.gen_indices = gen_indices
    builder.gen_additional_pages = gen_additional_pages


def remember_highlighting(app, kept, context):
    """Pygments colours every code block of a page Sphinx writes, most of
    the writing time of a page with four frameworks' code, and a prose edit
    leaves the blocks as they were. Each block's colouring is kept in
    `kept` (pandoc_cache.KeptAnswers, on disk), by everything that shapes
    it: the block and its options, Pygments' and Sphinx's releases, the
    formatter, and `context` (the site inputs' digest: config.ini, the
    rendering code, the static files). A block whose colouring warned is not
    kept: the warning, an error under -W, stopped the build."""
    import pygments
    import sphinx

    highlighter = getattr(app.builder, 'highlighter', None)
    if highlighter is None:
        return
    colour = highlighter.highlight_block
    shaped_by = repr(
        [
            context,
            pygments.__version__,
            sphinx.__version__,
            highlighter.dest,
            getattr(highlighter.formatter, '__name__', ''),
            sorted(highlighter.formatter_args.items(), key=repr),
        ]
    )

    def highlight_block(source, lang, opts=None, force=False, location=None, **kwargs):
        if not isinstance(source, str):
            source = source.decode()
        key = kept.key(
            shaped_by, source, lang, repr(opts), repr(force), repr(sorted(kwargs.items()))
        )
        answer = kept.get(key)
        if answer is None:
            answer = colour(source, lang, opts, force, location, **kwargs)
            kept.put(key, answer)
        return answer

    highlighter.highlight_block = highlight_block


def keep_doctrees_for_figure_numbers():
    """With numbered figures (d2lbook's conf.py), Sphinx walks the doctree
    of every page after any edit to number the figures again, unpickling
    each from disk: at 50 pages most of a rebuild's time. The walk only
    reads, so each page's doctree is kept for it until the page's pickle
    changes; the writing steps still unpickle their own copies."""
    from sphinx.environment.collectors.toctree import TocTreeCollector

    assign = TocTreeCollector.assign_figure_numbers
    if getattr(assign, 'kept', False):
        return
    kept = {}

    def assign_figure_numbers(self, env):
        load = env.get_doctree

        def get_doctree(docname):
            state = os.stat(os.path.join(env.doctreedir, docname + '.doctree'))
            key = (
                env.doctreedir,
                state.st_ino,
                state.st_mtime_ns,
                state.st_ctime_ns,
                state.st_size,
            )
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
