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

# The versions the book supports. Each floor is the oldest version that one
# of the hosts learners use preinstalls (requirements/hosts/, copied from the
# hosts' own manifests), and the learners' tests run the notebooks on a
# replica of each of those hosts; a test keeps the floors equal to the
# oldest version there. There is no cap at the version the book is built
# with: a runtime with a newer release keeps it. The one cap is MXNet's NumPy.
EXTRAS = {
    # Colab 2025.07's torch and Keras; SageMaker Distribution's NumPy 1.26.
    # The answers page imports NumPy, which torch does not require; the
    # section's Keras 3 layer runs on the torch backend.
    'pytorch': ['torch>=2.6.0', 'keras>=3.8.0', 'numpy>=1.26.4'],
    # MXNet 1.9.1 is the last release; it still uses np.bool, which NumPy 1.24
    # removed, and NumPy 1.23 has no wheels for Python 3.12 or later.
    'mxnet': ['mxnet>=1.9.1', 'numpy>=1.23.5,<1.24'],
    'jax': ['jax>=0.5.2', 'flax>=0.10.6', 'optax>=0.2.5', 'keras>=3.8.0', 'numpy>=1.26.4'],
    'tensorflow': ['tensorflow>=2.18.0', 'keras>=3.8.0', 'numpy>=1.26.4'],
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
