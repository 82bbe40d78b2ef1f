"""Checks of the learner's answers to the section's exercises.

`d2l.check_tensor_reduction(layer)` and `d2l.check_fourier_half(layer)`, in
each framework's module, hand the learner's layer (a class or an instance)
to the functions below with that framework's adapter. A check runs the
layer on inputs it draws itself, compares with NumPy computed from the same
weights and inputs, follows the gradients to every parameter the layer
declares, and runs the layer where its framework compiles code. It prints a
line per passed item and stops at the first failure with a CheckFailed that
says what is wrong, what was expected and what came out, and where in the
section to look.

Only NumPy is imported here; each adapter imports its framework when a
check runs, so `from d2l import torch` stays as light as before.
"""

import numpy as np

SECTION = 'the section "Custom Layers"'
LAYERS_WITH_PARAMETERS = f'"Layers with Parameters" in {SECTION}'
LAYER_TRAINS = f'"Checking that the Layer Trains" in {SECTION}'
ANSWERS = '"Custom Layers: Answers to the Exercises"'
TOLERANCE = {'rtol': 1e-4, 'atol': 1e-4}


class CheckFailed(AssertionError):
    """An answer that does not do what the exercise asks, and why."""

    def __init__(self, problem, expected, actual, hint):
        self.problem = problem
        super().__init__(f'{problem}\n  expected: {expected}\n  actual:   {actual}\n  hint: {hint}')


class NotCompiled(Exception):
    """The framework has nothing to compile this layer with; says why."""


def passed(item, detail):
    print(f'passed: {item}: {detail}', flush=True)


def first_difference(expected, actual):
    """'at [i, j]: expected e, got a' for the first entry out of tolerance."""
    close = np.isclose(actual, expected, **TOLERANCE)
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    return (
        f'{np.round(expected[index], 5)} at {list(index)}',
        f'{np.round(actual[index], 5)} at {list(index)}',
    )


def run(adapter, layer, X, what):
    try:
        return adapter.forward(layer, X)
    except Exception as error:
        raise CheckFailed(
            f'calling the layer on {what} raised {type(error).__name__}',
            f'an output for the input of shape {X.shape}',
            f'{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ""}',
            adapter.hint('call'),
        ) from error


def check_gradients(adapter, layer, X, parameters):
    if not parameters:
        passed('gradients', 'the layer declares no parameters, so there is nothing to train')
        return
    gradients = adapter.gradients(layer, X)
    for name in parameters:
        gradient = gradients.get(name)
        if gradient is None or not np.any(gradient):
            raise CheckFailed(
                f'no gradient reaches the parameter {name!r}',
                'a nonzero gradient of the output with respect to it',
                'None' if gradient is None else 'zero everywhere',
                adapter.hint('detached'),
            )
    passed('gradients', f'reach every parameter ({", ".join(parameters)})')


def check_compiled(adapter, layer, X, expected):
    """The compiled layer on X and on a second input: a compiler that traced
    the first call may have frozen values that only the second one shows."""
    X2 = (X[::-1] * 1.5 + 0.25).astype(np.float32)
    expected = [expected, adapter.forward(layer, X2)]
    try:
        outputs = adapter.compiled(layer, [X, X2])
    except NotCompiled as reason:
        passed('compiled', f'not checked: {reason}')
        return
    except Exception as error:
        raise CheckFailed(
            f'the layer fails when {adapter.compiler} compiles it',
            'the same output as when it runs eagerly',
            f'{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ""}',
            adapter.hint('compiled'),
        ) from error
    for output, want in zip(outputs, expected):
        if output.shape != want.shape or not np.allclose(output, want, **TOLERANCE):
            raise CheckFailed(
                f'under {adapter.compiler} the layer computes something else',
                'the output it gives when it runs eagerly, for every input',
                'a different output for a second input: values were frozen when it was compiled',
                adapter.hint('compiled'),
            )
    passed('compiled', f'gives the same outputs under {adapter.compiler}')


# ------------------------------------------------------------ exercise 1 ----


def check_tensor_reduction(adapter, layer, in_units=5, units=3):
    """Exercise 1: y_k = sum over i, j of W_ijk x_i x_j, for a batch of x."""
    rng = np.random.default_rng(0)
    given_instance = not isinstance(layer, type)
    # d != m first, so that the shape of W says which axis is which; then d == m.
    cases = [(in_units, units)] if given_instance else [(in_units, units), (4, 4)]
    for d, m in cases:
        instance = adapter.make(layer, in_units=d, units=m)
        if given_instance:  # its own sizes, as far as its weights tell them
            d, m = adapter.widths(instance, d, m)
        X = rng.standard_normal((4, d)).astype(np.float32)
        try:
            Y = run(adapter, instance, X, f'a batch of 4 examples of width {d}')
        except CheckFailed as failure:
            if given_instance or d == m or not runs_when_square(adapter, layer, rng):
                raise
            raise CheckFailed(
                'the layer runs only when d equals m',
                f'an output for inputs of width d = {d} and m = {m} outputs',
                failure.args[0].split('\n')[2].strip().removeprefix('actual:').strip(),
                "with einsum the subscripts 'bi,ijk,bj->bk' name the axes of X, W and X; "
                'a letter in the wrong place pairs an axis of length d with one of length m',
            ) from failure
        parameters = adapter.parameters(instance)
        weights = {name: w for name, w in parameters.items() if w.shape == (d, d, m)}
        if not parameters:
            raise CheckFailed(
                'the layer declares no parameters',
                f'one parameter W of shape (d, d, m) = {(d, d, m)}',
                'none: a tensor the framework does not know as a parameter is never trained',
                adapter.hint('declare'),
            )
        if not weights:
            found = ', '.join(f'{name} {w.shape}' for name, w in parameters.items())
            raise CheckFailed(
                f'no parameter has the shape (d, d, m) = {(d, d, m)}',
                f'W of shape {(d, d, m)}: W[i, j, k] multiplies x_i x_j in output k',
                found,
                f'y_k sums W_ijk x_i x_j over i and j; see {ANSWERS} for the shape',
            )
        (name, W), *_ = weights.items()
        passed('parameters', f'{name} has shape {(d, d, m)}')
        if Y.shape != (4, m):
            raise CheckFailed(
                'the output has the wrong shape',
                f'(batch, m) = {(4, m)}',
                str(Y.shape),
                'one output per example and per k; einsum keeps only the letters after ->',
            )
        passed('shape', f'(4, {d}) -> (4, {m})')
        expected = np.einsum('bi,ijk,bj->bk', X, W, X)
        if not np.allclose(Y, expected, **TOLERANCE):
            want, got = first_difference(expected, Y)
            raise CheckFailed(
                'the values differ from sum over i, j of W_ijk x_i x_j',
                want,
                got,
                "with einsum the subscripts 'bi,ijk,bj->bk' name the axes of X, W and X; "
                'a letter in the wrong place pairs the wrong axes',
            )
        passed('values', f'match NumPy on the layer\'s own weight (d = {d}, m = {m})')
    check_gradients(adapter, instance, X, parameters)
    check_compiled(adapter, instance, X, Y)


def runs_when_square(adapter, layer, rng):
    square = adapter.make(layer, in_units=4, units=4)
    try:
        adapter.forward(square, rng.standard_normal((2, 4)).astype(np.float32))
    except Exception:
        return False
    return True


# ------------------------------------------------------------ exercise 2 ----


def check_fourier_half(adapter, layer):
    """Exercise 2: the first d // 2 DFT coefficients along the last axis."""
    rng = np.random.default_rng(1)
    instance = adapter.make(layer)
    for d in (8, 7):  # an odd width too: d // 2 rounds down
        X = rng.standard_normal((3, d)).astype(np.float32)
        Z = run(adapter, instance, X, f'a batch of 3 examples of width {d}')
        expected = np.fft.fft(X)[:, : d // 2]
        if Z.shape != expected.shape:
            hint = (
                'd // 2 + 1 coefficients is what a transform for real input (rfft) keeps; '
                'the exercise asks for the first d // 2'
                if Z.shape[-1:] == (d // 2 + 1,)
                else 'keep the coefficients k = 0, ..., d // 2 - 1 of the last axis'
            )
            raise CheckFailed(
                f'for inputs of width {d} the output has the wrong shape',
                f'(batch, d // 2) = {expected.shape}',
                str(Z.shape),
                hint,
            )
        passed('shape', f'(3, {d}) -> {expected.shape}')
        if not np.allclose(Z, expected, **TOLERANCE):
            want, got = first_difference(expected, Z)
            second_half = np.fft.fft(X)[:, d - d // 2 :]
            hint = (
                'these are the last d // 2 coefficients; keep the first ones, [..., :d // 2]'
                if Z.shape == second_half.shape and np.allclose(Z, second_half, **TOLERANCE)
                else 'z_k = sum over n of x_n exp(-2 pi i k n / d), along the last axis'
            )
            raise CheckFailed('the coefficients differ from NumPy\'s np.fft.fft', want, got, hint)
        passed('values', f'match np.fft.fft(X)[:, :{d // 2}] for width {d}')
    check_gradients(adapter, instance, X, adapter.parameters(instance))
    check_compiled(adapter, instance, X, Z)


# ------------------------------------------------------------ exercise 3 ----

SAVING = f'"One Keras Layer for Three Backends" in {SECTION}'


def relu_of_affine(X, kernel, bias):
    Y = X @ kernel + (0 if bias is None else bias)
    return np.maximum(Y, 0)


def optional_bias_instances(layer, units, make):
    """(instance, use_bias) pairs: both settings for a class, the instance's
    own for an object."""
    if not isinstance(layer, type):
        return [(layer, bool(getattr(layer, 'use_bias', True)))]
    pairs = []
    for use_bias in (True, False):
        try:
            pairs.append((make(layer, units, use_bias), use_bias))
        except (TypeError, ValueError) as error:  # Keras says ValueError
            raise CheckFailed(
                'the layer takes no use_bias setting',
                f'{layer.__name__}({units}, use_bias={use_bias}) to make a layer',
                f'{type(error).__name__}: {str(error).splitlines()[0]}',
                'give __init__ a parameter use_bias=True and keep it as an attribute',
            ) from error
    return pairs


def check_weight_count(weights, use_bias, hint):
    want = 2 if use_bias else 1
    if len(weights) != want:
        raise CheckFailed(
            f'with use_bias={use_bias} the layer holds {len(weights)} weight(s)',
            f'{want}: the weight' + (' and the bias' if use_bias else ' alone'),
            ', '.join(f'{name} {shape}' for name, shape in weights) or 'none',
            hint,
        )


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


# ------------------------------------------------------------- adapters ----


def to_complex(output, to_numpy):
    """An output as one NumPy array: complex values, or a (real, imaginary)
    pair of real arrays combined."""
    if isinstance(output, (tuple, list)):
        real, imag = (to_numpy(part) for part in output)
        return real + 1j * imag
    return to_numpy(output)


class Adapter:
    """What a framework's adapter shares: its hints, by kind of problem."""

    HINTS = {}

    def hint(self, key):
        return self.HINTS[key]


class PyTorch(Adapter):
    compiler = 'nothing'

    HINTS = {
        'call': f'forward(self, X) receives a batch of shape (batch, d); see {LAYERS_WITH_PARAMETERS}',
        'declare': 'wrap the weight in nn.Parameter and assign it in __init__, so that '
        f'parameters() lists it; see {LAYERS_WITH_PARAMETERS}',
        'detached': 'did forward use .data or .detach()? Those cut the weight out of the '
        f'gradient; see {LAYER_TRAINS}',
        'no_grad_fn': 'the output has no gradient function: did forward use .data or '
        f'.detach(), or run under torch.no_grad()? See {LAYER_TRAINS}',
    }

    def make(self, layer, **widths):
        from torch import nn

        if isinstance(layer, nn.Module):
            return layer
        return layer(widths['in_units'], widths['units']) if widths else layer()

    def widths(self, layer, d, m):
        for p in layer.parameters():
            if p.dim() == 3:
                return p.shape[0], p.shape[2]
        return d, m

    def forward(self, layer, X):
        import torch

        with torch.no_grad():
            return to_complex(layer(torch.tensor(X)), lambda t: t.numpy())

    def parameters(self, layer):
        return {name: p.detach().numpy() for name, p in layer.named_parameters()}

    def gradients(self, layer, X):
        import torch

        layer.zero_grad()
        output = layer(torch.tensor(X))
        parts = output if isinstance(output, (tuple, list)) else [output]
        if not any(part.requires_grad for part in parts):
            raise CheckFailed(
                'the output does not depend on the parameters for autograd',
                'an output with a gradient function (grad_fn)',
                'grad_fn is None',
                self.hint('no_grad_fn'),
            )
        loss = sum(
            (torch.view_as_real(part) if part.is_complex() else part).sum() for part in parts
        )
        loss.backward()
        return {
            name: None if p.grad is None else p.grad.numpy() for name, p in layer.named_parameters()
        }

    def compiled(self, layer, inputs):
        raise NotCompiled(
            'PyTorch runs a layer as it is written (eager mode), and torch.compile needs '
            'a C++ compiler that many machines lack'
        )


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


class Jax(Adapter):
    compiler = 'jax.jit'

    HINTS = {
        'call': f'__call__(self, X) receives a batch of shape (batch, d); see {LAYERS_WITH_PARAMETERS}',
        'declare': 'create the weight with self.param (in setup or in an nn.compact '
        f'__call__), so that init returns it and training updates it; see {LAYERS_WITH_PARAMETERS}',
        'detached': 'did __call__ use jax.lax.stop_gradient, or a weight that init does not '
        f'return? See {LAYER_TRAINS}',
        'compiled': 'jax.jit traces __call__ with abstract values: use jnp operations, '
        'not NumPy on the arrays, .item() or Python decisions on their values',
    }

    def make(self, layer, **widths):
        from flax import linen

        if isinstance(layer, linen.Module):
            return layer
        return layer(widths['in_units'], widths['units']) if widths else layer()

    def _variables(self, layer, X):
        import jax

        # The same key each time: the weights of one check stay the same.
        self.variables = layer.init(jax.random.PRNGKey(0), X)
        return self.variables

    def widths(self, layer, d, m):
        # A linen module holds its sizes as fields; its weights live in its variables.
        return getattr(layer, 'in_units', d), getattr(layer, 'units', m)

    def forward(self, layer, X):
        import jax.numpy as jnp

        X = jnp.asarray(X)
        return to_complex(layer.apply(self._variables(layer, X), X), np.asarray)

    def parameters(self, layer):
        """The parameters of the last forward's variables."""
        import jax

        return self._flat(self.variables.get('params', {}), jax)

    def _flat(self, tree, jax):
        flat = jax.tree_util.tree_flatten_with_path(tree)[0]
        return {
            '/'.join(str(getattr(k, 'key', k)) for k in path): np.asarray(leaf)
            for path, leaf in flat
        }

    def gradients(self, layer, X):
        import jax
        import jax.numpy as jnp

        X = jnp.asarray(X)
        variables = self._variables(layer, X)

        def loss(params):
            output = layer.apply({**variables, 'params': params}, X)
            parts = output if isinstance(output, (tuple, list)) else [output]
            return sum(jnp.sum(jnp.real(p)) + jnp.sum(jnp.imag(p)) for p in parts)

        return self._flat(jax.grad(loss)(variables.get('params', {})), jax)

    def compiled(self, layer, inputs):
        import jax
        import jax.numpy as jnp

        apply = jax.jit(layer.apply)
        variables = self._variables(layer, jnp.asarray(inputs[0]))
        return [to_complex(apply(variables, jnp.asarray(X)), np.asarray) for X in inputs]


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
