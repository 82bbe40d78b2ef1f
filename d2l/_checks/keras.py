"""Exercise 3 on Keras 3, with whichever backend runs it: PyTorch, JAX and
TensorFlow share this check. Keras is imported when the check runs."""

import numpy as np

from .core import (
    SECTION,
    TOLERANCE,
    CheckFailed,
    check_weight_count,
    first_difference,
    optional_bias_instances,
    passed,
)

SAVING = f'"One Keras Layer for Three Backends" in {SECTION}'


def relu_of_affine(X, kernel, bias):
    Y = X @ kernel + (0 if bias is None else bias)
    return np.maximum(Y, 0)


def check_optional_bias_keras(layer, units=3, width=5):
    """Exercise 3, for a Keras 3 layer (any backend): MyKerasDense with a
    setting use_bias that get_config keeps."""
    import keras

    rng = np.random.default_rng(2)
    X = rng.standard_normal((4, width)).astype(np.float32)

    def make(cls, units, use_bias):
        return cls(units, use_bias=use_bias)

    for instance, use_bias in optional_bias_instances(layer, units, make):
        Y = keras.ops.convert_to_numpy(instance(X))
        weights = [(w.path, tuple(w.shape)) for w in instance.trainable_weights]
        check_weight_count(
            weights,
            use_bias,
            'build should call add_weight for the bias only when use_bias is true',
        )
        passed('weights', f'use_bias={use_bias}: {", ".join(name for name, _ in weights)}')
        arrays = [keras.ops.convert_to_numpy(w) for w in instance.trainable_weights]
        kernel = next(a for a in arrays if a.ndim == 2)
        bias = next((a for a in arrays if a.ndim == 1), None)
        expected = relu_of_affine(X, kernel, bias)
        if Y.shape != expected.shape or not np.allclose(Y, expected, **TOLERANCE):
            want, got = (
                first_difference(expected, Y)
                if Y.shape == expected.shape
                else (str(expected.shape), str(Y.shape))
            )
            raise CheckFailed(
                f'with use_bias={use_bias} the values differ from ReLU of X @ W'
                + (' + b' if use_bias else ''),
                want,
                got,
                'call adds the bias only when the layer has one, then applies ReLU',
            )
        passed('values', f'use_bias={use_bias}: ReLU of X @ W' + (' + b' if use_bias else ''))
        config = instance.get_config()
        if config.get('use_bias') != use_bias:
            raise CheckFailed(
                'get_config does not return use_bias',
                f"'use_bias': {use_bias} in the configuration",
                f'the keys {sorted(config)}',
                'Keras rebuilds a loaded layer from get_config, and a setting missing '
                f'there comes back as its default; see {SAVING}',
            )
        rebuilt = type(instance).from_config(config)
        rebuilt(X)
        if len(rebuilt.trainable_weights) != len(weights):
            raise CheckFailed(
                'a layer rebuilt from get_config holds another number of weights',
                str(len(weights)),
                str(len(rebuilt.trainable_weights)),
                f'__init__ must take every setting that get_config returns; see {SAVING}',
            )
        passed('configuration', f'use_bias={use_bias} survives get_config and from_config')
