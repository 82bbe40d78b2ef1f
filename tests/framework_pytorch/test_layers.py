"""The chapter's PyTorch layers, as `make lib` copied them into d2l.torch."""

import pytest
import torch

from d2l import torch as d2l


def test_centered_layer_output_mean_is_zero():
    torch.manual_seed(0)
    Y = d2l.CenteredLayer()(torch.rand(4, 8) * 10 + 3)
    assert abs(float(Y.mean())) < 1e-5


def test_my_dense_output_has_the_batch_and_unit_shape():
    assert tuple(d2l.MyDense(5, 3)(torch.rand(2, 5)).shape) == (2, 3)


def test_my_dense_output_is_never_negative():
    with torch.no_grad():
        assert float(d2l.MyDense(5, 3)(torch.randn(16, 5)).min()) >= 0


def test_my_dense_weight_grad_is_set_after_backward():
    torch.manual_seed(0)
    layer = d2l.MyDense(5, 3)
    layer(torch.rand(8, 5)).sum().backward()
    assert layer.weight.grad is not None and layer.bias.grad is not None
    assert float(layer.weight.grad.abs().sum()) > 0


def test_my_dense_registers_weight_and_bias_as_parameters():
    names = dict(d2l.MyDense(5, 3).named_parameters())
    assert set(names) == {'weight', 'bias'}
    assert tuple(names['weight'].shape) == (5, 3) and tuple(names['bias'].shape) == (3,)


def test_my_dense_names_both_widths_on_a_wrong_input():
    with pytest.raises(ValueError, match=r'width 5, got width 4'):
        d2l.MyDense(5, 3)(torch.rand(2, 4))


def test_my_dense_state_dict_round_trip_gives_the_same_output(tmp_path):
    torch.manual_seed(0)
    layer, clone = d2l.MyDense(5, 3), d2l.MyDense(5, 3)
    torch.save(layer.state_dict(), tmp_path / 'layer.pt')
    clone.load_state_dict(torch.load(tmp_path / 'layer.pt'))
    X = torch.rand(4, 5)
    assert torch.equal(layer(X), clone(X))
