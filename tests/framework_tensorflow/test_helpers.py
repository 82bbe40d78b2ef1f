"""d2l.tensorflow's framework-neutral names behave as the chapter uses them."""
import tensorflow as tf

import helper_checks
from d2l import tensorflow as d2l


def to_numpy(x):
    return x.numpy()


def test_tensor_makes_a_tensorflow_tensor_with_the_values():
    helper_checks.check_tensor_holds_the_values(d2l, tf.Tensor, to_numpy)


def test_rand_takes_the_shape_as_arguments_or_as_a_tuple():
    helper_checks.check_rand_takes_the_shape_as_arguments_or_as_a_tuple(d2l)


def test_rand_is_uniform_on_the_unit_interval():
    helper_checks.check_rand_is_uniform_on_the_unit_interval(d2l, to_numpy)


def test_set_seed_repeats_the_draws():
    helper_checks.check_set_seed_repeats_the_draws(d2l, to_numpy)
