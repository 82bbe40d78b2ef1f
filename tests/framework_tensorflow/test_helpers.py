"""d2l.tensorflow's framework-neutral names behave as the chapter uses them."""
import tensorflow as tf

from d2l import tensorflow as d2l


def test_tensor_makes_a_tensorflow_tensor_with_the_values():
    x = d2l.tensor([1.0, 2, 3])
    assert isinstance(x, tf.Tensor)
    assert x.numpy().tolist() == [1.0, 2.0, 3.0]


def test_rand_takes_the_shape_as_arguments_or_as_a_tuple():
    assert tuple(d2l.rand(4, 8).shape) == (4, 8)
    assert tuple(d2l.rand((4, 8)).shape) == (4, 8)


def test_rand_is_uniform_on_the_unit_interval():
    d2l.set_seed(0)
    x = d2l.rand(200, 500)
    assert float(tf.reduce_min(x)) >= 0 and float(tf.reduce_max(x)) < 1
    assert abs(float(tf.reduce_mean(x)) - 0.5) < 0.01


def test_set_seed_repeats_the_draws():
    d2l.set_seed(3)
    first = d2l.rand(5).numpy()
    d2l.set_seed(3)
    assert (first == d2l.rand(5).numpy()).all()
