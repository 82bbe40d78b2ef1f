"""A book project as its config.ini describes it: tabs, pages, output folders.

Standard library only, so that the driver, the pre-flight check and the
evaluator all read the same answers. A project is any folder with a
config.ini: the repository itself, or a throw-away copy that a test builds.
"""

import configparser
import glob
import os
import shutil
from pathlib import Path

# What a copy of the book needs to build: the tests and `make bench` build
# throw-away copies.
BOOK_SOURCES = [
    'config.ini',
    'index.md',
    'references.md',
    'references.bib',
    'chapter_builders-guide',
    'd2l',
    'static',
]


def copy_book_sources(root, destination):
    """Copy the book at root into destination, with a link to root's tools/:
    the book's Sphinx extension is found by walking up from the rendered
    conf.py to a tools/ folder, so the copy renders with root's tools and
    environments."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    for name in BOOK_SOURCES:
        source = Path(root) / name
        if source.is_dir():
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns('__pycache__')
            )
        else:
            shutil.copy2(source, destination / name)
    (destination / 'tools').symlink_to(Path(root) / 'tools')
    return destination


class Project:
    def __init__(self, root):
        self.root = Path(root).resolve()
        self.config = configparser.ConfigParser()
        self.config.read(self.root / 'config.ini', encoding='utf-8')
        build = self.config['build']
        self.tabs = [tab.strip().lower() for tab in build['tabs'].split(',')]
        self.default_tab = self.tabs[0]
        self.build_dir = self.root / build.get('output_dir', '_build')

    def _find(self, patterns):
        found = set()
        for pattern in patterns.split():
            for name in glob.glob(str(self.root / pattern), recursive=True):
                if os.path.isfile(name):
                    found.add(Path(name))
        return found

    def notebook_sources(self):
        """The markdown pages d2lbook evaluates, as d2lbook finds them."""
        build = self.config['build']
        excluded = self._find(build.get('exclusions', '') + ' ' + build.get('non-notebooks', ''))
        return sorted(self._find(build['notebooks']) - excluded)

    def dependencies(self):
        """Files whose change makes d2lbook treat every notebook as stale."""
        return sorted(self._find(self.config['build'].get('dependencies', '')))

    def resources(self):
        return self.config['build'].get('resources', '').split()

    def relative(self, path):
        return Path(path).resolve().relative_to(self.root).as_posix()

    def tab_folder(self, kind, tab):
        """The name of d2lbook's folder of one kind of output (eval, pdf,
        ipynb, colab, sagemaker, ...) for one tab: the default tab's has no
        suffix, the others' end in _<tab>."""
        return kind if tab == self.default_tab else f'{kind}_{tab}'

    def reader_file_name(self, tab, suffix):
        """The name of a reader's file of one framework, such as its PDF or
        its zip of notebooks: <name><suffix> for the default tab, and
        <name>-<tab><suffix> for the others."""
        name = self.config['project']['name']
        return f'{name}{suffix}' if tab == self.default_tab else f'{name}-{tab}{suffix}'

    def eval_dir(self, tab):
        """d2lbook's folder of evaluated notebooks for one tab."""
        return self.build_dir / self.tab_folder('eval', tab)

    def evaluated_notebook(self, source, tab):
        return self.eval_dir(tab) / Path(self.relative(source)).with_suffix('.ipynb')

    def merged_notebook(self, source):
        """Where `d2lbook build merge` puts the notebook of all tabs."""
        return self.build_dir / 'eval_all' / Path(self.relative(source)).with_suffix('.ipynb')

    def lib_file(self, tab):
        """The tab's module of the helper package, e.g. d2l/torch.py, if any."""
        section = f'library-{tab}'
        if section in self.config and 'lib_file' in self.config[section]:
            return self.root / self.config[section]['lib_file']
        return None
