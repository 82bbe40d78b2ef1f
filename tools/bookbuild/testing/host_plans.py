"""What the learners' hosts are and what each runs: a plan per host (HostPlan),
and the notebooks a learner of each framework opens (Notebook).

The hosts run the hosted notebooks of every page that has code in the
host's framework (`learner_pages`), in config.ini's order of the pages: the
notebooks come from the project, never from a list of pages here.
`plans(project)` makes the hosts of the learners' tests (tests/learners/),
LEARNER_HOSTS, comma-separated fnmatch patterns over the hosts' names
(`bare-jax`, `sagemaker-4.4-*`), selecting some of them;
`first_cell_plans(project, ...)` those of `make bench`. learner_hosts.py
runs them.
"""

import fnmatch
import glob
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from ..frameworks import framework
from ..languages import EDITIONS, ENGLISH
from . import host_manifest


@dataclass(frozen=True)
class Notebook:
    """One notebook as a learner gets it: a page (its path under the variant's
    folder, without suffix) of one framework, in one variant (`plain`,
    `colab`, `sagemaker`), of one edition."""

    page: str
    tab: str
    variant: str
    lang: str = ENGLISH  # a language code: plans go to other processes as text

    def path(self, project):
        return (
            project.edition(self.lang).reader_notebooks(self.variant, self.tab)
            / f'{self.page}.ipynb'
        )

    @property
    def name(self):
        """How a report names it: `jax/colab/<page>.ipynb` for English,
        `ko/notebooks/jax/colab/<page>.ipynb` for an edition (its path under
        _build/notebooks/ or _build/)."""
        english = f'{self.tab}/{self.variant}/{self.page}.ipynb'
        return english if self.lang == ENGLISH else f'{self.lang}/notebooks/{english}'

    def plain(self):
        """The English executed notebook of the same page: the book's outputs,
        which an edition's notebook shares (its code is the English code)."""
        return Notebook(self.page, self.tab, 'plain')


def has_code(path):
    """Whether a notebook file exists and has a code cell."""
    try:
        cells = json.loads(path.read_text(encoding='utf-8'))['cells']
    except FileNotFoundError:
        return False
    return any(cell['cell_type'] == 'code' for cell in cells)


def learner_pages(project, tab, variant='colab', lang=ENGLISH):
    """The pages (paths without suffix) whose notebook of this framework, in
    this hosted variant and edition, has code, in config.ini's order of the
    pages (Project.notebook_sources): the notebooks a learner of that
    framework runs. A notebook without code has no first cell to set up."""
    pages = [
        str(Path(project.relative(source)).with_suffix('')) for source in project.notebook_sources()
    ]
    return [page for page in pages if has_code(Notebook(page, tab, variant, lang).path(project))]


def edition_notebooks(project):
    """{tab: (edition, variant)}: the edition's notebook of the first page that
    the bare host of each framework runs too. The frameworks take the
    editions and the hosted variants in turn, so that every edition is run in
    both variants once there are frameworks enough."""
    if not EDITIONS:
        return {}
    variants = host_manifest.HOSTED_VARIANTS
    return {
        tab: (EDITIONS[i % len(EDITIONS)], variants[(i // len(EDITIONS)) % len(variants)])
        for i, tab in enumerate(project.tabs)
    }


@dataclass(frozen=True)
class HostPlan:
    """One fresh host and the notebooks it runs (Notebook), in order: a bare
    host, one with `preinstall` installed, or a copy of a replica's
    environment."""

    name: str
    tab: str
    python: str
    notebooks: tuple
    preinstall: Path = None
    replica: host_manifest.HostManifest = None


def python_of(version):
    """An interpreter of this version ('3.12'), or None: pyenv's, or one on
    PATH that runs. The replicas run on their hosts' Python."""
    candidates = sorted(
        glob.glob(os.path.expanduser(f'~/.pyenv/versions/{version}*/bin/python{version}'))
    )
    candidates += filter(None, [shutil.which(f'python{version}')])
    for candidate in candidates:
        if subprocess.run([candidate, '--version'], capture_output=True).returncode == 0:
            return candidate
    return None


def replicas(project):
    """The hosts learners use, from their manifests (requirements/hosts/)."""
    return host_manifest.hosts(project.requirements / 'hosts')


def hosted(project, variant, tab):
    """Every learner page of a framework in one hosted variant."""
    return tuple(Notebook(page, tab, variant) for page in learner_pages(project, tab, variant))


def bare_notebooks(project, tab):
    """What the bare host of a framework runs: the first page's Colab
    notebook, then its SageMaker one (their first cells are the same, which
    a test checks), then the other pages' Colab notebooks, then the first
    page in one edition (edition_notebooks)."""
    colab = hosted(project, 'colab', tab)
    if not colab:
        return ()
    first = colab[0]
    edition = edition_notebooks(project).get(tab)
    return (
        first,
        Notebook(first.page, tab, 'sagemaker'),
        *colab[1:],
        *([Notebook(first.page, tab, edition[1], edition[0])] if edition else []),
    )


def plans(project, python=None):
    """Every host the learners' tests run (those LEARNER_HOSTS selects):

    - bare-<tab>: bare_notebooks;
    - <replica>-<tab>, for each host's manifest and each framework that
      installs on the host's Python: every learner page in the variant that
      host opens (its `variant`), on a copy of the replica. Where the framework
      cannot install (MXNet from Python 3.12 on, frameworks.py's
      python_below), the first cell stops at once and installs nothing,
      whatever the host has: tests/unit/test_install_cell.py shows it.
    """
    python = python or sys_python()
    result = [
        HostPlan(f'bare-{tab}', tab, python, bare_notebooks(project, tab)) for tab in project.tabs
    ]
    for host in replicas(project):
        interpreter = python_of(host.python) or ''
        for tab in project.tabs:
            if not installs_on(tab, host.python):
                continue
            result.append(
                HostPlan(
                    f'{host.name}-{tab}',
                    tab,
                    interpreter,
                    hosted(project, host.variant, tab),
                    replica=host,
                )
            )
    names = [plan.name for plan in result]
    for pattern in patterns():
        if not any(fnmatch.fnmatchcase(name, pattern) for name in names):
            raise ValueError(f'LEARNER_HOSTS: {pattern!r} names no host ({len(result)} hosts)')
    return selected(result)


def installs_on(tab, python):
    """Whether the framework of a tab can be installed on this Python ('3.12')."""
    below = framework(tab).python_below
    return below is None or Version(python) < Version(below)


def patterns():
    return [p.strip() for p in os.environ.get('LEARNER_HOSTS', '').split(',') if p.strip()]


def is_selected(name):
    """Whether LEARNER_HOSTS selects this host (every host without it)."""
    return not patterns() or any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns())


def selected(all_plans):
    return [plan for plan in all_plans if is_selected(plan.name)]


def sys_python():
    """The interpreter the book's environments are made from (not a venv's)."""
    return str(
        Path(sys.base_prefix) / 'bin' / f'python{sys.version_info.major}.{sys.version_info.minor}'
    )


def first_cell_plans(project, folder):
    """For `make bench`: per framework, a host that already has the book's
    versions of it, and a bare host; each runs the Colab notebook of the
    first learner page."""
    result = []
    for tab in project.tabs:
        requirements = project.english.reader_notebooks('plain', tab) / 'requirements.txt'
        requirements = requirements.read_text().splitlines()
        preinstall = folder / f'{tab}-framework.txt'
        preinstall.parent.mkdir(parents=True, exist_ok=True)
        preinstall.write_text(
            '\n'.join(line for line in requirements if line and not line.startswith(('#', 'd2l')))
            + '\n'
        )
        notebook = hosted(project, 'colab', tab)[:1]
        result.append(HostPlan(f'bench-with-{tab}', tab, sys_python(), notebook, preinstall))
        result.append(HostPlan(f'bench-bare-{tab}', tab, sys_python(), notebook))
    return result
