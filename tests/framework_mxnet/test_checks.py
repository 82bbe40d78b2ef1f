"""d2l.check_tensor_reduction and d2l.check_fourier_half on Gluon layers:
the book's answers and other correct ones pass; each kind of wrong layer
fails with its own message."""

from mxnet import init, np
from mxnet.gluon import nn

from d2l import mxnet as d2l
from helper_checks import assert_each_fails_its_own_way, loaded_check_modules


class LoopReduction(nn.Block):
    """Correct, without einsum."""

    def __init__(self, in_units, units):
        super().__init__()
        self.units = units
        self.W = self.params.get('W', shape=(in_units, in_units, units), init=init.Normal(1.0))

    def forward(self, X):
        W = self.W.data(X.ctx)
        return np.stack(
            [((np.dot(X, W[:, :, k])) * X).sum(axis=1) for k in range(self.units)], axis=1
        )


class HybridReduction(nn.HybridBlock):
    """Correct, and compiled when hybridized (hybrid_forward, MXNet 1.9)."""

    def __init__(self, in_units, units, frozen=False):
        super().__init__()
        self.frozen = frozen
        self.weight = self.params.get(
            'weight', shape=(in_units, in_units, units), init=init.Normal(1.0)
        )

    def hybrid_forward(self, F, X, weight):
        if self.frozen:  # wrong: leaves MXNet for NumPy, which a symbol cannot
            X = np.array(X.asnumpy())
        return F.np.einsum('bi,ijk,bj->bk', X, weight, X)


def reduction(forward, shape=lambda d, m: (d, d, m), declare=True):
    class Layer(nn.Block):
        def __init__(self, in_units, units):
            super().__init__()
            size = shape(in_units, units)
            if declare:
                self.weight = self.params.get('weight', shape=size, init=init.Normal(1.0))
            else:
                self.weight = np.random.normal(size=size)

        def forward(self, X):
            W = self.weight.data(X.ctx) if declare else self.weight
            return forward(X, W)

    return Layer


def fourier(call):
    return type('Fourier', (nn.Block,), {'forward': lambda self, X: call(X)})


def half_dft(X, first, count):
    """Coefficients first, ..., first + count - 1 of the DFT, as (real, imaginary)."""
    d = X.shape[-1]
    n = np.arange(d, dtype=X.dtype)
    k = np.arange(first, first + count, dtype=X.dtype)
    angle = (2 * np.pi / d) * (np.outer(n, k) % d)
    return np.dot(X, np.cos(angle)), -np.dot(X, np.sin(angle))


def test_the_books_answers_and_other_correct_layers_pass(capsys):
    for layer in (d2l.TensorReduction, LoopReduction, LoopReduction(6, 2), HybridReduction):
        d2l.check_tensor_reduction(layer)
    d2l.check_fourier_half(d2l.FourierHalf)
    printed = capsys.readouterr().out
    assert 'passed: compiled: gives the same outputs under hybridize' in printed
    assert 'passed: compiled: not checked: the layer is an nn.Block' in printed


def test_each_wrong_tensor_reduction_fails_its_own_way():
    assert_each_fails_its_own_way(
        d2l.check_tensor_reduction,
        {
            'einsum subscripts in the wrong order': (
                reduction(lambda X, W: np.einsum('bi,ikj,bj->bk', X, W, X)),
                'runs only when d equals m',
                "'bi,ijk,bj->bk'",
            ),
            'weight stored transposed': (
                reduction(
                    lambda X, W: np.einsum('bi,kij,bj->bk', X, W, X), shape=lambda d, m: (m, d, d)
                ),
                'no parameter has the shape (d, d, m)',
                'for the shape',
            ),
            'weight detached': (
                reduction(lambda X, W: np.einsum('bi,ijk,bj->bk', X, W.detach(), X)),
                'no gradient reaches',
                '.detach()',
            ),
            'weight not made with self.params.get': (
                reduction(lambda X, W: np.einsum('bi,ijk,bj->bk', X, W, X), declare=False),
                'declares no parameters',
                'self.params.get',
            ),
            'breaks when hybridized': (
                lambda in_units, units: HybridReduction(in_units, units, frozen=True),
                'fails when hybridize compiles it',
                'not .asnumpy()',
            ),
        },
    )


def test_each_wrong_fourier_half_fails_its_own_way():
    assert_each_fails_its_own_way(
        d2l.check_fourier_half,
        {
            'd // 2 + 1 coefficients': (
                fourier(lambda X: half_dft(X, 0, X.shape[-1] // 2 + 1)),
                'wrong shape',
                'rfft',
            ),
            'the second half': (
                fourier(lambda X: half_dft(X, X.shape[-1] - X.shape[-1] // 2, X.shape[-1] // 2)),
                'the coefficients differ',
                'these are the last d // 2 coefficients',
            ),
        },
    )


class AlwaysBiased(nn.Block):
    """Wrong: ignores use_bias."""

    def __init__(self, units, use_bias=True):
        super().__init__()
        self.dense = nn.Dense(units)

    def forward(self, X):
        return self.dense(X)


def test_exercise_3_checks_gluons_use_bias(capsys):
    d2l.check_optional_bias(nn.Dense)
    assert 'use_bias=False: X @ W' in capsys.readouterr().out
    assert_each_fails_its_own_way(
        d2l.check_optional_bias,
        {
            'bias added anyway': (
                AlwaysBiased,
                'with use_bias=False the layer holds 2 weight(s)',
                'only when use_bias is true',
            )
        },
    )


def test_importing_the_helpers_loads_no_check_until_one_is_called():
    assert loaded_check_modules('mxnet') == '[]'
