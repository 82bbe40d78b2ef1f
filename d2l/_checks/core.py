"""What every check shares, and the first two exercises.

A check runs the learner's layer through an Adapter (this module's base
class; one per framework in the modules beside it), so the code below sees
only NumPy arrays: it draws its own inputs, compares the layer's outputs
with NumPy computed from the same weights and inputs, follows the
gradients to every parameter the layer declares, and runs the layer where
its framework compiles code. It prints a line per passed item and stops at
the first failure with a CheckFailed that says what is wrong, what was
expected and what came out, and where in the section to look.

Only NumPy is imported here.
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


# ------------------------------------ exercise 3: what Keras and Gluon share ----


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


# ------------------------------------------------------------- adapters ----


def to_complex(output, to_numpy):
    """An output as one NumPy array: complex values, or a (real, imaginary)
    pair of real arrays combined."""
    if isinstance(output, (tuple, list)):
        real, imag = (to_numpy(part) for part in output)
        return real + 1j * imag
    return to_numpy(output)


class Adapter:
    """How the checks reach one framework's layers. A subclass says which
    compiler it has (`compiler`), gives a hint per kind of problem
    (`HINTS`: call, declare, detached, compiled), and implements, on NumPy
    arrays in and out:

      make(layer, **widths)   an instance of a class (with in_units and
                              units when given), or the instance itself;
      widths(instance, d, m)  the instance's own (d, m), as far as its
                              weights tell them;
      forward(instance, X)    the output, complex or as one array;
      parameters(instance)    {name: array} of what the framework trains;
      gradients(instance, X)  {name: array or None} of the summed output;
      compiled(instance, Xs)  the outputs of the compiled layer, or raise
                              NotCompiled saying why there is none.
    """

    HINTS = {}

    def hint(self, key):
        return self.HINTS[key]
