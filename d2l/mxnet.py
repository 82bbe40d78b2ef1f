"""MXNet helpers for the Custom Layers chapter."""
from mxnet import init, np, npx
from mxnet.gluon import nn

from d2l._shape import as_shape

npx.set_np()


def rand(*shape):
    """Uniform samples from [0, 1); called as rand(4, 8) or rand((4, 8))."""
    return np.random.uniform(size=as_shape(shape))


def set_seed(seed):
    """Restart MXNet's random number generators from `seed`."""
    npx.random.seed(seed)


def check_tensor_reduction(layer):
    """Check an answer to the section's first exercise: `layer` (a class or
    an instance) must compute y_k = sum over i, j of W_ijk x_i x_j with a
    parameter W of shape (d, d, m). Prints what passed; raises CheckFailed
    with a hint at the first problem."""
    from d2l import _checks

    _checks.check_tensor_reduction(_checks.MXNet(), layer)


def check_fourier_half(layer):
    """Check an answer to the section's second exercise: `layer` (a class or
    an instance) must return the first d // 2 DFT coefficients of its input's
    last axis (complex, or a pair of real and imaginary parts)."""
    from d2l import _checks

    _checks.check_fourier_half(_checks.MXNet(), layer)


def check_optional_bias(layer):
    """Check an answer to the section's third exercise in MXNet, which Keras
    does not run on: `layer` (a Gluon block class such as nn.Dense, or an
    instance) must hold no bias when made with use_bias=False."""
    from d2l import _checks

    _checks.check_optional_bias_gluon(layer)


#################   WARNING   ################
# The below part is generated automatically through:
#    d2lbook build lib
# Don't edit it directly

class CenteredLayer(nn.Block):
    """Subtract the mean of the input from each of its entries.

    Defined in :numref:`sec_custom_layer`"""
    def forward(self, X):
        return X - X.mean()

class MyDense(nn.Block):
    """A fully connected layer followed by ReLU, written out by hand.

    Defined in :numref:`sec_custom_layer`"""
    def __init__(self, in_units, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        # Stored as (units, in_units), the layout npx.fully_connected expects.
        self.weight = self.params.get('weight', shape=(units, in_units),
                                      init=init.Normal(1.0))
        self.bias = self.params.get('bias', shape=(units,), init='zeros')

    def forward(self, X):
        if X.shape[-1] != self.weight.shape[1]:
            raise ValueError(f'MyDense expects inputs of width '
                             f'{self.weight.shape[1]}, got width {X.shape[-1]}')
        ctx = X.ctx
        return npx.relu(npx.fully_connected(
            X, self.weight.data(ctx), self.bias.data(ctx),
            num_hidden=self.units, flatten=False))

class TensorReduction(nn.Block):
    """Outputs y_k = sum over i, j of W_ijk x_i x_j, for a batch of x.

    Defined in :numref:`sec_custom_layer_answers`"""
    def __init__(self, in_units, units, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.params.get(
            'weight', shape=(in_units, in_units, units), init=init.Normal(1.0))

    def forward(self, X):
        return np.einsum('bi,ijk,bj->bk', X, self.weight.data(X.ctx), X)

class FourierHalf(nn.Block):
    """The first half of the DFT along the last axis, as (real, imaginary).

    Defined in :numref:`sec_custom_layer_answers`"""
    def forward(self, X):
        d = X.shape[-1]
        n = np.arange(d, dtype=X.dtype, ctx=X.ctx)
        k = np.arange(d // 2, dtype=X.dtype, ctx=X.ctx)
        # n * k mod d gives the same angle and keeps it small, which keeps
        # float32 cos and sin accurate.
        angle = (2 * np.pi / d) * (np.outer(n, k) % d)
        return np.dot(X, np.cos(angle)), -np.dot(X, np.sin(angle))


# Alias defined in config.ini

tensor = np.array

