"""d2l.jax's framework-neutral names and key stream behave as documented."""
import jax
from jax import numpy as jnp

from d2l import jax as d2l


def test_tensor_makes_a_jax_array_with_the_values():
    x = d2l.tensor([1.0, 2, 3])
    assert isinstance(x, jax.Array)
    assert x.tolist() == [1.0, 2.0, 3.0]


def test_rand_takes_the_shape_as_arguments_or_as_a_tuple():
    assert d2l.rand(4, 8).shape == (4, 8)
    assert d2l.rand((4, 8)).shape == (4, 8)


def test_rand_is_uniform_on_the_unit_interval():
    d2l.set_seed(0)
    x = d2l.rand(200, 500)
    assert float(x.min()) >= 0 and float(x.max()) < 1
    assert abs(float(x.mean()) - 0.5) < 0.01


def key_bits(key):
    return jax.random.key_data(key).tolist()


def test_get_key_returns_a_new_key_on_each_call():
    keys = [key_bits(d2l.get_key()) for _ in range(5)]
    assert len({str(k) for k in keys}) == 5


def test_set_seed_restarts_the_same_key_sequence():
    d2l.set_seed(7)
    first = [key_bits(d2l.get_key()) for _ in range(3)]
    d2l.set_seed(7)
    assert [key_bits(d2l.get_key()) for _ in range(3)] == first
    d2l.set_seed(8)
    assert [key_bits(d2l.get_key()) for _ in range(3)] != first


def test_rand_draws_repeat_after_set_seed():
    d2l.set_seed(3)
    first = d2l.rand(5)
    d2l.set_seed(3)
    assert jnp.array_equal(first, d2l.rand(5))
