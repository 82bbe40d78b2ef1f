"""The build needs no network once `make setup` has run."""
import subprocess

import nbformat

from throwaway_book import SECTION, book, book_command, copy_book, executed, fence, tiny_section

# Every tab imports its framework and its helpers and computes with them, so
# the frameworks themselves are shown to work offline. (`d2l.tensor` reads as
# the framework's own function, which is why the framework is imported too.)
FRAMEWORK_IMPORTS = {
    'pytorch': 'import torch\nfrom d2l import torch as d2l',
    'mxnet': 'from mxnet import np, npx\nfrom d2l import mxnet as d2l',
    'jax': 'from jax import numpy as jnp\nfrom d2l import jax as d2l',
    'tensorflow': 'import tensorflow as tf\nfrom d2l import tensorflow as d2l',
}
SECTION_TEXT = tiny_section(
    'Each framework triples two numbers.\n\n'
    + '\n'.join(fence(tab, f'{imports}\nd2l.tensor([1.0, 2.0]) * 3')
                for tab, imports in FRAMEWORK_IMPORTS.items()))


def offline(cmd, **kwargs):
    return subprocess.run(book.without_network(cmd), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, **kwargs)


def test_the_namespace_has_only_the_loopback_device():
    result = offline(['ip', '-o', 'link'])
    assert result.returncode == 0, result.stdout
    devices = [line.split(':')[1].strip() for line in result.stdout.splitlines()]
    assert devices == ['lo'], result.stdout


def test_a_build_with_the_network_cut_evaluates_and_renders(tmp_path):
    project = copy_book(tmp_path, SECTION_TEXT)
    result = offline(book_command(project, 'html'))
    assert result.returncode == 0, result.stdout[-3000:]
    assert executed(project) == sorted((SECTION, tab) for tab in FRAMEWORK_IMPORTS)
    for tab in FRAMEWORK_IMPORTS:
        eval_dir = 'eval' if tab == 'pytorch' else f'eval_{tab}'
        notebook = nbformat.read(project / '_build' / eval_dir / SECTION.replace('.md', '.ipynb'), 4)
        result = [cell for cell in notebook.cells if cell.cell_type == 'code'][0].outputs[0]
        assert '6' in result['data']['text/plain'], f'{tab}: {result}'
    assert (project / '_build' / 'html' / SECTION.replace('.md', '.html')).exists()
