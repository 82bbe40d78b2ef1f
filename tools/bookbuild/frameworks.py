"""The frameworks the book can have tabs of: one entry each, the one place
that says what a framework is called, what readers import, what its
notebooks install and keep, which versions the `d2l` package supports, and
what a learner must know before installing it.

config.ini's `tabs` chooses which of these a book uses, and in what order;
a tab that is not here is an error (Project says so). Adding a framework
takes its entry here; requirements/<tab>.txt (the build's pins); in
config.ini, its tab in `tabs`, its [library-<tab>] section and its lines in
[colab] and [sagemaker] (in [ci] too, unless the defaults do); d2l/<module>.py
(its hand-kept part: `make lib` writes the rest from the pages); and its
code in the pages. Everything else asks here: setup.py's extras, the notes
beside its "Colab" button and in its notebooks' zip (the entry's facts in
languages.py's templates), the hosts' package lists
(testing/host_manifest.py); no other module of the build names a framework
(tests/unit/test_framework_names.py).

Standard library only: the system Python that creates the environments
reads it too, and so does setup.py (the sdist carries this file).
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Cap:
    """A dependency that a framework's release cannot use from some version
    on, and whose older versions have no wheels for newer Pythons: so the
    framework cannot be installed from that Python on. The notes beside its
    "Colab" button and in its zip, and its notebooks' first cell, say so
    with these facts."""

    release: str  # the framework's release that needs the cap ('1.9')
    dependency: str  # the dependency's distribution, as the extra names it
    title: str  # the dependency as readers know it
    below: str  # the dependency's first version the release cannot use
    python_below: str  # the first Python for which no version below it has wheels


def requirement_name(requirement):
    """The distribution a requirement string names ('numpy' for 'numpy>=1.26')."""
    return re.match(r'[A-Za-z0-9][A-Za-z0-9._-]*', requirement)[0]


@dataclass(frozen=True)
class Framework:
    tab: str  # the name in config.ini's tabs and in `?framework=`
    title: str  # the name readers know, on buttons and in headers
    # The distribution whose version says which release ran, as learners
    # install it (the build may use a CPU-only wheel of the same release,
    # named in build_distributions).
    distribution: str
    # What the first cell of a hosted notebook says it brings, besides d2l.
    brings: str
    # The framework's extra of the `d2l` package (setup.py reads it here):
    # ranges, whose floors are the oldest versions that one of the hosts
    # learners use preinstalls (requirements/hosts/, copied from the hosts'
    # own manifests; the learners' tests run the notebooks on a replica of
    # each, and a test keeps the floors equal to the oldest version there).
    # No cap at the version the book is built with: a runtime with a newer
    # release keeps it. The one cap allowed is `cap`'s, added by `requirements`.
    extra: tuple
    # What d2l/<module>.py imports from its framework: the import a reader
    # pays anyway (`make bench` compares the helpers' import with it).
    imports: str
    # What the extra's distributions stand on, which the first cell keeps at
    # the runtime's version too (jaxlib, which jax pins).
    stands_on: tuple = ()
    # What hosts preinstall beside the framework that pins its version
    # exactly (torchvision pins torch): a host's replica has it too, so that
    # pip there is held by the same pin as on the host (testing/host_manifest.py).
    pinned_by: tuple = ()
    # KERAS_BACKEND that runs Keras 3 on this framework (for a page's Keras code),
    # or None when Keras 3 has no backend for it.
    keras_backend: str | None = None
    # Other names of `distribution` that the build's environment may hold.
    build_distributions: tuple = ()
    # The dependency whose cap stops the framework on newer Pythons, or None.
    cap: Cap | None = None
    # An index of CPU-only builds, for a framework whose Linux wheels on PyPI
    # are builds for NVIDIA GPUs of several GB: the zip's README says how to
    # use it.
    cpu_index: str | None = None
    # Whether it takes longest of all to install on a bare host: the
    # learners' tests start building its replicas first.
    slowest_install: bool = False

    def __post_init__(self):
        if self.cap and self.cap.dependency not in map(requirement_name, self.extra):
            raise ValueError(
                f'tools/bookbuild/frameworks.py: the {self.tab} cap is on '
                f'{self.cap.dependency}, which its extra does not name'
            )

    @property
    def distribution_names(self):
        """Every name this framework's distribution may be installed under."""
        return (self.distribution, *self.build_distributions)

    @property
    def requirements(self):
        """The extra as setup.py gives it: `extra`, with the cap added to its
        dependency's range."""
        return tuple(
            f'{text},<{self.cap.below}'
            if self.cap and requirement_name(text) == self.cap.dependency
            else text
            for text in self.extra
        )

    @property
    def kept(self):
        """What the first cell keeps at the runtime's own versions: the
        extra's distributions and what they stand on."""
        return (*map(requirement_name, self.extra), *self.stands_on)

    @property
    def python_below(self):
        """The first Python ('3.12') on which the framework cannot be
        installed, or None: the first cell stops there at once, and the
        learners' tests run no host of that Python for it."""
        return self.cap.python_below if self.cap else None

    def facts(self):
        """What languages.py's notes are filled with: {framework} and
        {distribution}; with a cap, {release}, {dependency}, {below} and
        {python_below}; with a CPU index, {index}."""
        facts = {'framework': self.title, 'distribution': self.distribution}
        if self.cap:
            facts.update(
                release=self.cap.release,
                dependency=self.cap.title,
                below=self.cap.below,
                python_below=self.cap.python_below,
            )
        if self.cpu_index:
            facts['index'] = self.cpu_index
        return facts


FRAMEWORKS = {
    framework.tab: framework
    for framework in (
        Framework(
            tab='pytorch',
            title='PyTorch',
            distribution='torch',
            brings='PyTorch and Keras',
            # Colab 2025.07's torch and Keras; SageMaker Distribution's NumPy
            # 1.26. The answers page imports NumPy, which torch does not
            # require; the section's Keras 3 layer runs on the torch backend.
            extra=('torch>=2.6.0', 'keras>=3.8.0', 'numpy>=1.26.4'),
            imports='import torch; from torch import nn; from torch.nn import functional',
            pinned_by=('torchvision',),
            keras_backend='torch',
            cpu_index='https://download.pytorch.org/whl/cpu',
        ),
        Framework(
            tab='mxnet',
            title='MXNet',
            distribution='mxnet',
            brings='MXNet',
            # No host preinstalls MXNet: the floors are the build's versions.
            extra=('mxnet>=1.9.1', 'numpy>=1.23.5'),
            imports='from mxnet import init, np, npx; from mxnet.gluon import nn',
            # MXNet 1.9.1 is the last release; it still uses np.bool, which
            # NumPy 1.24 removed, and NumPy 1.23 has no wheels for Python 3.12
            # or later.
            cap=Cap(
                release='1.9', dependency='numpy', title='NumPy', below='1.24', python_below='3.12'
            ),
        ),
        Framework(
            tab='jax',
            title='JAX',
            distribution='jax',
            brings='JAX, Flax, Optax and Keras',
            extra=('jax>=0.5.2', 'flax>=0.10.6', 'optax>=0.2.5', 'keras>=3.8.0', 'numpy>=1.26.4'),
            imports='import jax; from flax import linen; from jax import numpy',
            stands_on=('jaxlib',),
            keras_backend='jax',
        ),
        Framework(
            tab='tensorflow',
            title='TensorFlow',
            distribution='tensorflow',
            brings='TensorFlow and Keras',
            extra=('tensorflow>=2.18.0', 'keras>=3.8.0', 'numpy>=1.26.4'),
            imports='import tensorflow',
            keras_backend='tensorflow',
            # The build uses TensorFlow's CPU-only wheel, which has no macOS
            # build; the same release of `tensorflow` runs the same code.
            build_distributions=('tensorflow-cpu',),
            slowest_install=True,
        ),
    )
}


def framework(tab):
    """The registry's entry of a tab, or a KeyError that names the known ones."""
    try:
        return FRAMEWORKS[tab]
    except KeyError:
        raise KeyError(
            f'no framework is called {tab!r}; tools/bookbuild/frameworks.py knows '
            f'{", ".join(FRAMEWORKS)}'
        ) from None


def learner_distribution(name):
    """The name a learner installs for a distribution the build ran on
    (tensorflow-cpu -> tensorflow); other names are returned as they are."""
    for entry in FRAMEWORKS.values():
        if name in entry.build_distributions:
            return entry.distribution
    return name
