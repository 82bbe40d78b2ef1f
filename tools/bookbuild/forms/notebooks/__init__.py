"""`make notebooks`: the notebooks readers download, per framework and edition.

d2lbook writes them tab by tab (`d2lbook build ipynb colab sagemaker --tab X`)
into _build/ipynb[_<tab>], _build/colab[_<tab>] and _build/sagemaker[_<tab>].
This package gathers the readers' copies, in three variants, under
_build/notebooks/:

    _build/notebooks/<tab>/plain/      the executed notebooks, with outputs
    _build/notebooks/<tab>/colab/      for Google Colab
    _build/notebooks/<tab>/sagemaker/  for Amazon SageMaker
    _build/notebooks/<name>[-<tab>].zip  the plain notebooks of one framework,
                                       with requirements.txt and README.md

and a translated edition's the same way under _build/<lang>/notebooks/, from
its staged sources, with the English build's code and outputs (editions/
stage them and call `build` for each edition).

By concern:

    layout.py    where an edition's notebooks come from and go, the variants,
                 and the addresses their links and headers point at
    install.py   the first code cell of a Colab or SageMaker notebook: the
                 learner's whole setup
    cells.py     the header cell, markdown that reads as Markdown (through
                 forms/notebook_text.py), code without build marks, metadata
    zips.py      each framework's zip, with requirements.txt and a README
    writing.py   d2lbook's steps, and the notebooks written where readers
                 get them

Every word the notebooks add is the edition's (languages.py). Runs in
.venv/book (it reads notebooks with nbformat): `book notebooks`.
"""

from .install import install_cell
from .layout import VARIANTS, EditionNotebooks
from .writing import build, reader_variants, write_site_notebooks
from .zips import zip_of

__all__ = [
    'VARIANTS',
    'EditionNotebooks',
    'build',
    'install_cell',
    'reader_variants',
    'write_site_notebooks',
    'zip_of',
]
