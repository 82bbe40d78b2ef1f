"""The exercise answers' Flax layers, as `make lib` copied them into d2l.jax."""

import jax
import numpy as np
import pytest
from jax import numpy as jnp

from d2l import jax as d2l
from helper_checks import fourier_half_reference, quadratic_forms


def test_tensor_reduction_maps_width_d_to_m_outputs_with_a_d_d_m_weight():
    Y, params = d2l.TensorReduction(4, 3).init_with_output(d2l.get_key(), d2l.rand(2, 4))
    assert Y.shape == (2, 3)
    assert list(params['params']) == ['weight']
    assert params['params']['weight'].shape == (4, 4, 3)


def test_tensor_reduction_matches_numpy():
    d2l.set_seed(0)
    X = d2l.rand(6, 5) * 2 - 1
    Y, params = d2l.TensorReduction(5, 3).init_with_output(d2l.get_key(), X)
    Y, W, X = np.asarray(Y), np.asarray(params['params']['weight']), np.asarray(X)
    np.testing.assert_allclose(Y, np.einsum('bi,ijk,bj->bk', X, W, X), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(Y, quadratic_forms(X, W), rtol=1e-5, atol=1e-5)


def test_tensor_reduction_weight_gradient_is_the_sum_of_outer_products():
    # The derivative of sum_b y_bk by W_ijk is sum_b x_bi x_bj, for every k.
    d2l.set_seed(0)
    layer = d2l.TensorReduction(5, 3)
    X = d2l.rand(6, 5)
    params = layer.init(d2l.get_key(), X)
    grads = jax.grad(lambda p: layer.apply(p, X).sum())(params)
    grad = np.asarray(grads['params']['weight'])
    expected = np.asarray(X.T @ X)
    for k in range(3):
        np.testing.assert_allclose(grad[:, :, k], expected, rtol=1e-5)


@pytest.mark.parametrize('d', [7, 8])
def test_fourier_half_returns_d_over_2_complex_coefficients(d):
    Z = d2l.FourierHalf().apply({}, d2l.rand(2, d))
    assert Z.dtype == jnp.complex64
    assert Z.shape == (2, d // 2)


@pytest.mark.parametrize('d', [7, 8, 16])
def test_fourier_half_matches_numpy_fft(d):
    d2l.set_seed(0)
    X = d2l.rand(3, d)
    Z = np.asarray(d2l.FourierHalf().apply({}, X))
    np.testing.assert_allclose(Z, fourier_half_reference(X), rtol=1e-5, atol=1e-5)
