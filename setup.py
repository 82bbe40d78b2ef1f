"""Installs the `d2l` helper package; the framework itself comes from its own
environment (see requirements/<tab>.txt), so none is a hard dependency."""
import re
from pathlib import Path

from setuptools import find_packages, setup

version = re.search(r'__version__ = "([^"]+)"',
                    Path(__file__).with_name('d2l').joinpath('__init__.py').read_text())[1]

setup(
    name='d2l-custom-layers',
    version=version,
    description='Helpers for the executable Custom Layers chapter',
    python_requires='>=3.9',
    packages=find_packages(include=['d2l', 'd2l.*']),
    install_requires=['numpy>=1.23'],
    extras_require={
        'pytorch': ['torch>=2.0'],
        'mxnet': ['mxnet>=1.9,<2', 'numpy<1.24'],
        'jax': ['jax>=0.4.30', 'flax>=0.8'],
        'tensorflow': ['tensorflow>=2.16'],
    },
)
