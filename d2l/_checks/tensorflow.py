"""The checks' adapter for TensorFlow's Keras layers; TensorFlow is
imported when a check runs."""

import numpy as np

from .core import LAYER_TRAINS, LAYERS_WITH_PARAMETERS, Adapter, to_complex


class TensorFlow(Adapter):
    compiler = 'tf.function'

    HINTS = {
        'call': f'call(self, X) receives a batch of shape (batch, d); see {LAYERS_WITH_PARAMETERS}',
        'declare': 'create the weight with self.add_weight in build, so that Keras tracks '
        f'and trains it; see {LAYERS_WITH_PARAMETERS}',
        'detached': 'did call use tf.stop_gradient, .numpy() or a copy of the weight? Those '
        f'cut it out of the gradient; see {LAYER_TRAINS}',
        'compiled': 'tf.function traces call into a graph: use TensorFlow operations on the '
        'tensors, not .numpy(), NumPy functions or Python decisions on their values',
    }

    def make(self, layer, **widths):
        import tensorflow as tf

        if isinstance(layer, tf.keras.layers.Layer):
            return layer
        return layer(widths['units']) if widths else layer()

    def widths(self, layer, d, m):
        for w in layer.weights:
            if len(w.shape) == 3:
                return w.shape[0], w.shape[2]
        # Not built yet: its width comes with the first input.
        return d, getattr(layer, 'units', m)

    def forward(self, layer, X):
        import tensorflow as tf

        return to_complex(layer(tf.constant(X)), lambda t: np.asarray(t))

    def parameters(self, layer):
        return {
            w.path if hasattr(w, 'path') else w.name: w.numpy() for w in layer.trainable_weights
        }

    def gradients(self, layer, X):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            output = layer(tf.constant(X))
            parts = output if isinstance(output, (tuple, list)) else [output]
            loss = sum(
                tf.reduce_sum(tf.math.real(part)) + tf.reduce_sum(tf.math.imag(part))
                if part.dtype.is_complex
                else tf.reduce_sum(part)
                for part in parts
            )
        names = list(self.parameters(layer))
        gradients = tape.gradient(loss, layer.trainable_weights)
        return {n: None if g is None else np.asarray(g) for n, g in zip(names, gradients)}

    def compiled(self, layer, inputs):
        import tensorflow as tf

        function = tf.function(layer)
        return [to_complex(function(tf.constant(X)), lambda t: np.asarray(t)) for X in inputs]
