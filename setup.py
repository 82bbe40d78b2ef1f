"""The `d2l` helper package as a distribution: `make dist` builds it.

Its name and project addresses come from config.ini and its version from
d2l/__init__.py (which `make lib` keeps at config.ini's release), so that a
notebook's first cell and the package agree. The package itself needs no
framework; each extra brings one framework and what the chapter imports
beside it, as tools/bookbuild/frameworks.py says.
"""

import configparser
import re
import runpy
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent
CONFIG = configparser.ConfigParser()
CONFIG.read(HERE / 'config.ini', encoding='utf-8')
PUBLISH_REPO = CONFIG.defaults()['publish_repo']
VERSION = re.search(r'__version__ = "([^"]+)"', (HERE / 'd2l' / '__init__.py').read_text())[1]

# One extra per tab of the book (config.ini's tabs, in its order), each the
# framework's requirements from the frameworks registry: ranges whose floors
# are the oldest versions the hosts learners use preinstall, with no cap at
# the version the book is built with (frameworks.py says why each is what it
# is). The registry is standard library only and read by its path, since the
# build package is not installed where pip builds this one; the sdist
# carries it (MANIFEST.in).
FRAMEWORKS = runpy.run_path(str(HERE / 'tools' / 'bookbuild' / 'frameworks.py'))['FRAMEWORKS']
TABS = [tab.strip().lower() for tab in CONFIG['build']['tabs'].split(',')]
EXTRAS = {tab: list(FRAMEWORKS[tab].requirements) for tab in TABS}
TITLES = [FRAMEWORKS[tab].title for tab in TABS]
# 'PyTorch, MXNet, JAX and TensorFlow'
NAMED = ' and '.join(filter(None, [', '.join(TITLES[:-1]), TITLES[-1]]))

setup(
    name=CONFIG.defaults()['d2l_package'],
    version=VERSION,
    description=f'Helpers for the Custom Layers chapter, for {NAMED}',
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
