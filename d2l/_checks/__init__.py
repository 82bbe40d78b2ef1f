"""Checks of the learner's answers to the section's exercises.

`d2l.check_tensor_reduction(layer)`, `d2l.check_fourier_half(layer)` and
`d2l.check_optional_bias(layer)`, in each framework's module, hand the
learner's layer (a class or an instance) to a check here:

  core.py                    what every check shares, and exercises 1 and 2,
                             which reach the layer through an adapter;
  pytorch.py, tensorflow.py, one adapter per framework;
  jax.py, mxnet.py
  keras.py                   exercise 3 on Keras 3 (PyTorch, JAX, TensorFlow);
                             MXNet's, on Gluon, is in mxnet.py.

Only NumPy is imported here; each check imports its framework when it runs,
and `from d2l import torch` imports none of this until a check is called.
"""

from .core import CheckFailed, NotCompiled, check_fourier_half, check_tensor_reduction
from .jax import Jax
from .keras import check_optional_bias_keras
from .mxnet import MXNet, check_optional_bias_gluon
from .pytorch import PyTorch
from .tensorflow import TensorFlow

__all__ = [
    'CheckFailed',
    'Jax',
    'MXNet',
    'NotCompiled',
    'PyTorch',
    'TensorFlow',
    'check_fourier_half',
    'check_optional_bias_gluon',
    'check_optional_bias_keras',
    'check_tensor_reduction',
]
