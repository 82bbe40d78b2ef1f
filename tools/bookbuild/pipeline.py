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
  4. site notebooks: the notebooks that the pages' download links fetch
     (forms/notebooks/).

Only the render differs: `book html` runs d2lbook in a process of its own
(render/html.py, through forms/site.py), and `book watch` keeps d2lbook and
Sphinx loaded between rebuilds (watch.py). `book html` also skips the whole
build when nothing it reads has changed since the last one (forms/site.py).

Standard library only at import: `book check` runs on the system Python.
"""

import importlib

from .report import AlreadyReported, BuildError, log


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


def evaluate(project, tabs=None, shard=None):
    """Run what changed in tabs (default: all; with a shard, the shard's
    notebooks of each), each in its own kernel, and record the versions
    each tab ran with."""
    from .evaluate import evaluator, versions

    tabs = tabs or project.tabs
    failures = evaluator.evaluate(project, tabs, shard)
    if failures:
        raise EvaluationFailed('\n'.join(failures))
    versions.record_versions(project, tabs)


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


def prepare(edition, tabs):
    """Make an edition ready for the forms made from its evaluated notebooks:
    the English book checked and evaluated (the tabs named); a translation
    checked, staged and given the English outputs (editions/)."""
    if edition.is_english:
        check_sources(edition.project)
        evaluate(edition.project, tabs)
    else:
        from .editions.preparation import prepare as prepare_translation

        prepare_translation(edition)


def build_form(form, editions, tabs=None):
    """Build one form (forms.FORMS) of each edition, for the tabs named
    (default: all): the one way the commands, the Makefile's targets and
    the editions build a form."""
    module = importlib.import_module(form.module)
    for edition in editions:
        if not edition.is_english and not form.translated:
            raise BuildError(f'the {form.name} form has no translated editions ({edition.code})')
        chosen = tabs or edition.project.tabs
        if hasattr(module, 'current') and module.current(edition):
            continue
        if form.evaluated:
            prepare(edition, chosen)
        module.build(edition, chosen)
