"""d2l.mxnet's framework-neutral names behave as the chapter uses them."""

from mxnet import np

import helper_checks
from d2l import mxnet as d2l

globals().update(helper_checks.tests_for(d2l, np.ndarray, lambda x: x.asnumpy()))
