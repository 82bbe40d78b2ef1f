"""d2l.torch's framework-neutral names behave as the chapter uses them."""

import torch

import helper_checks
from d2l import torch as d2l

HELPERS = helper_checks.Helpers(d2l, torch.Tensor, lambda x: x.numpy())


@helper_checks.each_neutral_name
def test_the_framework_neutral_names_keep_their_promise(promise):
    promise(HELPERS)
