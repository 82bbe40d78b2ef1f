"""The chapter's own benchmark: d2l's MyDense, which the chapter writes, against
the framework's built-in dense layer followed by ReLU, forward and backward.

`make bench` runs it in each framework's environment (config.ini [bench]
in_framework), as `python benchmarks/layers.py <tab>`; it prints a JSON list
of rows {measure, ours, reference, unit, goal}, the seconds per step of each
layer.

Steps: batch 256, 1024 -> 1024, float32, on the CPU; JAX under jit. The two
layers are timed in alternating rounds, and the fastest round of each
counts: a neighbour's build on the machine only ever adds time.
"""

import json
import sys
import time

BATCH, IN_UNITS, UNITS = 256, 1024, 1024
WARMUP_STEPS, ROUNDS, STEPS_PER_ROUND = 3, 9, 10
# What each framework's built-in reference is, as the table names it.
BUILT_IN = {
    'pytorch': 'nn.Linear + ReLU',
    'mxnet': "nn.Dense(activation='relu')",
    'jax': 'nn.Dense + relu, jit',
    'tensorflow': "Dense(activation='relu')",
}


def pytorch_steps():
    import torch
    from torch import nn

    from d2l import torch as d2l

    torch.manual_seed(0)
    X = torch.rand(BATCH, IN_UNITS)
    custom = d2l.MyDense(IN_UNITS, UNITS)
    builtin = nn.Sequential(nn.Linear(IN_UNITS, UNITS), nn.ReLU())

    def step_of(layer):
        def step():
            layer.zero_grad(set_to_none=True)
            layer(X).sum().backward()

        return step

    return step_of(custom), step_of(builtin)


def mxnet_steps():
    from mxnet import autograd, np, npx
    from mxnet.gluon import nn

    from d2l import mxnet as d2l

    npx.random.seed(0)
    X = np.random.uniform(size=(BATCH, IN_UNITS))
    custom = d2l.MyDense(IN_UNITS, UNITS)
    builtin = nn.Dense(UNITS, activation='relu', in_units=IN_UNITS)
    for layer in (custom, builtin):
        layer.initialize()

    def step_of(layer):
        def step():
            with autograd.record():
                Y = layer(X)
            Y.backward()
            npx.waitall()  # MXNet runs asynchronously: wait for the result

        return step

    return step_of(custom), step_of(builtin)


def jax_steps():
    import jax
    from flax import linen as nn

    from d2l import jax as d2l

    X = jax.random.uniform(jax.random.key(0), (BATCH, IN_UNITS))
    custom = d2l.MyDense(IN_UNITS, UNITS)
    builtin = nn.Sequential([nn.Dense(UNITS), nn.relu])

    def step_of(layer):
        params = layer.init(jax.random.key(1), X)
        gradient = jax.jit(jax.grad(lambda p, x: layer.apply(p, x).sum(), argnums=(0, 1)))

        def step():
            jax.block_until_ready(gradient(params, X))

        return step

    return step_of(custom), step_of(builtin)


def tensorflow_steps():
    import tensorflow as tf

    from d2l import tensorflow as d2l

    tf.keras.utils.set_random_seed(0)
    X = tf.random.uniform((BATCH, IN_UNITS))
    custom = d2l.MyDense(UNITS)  # Keras reads the input width off X
    builtin = tf.keras.layers.Dense(UNITS, activation='relu')
    for layer in (custom, builtin):
        layer.build((None, IN_UNITS))

    def step_of(layer):
        def step():
            with tf.GradientTape() as tape:
                tape.watch(X)
                loss = tf.reduce_sum(layer(X))
            tape.gradient(loss, [X, *layer.trainable_variables])

        return step

    return step_of(custom), step_of(builtin)


STEPS = {
    'pytorch': pytorch_steps,
    'mxnet': mxnet_steps,
    'jax': jax_steps,
    'tensorflow': tensorflow_steps,
}


def seconds_per_step(step):
    start = time.perf_counter()
    for _ in range(STEPS_PER_ROUND):
        step()
    return (time.perf_counter() - start) / STEPS_PER_ROUND


def time_layers(tab):
    custom, builtin = STEPS[tab]()
    for step in (custom, builtin):
        for _ in range(WARMUP_STEPS):
            step()
    rounds = {'custom': [], 'builtin': []}
    for index in range(ROUNDS):
        order = [('custom', custom), ('builtin', builtin)]
        for name, step in order if index % 2 == 0 else order[::-1]:
            rounds[name].append(seconds_per_step(step))
    return {name: min(times) for name, times in rounds.items()}


def main():
    tab = sys.argv[1]
    times = time_layers(tab)
    row = {
        'measure': f'{tab}: MyDense vs {BUILT_IN[tab]}, fwd+bwd, 256×1024→1024 f32 CPU, per step',
        'ours': times['custom'],
        'reference': times['builtin'],
        'unit': 'ms',
        'goal': '≤ 1.10',
    }
    print(json.dumps([row]))


if __name__ == '__main__':
    main()
