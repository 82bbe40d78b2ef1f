"""d2l.check_tensor_reduction and d2l.check_fourier_half on Keras layers:
the book's answers and other correct ones pass; each kind of wrong layer
fails with its own message."""

import numpy as np
import tensorflow as tf

from d2l import tensorflow as d2l
from helper_checks import (
    assert_each_fails_its_own_way,
    loaded_check_modules,
    run_exercise_3_on_keras,
)


class LoopReduction(tf.keras.layers.Layer):
    """Correct, without einsum."""

    def __init__(self, units):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        d = input_shape[-1]
        self.W = self.add_weight(shape=(d, d, self.units), initializer='random_normal')

    def call(self, X):
        return tf.stack(
            [tf.reduce_sum((X @ self.W[:, :, k]) * X, axis=1) for k in range(self.units)], axis=1
        )


class PairFourier(tf.keras.layers.Layer):
    """Correct, as (real, imaginary) parts."""

    def call(self, X):
        Z = tf.signal.fft(tf.cast(X, tf.complex64))[..., : X.shape[-1] // 2]
        return tf.math.real(Z), tf.math.imag(Z)


def reduction(call, shape=lambda d, m: (d, d, m), declare=True):
    class Layer(tf.keras.layers.Layer):
        def __init__(self, units):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            size = shape(input_shape[-1], self.units)
            if declare:
                self.weight = self.add_weight(shape=size, initializer='random_normal')
            else:
                self.weight = tf.constant(
                    np.random.default_rng(0).standard_normal(size), tf.float32
                )

        def call(self, X):
            return call(self, X)

    return Layer


def fourier(call):
    return type('Fourier', (tf.keras.layers.Layer,), {'call': lambda self, X: call(X)})


def test_the_books_answers_and_other_correct_layers_pass(capsys):
    for layer in (d2l.TensorReduction, LoopReduction, LoopReduction(2)):
        d2l.check_tensor_reduction(layer)
    for layer in (d2l.FourierHalf, PairFourier, PairFourier()):
        d2l.check_fourier_half(layer)
    assert 'passed: compiled: gives the same outputs under tf.function' in capsys.readouterr().out


def test_each_wrong_tensor_reduction_fails_its_own_way():
    assert_each_fails_its_own_way(
        d2l.check_tensor_reduction,
        {
            'einsum subscripts in the wrong order': (
                reduction(lambda self, X: tf.einsum('bi,ikj,bj->bk', X, self.weight, X)),
                'runs only when d equals m',
                "'bi,ijk,bj->bk'",
            ),
            'weight stored transposed': (
                reduction(
                    lambda self, X: tf.einsum('bi,kij,bj->bk', X, self.weight, X),
                    shape=lambda d, m: (m, d, d),
                ),
                'no parameter has the shape (d, d, m)',
                'for the shape',
            ),
            'gradient stopped': (
                reduction(
                    lambda self, X: tf.einsum('bi,ijk,bj->bk', X, tf.stop_gradient(self.weight), X)
                ),
                'no gradient reaches',
                'tf.stop_gradient',
            ),
            'weight not made with add_weight': (
                reduction(
                    lambda self, X: tf.einsum('bi,ijk,bj->bk', X, self.weight, X), declare=False
                ),
                'declares no parameters',
                'add_weight',
            ),
            'breaks under tf.function': (
                reduction(
                    lambda self, X: tf.einsum('bi,ijk,bj->bk', X.numpy(), self.weight, X.numpy())
                ),
                'fails when tf.function compiles it',
                'not .numpy()',
            ),
        },
    )


def test_each_wrong_fourier_half_fails_its_own_way():
    def fft(X):
        return tf.signal.fft(tf.cast(X, tf.complex64))

    assert_each_fails_its_own_way(
        d2l.check_fourier_half,
        {
            'd // 2 + 1 coefficients': (fourier(tf.signal.rfft), 'wrong shape', 'rfft'),
            'the second half': (
                fourier(lambda X: fft(X)[..., X.shape[-1] - X.shape[-1] // 2 :]),
                'the coefficients differ',
                'these are the last d // 2 coefficients',
            ),
        },
    )


def test_exercise_3_checks_the_use_bias_setting_and_the_configuration(capsys):
    run_exercise_3_on_keras(d2l, 'tensorflow')
    assert 'use_bias=False survives get_config and from_config' in capsys.readouterr().out


def test_importing_the_helpers_loads_no_check_until_one_is_called():
    assert loaded_check_modules('tensorflow') == '[]'
