"""Helpers for the Custom Layers chapter, one module per framework.

Import the one for your framework, for example ``from d2l import torch as d2l``.
Nothing is imported here, so that importing one framework's helpers never
loads another framework.
"""

__version__ = "0.1.0"
