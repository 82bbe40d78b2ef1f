"""The chapter's Flax layers, as `make lib` copied them into d2l.jax."""

import jax
import pytest
from jax import numpy as jnp

from d2l import jax as d2l


def test_centered_layer_output_mean_is_zero():
    Y = d2l.CenteredLayer().apply({}, d2l.rand(4, 8) * 10 + 3)
    assert abs(float(Y.mean())) < 1e-5


def test_my_dense_output_has_the_batch_and_unit_shape():
    layer = d2l.MyDense(5, 3)
    Y, params = layer.init_with_output(d2l.get_key(), d2l.rand(2, 5))
    assert Y.shape == (2, 3)
    assert params['params']['weight'].shape == (5, 3)
    assert params['params']['bias'].shape == (3,)


def test_my_dense_output_is_never_negative():
    layer = d2l.MyDense(5, 3)
    X = jax.random.normal(d2l.get_key(), (16, 5))
    Y, _ = layer.init_with_output(d2l.get_key(), X)
    assert float(Y.min()) >= 0


def test_my_dense_gradient_reaches_the_weight():
    d2l.set_seed(0)
    layer = d2l.MyDense(5, 3)
    X = d2l.rand(8, 5)
    params = layer.init(d2l.get_key(), X)
    grads = jax.grad(lambda p: layer.apply(p, X).sum())(params)
    assert float(jnp.abs(grads['params']['weight']).sum()) > 0


def test_my_dense_names_both_widths_on_a_wrong_input():
    layer = d2l.MyDense(5, 3)
    params = layer.init(d2l.get_key(), d2l.rand(1, 5))
    with pytest.raises(ValueError, match=r'width 5, got width 4'):
        layer.apply(params, d2l.rand(2, 4))


def test_my_dense_width_check_holds_under_jit():
    layer = d2l.MyDense(5, 3)
    params = layer.init(d2l.get_key(), d2l.rand(1, 5))
    with pytest.raises(ValueError, match=r'width 5, got width 4'):
        jax.jit(layer.apply)(params, d2l.rand(2, 4))
