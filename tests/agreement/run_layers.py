"""Run one framework's d2l.MyDense, d2l.TensorReduction and d2l.FourierHalf
on weights and inputs given in an .npz file, and save what they return; in
the frameworks that are Keras backends, also the section's MyKerasDense,
whose class comes from a file of the chapter's code, on that backend.

tests/build/test_frameworks_agree.py runs this script once in each
framework's environment and compares the results:

    python tests/agreement/run_layers.py <tab> <inputs.npz> <outputs.npz> [keras_layer.py]

The inputs are X (batch, d), dense_weight (d, units), dense_bias (units,)
and reduction_weight (d, d, m), all float32. The outputs are dense
(batch, units), reduction (batch, m) and fourier (batch, d // 2, complex).
"""

import os
import sys

import numpy as np

from bookbuild.frameworks import FRAMEWORKS


def run_pytorch(inputs):
    import torch

    from d2l import torch as d2l

    X = torch.from_numpy(inputs['X'])
    dense = d2l.MyDense(*inputs['dense_weight'].shape)
    dense.load_state_dict(
        {
            'weight': torch.from_numpy(inputs['dense_weight']),
            'bias': torch.from_numpy(inputs['dense_bias']),
        }
    )
    d, _, m = inputs['reduction_weight'].shape
    reduction = d2l.TensorReduction(d, m)
    reduction.load_state_dict({'weight': torch.from_numpy(inputs['reduction_weight'])})
    with torch.no_grad():
        return {
            'dense': dense(X).numpy(),
            'reduction': reduction(X).numpy(),
            'fourier': d2l.FourierHalf()(X).numpy(),
        }


def run_mxnet(inputs):
    from mxnet import np as mnp

    from d2l import mxnet as d2l

    X = mnp.array(inputs['X'])
    # Gluon allocates parameters in initialize(); set_data then overwrites them.
    dense = d2l.MyDense(*inputs['dense_weight'].shape)
    dense.initialize()
    # MXNet's MyDense keeps its weight as (units, in_units).
    dense.weight.set_data(mnp.array(inputs['dense_weight'].T))
    dense.bias.set_data(mnp.array(inputs['dense_bias']))
    d, _, m = inputs['reduction_weight'].shape
    reduction = d2l.TensorReduction(d, m)
    reduction.initialize()
    reduction.weight.set_data(mnp.array(inputs['reduction_weight']))
    # MXNet has no complex arrays: FourierHalf returns (real, imaginary).
    real, imag = d2l.FourierHalf()(X)
    return {
        'dense': dense(X).asnumpy(),
        'reduction': reduction(X).asnumpy(),
        'fourier': real.asnumpy() + 1j * imag.asnumpy(),
    }


def run_jax(inputs):
    from jax import numpy as jnp

    from d2l import jax as d2l

    X = jnp.asarray(inputs['X'])
    dense = d2l.MyDense(*inputs['dense_weight'].shape)
    dense_params = {
        'params': {
            'weight': jnp.asarray(inputs['dense_weight']),
            'bias': jnp.asarray(inputs['dense_bias']),
        }
    }
    d, _, m = inputs['reduction_weight'].shape
    reduction = d2l.TensorReduction(d, m)
    reduction_params = {'params': {'weight': jnp.asarray(inputs['reduction_weight'])}}
    return {
        'dense': np.asarray(dense.apply(dense_params, X)),
        'reduction': np.asarray(reduction.apply(reduction_params, X)),
        'fourier': np.asarray(d2l.FourierHalf().apply({}, X)),
    }


def run_tensorflow(inputs):
    import tensorflow as tf

    from d2l import tensorflow as d2l

    X = tf.constant(inputs['X'])
    d, units = inputs['dense_weight'].shape
    # Keras makes the weights in build(); building by hand lets us set them
    # before the first call.
    dense = d2l.MyDense(units)
    dense.build((None, d))
    dense.weight.assign(inputs['dense_weight'])
    dense.bias.assign(inputs['dense_bias'])
    reduction = d2l.TensorReduction(inputs['reduction_weight'].shape[2])
    reduction.build((None, d))
    reduction.weight.assign(inputs['reduction_weight'])
    return {
        'dense': dense(X).numpy(),
        'reduction': reduction(X).numpy(),
        'fourier': d2l.FourierHalf()(X).numpy(),
    }


RUNNERS = {'pytorch': run_pytorch, 'mxnet': run_mxnet, 'jax': run_jax, 'tensorflow': run_tensorflow}
# The Keras backend of each tab that has one (Keras 3 has no MXNet backend).
KERAS_BACKENDS = {
    tab: entry.keras_backend for tab, entry in FRAMEWORKS.items() if entry.keras_backend
}


def run_keras_layer(tab, inputs, layer_source):
    """MyKerasDense as the chapter defines it, on the tab's Keras backend."""
    os.environ['KERAS_BACKEND'] = KERAS_BACKENDS[tab]
    import keras
    from keras import ops

    namespace = {'keras': keras, 'ops': ops}
    exec(layer_source, namespace)
    d, units = inputs['dense_weight'].shape
    layer = namespace['MyKerasDense'](units)
    layer.build((None, d))
    layer.set_weights([inputs['dense_weight'], inputs['dense_bias']])
    return {
        'keras_dense': ops.convert_to_numpy(layer(inputs['X'])),
        'keras_backend': np.array(keras.backend.backend()),
    }


def main(tab, inputs_path, outputs_path, keras_layer_path=None):
    with np.load(inputs_path) as inputs:
        inputs = dict(inputs)
    outputs = RUNNERS[tab](inputs)
    if keras_layer_path and tab in KERAS_BACKENDS:
        with open(keras_layer_path) as source:
            outputs.update(run_keras_layer(tab, inputs, source.read()))
    np.savez(outputs_path, **outputs)


if __name__ == '__main__':
    main(*sys.argv[1:])
