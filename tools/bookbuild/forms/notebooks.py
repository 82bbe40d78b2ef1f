"""`make notebooks`: the notebooks readers download, per framework and edition.

d2lbook writes them tab by tab (`d2lbook build ipynb colab sagemaker --tab X`)
into _build/ipynb[_<tab>], _build/colab[_<tab>] and _build/sagemaker[_<tab>].
This module gathers the reader's copies under _build/notebooks/:

    _build/notebooks/<tab>/plain/      the executed notebooks, with outputs
    _build/notebooks/<tab>/colab/      for Google Colab
    _build/notebooks/<tab>/sagemaker/  for Amazon SageMaker
    _build/notebooks/<name>[-<tab>].zip  the plain notebooks of one framework,
                                       with requirements.txt and README.md

and each edition's the same way under _build/<lang>/notebooks/, from its
staged sources (editions.py), with the English build's code and outputs.

Every form reads as Markdown: the book's roles become text and links
(forms/notebook_text.py), a header cell says where the learner is and links
the other frameworks' notebooks and the page, and the metadata names the
kernel each host opens (and, for Colab, the notebook and its table of
contents). Code cells lose d2lbook's build marks (`#@save`).

The first code cell of a Colab or SageMaker notebook is the learner's whole
setup (see `install_cell`): it installs the book's `d2l` by its package name
and release with the extra of its framework, so that pip adds the framework
only where the runtime lacks a supported version, and it stops when pip
fails. d2lbook's own install cell, a bare `!pip install` that goes on after a
failure, is replaced.

Runs in .venv/book (it reads notebooks with nbformat): `book notebooks`.
"""

import io
import os
import shutil
import string
import zipfile
from pathlib import PurePosixPath

import nbformat

from .. import editions
from ..evaluate import versions
from ..files import write_atomic
from ..processes import book_env, build_each, d2lbook, run_streamed
from ..project import FRAMEWORK_TITLES
from ..render import build_marks
from ..report import BuildError, log
from . import notebook_text

VARIANTS = ('plain', 'colab', 'sagemaker')


class Edition:
    """Where one edition's notebooks come from and go: the English book's
    under _build/notebooks/, an edition's under _build/<lang>/notebooks/,
    made by d2lbook from its staged sources (editions.py)."""

    def __init__(self, project, lang='en'):
        self.project = project
        self.lang = lang
        english = lang == 'en'
        self.build_dir = project.edition_build_dir(lang)
        self.source_root = project.root if english else editions.staging_dir(project, lang)
        self.book = None  # notebook_text.Book, read once the sources are staged

    def read_book(self):
        """What the edition's text refers to (its sources staged, if not English)."""
        self.book = notebook_text.Book(self.source_root, self.lang)
        return self

    def d2lbook_dir(self, variant, tab):
        """Where d2lbook writes one variant of one tab."""
        name = {'plain': 'ipynb', 'colab': 'colab', 'sagemaker': 'sagemaker'}[variant]
        return self.build_dir / self.project.tab_folder(name, tab)

    def notebooks(self, variant, tab):
        return self.project.reader_notebooks(variant, tab, self.lang)

    def zip(self, tab):
        return self.project.notebook_zip(tab, self.lang)

    # Published addresses: project.py makes them from publish_repo.
    def page_address(self, page, tab, anchor=None):
        return self.project.published_page(page, tab, self.lang, anchor)

    def colab_address(self, page, tab):
        return self.project.launch_address('colab', tab, page, self.lang)

    def sagemaker_address(self, page, tab):
        return self.project.notebook_on_github('sagemaker', tab, page, self.lang)


def link_maker(edition, variant, tab, page):
    """How a reference from `page` reaches a notebook_text.Target: the sibling
    notebook in the plain form, the published page in the others."""
    if variant == 'plain':
        folder = PurePosixPath(page).parent.as_posix()

        def link(target):
            address = os.path.relpath(f'{target.page}.ipynb', folder)
            return address + (f'#{target.notebook_anchor}' if target.notebook_anchor else '')

    else:

        def link(target):
            return edition.page_address(target.page, tab, target.anchor)

    return link


def header_cell(edition, variant, tab, page):
    """The notebook's first cell: where the learner is, the same section in
    the other frameworks' notebooks, the page, and (Colab, SageMaker) a badge."""
    project = edition.project
    address = edition.sagemaker_address if variant == 'sagemaker' else edition.colab_address
    others = [
        (FRAMEWORK_TITLES[other], address(page, other))
        for other in project.tabs
        if other != tab and project.has_notebook(other, page)
    ]
    badge = None
    if variant != 'plain':
        badge = f'[![Open In Colab]({COLAB_BADGE})]({edition.colab_address(page, tab)})'
    text = edition.book.header(
        page,
        FRAMEWORK_TITLES[tab],
        others,
        edition.page_address(page, tab),
        badge,
        versions.outputs_line(project, page, tab, edition.lang),
    )
    # Fixed cell ids (nbformat would draw random ones), so that every build
    # writes the same bytes.
    return nbformat.v4.new_markdown_cell(text, metadata={'header': True}, id='header')


COLAB_BADGE = 'https://colab.research.google.com/assets/colab-badge.svg'


def readable_markdown(edition, notebook, variant, tab, page):
    """Every markdown cell without the book's roles, and a References cell
    at the end when the notebook cites anything."""
    cited = []
    link = link_maker(edition, variant, tab, page)
    is_bibliography = any(
        ':bibliography:' in cell.source for cell in notebook.cells if cell.cell_type == 'markdown'
    )
    for cell in notebook.cells:
        if cell.cell_type == 'markdown':
            cell.source, keys = edition.book.convert(cell.source, page, link)
            cited += keys
    if cited and not is_bibliography:
        notebook.cells.append(
            nbformat.v4.new_markdown_cell(
                edition.book.references_cell(cited), metadata={'references': True}, id='references'
            )
        )
    return notebook


def kernel_metadata(project, variant, tab, page):
    """What Jupyter, Colab and SageMaker read: the kernel, the language, and
    for Colab the notebook's name and an open table of contents."""
    kernel = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    if variant == 'sagemaker':
        name = project.per_tab('sagemaker', 'kernel', tab)
        kernel = {'name': name, 'display_name': name, 'language': 'python'}
    metadata = {
        'kernelspec': kernel,
        'language_info': {
            'name': 'python',
            'mimetype': 'text/x-python',
            'file_extension': '.py',
            'pygments_lexer': 'ipython3',
            'codemirror_mode': {'name': 'ipython', 'version': 3},
            'nbconvert_exporter': 'python',
        },
    }
    if variant == 'colab':
        metadata['colab'] = {
            'name': f'{PurePosixPath(page).name}.ipynb',
            'provenance': [],
            'toc_visible': True,
        }
    return metadata


def d2l_requirement(project, tab):
    """What a notebook of this tab installs, e.g. 'd2l-custom-layers[jax]==0.1.0'."""
    return f'{project.d2l_package}[{tab}]=={project.release}'


# What the install cell says it brings, besides d2l.
FRAMEWORK_NAMES = {
    'pytorch': 'PyTorch and Keras',
    'mxnet': 'MXNet',
    'jax': 'JAX, Flax, Optax and Keras',
    'tensorflow': 'TensorFlow and Keras',
}
# What the install cell keeps at the runtime's own versions: the
# distributions of the framework's extra (setup.py; a test keeps the two in
# step), jaxlib with jax. pip leaves a supported version in place by itself,
# but a package it adds may ask for a newer one of these: Flax for a newer
# jax, or the newest jax for NumPy 2 on a runtime built on NumPy 1.26.
KEPT = {
    'pytorch': ('torch', 'keras', 'numpy'),
    'mxnet': ('mxnet', 'numpy'),
    'jax': ('jax', 'jaxlib', 'flax', 'optax', 'keras', 'numpy'),
    'tensorflow': ('tensorflow', 'keras', 'numpy'),
}

# The first cell of a Colab or SageMaker notebook. `%pip install` would go on
# to the next cell after a failure, so the cell runs pip itself and raises
# with pip's messages. Colab imports NumPy when its kernel starts, and a
# module that is already loaded stays the old one until the kernel restarts:
# the cell says so if pip had to replace one (MXNet on a NumPy 2 runtime).
INSTALL_CELL = string.Template("""\
# Sets up this runtime: installs the book's d2l helpers and, unless the
# runtime already has versions the book supports, $frameworks.
# What the runtime already has of these, NumPy included, stays as it is
# where the book supports it. If pip fails, the notebook stops here with
# pip's messages.
import importlib
import subprocess
import sys
from importlib import metadata
$python_check
requirement = '$requirement'


def installed(name):
    \"\"\"The version of name that Python imports, or None.\"\"\"
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def pip_install(*requirements):
    return subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet', *requirements],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


packages = $kept
kept = {name: installed(name) for name in packages if installed(name)}
# Asking for the installed versions too makes pip add only what is missing.
pip = pip_install(requirement, *[f'{name}=={version}' for name, version in kept.items()])
if pip.returncode != 0 and kept:
    # pip could not keep them all, most likely because one is a version the
    # book does not support: let it replace what it must (said below).
    first = pip
    pip = pip_install(requirement)
    if pip.returncode != 0:
        print(first.stdout, end='')
print(pip.stdout, end='')
if pip.returncode != 0:
    raise RuntimeError(f'pip could not install {requirement} (exit status '
                       f'{pip.returncode}); its messages are above.')
importlib.invalidate_caches()
replaced = [name for name, version in kept.items() if installed(name) != version]
for name in replaced:
    print(f'pip replaced {name} {kept[name]} with {installed(name)}')
if any(name in sys.modules for name in replaced):
    raise RuntimeError('pip replaced a package this runtime had already loaded. Restart '
                       'the runtime (on Colab: Runtime > "Restart session"), then run '
                       'this notebook again from the top.')
print('Installed', requirement)""")

# MXNet 1.9.1, the last MXNet, imports only beside NumPy < 1.24, and NumPy
# 1.23 has no wheels for Python 3.12 or later: pip would try to compile it
# and fail after minutes with a compiler error. The cell says why at once,
# before installing anything; the page says the same (render/finish.py).
MXNET_PYTHON_CHECK = """
if sys.version_info >= (3, 12):
    raise RuntimeError(
        f'This runtime has Python {sys.version_info.major}.{sys.version_info.minor}, '
        'and MXNet cannot be installed on it: MXNet 1.9 needs NumPy older than '
        '1.24, which has no wheels for Python 3.12 or later. On Colab, choose '
        'Runtime > "Change runtime version" and pick a runtime with Python 3.11, '
        'such as 2025.07, then run this notebook again. Elsewhere, use a Python '
        '3.10 or 3.11 environment.')
"""


def install_cell(project, tab):
    """The learner's whole setup, as the first cell of a notebook."""
    source = INSTALL_CELL.substitute(
        frameworks=FRAMEWORK_NAMES[tab],
        requirement=d2l_requirement(project, tab),
        kept=repr(KEPT[tab]),
        python_check=MXNET_PYTHON_CHECK if tab == 'mxnet' else '',
    )
    return nbformat.v4.new_code_cell(source, id='install')


def without_build_marks(notebook):
    for cell in notebook.cells:
        if cell.cell_type == 'code':
            cell.source = build_marks.strip_marks(cell.source)
    return notebook


def with_install_cell(project, variant_nb, plain_nb, tab):
    """The variant's cells after d2lbook's install cells, under ours."""
    added = len(variant_nb.cells) - len(plain_nb.cells)
    rest = variant_nb.cells[added:]
    if added < 0 or [c.source for c in rest] != [c.source for c in plain_nb.cells]:
        raise BuildError(
            'd2lbook\'s Colab/SageMaker notebook is not the plain one '
            'behind an install cell any more; see bookbuild/forms/notebooks.py'
        )
    has_code = any(cell.cell_type == 'code' for cell in rest)
    variant_nb.cells = ([install_cell(project, tab)] if has_code else []) + rest
    return variant_nb


def reader_forms(edition, tab, variants=VARIANTS):
    """{(variant, path under the variant's folder): notebook} of one tab's
    notebooks in the forms asked for, made from d2lbook's folders (nothing
    is written)."""
    plain_root = edition.d2lbook_dir('plain', tab)
    forms_of_tab = {}
    for plain_path in sorted(plain_root.rglob('*.ipynb')):
        if plain_path.stat().st_size == 0:  # d2lbook's "no cell in this tab" marker
            continue
        relative = plain_path.relative_to(plain_root)
        page = relative.with_suffix('').as_posix()
        plain_nb = nbformat.read(plain_path, as_version=4)
        forms = {'plain': plain_nb}
        for variant in variants:
            if variant != 'plain':
                variant_nb = nbformat.read(
                    edition.d2lbook_dir(variant, tab) / relative, as_version=4
                )
                forms[variant] = with_install_cell(edition.project, variant_nb, plain_nb, tab)
        for variant in variants:
            notebook = readable_markdown(
                edition, without_build_marks(forms[variant]), variant, tab, page
            )
            notebook.cells.insert(0, header_cell(edition, variant, tab, page))
            notebook.metadata = kernel_metadata(edition.project, variant, tab, page)
            forms_of_tab[variant, relative] = notebook
    return forms_of_tab


def gather(edition, tab):
    """One tab's notebooks into <build>/notebooks/. Every notebook is
    converted before the old ones are removed, so that a reference the book
    lacks leaves the last good notebooks in place."""
    written = reader_forms(edition, tab)
    plain_root = edition.d2lbook_dir('plain', tab)
    for variant in VARIANTS:
        shutil.rmtree(edition.notebooks(variant, tab), ignore_errors=True)
    for (variant, relative), notebook in written.items():
        target = edition.notebooks(variant, tab) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
    # Files the notebooks read, such as data files, next to them; the
    # bibliography is not one: the notebooks carry their references.
    bibliography = edition.project.config['pdf'].get('bibfile')
    for resource in plain_root.rglob('*'):
        if resource.is_file() and resource.suffix != '.ipynb' and resource.name != bibliography:
            for variant in VARIANTS:
                target = edition.notebooks(variant, tab) / resource.relative_to(plain_root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(resource, target)


def d2lbook_notebooks(edition, tab, *kinds):
    """d2lbook's folders of one tab (ipynb, colab, sagemaker) for an edition,
    from the evaluated notebooks, which it finds current."""
    project = edition.project
    if edition.lang == 'en':
        code = run_streamed(
            d2lbook(project, *kinds, '--tab', tab),
            book_env(project, tab),
            f'[{tab}]',
            cwd=project.root,
        )
    else:
        code = editions.run_d2lbook(project, edition.lang, *kinds, '--tab', tab)
    if code != 0:
        raise BuildError(
            f'd2lbook could not write the {edition.lang} {tab} notebooks (exit {code})'
        )


def d2lbook_ipynb(edition, tab):
    """What `d2lbook build ipynb --tab <tab>` writes, done in this process:
    d2lbook copies the evaluated notebooks and turns their tables of
    contents into links. Starting d2lbook costs seconds per tab, and its
    own step would only check that the notebooks the site was just rendered
    from are current."""
    from d2lbook.build import update_ipynb_toc

    evaluated = edition.build_dir / edition.project.tab_folder('eval', tab)
    target = edition.d2lbook_dir('plain', tab)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(evaluated, target)
    update_ipynb_toc(str(target))


def write_site_notebooks(project, lang='en'):
    """The notebooks the pages' download links serve: each framework's plain
    executed notebooks, as `make notebooks` writes them, under the edition's
    html/notebooks/<tab>/ (project.site_notebooks), so that the site alone
    offers them. Runs after the edition's site is rendered."""
    edition = Edition(project, lang).read_book()
    for tab in project.tabs:
        d2lbook_ipynb(edition, tab)
        written = reader_forms(edition, tab, variants=('plain',))
        folder = project.site_notebooks(tab, lang)
        shutil.rmtree(folder, ignore_errors=True)
        for (_, relative), notebook in written.items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, target)
    folder = project.site_notebooks(project.default_tab, lang).parent
    log(f"{lang}: the pages' download notebooks in {project.relative(folder)}/")


# The distributions the build ran on, by the name a learner installs: the
# build uses TensorFlow's CPU-only wheel, which has no macOS build; the same
# release of `tensorflow` runs the same code.
LEARNER_DISTRIBUTION = {'tensorflow-cpu': 'tensorflow'}


def build_versions(project, tab):
    """{distribution: version} of what the tab's notebooks ran with, as the
    evaluation recorded it (evaluate/versions.py)."""
    return versions.read_versions(project, tab)['distributions']


def requirements_txt(project, tab):
    # Without a local label such as torch's `+cpu`, which PyPI does not serve.
    versions = {
        LEARNER_DISTRIBUTION.get(name, name): version.split('+')[0]
        for name, version in build_versions(project, tab).items()
    }
    lines = [f'{project.d2l_package}=={project.release}']
    lines += [f'{name}=={version}' for name, version in sorted(versions.items())]
    return '# The versions these notebooks were executed with.\n' + '\n'.join(lines) + '\n'


# The zip's README, in each edition's language, around the same commands.
ZIP_COMMANDS = """\
```bash
python3 -m venv .venv
. .venv/bin/activate
pip install -r requirements.txt jupyterlab
jupyter lab
```"""
ZIP_README = {
    'en': string.Template("""\
# The $framework notebooks of *$title*

These notebooks were executed with the versions in `requirements.txt`, and
every output in them comes from that run. The random seeds are set at the top
of each notebook, so running it again with these versions gives the same
numbers.

To run them on your own machine, with Python 3.11 (the build's):

$commands

Then open `chapter_builders-guide/custom-layer.ipynb` and run all cells.
$note"""),
    'ko': string.Template("""\
# *$title*의 $framework 노트북

이 노트북들은 `requirements.txt`에 적힌 버전으로 실행되었고, 노트북 안의 출력은
모두 그 실행에서 나온 것이다. 각 노트북의 첫머리에서 난수 시드를 고정하므로, 같은
버전으로 다시 실행하면 같은 숫자가 나온다.

자신의 컴퓨터에서 실행하려면 (빌드와 같은 Python 3.11로):

$commands

그런 다음 `chapter_builders-guide/custom-layer.ipynb`를 열고 모든 셀을 실행한다.
$note"""),
    'pt': string.Template("""\
# Os notebooks de $framework de *$title*

Estes notebooks foram executados com as versões de `requirements.txt`, e
todas as saídas neles vêm dessa execução. As sementes aleatórias são fixadas
no início de cada notebook; executá-lo de novo com essas versões dá os mesmos
números.

Para executá-los na sua máquina, com Python 3.11 (o da compilação):

$commands

Depois abra `chapter_builders-guide/custom-layer.ipynb` e execute todas as células.
$note"""),
}

ZIP_NOTES = {
    'en': {
        'pytorch': (
            '\nOn Linux, PyPI\'s `torch` is a build for NVIDIA GPUs of several GB; '
            'for the CPU-only build, add\n`--extra-index-url '
            'https://download.pytorch.org/whl/cpu` to the `pip install` line.\n'
        ),
        'mxnet': (
            '\nMXNet 1.9 needs NumPy older than 1.24, which has no wheels for Python 3.12 '
            'or later.\n'
        ),
    },
    'ko': {
        'pytorch': (
            '\nLinux에서 PyPI의 `torch`는 NVIDIA GPU용 빌드로, 크기가 수 GB이다. CPU 전용 '
            '빌드를 받으려면\n`pip install` 줄에 `--extra-index-url '
            'https://download.pytorch.org/whl/cpu`를 덧붙인다.\n'
        ),
        'mxnet': (
            '\nMXNet 1.9에는 1.24보다 오래된 NumPy가 필요한데, 그 NumPy에는 Python 3.12 '
            '이상용 휠이 없다.\n'
        ),
    },
    'pt': {
        'pytorch': (
            '\nNo Linux, o `torch` do PyPI é uma versão para GPUs NVIDIA, de vários GB; '
            'para a versão só de CPU,\nacrescente `--extra-index-url '
            'https://download.pytorch.org/whl/cpu` à linha do `pip install`.\n'
        ),
        'mxnet': (
            '\nO MXNet 1.9 precisa de um NumPy anterior ao 1.24, que não tem wheels para '
            'Python 3.12 ou posterior.\n'
        ),
    },
}


def write_zip(edition, tab):
    """The plain notebooks, with what a learner needs to run them locally."""
    project = edition.project
    source = edition.notebooks('plain', tab)
    (source / 'requirements.txt').write_text(requirements_txt(project, tab))
    (source / 'README.md').write_text(
        ZIP_README[edition.lang].substitute(
            title=edition.book.pages[edition.book.index].title,
            framework=FRAMEWORK_TITLES[tab],
            commands=ZIP_COMMANDS,
            note=ZIP_NOTES[edition.lang].get(tab, ''),
        ),
        encoding='utf-8',
    )
    write_atomic(edition.zip(tab), zip_of(source))


# Every entry of a zip gets this date, not its file's: the same notebooks
# make the same zip on every build.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def zip_of(folder):
    data = io.BytesIO()
    with zipfile.ZipFile(data, 'w', zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob('*')):
            if path.is_file():
                entry = zipfile.ZipInfo(path.relative_to(folder).as_posix(), ZIP_DATE)
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return data.getvalue()


def build_edition(edition, tabs):
    """d2lbook's notebooks of each tab, made readable and gathered; two tabs
    at a time, each in folders of its own."""
    project = edition.project

    def one_tab(tab):
        d2lbook_notebooks(edition, tab, 'ipynb', 'colab', 'sagemaker')
        gather(edition, tab)
        write_zip(edition, tab)
        log(
            f'{edition.lang} {tab}: {project.relative(edition.notebooks("plain", tab))}, '
            f'{project.relative(edition.zip(tab))}'
        )

    build_each(tabs, one_tab)


def build(project, selected=None):
    """The English notebooks, then each edition's, whose code and outputs
    are the English build's (checked cell by cell by editions.prepare). A
    copy of the book without translations has the English ones only."""
    tabs = selected or project.tabs
    languages = ['en'] + [lang for lang in editions.LANGUAGES if (project.root / lang).is_dir()]
    for lang in languages:
        edition = Edition(project, lang)
        if lang != 'en':
            editions.prepare(project, lang)
        build_edition(edition.read_book(), tabs)
