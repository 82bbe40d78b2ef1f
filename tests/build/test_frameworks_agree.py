"""The chapter's layers compute the same numbers in every framework.

The weights and inputs come from NumPy; tests/agreement/run_layers.py sets
them into each framework's d2l layers, in that framework's environment.
"""

import os
import subprocess

import nbformat
import numpy as np
import pytest

from book_paths import PROJECT, ROOT, SECTION, TABS, eval_dir_for
from bookbuild.frameworks import framework
from bookbuild.identity import KERNEL_ENV

RUN_LAYERS = ROOT / 'tests' / 'agreement' / 'run_layers.py'
TOLERANCE = dict(rtol=1e-5, atol=1e-5)


def write_inputs(path):
    rng = np.random.default_rng(0)
    batch, d, units, m = 4, 8, 3, 2
    inputs = {
        # Inputs on both sides of zero, so the ReLU clips some outputs.
        'X': rng.uniform(-1, 1, (batch, d)),
        'dense_weight': rng.standard_normal((d, units)),
        'dense_bias': rng.standard_normal(units),
        'reduction_weight': rng.standard_normal((d, d, m)),
    }
    inputs = {name: value.astype(np.float32) for name, value in inputs.items()}
    np.savez(path, **inputs)
    return inputs


def numpy_reference(inputs):
    X = inputs['X'].astype(np.float64)
    return {
        'dense': np.maximum(X @ inputs['dense_weight'] + inputs['dense_bias'], 0),
        'reduction': np.einsum('bi,ijk,bj->bk', X, inputs['reduction_weight'], X),
        'fourier': np.fft.fft(X)[:, : X.shape[1] // 2],
    }


def keras_layer_source(path):
    """The section's MyKerasDense class, from the code it ran (in any tab
    with a Keras backend the cell is the same), without its imports."""
    notebook = nbformat.read(eval_dir_for('tensorflow') / f'{SECTION}.ipynb', as_version=4)
    [cell] = [
        c.source
        for c in notebook.cells
        if c.cell_type == 'code' and 'class MyKerasDense' in c.source
    ]
    path.write_text(cell)
    return path


def run_in_every_framework(inputs_path, tmp_path):
    """Start the helper in each framework's environment at once; collect outputs."""
    env = dict(os.environ, **KERNEL_ENV)
    keras_layer = keras_layer_source(tmp_path / 'keras_layer.py')
    processes = {}
    for tab in TABS:
        cmd = [
            str(PROJECT.env_python(tab)),
            str(RUN_LAYERS),
            tab,
            str(inputs_path),
            str(tmp_path / f'{tab}.npz'),
            str(keras_layer),
        ]
        processes[tab] = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
    outputs = {}
    for tab, process in processes.items():
        log, _ = process.communicate(timeout=300)
        assert process.returncode == 0, f'{tab}: run_layers.py failed:\n{log[-3000:]}'
        with np.load(tmp_path / f'{tab}.npz') as saved:
            outputs[tab] = dict(saved)
    return outputs


@pytest.fixture(scope='module')
def ran(tmp_path_factory):
    """(inputs, {tab: outputs}): every framework run once for this module."""
    tmp_path = tmp_path_factory.mktemp('agreement')
    inputs = write_inputs(tmp_path / 'inputs.npz')
    return inputs, run_in_every_framework(tmp_path / 'inputs.npz', tmp_path)


def test_my_dense_tensor_reduction_and_fourier_half_agree_across_frameworks(ran):
    inputs, outputs = ran
    reference = numpy_reference(inputs)
    first = TABS[0]
    assert 0 < np.count_nonzero(reference['dense']) < reference['dense'].size, (
        'the inputs should make the ReLU clip some outputs and pass others'
    )
    for name, expected in reference.items():
        assert outputs[first][name].shape == expected.shape, f'{first}: {name} has the wrong shape'
        assert np.allclose(outputs[first][name], expected, **TOLERANCE), (
            f'{first}: {name} differs from NumPy'
        )
        for tab in TABS[1:]:
            assert outputs[tab][name].shape == expected.shape, f'{tab}: {name} has the wrong shape'
            assert np.allclose(outputs[tab][name], outputs[first][name], **TOLERANCE), (
                f'{name}: {tab} differs from {first}'
            )


def test_my_keras_dense_agrees_on_the_three_keras_backends(ran):
    """The same weights and input give the same output on torch, jax and
    tensorflow, each in its own environment, and that output is NumPy's."""
    inputs, outputs = ran
    expected = numpy_reference(inputs)['dense']
    backends = {
        tab: str(outputs[tab]['keras_backend']) for tab in TABS if 'keras_dense' in outputs[tab]
    }
    # Each as frameworks.py names it: the environment variable took effect.
    assert backends == {
        tab: framework(tab).keras_backend for tab in TABS if framework(tab).keras_backend
    }
    assert len(backends) == 3
    for tab in backends:
        assert np.allclose(outputs[tab]['keras_dense'], expected, **TOLERANCE), (
            f'MyKerasDense on {backends[tab]} differs from NumPy'
        )
        assert np.allclose(
            outputs[tab]['keras_dense'], outputs['tensorflow']['keras_dense'], **TOLERANCE
        ), f'MyKerasDense: {backends[tab]} differs from tensorflow'
