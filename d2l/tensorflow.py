"""TensorFlow helpers for the Custom Layers chapter."""
import tensorflow as tf

from d2l._shape import as_shape


def rand(*shape):
    """Uniform samples from [0, 1); called as rand(4, 8) or rand((4, 8))."""
    return tf.random.uniform(as_shape(shape))


def set_seed(seed):
    """Restart Python's, NumPy's, TensorFlow's and Keras's generators."""
    tf.keras.utils.set_random_seed(seed)


def check_tensor_reduction(layer):
    """Check an answer to the section's first exercise: `layer` (a class or
    an instance) must compute y_k = sum over i, j of W_ijk x_i x_j with a
    parameter W of shape (d, d, m). Prints what passed; raises CheckFailed
    with a hint at the first problem."""
    from d2l import _checks

    _checks.check_tensor_reduction(_checks.TensorFlow(), layer)


def check_fourier_half(layer):
    """Check an answer to the section's second exercise: `layer` (a class or
    an instance) must return the first d // 2 DFT coefficients of its input's
    last axis (complex, or a pair of real and imaginary parts)."""
    from d2l import _checks

    _checks.check_fourier_half(_checks.TensorFlow(), layer)


def check_optional_bias(layer):
    """Check an answer to the section's third exercise: `layer` (a Keras
    layer class, or an instance) must hold no bias when made with
    use_bias=False, and get_config must keep the setting."""
    from d2l import _checks

    _checks.check_optional_bias_keras(layer)


#################   WARNING   ################
# The below part is generated automatically through:
#    d2lbook build lib
# Don't edit it directly

class CenteredLayer(tf.keras.layers.Layer):
    """Subtract the mean of the input from each of its entries.

    Defined in :numref:`sec_custom_layer`"""
    def call(self, X):
        return X - tf.reduce_mean(X)

@tf.keras.utils.register_keras_serializable(package='d2l')
class MyDense(tf.keras.layers.Layer):
    """A fully connected layer followed by ReLU, written out by hand.

    Defined in :numref:`sec_custom_layer`"""
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        in_units = input_shape[-1]
        # Keras checks every later input against this and names both widths.
        self.input_spec = tf.keras.layers.InputSpec(axes={-1: in_units})
        self.weight = self.add_weight(
            name='weight', shape=(in_units, self.units),
            initializer=tf.keras.initializers.RandomNormal(stddev=1.0))
        self.bias = self.add_weight(
            name='bias', shape=(self.units,), initializer='zeros')

    def call(self, X):
        return tf.nn.relu(tf.matmul(X, self.weight) + self.bias)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), 'units': self.units}

@tf.keras.utils.register_keras_serializable(package='d2l')
class TensorReduction(tf.keras.layers.Layer):
    """Outputs y_k = sum over i, j of W_ijk x_i x_j, for a batch of x.

    Defined in :numref:`sec_custom_layer_answers`"""
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        d = input_shape[-1]
        self.weight = self.add_weight(
            name='weight', shape=(d, d, self.units),
            initializer=tf.keras.initializers.RandomNormal(stddev=1.0))

    def call(self, X):
        return tf.einsum('bi,ijk,bj->bk', X, self.weight, X)

    def get_config(self):
        return {**super().get_config(), 'units': self.units}

class FourierHalf(tf.keras.layers.Layer):
    """The first half of the DFT coefficients along the last axis.

    Defined in :numref:`sec_custom_layer_answers`"""
    def call(self, X):
        Z = tf.signal.fft(tf.cast(X, tf.complex64))
        return Z[..., :X.shape[-1] // 2]


# Alias defined in config.ini

tensor = tf.constant

