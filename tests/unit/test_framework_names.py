"""Only the frameworks registry names a framework. No code of the build
package (tools/bookbuild/) outside frameworks.py holds a framework's tab,
title, distribution or a package that only some frameworks keep, in a
string or a name: whatever it needs of a framework, it asks the registry
for, so that a new framework is an entry there and not a search through
the package. Comments and docstrings may name frameworks. These tests read
the source with `ast`; they import nothing from it but the registry.
"""

import ast
import re
from pathlib import Path

import pytest

from bookbuild.frameworks import FRAMEWORKS

PACKAGE = Path(__file__).resolve().parents[2] / 'tools' / 'bookbuild'
REGISTRY = PACKAGE / 'frameworks.py'


def framework_names(frameworks):
    """Every word that names one of the frameworks, in lower case: its tab,
    title and distributions, and what it keeps or is pinned by, unless every
    framework keeps it (NumPy, which they all stand on, names none)."""
    shared = set.intersection(*(set(entry.kept) for entry in frameworks.values()))
    names = set()
    for entry in frameworks.values():
        names |= {entry.tab, entry.title, *entry.distribution_names, *entry.kept}
        names |= set(entry.pinned_by)
    return {name.lower() for name in names} - shared


def name_pattern(names):
    """A whole-word match of any of names, in any case. Only letters and
    digits join a word: `mxnet_note`, `Colab_[mxnet]` and `jax-cuda12` name
    a framework, `mathjax` and `pytorch` do not name jax or torch."""
    alternatives = '|'.join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf'(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])', re.IGNORECASE)


def docstrings(tree):
    """The id of every docstring's node: the first statement of a module,
    class or function, when it is a string."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                found.add(id(first.value))
    return found


def words_of(node):
    """The strings and names a node writes in code, or nothing."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.arg):
        return [node.arg]
    if isinstance(node, ast.keyword):
        return [node.arg] if node.arg else []
    if isinstance(node, ast.alias):
        return [node.name] + ([node.asname] if node.asname else [])
    if isinstance(node, ast.ImportFrom):
        return [node.module] if node.module else []
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return list(node.names)
    return []


def framework_mentions(source, where, pattern):
    """'<where>:<line>: <word> in <text>' for every string or name in the
    source's code that names a framework; docstrings are exempt."""
    tree = ast.parse(source, where)
    exempt = docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        for text in words_of(node):
            for match in pattern.finditer(text):
                shown = text if len(text) <= 60 else text[:57] + '...'
                found.append((node.lineno, f'{where}:{node.lineno}: {match[0]!r} in {shown!r}'))
    return [line for _, line in sorted(set(found))]


def test_no_module_but_the_registry_names_a_framework():
    pattern = name_pattern(framework_names(FRAMEWORKS))
    found = []
    for path in sorted(PACKAGE.rglob('*.py')):
        if path != REGISTRY:
            where = path.relative_to(PACKAGE.parents[1]).as_posix()
            found += framework_mentions(path.read_text(encoding='utf-8'), where, pattern)
    assert not found, (
        'these name a framework outside tools/bookbuild/frameworks.py; ask the registry '
        'for it instead:\n' + '\n'.join(found)
    )


def test_the_names_are_every_frameworks_own():
    names = framework_names(FRAMEWORKS)
    for entry in FRAMEWORKS.values():
        assert {entry.tab, entry.title.lower(), entry.distribution} <= names, entry.tab
    assert 'numpy' not in names


# A module the scan must catch at the lines marked `# caught`, and nowhere
# else: docstrings and comments may name a framework, and a word that only
# contains a framework's name names none.
SYNTHETIC = '''\
"""Notes for MXNet and PyTorch readers."""
import re

TOOLTIP = re.compile('Colab_\\\\[mxnet\\\\]')  # caught
STACK = ('numpy', 'mathjax', 'pytorchic')


def mxnet_note(lang):  # caught
    """The note beside the JAX button."""
    return f'{lang}: needs {"TensorFlow"}'  # caught


class Settings:
    """Which backend Keras uses."""

    backend = dict(keras_backend='x')  # caught
    # jax: a comment may say so.
    wheel = 'jax-cuda12-plugin'  # caught
'''


def test_the_scan_names_each_file_and_line_that_names_a_framework():
    pattern = name_pattern(framework_names(FRAMEWORKS))
    found = framework_mentions(SYNTHETIC, 'synthetic.py', pattern)
    lines = sorted({int(entry.split(':')[1]) for entry in found})
    caught = [n for n, line in enumerate(SYNTHETIC.splitlines(), 1) if line.endswith('# caught')]
    assert lines == caught, '\n'.join(found)
    assert "synthetic.py:4: 'mxnet' in 'Colab_\\\\[mxnet\\\\]'" in found, found


@pytest.mark.parametrize('word', ['MathJax', 'pytorchic', 'numpy', 'flaxen'])
def test_a_word_that_only_holds_a_name_names_no_framework(word):
    assert not name_pattern(framework_names(FRAMEWORKS)).search(word)
