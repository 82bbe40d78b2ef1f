"""The chapter's MXNet layers, as `make lib` copied them into d2l.mxnet."""

import pytest
from mxnet import autograd, np

from d2l import mxnet as d2l


def test_centered_layer_output_mean_is_zero():
    Y = d2l.CenteredLayer()(d2l.rand(4, 8) * 10 + 3)
    assert abs(float(Y.mean())) < 1e-5


def test_my_dense_output_has_the_batch_and_unit_shape():
    layer = d2l.MyDense(5, 3)
    layer.initialize()
    assert layer(d2l.rand(2, 5)).shape == (2, 3)


def test_my_dense_output_is_never_negative():
    layer = d2l.MyDense(5, 3)
    layer.initialize()
    assert float(layer(np.random.normal(size=(16, 5))).min()) >= 0


def test_my_dense_weight_grad_is_set_after_backward():
    d2l.set_seed(0)
    layer = d2l.MyDense(5, 3)
    layer.initialize()
    with autograd.record():
        loss = layer(d2l.rand(8, 5)).sum()
    loss.backward()
    assert float(np.abs(layer.weight.grad()).sum()) > 0


def test_my_dense_names_both_widths_on_a_wrong_input():
    layer = d2l.MyDense(5, 3)
    layer.initialize()
    with pytest.raises(ValueError, match=r'width 5, got width 4'):
        layer(d2l.rand(2, 4))
