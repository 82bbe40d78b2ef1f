"""`make notebooks`: the notebooks readers download, per framework.

d2lbook writes them tab by tab (`d2lbook build ipynb colab sagemaker --tab X`)
into _build/ipynb[_<tab>], _build/colab[_<tab>] and _build/sagemaker[_<tab>].
This module gathers the reader's copies under _build/notebooks/:

    _build/notebooks/<tab>/plain/      the executed notebooks, with outputs
    _build/notebooks/<tab>/colab/      for Google Colab
    _build/notebooks/<tab>/sagemaker/  for Amazon SageMaker
    _build/notebooks/<name>[-<tab>].zip  the plain notebooks of one framework,
                                       with requirements.txt and README.md

Code cells lose d2lbook's build marks (`#@save`). The first cell of a Colab or
SageMaker notebook is the learner's whole setup (see `install_cell`): it
installs the book's `d2l` by its package name and release with the extra of
its framework, so that pip adds the framework only where the runtime lacks a
supported version, and it stops when pip fails. d2lbook's own install cell,
a bare `!pip install` that goes on after a failure, is replaced.

Runs in .venv/book (it reads notebooks with nbformat): `book notebooks`.
"""

import io
import json
import shutil
import string
import zipfile

import nbformat

from ..files import write_atomic
from ..processes import book_env, d2lbook, run_streamed
from ..render import build_marks
from ..report import BuildError, log

VARIANTS = ('plain', 'colab', 'sagemaker')


def d2lbook_dir(project, variant, tab):
    """Where d2lbook writes one variant of one tab."""
    name = {'plain': 'ipynb', 'colab': 'colab', 'sagemaker': 'sagemaker'}[variant]
    return project.build_dir / project.tab_folder(name, tab)


def d2l_requirement(project, tab):
    """What a notebook of this tab installs, e.g. 'd2l-custom-layers[jax]==0.1.0'."""
    return f'{project.d2l_package}[{tab}]=={project.release}'


FRAMEWORK_TITLES = {
    'pytorch': 'PyTorch',
    'mxnet': 'MXNet',
    'jax': 'JAX',
    'tensorflow': 'TensorFlow',
}
# What the install cell says it brings, besides d2l.
FRAMEWORK_NAMES = {
    'pytorch': 'PyTorch and Keras',
    'mxnet': 'MXNet',
    'jax': 'JAX, Flax, Optax and Keras',
    'tensorflow': 'TensorFlow and Keras',
}

# The first cell of a Colab or SageMaker notebook. `%pip install` would go on
# to the next cell after a failure, so the cell runs pip itself and raises
# with pip's messages.
INSTALL_CELL = string.Template("""\
# Sets up this runtime: installs the book's d2l helpers and, unless the
# runtime already has versions the book supports, $frameworks.
# If pip fails, the notebook stops here with pip's messages.
import subprocess
import sys
$python_check
requirement = '$requirement'
pip = subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet', requirement],
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
print(pip.stdout, end='')
if pip.returncode != 0:
    raise RuntimeError(f'pip could not install {requirement} (exit status '
                       f'{pip.returncode}); its messages are above.')
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
        python_check=MXNET_PYTHON_CHECK if tab == 'mxnet' else '',
    )
    return nbformat.v4.new_code_cell(source)


def with_python_kernel(notebook):
    """The executed notebooks name no kernel; Jupyter would ask for one."""
    notebook.metadata.setdefault('kernelspec', {'name': 'python3', 'display_name': 'Python 3'})
    return notebook


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


def gather(project, tab):
    """Copy one tab's notebooks from d2lbook's folders into _build/notebooks."""
    for variant in VARIANTS:
        shutil.rmtree(project.reader_notebooks(variant, tab), ignore_errors=True)
    plain_root = d2lbook_dir(project, 'plain', tab)
    for plain_path in sorted(plain_root.rglob('*.ipynb')):
        if plain_path.stat().st_size == 0:  # d2lbook's "no cell in this tab" marker
            continue
        relative = plain_path.relative_to(plain_root)
        plain_nb = nbformat.read(plain_path, as_version=4)
        forms = {'plain': with_python_kernel(plain_nb)}
        for variant in ('colab', 'sagemaker'):
            variant_nb = nbformat.read(d2lbook_dir(project, variant, tab) / relative, as_version=4)
            forms[variant] = with_install_cell(project, variant_nb, plain_nb, tab)
        for variant, notebook in forms.items():
            target = project.reader_notebooks(variant, tab) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(without_build_marks(notebook), target)
    # Files the notebooks read (the bibliography), next to them.
    for resource in plain_root.rglob('*'):
        if resource.is_file() and resource.suffix != '.ipynb':
            for variant in VARIANTS:
                target = project.reader_notebooks(variant, tab) / resource.relative_to(plain_root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(resource, target)


# The distributions the build ran on, by the name a learner installs: the
# build uses TensorFlow's CPU-only wheel, which has no macOS build; the same
# release of `tensorflow` runs the same code.
LEARNER_DISTRIBUTION = {'tensorflow-cpu': 'tensorflow'}


def build_versions(project, tab):
    """{distribution: version} of what the tab's notebooks ran with, as the
    evaluation recorded it (evaluate/versions.py): in the hosted workflow the
    notebooks are written where the framework's environment is not."""
    path = project.versions_file(tab)
    if not path.exists():
        raise BuildError(
            f'{project.relative(path)} is missing: evaluate the {tab} notebooks first (make eval)'
        )
    return json.loads(path.read_text())


def requirements_txt(project, tab):
    # Without a local label such as torch's `+cpu`, which PyPI does not serve.
    versions = {
        LEARNER_DISTRIBUTION.get(name, name): version.split('+')[0]
        for name, version in build_versions(project, tab).items()
    }
    lines = [f'{project.d2l_package}=={project.release}']
    lines += [f'{name}=={version}' for name, version in sorted(versions.items())]
    return '# The versions these notebooks were executed with.\n' + '\n'.join(lines) + '\n'


ZIP_README = string.Template("""\
# The $framework notebooks of *$title*

These notebooks were executed with the versions in `requirements.txt`, and
every output in them comes from that run. The random seeds are set at the top
of each notebook, so running it again with these versions gives the same
numbers.

To run them on your own machine, with Python 3.11 (the build's):

```bash
python3 -m venv .venv
. .venv/bin/activate
pip install -r requirements.txt jupyterlab
jupyter lab
```

Then open `chapter_builders-guide/custom-layer.ipynb` and run all cells.
$note""")

ZIP_NOTES = {
    'pytorch': (
        '\nOn Linux, PyPI\'s `torch` is a build for NVIDIA GPUs of several GB; '
        'for the CPU-only build, add\n`--extra-index-url '
        'https://download.pytorch.org/whl/cpu` to the `pip install` line.\n'
    ),
    'mxnet': (
        '\nMXNet 1.9 needs NumPy older than 1.24, which has no wheels for Python 3.12 or later.\n'
    ),
}


def write_zip(project, tab):
    """The plain notebooks, with what a learner needs to run them locally."""
    source = project.reader_notebooks('plain', tab)
    (source / 'requirements.txt').write_text(requirements_txt(project, tab))
    (source / 'README.md').write_text(
        ZIP_README.substitute(
            title=project.config['project']['title'],
            framework=FRAMEWORK_TITLES[tab],
            note=ZIP_NOTES.get(tab, ''),
        )
    )
    data = io.BytesIO()
    with zipfile.ZipFile(data, 'w', zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(source.rglob('*')):
            if path.is_file():
                archive.write(path, path.relative_to(source))
    write_atomic(project.notebook_zip(tab), data.getvalue())


def build(project, selected=None):
    for tab in selected or project.tabs:
        code = run_streamed(
            d2lbook('ipynb', 'colab', 'sagemaker', '--tab', tab),
            book_env(tab),
            f'[{tab}]',
            cwd=project.root,
        )
        if code != 0:
            raise BuildError(f'd2lbook could not write the {tab} notebooks (exit {code})')
        gather(project, tab)
        write_zip(project, tab)
        log(
            f'{tab}: {project.relative(project.reader_notebooks("plain", tab))}, '
            f'{project.relative(project.notebook_zip(tab))}'
        )
