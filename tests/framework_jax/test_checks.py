"""d2l.check_tensor_reduction and d2l.check_fourier_half on Flax layers:
the book's answers and other correct ones pass; each kind of wrong layer
fails with its own message."""

import jax
import numpy as np
from flax import linen as nn
from jax import numpy as jnp

from d2l import jax as d2l
from helper_checks import (
    assert_each_fails_its_own_way,
    loaded_check_modules,
    run_exercise_3_on_keras,
)


class LoopReduction(nn.Module):
    """Correct, without einsum, and with its parameter made in __call__."""

    in_units: int
    units: int

    @nn.compact
    def __call__(self, X):
        W = self.param('W', nn.initializers.normal(1.0), (self.in_units, self.in_units, self.units))
        return jnp.stack([((X @ W[:, :, k]) * X).sum(axis=1) for k in range(self.units)], axis=1)


class PairFourier(nn.Module):
    """Correct, as (real, imaginary) parts."""

    def __call__(self, X):
        Z = jnp.fft.fft(X)[..., : X.shape[-1] // 2]
        return Z.real, Z.imag


def reduction(call, shape=lambda d, m: (d, d, m), declare=True):
    class Layer(nn.Module):
        in_units: int
        units: int

        def setup(self):
            size = shape(self.in_units, self.units)
            if declare:
                self.weight = self.param('weight', nn.initializers.normal(1.0), size)
            else:
                self.weight = jax.random.normal(jax.random.PRNGKey(0), size)

        def __call__(self, X):
            return call(self, X)

    return Layer


def fourier(call):
    class Fourier(nn.Module):
        def __call__(self, X):
            return call(X)

    return Fourier


def test_the_books_answers_and_other_correct_layers_pass(capsys):
    for layer in (d2l.TensorReduction, LoopReduction, LoopReduction(6, 2)):
        d2l.check_tensor_reduction(layer)
    for layer in (d2l.FourierHalf, PairFourier, PairFourier()):
        d2l.check_fourier_half(layer)
    assert 'passed: compiled: gives the same outputs under jax.jit' in capsys.readouterr().out


def test_each_wrong_tensor_reduction_fails_its_own_way():
    assert_each_fails_its_own_way(
        d2l.check_tensor_reduction,
        {
            'einsum subscripts in the wrong order': (
                reduction(lambda self, X: jnp.einsum('bi,ikj,bj->bk', X, self.weight, X)),
                'runs only when d equals m',
                "'bi,ijk,bj->bk'",
            ),
            'weight stored transposed': (
                reduction(
                    lambda self, X: jnp.einsum('bi,kij,bj->bk', X, self.weight, X),
                    shape=lambda d, m: (m, d, d),
                ),
                'no parameter has the shape (d, d, m)',
                'for the shape',
            ),
            'gradient stopped': (
                reduction(
                    lambda self, X: jnp.einsum(
                        'bi,ijk,bj->bk', X, jax.lax.stop_gradient(self.weight), X
                    )
                ),
                'no gradient reaches',
                'jax.lax.stop_gradient',
            ),
            'weight not made with self.param': (
                reduction(
                    lambda self, X: jnp.einsum('bi,ijk,bj->bk', X, self.weight, X), declare=False
                ),
                'declares no parameters',
                'self.param',
            ),
            'breaks under jax.jit': (
                reduction(
                    lambda self, X: jnp.einsum(
                        'bi,ijk,bj->bk', np.asarray(X), self.weight, np.asarray(X)
                    )
                ),
                'fails when jax.jit compiles it',
                'not NumPy on the arrays',
            ),
        },
    )


def test_each_wrong_fourier_half_fails_its_own_way():
    assert_each_fails_its_own_way(
        d2l.check_fourier_half,
        {
            'd // 2 + 1 coefficients': (fourier(jnp.fft.rfft), 'wrong shape', 'rfft'),
            'the second half': (
                fourier(lambda X: jnp.fft.fft(X)[..., X.shape[-1] - X.shape[-1] // 2 :]),
                'the coefficients differ',
                'these are the last d // 2 coefficients',
            ),
        },
    )


def test_exercise_3_checks_the_use_bias_setting_and_the_configuration(capsys):
    run_exercise_3_on_keras(d2l, 'jax')
    assert 'use_bias=False survives get_config and from_config' in capsys.readouterr().out


def test_importing_the_helpers_loads_no_check_until_one_is_called():
    assert loaded_check_modules('jax') == '[]'
