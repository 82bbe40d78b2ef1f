"""d2l.mxnet's framework-neutral names behave as the chapter uses them."""

from mxnet import np

import helper_checks
from d2l import mxnet as d2l

HELPERS = helper_checks.Helpers(d2l, np.ndarray, lambda x: x.asnumpy())


@helper_checks.each_neutral_name
def test_the_framework_neutral_names_keep_their_promise(promise):
    promise(HELPERS)
