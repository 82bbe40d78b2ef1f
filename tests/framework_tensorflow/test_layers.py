"""The chapter's Keras layers, as `make lib` copied them into d2l.tensorflow."""

import pytest
import tensorflow as tf

from d2l import tensorflow as d2l


def test_centered_layer_output_mean_is_zero():
    Y = d2l.CenteredLayer()(d2l.rand(4, 8) * 10 + 3)
    assert abs(float(tf.reduce_mean(Y))) < 1e-5


def test_my_dense_reads_the_input_width_in_build():
    layer = d2l.MyDense(3)
    assert tuple(layer(d2l.rand(2, 5)).shape) == (2, 3)
    assert tuple(layer.weight.shape) == (5, 3) and tuple(layer.bias.shape) == (3,)


def test_my_dense_output_is_never_negative():
    assert float(tf.reduce_min(d2l.MyDense(3)(tf.random.normal((16, 5))))) >= 0


def test_my_dense_weights_are_trainable_and_get_gradients():
    d2l.set_seed(0)
    layer = d2l.MyDense(3)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(d2l.rand(8, 5)))
    grads = tape.gradient(loss, layer.trainable_weights)
    assert len(layer.trainable_weights) == 2
    assert all(g is not None for g in grads)
    assert float(tf.reduce_sum(tf.abs(grads[0]))) > 0


def test_my_dense_names_both_widths_on_a_wrong_input():
    layer = d2l.MyDense(3)
    layer(d2l.rand(2, 5))
    with pytest.raises(ValueError) as error:
        layer(d2l.rand(2, 4))
    message = str(error.value)
    assert 'value 5' in message and '(2, 4)' in message


def test_my_dense_computes_its_output_shape_without_running():
    assert tuple(d2l.MyDense(3).compute_output_shape((None, 5))) == (None, 3)


def test_my_dense_config_rebuilds_an_equal_layer():
    layer = d2l.MyDense(7, name='hidden')
    clone = d2l.MyDense.from_config(layer.get_config())
    assert clone.units == 7 and clone.name == 'hidden'


def test_model_with_dense_relu_survives_a_keras_file(tmp_path):
    d2l.set_seed(0)
    net = tf.keras.Sequential([tf.keras.Input((5,)), d2l.MyDense(4), d2l.MyDense(1)])
    net.save(tmp_path / 'net.keras')
    clone = tf.keras.models.load_model(tmp_path / 'net.keras')
    X = d2l.rand(3, 5)
    assert isinstance(clone.layers[0], d2l.MyDense)
    assert bool(tf.reduce_all(net(X) == clone(X)))
