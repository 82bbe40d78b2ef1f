"""d2l.jax's framework-neutral names and key stream behave as documented."""
import jax
import numpy as np

import helper_checks
from d2l import jax as d2l


def to_numpy(x):
    return np.asarray(x)


def test_tensor_makes_a_jax_array_with_the_values():
    helper_checks.check_tensor_holds_the_values(d2l, jax.Array, to_numpy)


def test_rand_takes_the_shape_as_arguments_or_as_a_tuple():
    helper_checks.check_rand_takes_the_shape_as_arguments_or_as_a_tuple(d2l)


def test_rand_is_uniform_on_the_unit_interval():
    helper_checks.check_rand_is_uniform_on_the_unit_interval(d2l, to_numpy)


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


def test_set_seed_repeats_the_draws():
    helper_checks.check_set_seed_repeats_the_draws(d2l, to_numpy)
