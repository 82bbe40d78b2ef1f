"""Small books written into a test's tmp_path: a config.ini and pages, so the
unit tests read a project whose every answer they know, and never the
repository's _build/."""

import textwrap

from bookbuild.project import Project

# The tiny book's frameworks, the first the default, as its config.ini lists
# them: the unit tests' own input, whatever tabs the repository's book has.
TABS = ['pytorch', 'mxnet', 'jax', 'tensorflow']

CONFIG = """\
[DEFAULT]
publish_repo = owner/tiny-book
d2l_package = d2l-tiny

[project]
name = tiny-book
release = 0.2.0

[build]
tabs = {tabs}
notebooks = *.md part/*.md
exclusions = part/draft.md
dependencies = config.ini
output_dir = out

[library-pytorch]
lib_file = d2l/torch.py
lib_name = torch

[library-jax]
lib_file = d2l/jax.py
lib_name = jnp
simple_alias = tensor -> array

[colab]
github_repo = pytorch, %(publish_repo)s-colab-pytorch
              jax, %(publish_repo)s-colab-jax

[sagemaker]
github_repo = pytorch, %(publish_repo)s-sagemaker-pytorch
              jax, %(publish_repo)s-sagemaker-jax
kernel = pytorch, conda_pytorch_p310
         jax, conda_python3
"""

# The helper modules the [library-<tab>] sections name, and one every tab shares.
LIBRARY = {
    'd2l/__init__.py': 'shared = 1\n',
    'd2l/torch.py': 'torch_helper = 1\n',
    'd2l/jax.py': 'jax_helper = 1\n',
}


def fence(tabs, code):
    """A code cell of the given tabs, as the chapter writes one."""
    return f'```{{.python .input}}\n%%tab {tabs}\n{code.strip()}\n```\n'


def load_tabs(tabs):
    """The cell d2lbook's pages start with, which selects their tabs."""
    return f"```{{.python .input}}\n%load_ext d2lbook.tab\ntab.interact_select({tabs!r})\n```\n"


def line_of(text, needle):
    """The 1-based number of the first line of text that is exactly needle."""
    return text.split('\n').index(needle) + 1


def write_book(root, pages, tabs='pytorch, jax', library=LIBRARY):
    """A book at root with config.ini, the helper modules and pages
    ({relative path: markdown}, dedented); returns its Project."""
    root.mkdir(parents=True, exist_ok=True)
    (root / 'config.ini').write_text(CONFIG.format(tabs=tabs), encoding='utf-8')
    for name, text in {**library, **pages}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding='utf-8')
    return Project(root)
