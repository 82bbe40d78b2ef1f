"""Pre-flight check of the chapter's markdown, before any kernel starts.

Catches, with `file:line: what is wrong`:
  - a `%%tab` (or `:begin_tab:`) naming a tab config.ini does not list;
  - a code group, a run of code cells with no prose between them, that lacks
    one of the book's frameworks (a group of `%%tab all` cells is shared by
    every tab and needs nothing more; a cell tagged `pytorch, mxnet` counts
    for both; an untagged cell, like d2lbook, counts for the first tab only);
  - outputs stored in the source (`{.json .output}` blocks): the page's
    outputs must come from the build, not from whoever saved the file last.

A page is checked again only when its text changed since the last check
(files.ReadCache, in _build/read_cache/check.json): an edit reads the
pages it touched, however large the book.

Standard library only: `book check` runs before any environment is used.
"""

import json
from pathlib import Path

from ..files import ReadCache, text_of
from . import cells as source_cells
from . import roles
from .roles import unknown_roles


def problems_in(text, tabs, name='<text>'):
    """Every problem of one markdown page, as 'name:line: message' strings."""
    problems = []  # (line, message)
    known = set(tabs) | {'all'}
    blocks = source_cells.all_blocks(text)

    for block in blocks:
        if block.is_output:
            problems.append(
                (
                    block.line,
                    'stored outputs in the source; delete this block, '
                    'the build writes every output itself',
                )
            )

    for line, names in source_cells.prose_tab_marks(text):
        for tab in names:
            if tab not in known:
                problems.append(
                    (line, f'unknown tab "{tab}" in :begin_tab: (config.ini has {", ".join(tabs)})')
                )

    group = []
    for cell in source_cells.code_cells(text) + [None]:
        if cell is None or cell.prose_before:
            problems.extend(_missing_frameworks(group, tabs))
            group = []
        if cell is None:
            break
        tab_mark = cell.tab_line()
        if tab_mark:
            line, names = tab_mark
            for tab in names:
                if tab not in known:
                    problems.append(
                        (line, f'unknown tab "{tab}" in %%tab (config.ini has {", ".join(tabs)})')
                    )
        if source_cells.LOAD_TAB_EXTENSION not in cell.source:
            group.append(cell)
    found = [f'{name}:{line}: {message}' for line, message in sorted(problems)]
    # Roles the notebooks could not show (source/roles.py).
    return found + unknown_roles(text, name)


def _missing_frameworks(group, tabs):
    """[(line, message)] if the group's tab-specific cells miss a framework."""
    covered = set()
    untagged = False
    for cell in group:
        tab_mark = cell.tab_line()
        if tab_mark is None:
            untagged = True  # d2lbook runs an untagged cell in the first tab only
            covered.add(tabs[0])
        elif tab_mark[1] != ['all']:
            covered.update(tab_mark[1])
    if not covered:  # no cells, or only %%tab all cells, which every tab shares
        return []
    missing = [tab for tab in tabs if tab not in covered]
    if not missing:
        return []
    has = [tab for tab in tabs if tab in covered]
    hint = f'; an untagged cell runs in {tabs[0]} only' if untagged else ''
    return [
        (
            group[0].line,
            f'this code group has no {", ".join(missing)} cell '
            f'(it has {", ".join(has)}{hint}); every group needs all of {", ".join(tabs)} '
            'or a shared %%tab all',
        )
    ]


def check_cache(project):
    """The problems found in each page, by its text: valid as long as the
    tabs and the code that finds them (this module, cells.py, roles.py)
    are the same."""
    code = [Path(module.__file__) for module in (source_cells, roles)] + [Path(__file__)]
    context = json.dumps([project.tabs, *(path.read_text(encoding='utf-8') for path in code)])
    return ReadCache(project.build_dir / 'read_cache' / 'check.json', context)


def check(project, files=None, cache=None):
    """Problems of the given pages (default: every notebook page of the
    project, each read again only if it changed since the last check)."""
    if files is None:
        files = project.notebook_sources()
        cache = cache or check_cache(project)
    problems = []
    for path in map(Path, files):

        def find(data, path=path):
            try:
                name = project.relative(path)
            except ValueError:
                name = str(path)
            return problems_in(text_of(data), project.tabs, name)

        problems.extend(cache.value(path, find) if cache else find(path.read_bytes()))
    if cache:
        cache.forget_others(files)
        cache.save()
    return problems
