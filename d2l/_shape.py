"""Shape handling shared by the framework modules (imports nothing heavy)."""


def as_shape(dims):
    """Accept both `f(4, 8)` and `f((4, 8))` call styles; return a tuple."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        return tuple(dims[0])
    return tuple(dims)
