"""Where the build puts things; shared by every test suite. The answers come
from bookbuild.project, the same reading of config.ini the build uses (it
needs only the standard library, and `make setup` installs the build package
into every environment)."""

from bookbuild.project import Project

PROJECT = Project()
ROOT = PROJECT.root
BUILD = PROJECT.build_dir
SECTION = 'chapter_builders-guide/custom-layer'
TABS = PROJECT.tabs
DEFAULT_TAB = PROJECT.default_tab


def eval_dir_for(tab):
    """d2lbook's folder of evaluated notebooks for one tab."""
    return PROJECT.eval_dir(tab)


def notebook_sources():
    """The markdown files that d2lbook evaluates as notebooks."""
    return PROJECT.notebook_sources()


def lib_module(tab):
    """The d2l module of a tab, e.g. 'torch' for pytorch (from config.ini)."""
    return PROJECT.lib_file(tab).stem
