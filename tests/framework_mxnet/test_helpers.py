"""d2l.mxnet's framework-neutral names behave as the chapter uses them."""
from mxnet import np

import helper_checks
from d2l import mxnet as d2l


def to_numpy(x):
    return x.asnumpy()


def test_tensor_makes_an_mxnet_ndarray_with_the_values():
    helper_checks.check_tensor_holds_the_values(d2l, np.ndarray, to_numpy)


def test_rand_takes_the_shape_as_arguments_or_as_a_tuple():
    helper_checks.check_rand_takes_the_shape_as_arguments_or_as_a_tuple(d2l)


def test_rand_is_uniform_on_the_unit_interval():
    helper_checks.check_rand_is_uniform_on_the_unit_interval(d2l, to_numpy)


def test_set_seed_repeats_the_draws():
    helper_checks.check_set_seed_repeats_the_draws(d2l, to_numpy)
