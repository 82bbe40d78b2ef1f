"""The exercise answers' MXNet layers, as `make lib` copied them into d2l.mxnet."""

import numpy as onp
import pytest
from mxnet import autograd

from d2l import mxnet as d2l
from helper_checks import fourier_half_reference, quadratic_forms


def test_tensor_reduction_maps_width_d_to_m_outputs_with_a_d_d_m_weight():
    layer = d2l.TensorReduction(4, 3)
    layer.initialize()
    assert layer.weight.data().shape == (4, 4, 3)
    assert layer(d2l.rand(2, 4)).shape == (2, 3)


def test_tensor_reduction_matches_numpy():
    d2l.set_seed(0)
    layer = d2l.TensorReduction(5, 3)
    layer.initialize()
    X = d2l.rand(6, 5) * 2 - 1
    Y, W, X = layer(X).asnumpy(), layer.weight.data().asnumpy(), X.asnumpy()
    onp.testing.assert_allclose(Y, onp.einsum('bi,ijk,bj->bk', X, W, X), rtol=1e-5, atol=1e-5)
    onp.testing.assert_allclose(Y, quadratic_forms(X, W), rtol=1e-5, atol=1e-5)


def test_tensor_reduction_weight_gradient_is_the_sum_of_outer_products():
    # The derivative of sum_b y_bk by W_ijk is sum_b x_bi x_bj, for every k.
    d2l.set_seed(0)
    layer = d2l.TensorReduction(5, 3)
    layer.initialize()
    X = d2l.rand(6, 5)
    with autograd.record():
        loss = layer(X).sum()
    loss.backward()
    grad = layer.weight.grad().asnumpy()
    expected = (X.T @ X).asnumpy()
    for k in range(3):
        onp.testing.assert_allclose(grad[:, :, k], expected, rtol=1e-5)


@pytest.mark.parametrize('d', [7, 8])
def test_fourier_half_returns_real_and_imaginary_parts_of_d_over_2_coefficients(d):
    real, imag = d2l.FourierHalf()(d2l.rand(2, d))
    assert real.shape == imag.shape == (2, d // 2)
    assert real.dtype == imag.dtype == onp.float32


@pytest.mark.parametrize('d', [7, 8, 16])
def test_fourier_half_matches_numpy_fft(d):
    d2l.set_seed(0)
    X = d2l.rand(3, d)
    real, imag = d2l.FourierHalf()(X)
    onp.testing.assert_allclose(
        real.asnumpy() + 1j * imag.asnumpy(),
        fourier_half_reference(X.asnumpy()),
        rtol=1e-5,
        atol=1e-5,
    )


def test_fourier_half_passes_gradients_to_its_input():
    # The zeroth coefficient is the sum of the input, so its real part has
    # gradient 1 with respect to every entry.
    X = d2l.rand(2, 8)
    X.attach_grad()
    with autograd.record():
        real, _ = d2l.FourierHalf()(X)
        loss = real[:, 0].sum()
    loss.backward()
    onp.testing.assert_allclose(X.grad.asnumpy(), onp.ones((2, 8)), rtol=1e-6)
