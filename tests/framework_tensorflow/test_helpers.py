"""d2l.tensorflow's framework-neutral names behave as the chapter uses them."""

import tensorflow as tf

import helper_checks
from d2l import tensorflow as d2l

HELPERS = helper_checks.Helpers(d2l, tf.Tensor, lambda x: x.numpy())


@helper_checks.each_neutral_name
def test_the_framework_neutral_names_keep_their_promise(promise):
    promise(HELPERS)
