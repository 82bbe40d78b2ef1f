"""The `d2l` helper package as a distribution: `make dist` builds it.

Its name and project addresses come from config.ini and its version from
d2l/__init__.py (which `make lib` keeps at config.ini's release), so that a
notebook's first cell and the package agree. The package itself needs no
framework; each extra brings one framework and what the chapter imports
beside it.
"""

import configparser
import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent
CONFIG = configparser.ConfigParser()
CONFIG.read(HERE / 'config.ini', encoding='utf-8')
PUBLISH_REPO = CONFIG.defaults()['publish_repo']
VERSION = re.search(r'__version__ = "([^"]+)"', (HERE / 'd2l' / '__init__.py').read_text())[1]

# The versions the book supports, from the oldest it runs on to the one it is
# built with: the floors are preinstalled on the hosts of the learners' tests
# (requirements/floor/<tab>.txt), the tops are the build's own pins
# (requirements/<tab>.txt), and a test keeps all three in step. A runtime with
# a version in between keeps it; a host without one gets the build's, with
# the outputs the page shows. NumPy follows the framework, up to its next
# major release.
EXTRAS = {
    # PyPI has a CPU build of torch only from 2.13 on, here; older releases
    # come as CUDA builds of several GB that the book's machines cannot test.
    # The answers page imports NumPy, which torch does not require; the
    # section's Keras 3 layer runs on the torch backend.
    'pytorch': ['torch>=2.13.0,<=2.13.0', 'keras>=3.8.0,<=3.15.1', 'numpy>=2.0.2,<3'],
    # MXNet 1.9.1 is the last release; it still uses np.bool, which NumPy 1.24
    # removed, and NumPy 1.23 has no wheels for Python 3.12 or later.
    'mxnet': ['mxnet>=1.9.1,<=1.9.1', 'numpy>=1.23.5,<1.24'],
    'jax': [
        'jax>=0.5.2,<=0.10.2',
        'flax>=0.10.6,<=0.12.8',
        'optax>=0.2.4,<=0.2.8',
        'keras>=3.8.0,<=3.15.1',
        'numpy>=2.0.2,<3',
    ],
    'tensorflow': ['tensorflow>=2.18.0,<=2.21.0', 'keras>=3.8.0,<=3.15.1', 'numpy>=2.0.2,<3'],
}

setup(
    name=CONFIG.defaults()['d2l_package'],
    version=VERSION,
    description='Helpers for the Custom Layers chapter, for PyTorch, MXNet, JAX and TensorFlow',
    long_description=(HERE / 'd2l' / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    author=CONFIG['project']['author'],
    license_expression='MIT',
    license_files=['LICENSE'],
    url=f'https://github.com/{PUBLISH_REPO}',
    project_urls={
        'Source': f'https://github.com/{PUBLISH_REPO}',
        'Book': f'https://{PUBLISH_REPO.split("/")[0]}.github.io/{PUBLISH_REPO.split("/")[1]}/',
        'Issues': f'https://github.com/{PUBLISH_REPO}/issues',
    },
    python_requires='>=3.10',
    packages=find_packages(include=['d2l', 'd2l.*']),
    extras_require=EXTRAS,
    classifiers=[
        'Development Status :: 3 - Alpha',
        'Intended Audience :: Education',
        'Intended Audience :: Science/Research',
        'Operating System :: OS Independent',
        'Programming Language :: Python :: 3',
        'Programming Language :: Python :: 3.11',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ],
)
