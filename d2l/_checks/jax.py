"""The checks' adapter for Flax linen modules; JAX and Flax are imported
when a check runs."""

import numpy as np

from .core import LAYER_TRAINS, LAYERS_WITH_PARAMETERS, Adapter, to_complex


class Jax(Adapter):
    compiler = 'jax.jit'

    HINTS = {
        'call': f'__call__(self, X) receives a batch of shape (batch, d); see {LAYERS_WITH_PARAMETERS}',
        'declare': 'create the weight with self.param (in setup or in an nn.compact '
        f'__call__), so that init returns it and training updates it; see {LAYERS_WITH_PARAMETERS}',
        'detached': 'did __call__ use jax.lax.stop_gradient, or a weight that init does not '
        f'return? See {LAYER_TRAINS}',
        'compiled': 'jax.jit traces __call__ with abstract values: use jnp operations, '
        'not NumPy on the arrays, .item() or Python decisions on their values',
    }

    def make(self, layer, **widths):
        from flax import linen

        if isinstance(layer, linen.Module):
            return layer
        return layer(widths['in_units'], widths['units']) if widths else layer()

    def _variables(self, layer, X):
        import jax

        # The same key each time: the weights of one check stay the same.
        self.variables = layer.init(jax.random.PRNGKey(0), X)
        return self.variables

    def widths(self, layer, d, m):
        # A linen module holds its sizes as fields; its weights live in its variables.
        return getattr(layer, 'in_units', d), getattr(layer, 'units', m)

    def forward(self, layer, X):
        import jax.numpy as jnp

        X = jnp.asarray(X)
        return to_complex(layer.apply(self._variables(layer, X), X), np.asarray)

    def parameters(self, layer):
        """The parameters of the last forward's variables."""
        import jax

        return self._flat(self.variables.get('params', {}), jax)

    def _flat(self, tree, jax):
        flat = jax.tree_util.tree_flatten_with_path(tree)[0]
        return {
            '/'.join(str(getattr(k, 'key', k)) for k in path): np.asarray(leaf)
            for path, leaf in flat
        }

    def gradients(self, layer, X):
        import jax
        import jax.numpy as jnp

        X = jnp.asarray(X)
        variables = self._variables(layer, X)

        def loss(params):
            output = layer.apply({**variables, 'params': params}, X)
            parts = output if isinstance(output, (tuple, list)) else [output]
            return sum(jnp.sum(jnp.real(p)) + jnp.sum(jnp.imag(p)) for p in parts)

        return self._flat(jax.grad(loss)(variables.get('params', {})), jax)

    def compiled(self, layer, inputs):
        import jax
        import jax.numpy as jnp

        apply = jax.jit(layer.apply)
        variables = self._variables(layer, jnp.asarray(inputs[0]))
        return [to_complex(apply(variables, jnp.asarray(X)), np.asarray) for X in inputs]
