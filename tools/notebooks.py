"""`make notebooks`: the notebooks readers download, per framework.

d2lbook writes them tab by tab (`d2lbook build ipynb colab sagemaker --tab X`)
into _build/ipynb[_<tab>], _build/colab[_<tab>] and _build/sagemaker[_<tab>].
This module gathers the reader's copies under _build/notebooks/:

    _build/notebooks/<tab>/plain/      the executed notebooks, with outputs
    _build/notebooks/<tab>/colab/      for Google Colab
    _build/notebooks/<tab>/sagemaker/  for Amazon SageMaker
    _build/notebooks/<name>[-<tab>].zip  the plain notebooks of one framework

Code cells lose d2lbook's build marks (`#@save`). The first cell of a Colab or
SageMaker notebook installs exactly what it needs: the framework at the
version the book was built with (the pins of requirements/<tab>.txt) and the
book's `d2l`, from where config.ini's `[notebooks] d2l_requirement` says.
d2lbook's own install cell, which knows only `[colab] libs`, is replaced.

Runs in .venv/book (it reads notebooks with nbformat): book.py starts it as
`.venv/book/bin/python tools/notebooks.py [tab ...]`.
"""
import shlex
import shutil
import sys
import zipfile

import nbformat

import book
import build_marks

NOTEBOOKS = book.BUILD / 'notebooks'
VARIANTS = ('plain', 'colab', 'sagemaker')
# In requirements/<tab>.txt for the build itself (the Jupyter kernel d2lbook
# runs, the test runner), not for running a notebook, where Jupyter, Colab or
# SageMaker bring their own kernel.
BUILD_ONLY_PACKAGES = {'ipykernel', 'pytest'}


def d2lbook_dir(variant, tab):
    """Where d2lbook writes one variant of one tab."""
    name = {'plain': 'ipynb', 'colab': 'colab', 'sagemaker': 'sagemaker'}[variant]
    return book.BUILD / (name if tab == book.tabs()[0] else f'{name}_{tab}')


def reader_dir(variant, tab):
    return NOTEBOOKS / tab / variant


def zip_for(tab):
    name = book.config()['project']['name']
    return NOTEBOOKS / (f'{name}.zip' if tab == book.tabs()[0] else f'{name}-{tab}.zip')


def requirement_name(line):
    """'torch==2.13.0' -> 'torch'; enough for the plain pins we write."""
    for separator in '=<>!~[; @':
        line = line.split(separator)[0]
    return line.strip().lower()


def notebook_requirements(tab):
    """The pins a notebook of this tab needs, from requirements/<tab>.txt."""
    lines = (book.REQUIREMENTS / f'{tab}.txt').read_text().splitlines()
    pins = [line.split('#')[0].strip() for line in lines]
    return [pin for pin in pins if pin and requirement_name(pin) not in BUILD_ONLY_PACKAGES]


def d2l_requirement():
    config = book.config()
    return config['notebooks']['d2l_requirement'].replace('RELEASE', config['project']['release'])


def install_cell(tab):
    packages = notebook_requirements(tab) + [d2l_requirement()]
    source = (f'# Installs what this notebook needs: {tab} at the version the book\n'
              f'# was built with, and the book\'s d2l helpers.\n'
              f'%pip install --quiet {" ".join(shlex.quote(p) for p in packages)}')
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


def with_install_cell(variant_nb, plain_nb, tab):
    """The variant's cells after d2lbook's install cells, under ours."""
    added = len(variant_nb.cells) - len(plain_nb.cells)
    rest = variant_nb.cells[added:]
    if added < 0 or [c.source for c in rest] != [c.source for c in plain_nb.cells]:
        raise book.BuildError('d2lbook\'s Colab/SageMaker notebook is not the plain one '
                              'behind an install cell any more; see tools/notebooks.py')
    has_code = any(cell.cell_type == 'code' for cell in rest)
    variant_nb.cells = ([install_cell(tab)] if has_code else []) + rest
    return variant_nb


def gather(tab):
    """Copy one tab's notebooks from d2lbook's folders into _build/notebooks."""
    for variant in VARIANTS:
        shutil.rmtree(reader_dir(variant, tab), ignore_errors=True)
    plain_root = d2lbook_dir('plain', tab)
    for plain_path in sorted(plain_root.rglob('*.ipynb')):
        if plain_path.stat().st_size == 0:  # d2lbook's "no cell in this tab" marker
            continue
        relative = plain_path.relative_to(plain_root)
        plain_nb = nbformat.read(plain_path, as_version=4)
        forms = {'plain': with_python_kernel(plain_nb)}
        for variant in ('colab', 'sagemaker'):
            variant_nb = nbformat.read(d2lbook_dir(variant, tab) / relative, as_version=4)
            forms[variant] = with_install_cell(variant_nb, plain_nb, tab)
        for variant, notebook in forms.items():
            target = reader_dir(variant, tab) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(without_build_marks(notebook), target)
    # Files the notebooks read (the bibliography), next to them.
    for resource in plain_root.rglob('*'):
        if resource.is_file() and resource.suffix != '.ipynb':
            for variant in VARIANTS:
                target = reader_dir(variant, tab) / resource.relative_to(plain_root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(resource, target)


def write_zip(tab):
    source = reader_dir('plain', tab)
    with zipfile.ZipFile(zip_for(tab), 'w', zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(source.rglob('*')):
            if path.is_file():
                archive.write(path, path.relative_to(source))


def build(selected):
    for tab in selected:
        code = book.run_streamed(book.d2lbook('ipynb', 'colab', 'sagemaker', '--tab', tab),
                                 book.book_env(tab), f'[{tab}]')
        if code != 0:
            raise book.BuildError(f'd2lbook could not write the {tab} notebooks (exit {code})')
        gather(tab)
        write_zip(tab)
        book.log(f'{tab}: {reader_dir("plain", tab).relative_to(book.ROOT)}, '
                 f'{zip_for(tab).relative_to(book.ROOT)}')


def main(argv):
    try:
        build(argv or book.tabs())
    except book.BuildError as error:
        print(f'\nbuild failed: {error}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
