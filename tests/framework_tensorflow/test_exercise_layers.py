"""The exercise answers' Keras layers, as `make lib` copied them into d2l.tensorflow."""

import numpy as np
import pytest
import tensorflow as tf

from d2l import tensorflow as d2l
from helper_checks import fourier_half_reference, quadratic_forms


def test_tensor_reduction_reads_the_input_width_in_build():
    layer = d2l.TensorReduction(3)
    assert tuple(layer(d2l.rand(2, 4)).shape) == (2, 3)
    assert tuple(layer.weight.shape) == (4, 4, 3)
    assert len(layer.trainable_weights) == 1


def test_tensor_reduction_config_recreates_the_layer():
    layer = d2l.TensorReduction.from_config(d2l.TensorReduction(3).get_config())
    assert layer.units == 3


def test_tensor_reduction_matches_numpy():
    d2l.set_seed(0)
    layer = d2l.TensorReduction(3)
    X = d2l.rand(6, 5) * 2 - 1
    Y = layer(X).numpy()
    W, X = layer.weight.numpy(), X.numpy()
    np.testing.assert_allclose(Y, np.einsum('bi,ijk,bj->bk', X, W, X), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(Y, quadratic_forms(X, W), rtol=1e-5, atol=1e-5)


def test_tensor_reduction_weight_gradient_is_the_sum_of_outer_products():
    # The derivative of sum_b y_bk by W_ijk is sum_b x_bi x_bj, for every k.
    d2l.set_seed(0)
    layer = d2l.TensorReduction(3)
    X = d2l.rand(6, 5)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(X))
    grad = tape.gradient(loss, layer.weight)
    assert grad is not None
    expected = X.numpy().T @ X.numpy()
    for k in range(3):
        np.testing.assert_allclose(grad.numpy()[:, :, k], expected, rtol=1e-5)


@pytest.mark.parametrize('d', [7, 8])
def test_fourier_half_returns_d_over_2_complex_coefficients(d):
    Z = d2l.FourierHalf()(d2l.rand(2, d))
    assert Z.dtype == tf.complex64
    assert tuple(Z.shape) == (2, d // 2)


@pytest.mark.parametrize('d', [7, 8, 16])
def test_fourier_half_matches_numpy_fft(d):
    d2l.set_seed(0)
    X = d2l.rand(3, d)
    Z = d2l.FourierHalf()(X).numpy()
    np.testing.assert_allclose(Z, fourier_half_reference(X.numpy()), rtol=1e-5, atol=1e-5)
