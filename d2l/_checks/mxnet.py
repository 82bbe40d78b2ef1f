"""The checks' adapter for MXNet Gluon blocks, and exercise 3 for Gluon,
which Keras 3 does not run on; MXNet is imported when a check runs."""

import numpy as np

from .core import (
    LAYER_TRAINS,
    LAYERS_WITH_PARAMETERS,
    TOLERANCE,
    Adapter,
    CheckFailed,
    NotCompiled,
    check_weight_count,
    first_difference,
    optional_bias_instances,
    passed,
    to_complex,
)


class MXNet(Adapter):
    compiler = 'hybridize'

    HINTS = {
        'call': f'forward(self, X) receives a batch of shape (batch, d); see {LAYERS_WITH_PARAMETERS}',
        'declare': 'create the weight with self.params.get in __init__ and read it with '
        f'.data() in forward, so that Gluon trains it; see {LAYERS_WITH_PARAMETERS}',
        'detached': 'did forward use .detach(), .asnumpy() or a copy of the weight? Those cut '
        f'it out of the gradient; see {LAYER_TRAINS}',
        'compiled': 'a hybridized block runs hybrid_forward on symbols: use F.np operations '
        'on its inputs, not .asnumpy() or Python decisions on their values',
    }

    def make(self, layer, **widths):
        from mxnet.gluon import nn

        if isinstance(layer, nn.Block):
            instance = layer
        else:
            instance = layer(widths['in_units'], widths['units']) if widths else layer()
        try:
            for parameter in instance.collect_params().values():
                parameter.data()
        except Exception:  # not initialized yet, as a new block is
            instance.initialize()
        return instance

    def widths(self, layer, d, m):
        for p in layer.collect_params().values():
            if len(p.shape) == 3:
                return p.shape[0], p.shape[2]
        return d, m

    def forward(self, layer, X):
        from mxnet import np as mnp

        return to_complex(layer(mnp.array(X)), lambda a: a.asnumpy())

    def parameters(self, layer):
        return {name: p.data().asnumpy() for name, p in layer.collect_params().items()}

    def gradients(self, layer, X):
        from mxnet import autograd
        from mxnet import np as mnp

        parameters = layer.collect_params()
        # Gluon's parameters write their gradient afresh at each backward.
        with autograd.record():
            output = layer(mnp.array(X))
            parts = output if isinstance(output, (tuple, list)) else [output]
            loss = sum(part.sum() for part in parts)
        try:
            loss.backward()
        except Exception as error:  # MXNetError: the output is in no recorded graph
            if 'computational graph' not in str(error):
                raise
            return {name: None for name in parameters}
        return {name: p.grad().asnumpy() for name, p in parameters.items()}

    def compiled(self, layer, inputs):
        from mxnet.gluon import nn

        if not isinstance(layer, nn.HybridBlock):
            raise NotCompiled(
                'the layer is an nn.Block, which MXNet runs as written; '
                'an nn.HybridBlock can be hybridized (compiled)'
            )
        if 'hybrid_forward' not in type(layer).__dict__ and 'forward' in type(layer).__dict__:
            raise NotCompiled(
                'the layer defines forward, which MXNet 1.9 runs as written even when '
                'hybridized; hybridize compiles a hybrid_forward(self, F, X, ...)'
            )
        layer.hybridize()
        try:
            return [self.forward(layer, X) for X in inputs]
        finally:
            layer.hybridize(False)


def check_optional_bias_gluon(layer, units=3, width=5):
    """Exercise 3 in MXNet, which Keras 3 does not run on: a Gluon block
    (such as nn.Dense) whose setting use_bias leaves the bias out."""
    from mxnet import np as mnp

    rng = np.random.default_rng(2)
    X = rng.standard_normal((4, width)).astype(np.float32)

    def make(cls, units, use_bias):
        block = cls(units, use_bias=use_bias)
        block.initialize()
        return block

    for instance, use_bias in optional_bias_instances(layer, units, make):
        Y = instance(mnp.array(X)).asnumpy()
        parameters = instance.collect_params()
        weights = [(name, p.shape) for name, p in parameters.items()]
        check_weight_count(
            weights, use_bias, 'create the bias parameter only when use_bias is true'
        )
        passed('weights', f'use_bias={use_bias}: {", ".join(name for name, _ in weights)}')
        arrays = [p.data().asnumpy() for p in parameters.values()]
        kernel = next(a for a in arrays if a.ndim == 2).T  # Gluon stores (units, width)
        bias = next((a for a in arrays if a.ndim == 1), None)
        affine = X @ kernel + (0 if bias is None else bias)
        if not (
            np.allclose(Y, affine, **TOLERANCE)
            or np.allclose(Y, np.maximum(affine, 0), **TOLERANCE)
        ):
            want, got = first_difference(affine, Y)
            raise CheckFailed(
                f'with use_bias={use_bias} the values differ from X @ W'
                + (' + b' if use_bias else ''),
                want,
                got,
                'forward adds the bias only when the block has one',
            )
        passed('values', f'use_bias={use_bias}: X @ W' + (' + b' if use_bias else ''))
    passed(
        'configuration',
        'not checked: Gluon saves parameters, not settings; the code that makes the block '
        'gives use_bias again',
    )
