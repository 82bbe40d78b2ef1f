"""The chapter's PyTorch layers, as `make lib` copied them into d2l.torch."""
import torch

from d2l import torch as d2l


def test_centered_layer_output_mean_is_zero():
    torch.manual_seed(0)
    Y = d2l.CenteredLayer()(torch.rand(4, 8) * 10 + 3)
    assert abs(float(Y.mean())) < 1e-5


def test_dense_relu_output_has_the_batch_and_unit_shape():
    assert tuple(d2l.DenseReLU(5, 3)(torch.rand(2, 5)).shape) == (2, 3)


def test_dense_relu_output_is_never_negative():
    with torch.no_grad():
        assert float(d2l.DenseReLU(5, 3)(torch.randn(16, 5)).min()) >= 0


def test_dense_relu_weight_grad_is_set_after_backward():
    torch.manual_seed(0)
    layer = d2l.DenseReLU(5, 3)
    layer(torch.rand(8, 5)).sum().backward()
    assert layer.weight.grad is not None and layer.bias.grad is not None
    assert float(layer.weight.grad.abs().sum()) > 0


def test_dense_relu_registers_weight_and_bias_as_parameters():
    names = dict(d2l.DenseReLU(5, 3).named_parameters())
    assert set(names) == {'weight', 'bias'}
    assert tuple(names['weight'].shape) == (5, 3) and tuple(names['bias'].shape) == (3,)
