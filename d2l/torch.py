"""PyTorch helpers for the Custom Layers chapter."""
import torch
from torch import nn
from torch.nn import functional as F


def set_seed(seed):
    """Restart PyTorch's random number generator from `seed`."""
    torch.manual_seed(seed)


def check_tensor_reduction(layer):
    """Check an answer to the section's first exercise: `layer` (a class or
    an instance) must compute y_k = sum over i, j of W_ijk x_i x_j with a
    parameter W of shape (d, d, m). Prints what passed; raises CheckFailed
    with a hint at the first problem."""
    from d2l import _checks

    _checks.check_tensor_reduction(_checks.PyTorch(), layer)


def check_fourier_half(layer):
    """Check an answer to the section's second exercise: `layer` (a class or
    an instance) must return the first d // 2 DFT coefficients of its input's
    last axis (complex, or a pair of real and imaginary parts)."""
    from d2l import _checks

    _checks.check_fourier_half(_checks.PyTorch(), layer)


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

class CenteredLayer(nn.Module):
    """Subtract the mean of the input from each of its entries.

    Defined in :numref:`sec_custom_layer`"""
    def forward(self, X):
        return X - X.mean()

class MyDense(nn.Module):
    """A fully connected layer followed by ReLU, written out by hand.

    Defined in :numref:`sec_custom_layer`"""
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.zeros(units))

    def forward(self, X):
        if X.shape[-1] != self.weight.shape[0]:
            raise ValueError(f'MyDense expects inputs of width '
                             f'{self.weight.shape[0]}, got width {X.shape[-1]}')
        return F.relu(X @ self.weight + self.bias)

class TensorReduction(nn.Module):
    """Outputs y_k = sum over i, j of W_ijk x_i x_j, for a batch of x.

    Defined in :numref:`sec_custom_layer_answers`"""
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, in_units, units))

    def forward(self, X):
        return torch.einsum('bi,ijk,bj->bk', X, self.weight, X)

class FourierHalf(nn.Module):
    """The first half of the DFT coefficients along the last axis.

    Defined in :numref:`sec_custom_layer_answers`"""
    def forward(self, X):
        return torch.fft.fft(X)[..., :X.shape[-1] // 2]


# Alias defined in config.ini

tensor = torch.tensor
rand = torch.rand

