"""JAX helpers for the Custom Layers chapter."""
import jax
from flax import linen as nn
from jax import numpy as jnp

from d2l._shape import as_shape

# JAX has no global random state: every draw needs a key. The page takes its
# keys from one stream, split off a root key, so that a rebuild draws the same
# numbers and `set_seed` starts the stream over. The root key is made on the
# first draw, not at import: making a key starts XLA's CPU backend, which
# would add a tenth of a second to `from d2l import jax as d2l`.
_seed = 0
_key = None


def set_seed(seed):
    """Start the stream of keys handed out by `get_key` over from `seed`."""
    global _seed, _key
    _seed, _key = seed, None


def get_key():
    """Return a new PRNG key from the stream; each call gives a different one."""
    global _key
    if _key is None:
        _key = jax.random.key(_seed)
    _key, subkey = jax.random.split(_key)
    return subkey


def rand(*shape):
    """Uniform samples from [0, 1); called as rand(4, 8) or rand((4, 8))."""
    return jax.random.uniform(get_key(), as_shape(shape))


def check_tensor_reduction(layer):
    """Check an answer to the section's first exercise: `layer` (a class or
    an instance) must compute y_k = sum over i, j of W_ijk x_i x_j with a
    parameter W of shape (d, d, m). Prints what passed; raises CheckFailed
    with a hint at the first problem."""
    from d2l import _checks

    _checks.check_tensor_reduction(_checks.Jax(), layer)


def check_fourier_half(layer):
    """Check an answer to the section's second exercise: `layer` (a class or
    an instance) must return the first d // 2 DFT coefficients of its input's
    last axis (complex, or a pair of real and imaginary parts)."""
    from d2l import _checks

    _checks.check_fourier_half(_checks.Jax(), layer)


def check_optional_bias(layer):
    """Check an answer to the section's third exercise: `layer` (a Keras
    layer class, or an instance) must hold no bias when made with
    use_bias=False, and get_config must keep the setting."""
    from d2l import _checks

    _checks.check_optional_bias_keras(layer)


#################   WARNING   ################
# The below part is generated automatically through:
#    d2lbook build lib
# Don't edit it directly

class CenteredLayer(nn.Module):
    """Subtract the mean of the input from each of its entries.

    Defined in :numref:`sec_custom_layer`"""
    def __call__(self, X):
        return X - X.mean()

class MyDense(nn.Module):
    """A fully connected layer followed by ReLU, written out by hand.

    Defined in :numref:`sec_custom_layer`"""
    in_units: int
    units: int

    def setup(self):
        self.weight = self.param('weight', nn.initializers.normal(stddev=1.0),
                                 (self.in_units, self.units))
        self.bias = self.param('bias', nn.initializers.zeros, (self.units,))

    def __call__(self, X):
        if X.shape[-1] != self.in_units:
            raise ValueError(f'MyDense expects inputs of width '
                             f'{self.in_units}, got width {X.shape[-1]}')
        return nn.relu(X @ self.weight + self.bias)

class TensorReduction(nn.Module):
    """Outputs y_k = sum over i, j of W_ijk x_i x_j, for a batch of x.

    Defined in :numref:`sec_custom_layer_answers`"""
    in_units: int
    units: int

    def setup(self):
        self.weight = self.param('weight', nn.initializers.normal(stddev=1.0),
                                 (self.in_units, self.in_units, self.units))

    def __call__(self, X):
        return jnp.einsum('bi,ijk,bj->bk', X, self.weight, X)

class FourierHalf(nn.Module):
    """The first half of the DFT coefficients along the last axis.

    Defined in :numref:`sec_custom_layer_answers`"""
    def __call__(self, X):
        return jnp.fft.fft(X)[..., :X.shape[-1] // 2]


# Alias defined in config.ini

tensor = jnp.array

