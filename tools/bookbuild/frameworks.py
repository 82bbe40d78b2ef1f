"""The frameworks the book can have tabs of: one entry each, the one place
that says what a framework is called, what readers import, what its
notebooks install and keep, and how Keras runs on it.

config.ini's `tabs` chooses which of these a book uses, and in what order;
a tab that is not here is an error (Project says so). Adding a framework is
one entry here, its requirements/<tab>.txt and its extra in setup.py.

Standard library only: the system Python that creates the environments
reads it too.
"""

from dataclasses import dataclass


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
    # What the first cell keeps at the runtime's own versions: the
    # distributions of the framework's extra in setup.py (a test keeps the
    # two in step), and what they stand on (jaxlib with jax).
    kept: tuple
    # What d2l/<module>.py imports from its framework: the import a reader
    # pays anyway (`make bench` compares the helpers' import with it).
    imports: str
    # KERAS_BACKEND that runs Keras 3 on this framework (for a page's Keras code),
    # or None when Keras 3 has no backend for it.
    keras_backend: str | None = None
    # Other names of `distribution` that the build's environment may hold.
    build_distributions: tuple = ()
    # The first Python ('3.12') on which the framework cannot be installed,
    # or None: the first cell stops there at once, and the learners' tests
    # run no host of that Python for it.
    python_below: str | None = None
    # Why, in the first cell's words, when python_below is set.
    python_below_reason: str = ''

    @property
    def distribution_names(self):
        """Every name this framework's distribution may be installed under."""
        return (self.distribution, *self.build_distributions)


FRAMEWORKS = {
    framework.tab: framework
    for framework in (
        Framework(
            tab='pytorch',
            title='PyTorch',
            distribution='torch',
            brings='PyTorch and Keras',
            kept=('torch', 'keras', 'numpy'),
            imports='import torch; from torch import nn; from torch.nn import functional',
            keras_backend='torch',
        ),
        Framework(
            tab='mxnet',
            title='MXNet',
            distribution='mxnet',
            brings='MXNet',
            kept=('mxnet', 'numpy'),
            imports='from mxnet import init, np, npx; from mxnet.gluon import nn',
            python_below='3.12',
            python_below_reason='MXNet 1.9 needs NumPy older than 1.24, which has no wheels '
            'for Python 3.12 or later',
        ),
        Framework(
            tab='jax',
            title='JAX',
            distribution='jax',
            brings='JAX, Flax, Optax and Keras',
            kept=('jax', 'jaxlib', 'flax', 'optax', 'keras', 'numpy'),
            imports='import jax; from flax import linen; from jax import numpy',
            keras_backend='jax',
        ),
        Framework(
            tab='tensorflow',
            title='TensorFlow',
            distribution='tensorflow',
            brings='TensorFlow and Keras',
            kept=('tensorflow', 'keras', 'numpy'),
            imports='import tensorflow',
            keras_backend='tensorflow',
            # The build uses TensorFlow's CPU-only wheel, which has no macOS
            # build; the same release of `tensorflow` runs the same code.
            build_distributions=('tensorflow-cpu',),
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
