"""The checks' adapter for PyTorch layers (torch.nn.Module); torch is
imported when a check runs."""

from .core import (
    LAYER_TRAINS,
    LAYERS_WITH_PARAMETERS,
    Adapter,
    CheckFailed,
    NotCompiled,
    to_complex,
)


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
