"""The build's pipeline: every form of every edition is made the same way
(`build_form`): the edition prepared (checked and evaluated, or, for a
translation, staged with the English outputs), then the form's own module
(forms/__init__.py's FORMS).

The English site takes four steps, in this order (`build_site`, which
`book watch` shares):

  1. check: source.check reads the pages and stops on a malformed one before
     anything runs;
  2. evaluate: evaluate/ runs each page in each tab's own kernel, several
     at once, and only where the code changed;
  3. render: d2lbook merges the tabs and Sphinx renders _build/html/;
     a page whose tabs are all evaluated is already merged and converted
     while the other pages' kernels run (render/early.py), when the form
     offers that work (its early_render(edition));
  4. site notebooks: the notebooks that the pages' download links fetch
     (forms/notebooks/).

Both `book html` and `book watch` render in their own process, with
render/live.py's SiteRenderer (through render/html.py and forms/site.py);
`book watch` keeps it, d2lbook's Builder and Sphinx's application loaded
between rebuilds (watch.py). `book html` also skips the whole build when
nothing it reads has changed since the last one (forms/site.py).

Standard library only at import: `book check` runs on the system Python.
"""

import importlib
import json
import time

from .report import AlreadyReported, BuildError, log

# When a build of a form evaluated and rendered (Timeline), under _build/.
TIMELINE_FILE = 'build_timeline.json'


class EvaluationFailed(AlreadyReported):
    """Cells failed. The evaluator has printed their reports; the message is
    their summaries (page, tab, cell, exception), which `book watch` shows
    over the page."""


def check_sources(project):
    """Stop on a malformed page before any environment or kernel is used."""
    from .source import check

    problems = check.check(project)
    if problems:
        raise BuildError(
            f"the book's pages have {len(problems)} problem(s); nothing was run:\n"
            + '\n'.join(problems)
        )
    log(
        f'checked {len(project.notebook_sources())} pages: tabs, code groups, no stored outputs, roles the notebooks can show'
    )


def evaluate(project, tabs=None, shard=None, early=None, timeline=None):
    """Run what changed in tabs (default: all; with a shard, the shard's
    notebooks of each), each in its own kernel, and record the versions
    each tab ran with. early (render/early.py's EarlyRender), if given,
    renders each page as soon as its tabs are done, and has finished when
    this returns; a failed evaluation drops what it has not started. The
    evaluation's span goes to timeline, if given."""
    from .evaluate import evaluator, versions

    tabs = tabs or project.tabs
    start = time.perf_counter()
    try:
        failures = evaluator.evaluate(
            project, tabs, shard, on_page=early.page_ready if early else None
        )
        if failures:
            raise EvaluationFailed('\n'.join(failures))
        versions.record_versions(project, tabs)
    except BaseException:
        # Whatever stops the build here (failed cells, Ctrl-C): the worker
        # must not outlive the lock, writing eval_all/ and rst_all/ while
        # the next build holds it.
        if early:
            early.abandon()
        raise
    if timeline:
        timeline.evaluation = (start, time.perf_counter())
    if early:
        early.finish()


class Timeline:
    """When one build evaluated and rendered, on time.perf_counter's clock,
    in seconds from the build's start: the evaluation's (start, end), and
    the spans the render worked, the early pages' and the final render's
    (spans that overlap joined).
    `make bench` reads it for a clean build's time split."""

    def __init__(self):
        self.origin = time.perf_counter()
        self.evaluation = None
        self.render = []

    def seconds(self, span):
        return [round(span[0] - self.origin, 3), round(span[1] - self.origin, 3)]

    def write(self, project):
        from .files import write_atomic

        data = {
            'evaluation': self.seconds(self.evaluation),
            'render': [self.seconds(span) for span in union(self.render)],
        }
        write_atomic(project.build_dir / TIMELINE_FILE, json.dumps(data, indent=1) + '\n')


def union(spans):
    """The (start, end) spans, those that overlap joined: the time the
    render worked, however many threads it worked in."""
    joined = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def timed(spans, step, *args):
    """step(*args), its (start, end) appended to spans."""
    start = time.perf_counter()
    try:
        return step(*args)
    finally:
        spans.append((start, time.perf_counter()))


def export_shard(project, tabs, shard, destination):
    """Copy what a shard's evaluation made (shards.shard_outputs) to
    destination, laid out as under _build/: the hosted workflow's render job
    merges every shard's copy into one _build/. A notebook of the tab that
    another shard evaluates (restored from a cache, say) is left behind, so
    no two copies hold the same file."""
    import shutil
    from pathlib import Path

    from .evaluate import shards

    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BuildError(
            f'--export {destination}: the folder is not empty; a shard exports into an empty one'
        )
    copied = 0
    for tab in tabs:
        pages = shards.members(project, tab, shard)
        for path in shards.shard_outputs(project, tab, shard, pages):
            if not path.exists():
                raise BuildError(f'shard {shard} of {tab}: {project.relative(path)} was not made')
            target = destination / path.relative_to(project.build_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied += 1
    log(f'shard {shard}: {copied} files copied to {destination}')


def write_site_notebooks(project):
    """The notebooks that the English pages' download links fetch."""
    from .forms import notebooks as notebook_forms

    notebook_forms.write_site_notebooks(project.english)


def run_step(name, step, project):
    return step(project)


def build_site(project, render, run_step=run_step):
    """Check, evaluate, render and write the site's notebooks; raises
    BuildError at the first step that fails. render(project) turns the
    evaluated notebooks into _build/html/. Each step runs as
    run_step(name, step, project), which `book watch` uses to time them."""
    run_step('check', check_sources, project)
    run_step('evaluate', evaluate, project)
    run_step('render', render, project)
    run_step('site notebooks', write_site_notebooks, project)


def prepare(edition, tabs, early=None, timeline=None):
    """Make an edition ready for the forms made from its evaluated notebooks:
    the English book checked and evaluated (the tabs named), with early's
    render work beside the kernels; a translation checked, staged and given
    the English outputs (editions/). timeline, if given, gets the
    evaluation's span."""
    if edition.is_english:
        check_sources(edition.project)
        evaluate(edition.project, tabs, early=early, timeline=timeline)
    else:
        from .editions.preparation import prepare as prepare_translation

        prepare_translation(edition)


def build_form(form, editions, tabs=None):
    """Build one form (forms.FORMS) of each edition, for the tabs named
    (default: all): the one way the commands, the Makefile's targets and
    the editions build a form. A form whose module has early_render(edition)
    starts that work while the edition's kernels run; such a build writes
    its Timeline."""
    module = importlib.import_module(form.module)
    for edition in editions:
        if not edition.is_english and not form.translated:
            raise BuildError(f'the {form.name} form has no translated editions ({edition.code})')
        chosen = tabs or edition.project.tabs
        if hasattr(module, 'current') and module.current(edition):
            continue
        timeline = Timeline()
        early = None
        if form.evaluated and edition.is_english and hasattr(module, 'early_render'):
            early = module.early_render(edition)
        if form.evaluated:
            prepare(edition, chosen, early, timeline)
        timed(timeline.render, module.build, edition, chosen)
        if early is not None and timeline.evaluation:
            timeline.render += early.spans
            timeline.write(edition.project)
