"""d2l.torch's framework-neutral names behave as the chapter uses them."""

import torch

import helper_checks
from d2l import torch as d2l

globals().update(helper_checks.tests_for(d2l, torch.Tensor, lambda x: x.numpy()))
