"""An edition's evaluated notebooks, made without running anything: the code
of a translation is the English code, so each of its code cells takes the
outputs of the English run of that code, after a check, cell by cell, that
the code that produced each output is exactly the code shown."""

import os

import nbformat

from ..evaluate.tab_notebooks import tab_notebook  # the notebook exactly as d2lbook makes it
from ..files import write_if_changed
from ..report import BuildError
from .sync import english_sources


def edition_eval_dir(edition, tab):
    """Where the edition's evaluated notebooks of one tab go, named as the English ones."""
    return edition.build_dir / edition.project.eval_dir(tab).name


def translated_notebooks(edition, tab):
    """Yield (relative .ipynb path, notebook) for one tab of the edition,
    with each code cell's outputs taken from the English run of that code."""
    project, lang = edition.project, edition.code
    for relative in english_sources(project):
        name = relative.with_suffix('.ipynb')
        english_file = project.eval_dir(tab) / name
        if not english_file.exists():
            raise BuildError(
                f'{english_file.relative_to(project.root)} is missing: build the English book first (make)'
            )
        # The staged page: the translation with its notes (markers.py).
        markdown = (edition.source_dir / relative).read_text(encoding='utf-8')
        _, nb = tab_notebook(markdown, tab, project)
        if english_file.stat().st_size == 0 or nb is None:
            if not (english_file.stat().st_size == 0 and nb is None):
                raise BuildError(
                    f'{lang}/{relative} [{tab}]: the English and the translation '
                    'disagree on whether this tab has code'
                )
            yield name, None
            continue
        english = nbformat.read(english_file, as_version=4)
        ours = [cell for cell in nb.cells if cell.cell_type == 'code']
        theirs = [cell for cell in english.cells if cell.cell_type == 'code']
        if len(ours) != len(theirs):
            raise BuildError(
                f'{lang}/{relative} [{tab}]: {len(ours)} code cells, '
                f'the English notebook has {len(theirs)}'
            )
        for index, (cell, run) in enumerate(zip(ours, theirs), 1):
            if cell.source != run.source:
                raise BuildError(
                    f'{lang}/{relative} [{tab}]: code cell {index} is not the code '
                    'the English build executed; rebuild English (make) and run the sync check'
                )
            cell.outputs = run.outputs
            cell.execution_count = run.execution_count
        nb.metadata.update(english.metadata)
        yield name, nb


def reuse_english_outputs(edition):
    """Write the edition's evaluated notebooks of every tab (staged first)."""
    # d2lbook evaluates again any notebook older than its page or than a
    # dependency such as config.ini. A changed page or config.ini is staged
    # anew, while a notebook whose outputs did not change (the change was in
    # another tab's code, or in settings) is not rewritten: it is marked
    # current instead, since its outputs are the English build's of the same
    # code, made after that change.
    project = edition.project
    staging = edition.source_dir
    staged = [staging / project.relative(path) for path in project.dependencies()]
    newest_dependency = max((path.stat().st_mtime for path in staged if path.exists()), default=0)
    for tab in project.tabs:
        for name, nb in translated_notebooks(edition, tab):
            data = b'' if nb is None else nbformat.writes(nb).encode('utf-8')
            path = edition_eval_dir(edition, tab) / name
            write_if_changed(path, data)
            page = staging / name.with_suffix('.md')
            if path.stat().st_mtime <= max(newest_dependency, page.stat().st_mtime):
                os.utime(path)
