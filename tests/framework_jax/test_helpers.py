"""d2l.jax's framework-neutral names and key stream behave as documented."""

import jax
import numpy as np

import helper_checks
from d2l import jax as d2l

HELPERS = helper_checks.Helpers(d2l, jax.Array, np.asarray)


@helper_checks.each_neutral_name
def test_the_framework_neutral_names_keep_their_promise(promise):
    promise(HELPERS)


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
