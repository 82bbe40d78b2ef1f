"""The chapter's Keras layers, as `make lib` copied them into d2l.tensorflow."""
import tensorflow as tf

from d2l import tensorflow as d2l


def test_centered_layer_output_mean_is_zero():
    Y = d2l.CenteredLayer()(d2l.rand(4, 8) * 10 + 3)
    assert abs(float(tf.reduce_mean(Y))) < 1e-5


def test_dense_relu_reads_the_input_width_in_build():
    layer = d2l.DenseReLU(3)
    assert tuple(layer(d2l.rand(2, 5)).shape) == (2, 3)
    assert tuple(layer.weight.shape) == (5, 3) and tuple(layer.bias.shape) == (3,)


def test_dense_relu_output_is_never_negative():
    assert float(tf.reduce_min(d2l.DenseReLU(3)(tf.random.normal((16, 5))))) >= 0


def test_dense_relu_weights_are_trainable_and_get_gradients():
    d2l.set_seed(0)
    layer = d2l.DenseReLU(3)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(d2l.rand(8, 5)))
    grads = tape.gradient(loss, layer.trainable_weights)
    assert len(layer.trainable_weights) == 2
    assert all(g is not None for g in grads)
    assert float(tf.reduce_sum(tf.abs(grads[0]))) > 0
