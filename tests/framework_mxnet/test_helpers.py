"""d2l.mxnet's framework-neutral names behave as the chapter uses them."""
from mxnet import np

from d2l import mxnet as d2l


def test_tensor_makes_an_mxnet_ndarray_with_the_values():
    x = d2l.tensor([1.0, 2, 3])
    assert isinstance(x, np.ndarray)
    assert x.tolist() == [1.0, 2.0, 3.0]


def test_rand_takes_the_shape_as_arguments_or_as_a_tuple():
    assert d2l.rand(4, 8).shape == (4, 8)
    assert d2l.rand((4, 8)).shape == (4, 8)


def test_rand_is_uniform_on_the_unit_interval():
    d2l.set_seed(0)
    x = d2l.rand(200, 500)
    assert float(x.min()) >= 0 and float(x.max()) < 1
    assert abs(float(x.mean()) - 0.5) < 0.01


def test_set_seed_repeats_the_draws():
    d2l.set_seed(3)
    first = d2l.rand(5).asnumpy()
    d2l.set_seed(3)
    assert (first == d2l.rand(5).asnumpy()).all()
