"""What every framework suite shares: the promises of each d2l.<framework>
module about `tensor`, `rand` and `set_seed`, written once (NEUTRAL_NAMES;
each tests/framework_<tab>/test_helpers.py runs them in its own environment,
handing over its module, its array type and how to read its arrays into
NumPy), references for the exercises' layers, and the checks' failures."""

from collections.abc import Callable
from types import ModuleType
from typing import NamedTuple

import numpy as np
import pytest


class Helpers(NamedTuple):
    """One framework's d2l module, as a suite hands it to NEUTRAL_NAMES."""

    d2l: ModuleType
    array_type: type
    to_numpy: Callable


def tensor_makes_the_frameworks_array_with_the_values(helpers):
    x = helpers.d2l.tensor([1.0, 2, 3])
    assert isinstance(x, helpers.array_type), type(x)
    assert helpers.to_numpy(x).tolist() == [1.0, 2.0, 3.0]


def rand_takes_the_shape_as_arguments_or_as_a_tuple(helpers):
    assert tuple(helpers.d2l.rand(4, 8).shape) == (4, 8)
    assert tuple(helpers.d2l.rand((4, 8)).shape) == (4, 8)


def rand_is_uniform_on_the_unit_interval(helpers):
    helpers.d2l.set_seed(0)
    x = helpers.to_numpy(helpers.d2l.rand(200, 500))
    assert x.min() >= 0 and x.max() < 1
    assert abs(x.mean() - 0.5) < 0.01


def set_seed_repeats_the_draws(helpers):
    d2l, to_numpy = helpers.d2l, helpers.to_numpy
    d2l.set_seed(3)
    first = to_numpy(d2l.rand(5))
    d2l.set_seed(3)
    assert np.array_equal(first, to_numpy(d2l.rand(5)))
    d2l.set_seed(4)
    assert not np.array_equal(first, to_numpy(d2l.rand(5)))


NEUTRAL_NAMES = [
    tensor_makes_the_frameworks_array_with_the_values,
    rand_takes_the_shape_as_arguments_or_as_a_tuple,
    rand_is_uniform_on_the_unit_interval,
    set_seed_repeats_the_draws,
]

# A suite's test over NEUTRAL_NAMES, one test per promise, named after it:
# `@each_neutral_name` above `def test_...(promise)`.
each_neutral_name = pytest.mark.parametrize(
    'promise', NEUTRAL_NAMES, ids=lambda promise: promise.__name__
)


def quadratic_forms(X, W):
    """y[b, k] = x_b^T W[:, :, k] x_b for NumPy arrays, written without einsum:
    what TensorReduction must compute, by a route of its own."""
    return np.array([[x @ W[:, :, k] @ x for k in range(W.shape[2])] for x in X])


def fourier_half_reference(X):
    """The first d // 2 coefficients of each row's discrete Fourier
    transform, from NumPy's FFT: what FourierHalf must return."""
    X = np.asarray(X)
    return np.fft.fft(X)[:, : X.shape[1] // 2]


def failure_of(check, layer):
    """The CheckFailed that a d2l.check_* function raises for a wrong layer."""
    from d2l._checks import CheckFailed

    with pytest.raises(CheckFailed) as caught:
        check(layer)
    return caught.value


def assert_each_fails_its_own_way(check, cases):
    """cases: {name: (layer, words of the problem, words of the hint)}. Each
    wrong layer fails with its own problem, and the message teaches: it
    names the problem, shows expected and actual, and gives the hint."""
    problems = {}
    for name, (layer, problem, hint) in cases.items():
        failure = failure_of(check, layer)
        message = str(failure)
        assert problem in failure.problem, (name, message)
        assert hint in message, (name, message)
        assert 'expected:' in message and 'actual:' in message, (name, message)
        problems[name] = message.split('\n  expected:')[0] + message.split('hint:')[1]
    assert len(set(problems.values())) == len(problems), problems


def optional_bias_layers(keras):
    """For exercise 3, on the Keras of the calling suite's backend: a
    correct MyKerasDense with use_bias, and {name: (wrong layer, words of
    the problem, words of the hint)} for assert_each_fails_its_own_way."""
    ops = keras.ops

    def dense(always_bias=False, keep_setting=True, takes_setting=True):
        class Dense(keras.Layer):
            def __init__(self, units, use_bias=True, **kwargs):
                super().__init__(**kwargs)
                self.units, self.use_bias = units, use_bias

            def build(self, input_shape):
                self.weight = self.add_weight(shape=(input_shape[-1], self.units))
                has_bias = self.use_bias or always_bias
                self.bias = self.add_weight(shape=(self.units,)) if has_bias else None

            def call(self, X):
                Y = ops.matmul(X, self.weight)
                return keras.activations.relu(Y if self.bias is None else Y + self.bias)

            def get_config(self):
                extra = {'use_bias': self.use_bias} if keep_setting else {}
                return {**super().get_config(), 'units': self.units, **extra}

        if not takes_setting:

            class Fixed(Dense):
                def __init__(self, units, **kwargs):  # no use_bias: Keras refuses it
                    keras.Layer.__init__(self, **kwargs)
                    self.units, self.use_bias = units, True

            return Fixed
        return Dense

    wrong = {
        'no use_bias setting': (
            dense(takes_setting=False),
            'takes no use_bias setting',
            '__init__',
        ),
        'bias added anyway': (
            dense(always_bias=True),
            'with use_bias=False the layer holds 2 weight(s)',
            'only when use_bias is true',
        ),
        'setting left out of get_config': (
            dense(keep_setting=False),
            'get_config does not return use_bias',
            'comes back as its default',
        ),
    }
    return dense(), wrong


def loaded_check_modules(module):
    """The modules named *_checks* loaded by `from d2l import <module>` in a
    fresh interpreter (the checks must load only when one is called)."""
    import subprocess
    import sys

    code = f'import sys; from d2l import {module}; print(sorted(m for m in sys.modules if "_checks" in m))'
    result = subprocess.run(
        [sys.executable, '-c', code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def run_exercise_3_on_keras(d2l, backend):
    """d2l.check_optional_bias on Keras 3 with `backend`: the correct layer
    passes as a class and as an object, and each wrong one fails its own way."""
    import os

    os.environ['KERAS_BACKEND'] = backend
    import keras

    correct, wrong = optional_bias_layers(keras)
    d2l.check_optional_bias(correct)
    d2l.check_optional_bias(correct(4, use_bias=False))
    assert_each_fails_its_own_way(d2l.check_optional_bias, wrong)
