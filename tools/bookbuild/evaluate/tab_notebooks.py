"""A page's notebook of one tab, made exactly as d2lbook makes it, and what
decides whether it must run: its code hash, over its code cells and the
identity of the environment it runs in. Also the tidying of an executed
notebook, and the reuse of a previous run's outputs for unchanged code.

Runs in .venv/book (d2lbook and nbformat).
"""

import datetime
import hashlib
import json

import nbformat
from d2lbook import library, notebook

from ..identity import KERNEL_ENV, requirements_digest

# What every kernel gets on top of its kernel spec: d2lbook's eval sets
# PYTHONWARNINGS=ignore for its kernels, so deprecation notices never reach
# the page. (Kernels also get PYTHONPATH=<project>, so that `from d2l import`
# loads the project's own helpers even in a throw-away copy; that path is
# left out of the hash, which covers the helpers' content instead.)
EXTRA_KERNEL_ENV = {'PYTHONWARNINGS': 'ignore'}
# The version of the way notebooks are executed and tidied: raise it when
# that changes, so that every notebook made the old way runs again.
# 2: printed text in one block per run.
EXECUTION_VERSION = 2


def tab_notebook(markdown, tab, project):
    """The notebook of one tab, as d2lbook's _process_and_eval_notebook makes it.

    Returns (split, nb): the page split into cells (for line numbers), and
    the tab's notebook, or None when the page has code but none for this tab.
    """
    split = notebook.split_markdown_cell(notebook.read_markdown(markdown))
    return split, tab_notebook_of(split, tab, project)


def tab_notebook_of(split, tab, project):
    """The notebook of one tab from the page's cells (tab_notebook's split),
    which it leaves as they are."""
    nb = notebook.get_tab_notebook(split, tab, project.default_tab)
    if nb is None:
        return None
    if project.library(tab):
        nb = library.replace_alias(nb, project.library(tab))
    nb = library.format_code_nb(nb)
    for cell in nb.cells:
        # nbformat gives every new cell a random id; ids from the position
        # (and the tab, so they stay unique in the merged notebook) keep
        # rebuilds byte-identical.
        cell.id = f'{tab}-{cell.metadata["origin_pos"]}'
    return nb


def notebook_code_cells(nb):
    """The code cells of a notebook (source/cells.py's code_cells are a
    page's fenced blocks)."""
    return [cell for cell in nb.cells if cell.cell_type == 'code']


def utc_date(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).date().isoformat()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def code_hash(nb, environment):
    """What decides whether a notebook must run again."""
    digest = hashlib.sha256(environment)
    for cell in notebook_code_cells(nb):
        source = cell.source.encode()
        digest.update(len(source).to_bytes(8, 'little') + source)
    return digest.hexdigest()


def environment_identity(project, tab):
    """Everything outside the page that a tab's code depends on, as bytes.

    The environment counts by what it is built from (identity.py's digest of the
    tab's requirements, setup.py and the Python version, and the kernel's
    variables), not by reading .venv/, so a job that only renders can tell
    that notebooks evaluated elsewhere are current without the frameworks.
    """
    parts = [
        f'execution {EXECUTION_VERSION}',
        json.dumps(EXTRA_KERNEL_ENV, sort_keys=True),
        json.dumps(KERNEL_ENV, sort_keys=True),
        requirements_digest(project, tab),
    ]
    # The tab's helper module and the helpers every tab shares; another
    # framework's module does not change what this tab runs.
    lib_file = project.lib_file(tab)
    if lib_file:
        others = {project.lib_file(t) for t in project.tabs} - {lib_file}
        for path in sorted(lib_file.parent.rglob('*.py')):
            if path not in others:
                parts.append(f'{project.relative(path)}\n{path.read_text()}')
    return '\0'.join(parts).encode()


def tidy_outputs(nb):
    """Post-process an executed notebook the way d2lbook's _job does, and
    join the consecutive pieces of printed text."""
    for cell in notebook_code_cells(nb):
        outputs = []
        for out in cell.get('outputs', []):
            if out.get('data', {}).get('text/plain', '').startswith('HBox'):
                continue  # a tqdm progress bar, which the page cannot show
            if out.get('name') == 'stderr':
                out['name'] = 'stdout'
            if outputs and out.get('output_type') == 'stream' == outputs[-1].get('output_type'):
                # One block per run of printed text: how the kernel cut it into
                # messages depends on timing, and would differ between builds.
                outputs[-1]['text'] += out['text']
                continue
            outputs.append(out)
        cell['outputs'] = outputs
    nb.metadata.update({'language_info': {'name': 'python'}})
    return nbformat.writes(nb).encode()


def with_previous_outputs(nb, previous):
    """nb with the outputs of `previous`, whose code cells are the same."""
    new, old = notebook_code_cells(nb), notebook_code_cells(previous)
    if [c.source for c in new] != [c.source for c in old]:
        return None
    for cell, old_cell in zip(new, old):
        cell.outputs = old_cell.get('outputs', [])
        cell.execution_count = old_cell.get('execution_count')
    return nb
