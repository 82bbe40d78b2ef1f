"""The exercise answers' PyTorch layers, as `make lib` copied them into d2l.torch."""

import numpy as np
import pytest
import torch

from d2l import torch as d2l
from helper_checks import fourier_half_reference, quadratic_forms


def test_tensor_reduction_maps_width_d_to_m_outputs_with_a_d_d_m_weight():
    layer = d2l.TensorReduction(4, 3)
    assert tuple(layer.weight.shape) == (4, 4, 3)
    assert tuple(layer(torch.rand(2, 4)).shape) == (2, 3)


def test_tensor_reduction_registers_its_weight_as_a_parameter():
    assert list(dict(d2l.TensorReduction(4, 3).named_parameters())) == ['weight']


def test_tensor_reduction_matches_numpy():
    torch.manual_seed(0)
    layer = d2l.TensorReduction(5, 3)
    X = torch.rand(6, 5) * 2 - 1
    with torch.no_grad():
        Y = layer(X).numpy()
    W = layer.weight.detach().numpy()
    np.testing.assert_allclose(
        Y, np.einsum('bi,ijk,bj->bk', X.numpy(), W, X.numpy()), rtol=1e-5, atol=1e-5
    )
    np.testing.assert_allclose(Y, quadratic_forms(X.numpy(), W), rtol=1e-5, atol=1e-5)


def test_tensor_reduction_weight_gradient_is_the_sum_of_outer_products():
    # The derivative of sum_b y_bk by W_ijk is sum_b x_bi x_bj, for every k.
    torch.manual_seed(0)
    layer = d2l.TensorReduction(5, 3)
    X = torch.rand(6, 5)
    layer(X).sum().backward()
    assert layer.weight.grad is not None
    expected = (X.T @ X).numpy()
    for k in range(3):
        np.testing.assert_allclose(layer.weight.grad[:, :, k].numpy(), expected, rtol=1e-5)


@pytest.mark.parametrize('d', [7, 8])
def test_fourier_half_returns_d_over_2_complex_coefficients(d):
    Z = d2l.FourierHalf()(torch.rand(2, d))
    assert Z.dtype == torch.complex64
    assert tuple(Z.shape) == (2, d // 2)


@pytest.mark.parametrize('d', [7, 8, 16])
def test_fourier_half_matches_numpy_fft(d):
    torch.manual_seed(0)
    X = torch.rand(3, d)
    Z = d2l.FourierHalf()(X).numpy()
    np.testing.assert_allclose(Z, fourier_half_reference(X.numpy()), rtol=1e-5, atol=1e-5)
