"""d2l.check_tensor_reduction and d2l.check_fourier_half on PyTorch layers:
the book's answers and other correct ones pass; each kind of wrong layer
fails with its own message."""

import torch
from torch import nn

from d2l import torch as d2l
from helper_checks import (
    assert_each_fails_its_own_way,
    loaded_check_modules,
    run_exercise_3_on_keras,
)


class LoopReduction(nn.Module):
    """Correct, without einsum: one quadratic form per output."""

    def __init__(self, in_units, units):
        super().__init__()
        self.W = nn.Parameter(torch.randn(in_units, in_units, units))

    def forward(self, X):
        return torch.stack(
            [((X @ self.W[:, :, k]) * X).sum(dim=1) for k in range(self.W.shape[2])], dim=1
        )


class PairFourier(nn.Module):
    """Correct, as (real, imaginary) parts."""

    def forward(self, X):
        Z = torch.fft.fft(X)[..., : X.shape[-1] // 2]
        return Z.real, Z.imag


def reduction(forward, shape=lambda d, m: (d, d, m), register=True):
    class Layer(nn.Module):
        def __init__(self, in_units, units):
            super().__init__()
            weight = torch.randn(*shape(in_units, units))
            self.weight = nn.Parameter(weight) if register else weight

        def forward(self, X):
            return forward(self, X)

    return Layer


def fourier(forward):
    return type('Fourier', (nn.Module,), {'forward': lambda self, X: forward(X)})


def test_the_books_answers_and_other_correct_layers_pass(capsys):
    for layer in (d2l.TensorReduction, LoopReduction, LoopReduction(6, 2)):
        d2l.check_tensor_reduction(layer)
    for layer in (d2l.FourierHalf, PairFourier, PairFourier()):
        d2l.check_fourier_half(layer)
    printed = capsys.readouterr().out
    assert 'passed: gradients: reach every parameter (W)' in printed
    assert 'passed: compiled: not checked: PyTorch runs a layer as it is written' in printed


def test_each_wrong_tensor_reduction_fails_its_own_way():
    assert_each_fails_its_own_way(
        d2l.check_tensor_reduction,
        {
            'einsum subscripts in the wrong order': (
                reduction(lambda self, X: torch.einsum('bi,ikj,bj->bk', X, self.weight, X)),
                'runs only when d equals m',
                "'bi,ijk,bj->bk'",
            ),
            'weight stored transposed': (
                reduction(
                    lambda self, X: torch.einsum('bi,kij,bj->bk', X, self.weight, X),
                    shape=lambda d, m: (m, d, d),
                ),
                'no parameter has the shape (d, d, m)',
                'for the shape',
            ),
            'forward uses .data': (
                reduction(lambda self, X: torch.einsum('bi,ijk,bj->bk', X, self.weight.data, X)),
                'the output does not depend on the parameters',
                'did forward use .data',
            ),
            'weight not registered': (
                reduction(
                    lambda self, X: torch.einsum('bi,ijk,bj->bk', X, self.weight, X),
                    register=False,
                ),
                'declares no parameters',
                'nn.Parameter',
            ),
        },
    )


def test_each_wrong_fourier_half_fails_its_own_way():
    assert_each_fails_its_own_way(
        d2l.check_fourier_half,
        {
            'd // 2 + 1 coefficients': (fourier(torch.fft.rfft), 'wrong shape', 'rfft'),
            'the second half': (
                fourier(lambda X: torch.fft.fft(X)[..., X.shape[-1] - X.shape[-1] // 2 :]),
                'the coefficients differ',
                'these are the last d // 2 coefficients',
            ),
            'not a transform': (
                fourier(lambda X: X[..., : X.shape[-1] // 2]),
                'the coefficients differ',
                'z_k = sum over n',
            ),
        },
    )


def test_exercise_3_checks_the_use_bias_setting_and_the_configuration(capsys):
    run_exercise_3_on_keras(d2l, 'torch')
    assert 'use_bias=False survives get_config and from_config' in capsys.readouterr().out


def test_importing_the_helpers_loads_no_check_until_one_is_called():
    assert loaded_check_modules('torch') == '[]'
