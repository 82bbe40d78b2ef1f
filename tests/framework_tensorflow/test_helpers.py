"""d2l.tensorflow's framework-neutral names behave as the chapter uses them."""

import tensorflow as tf

import helper_checks
from d2l import tensorflow as d2l

globals().update(helper_checks.tests_for(d2l, tf.Tensor, lambda x: x.numpy()))
