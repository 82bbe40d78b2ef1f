"""The Colab and SageMaker notebooks run as a learner gets them: verbatim, first
cell included, on a fresh host that has a Python and ipykernel only, or on a
Colab-like host with the book's floor versions preinstalled. The hosts and
their reports come from bookbuild/testing/learner_hosts.py (see conftest.py)."""

import math
import re

import nbformat
import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

from book_paths import BUILD, TABS
from bookbuild.testing import learner_hosts
from requirements_files import pinned_versions, requirements_in

NOTEBOOKS = BUILD / 'notebooks'
SECTION = 'chapter_builders-guide/custom-layer.ipynb'
ANSWERS = 'chapter_builders-guide/custom-layer-answers.ipynb'
FLOOR_TABS = ['pytorch', 'jax', 'tensorflow']

# Hosts with a framework preinstalled, as Colab has: (host, Python, file).
COLAB_LIKE = [(f'floor-{tab}', '3.11', f'floor/{tab}.txt') for tab in FLOOR_TABS] + [
    (f'colab-2026.07-{tab}', '3.12', f'colab-2026.07/{tab}.txt') for tab in ('jax', 'tensorflow')
]
D2L = 'd2l-custom-layers'


def host(reports, name):
    report = reports[name]
    assert 'setup_error' not in report, f'{name} could not run:\n{report["setup_error"]}'
    return report


def ran(report, notebook):
    """The report of one notebook on a host, which must have run every cell."""
    runs = {run['notebook']: run for run in report['notebooks']}
    assert notebook in runs, f'{notebook} never ran; the host ran {list(runs)}'
    run = runs[notebook]
    error = run['error']
    assert error is None, (
        f'{notebook} failed in code cell {error["cell"]}: '
        f'{error["ename"]}: {error["evalue"]}\n{error["printed"]}'
    )
    assert all(run['ran']), (
        f'{notebook}: cells that never ran: {[i for i, done in enumerate(run["ran"]) if not done]}'
    )
    return run


def book_versions(tab):
    """The zip's requirements.txt: the versions the book was executed with."""
    return pinned_versions(NOTEBOOKS / tab / 'plain' / 'requirements.txt')


def stored_results(tab, name):
    notebook = nbformat.read(NOTEBOOKS / tab / 'plain' / name, as_version=4)
    return [
        [o.data['text/plain'] for o in cell.outputs if o.output_type == 'execute_result']
        for cell in notebook.cells
        if cell.cell_type == 'code'
    ]


@pytest.mark.parametrize('tab', TABS)
@pytest.mark.parametrize('variant', ['colab', 'sagemaker'])
def test_notebook_runs_as_delivered_on_a_bare_host(host_reports, tab, variant):
    report = host(host_reports, f'bare-{tab}')
    assert report['python'].startswith('Python 3.11')
    assert 'ipykernel' in report['before']
    preinstalled = set(report['before']) & (FRAMEWORK_PACKAGES | {D2L})
    assert not preinstalled, f'the bare host was not bare: {sorted(preinstalled)}'
    ran(report, f'{tab}/{variant}/{SECTION}')
    assert FRAMEWORK_PACKAGES & set(report['after']) and D2L in report['after'], (
        'the first cell did not install d2l and the framework'
    )


# What the first cells may bring: none is on a bare host before they run.
FRAMEWORK_PACKAGES = {
    'torch',
    'mxnet',
    'jax',
    'jaxlib',
    'flax',
    'optax',
    'tensorflow',
    'tensorflow-cpu',
    'keras',
    'numpy',
}
NUMBER = re.compile(r'-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+')


def same_results(ran_results, book_results):
    """The same text, and the same numbers up to float32's last digit.

    The book runs TensorFlow with its oneDNN rewrites off (bookbuild/environments.py,
    KERNEL_ENV), for results that do not depend on the CPU's instruction
    set; a learner's kernel has them on, and TensorFlow's sums may then end
    one unit of float32 rounding away, which numpy prints as a different
    last digit."""
    if len(ran_results) != len(book_results):
        return False
    for ran_text, book_text in zip(ran_results, book_results):
        if NUMBER.sub('#', ran_text).replace(' ', '') != NUMBER.sub('#', book_text).replace(
            ' ', ''
        ):
            return False
        for got, expected in zip(NUMBER.findall(ran_text), NUMBER.findall(book_text)):
            if not math.isclose(float(got), float(expected), rel_tol=1e-6, abs_tol=1e-7):
                return False
    return True


@pytest.mark.parametrize('tab', TABS)
def test_an_edition_notebook_runs_as_delivered_on_a_bare_host(host_reports, tab):
    """One edition notebook per framework (EDITION_NOTEBOOKS): its prose is
    translated, its code is the English, and it runs on the same host."""
    lang, form = learner_hosts.EDITION_NOTEBOOKS[tab]
    path = BUILD / lang / 'notebooks' / tab / form / SECTION
    english = nbformat.read(NOTEBOOKS / tab / form / SECTION, as_version=4)
    notebook = nbformat.read(path, as_version=4)
    assert notebook.cells[0].source != english.cells[0].source, 'the header is not translated'
    ran(host(host_reports, f'bare-{tab}'), f'{lang}/notebooks/{tab}/{form}/{SECTION}')


@pytest.mark.parametrize('tab', TABS)
def test_bare_host_gets_the_books_versions_and_its_outputs(host_reports, tab):
    """With nothing preinstalled, pip takes the top of each supported range,
    which is the build's own version: the seeded outputs are the page's."""
    report = host(host_reports, f'bare-{tab}')
    installed = {canonicalize_name(name): version for name, version in report['after'].items()}
    for name, version in book_versions(tab).items():
        if name == 'numpy':  # ranges up to NumPy's next major release
            continue
        assert name in installed and Version(installed[name]).public == Version(version).public, (
            f'bare {tab} host got {name} {installed.get(name)}, the book ran {version}'
        )
    lang, form = learner_hosts.EDITION_NOTEBOOKS[tab]
    for notebook, name in [
        (f'{tab}/colab/{SECTION}', SECTION),
        (f'{tab}/sagemaker/{SECTION}', SECTION),
        (f'{tab}/colab/{ANSWERS}', ANSWERS),
        # The edition's notebook, under its translated prose, is the book's code.
        (f'{lang}/notebooks/{tab}/{form}/{SECTION}', SECTION),
    ]:
        results = ran(report, notebook)['results']
        expected = stored_results(tab, name)
        assert any(expected), 'the notebook shows no results to compare'
        assert len(results) == len(expected) + 1, 'the notebook is not the book\'s under one cell'
        for index, (got, book) in enumerate(zip(results[1:], expected)):
            assert same_results(got, book), (
                f'{notebook}, code cell {index + 1}: {got} differs from the book\'s {book}'
            )


@pytest.mark.parametrize('tab', TABS)
def test_colab_and_sagemaker_first_cells_are_the_same(tab):
    """Why one bare host may run both: the SageMaker notebook's setup is the
    Colab notebook's, on a host the Colab notebook already set up."""
    first = {
        variant: next(
            cell
            for cell in nbformat.read(NOTEBOOKS / tab / variant / SECTION, as_version=4).cells
            if cell.cell_type == 'code'
        )
        for variant in ('colab', 'sagemaker')
    }
    assert first['colab'].source == first['sagemaker'].source


@pytest.mark.parametrize('name, python, preinstalled', COLAB_LIKE)
def test_colab_like_host_keeps_its_preinstalled_frameworks(
    host_reports, name, python, preinstalled
):
    report = host(host_reports, name)
    before, after = report['before'], report['after']
    changed = {
        name: (before[name], after.get(name)) for name in before if after.get(name) != before[name]
    }
    assert not changed, f'the first cell changed preinstalled packages: {changed}'
    assert set(after) - set(before) == {D2L}, (
        f'the first cell installed more than d2l: {sorted(set(after) - set(before))}'
    )


@pytest.mark.parametrize('name, python, preinstalled', COLAB_LIKE)
def test_section_and_answers_run_on_a_colab_like_host(host_reports, name, python, preinstalled):
    """At the floor versions (Colab 2025.07's, Python 3.11), and as Colab's
    runtime 2026.07 has them (Python 3.12)."""
    report = host(host_reports, name)
    assert report['python'].startswith(f'Python {python}'), report['python']
    text = (BUILD.parent / 'requirements' / preinstalled).read_text()
    for pin in requirements_in(text):
        installed = report['before'].get(canonicalize_name(pin.name))
        assert installed and pin.specifier.contains(installed), (pin, installed)
    tab = name.rsplit('-', 1)[1]
    ran(report, f'{tab}/colab/{SECTION}')
    ran(report, f'{tab}/colab/{ANSWERS}')


def test_mxnet_notebook_stops_at_once_on_python_312(host_reports):
    report = host(host_reports, 'mxnet-python3.12')
    assert report['python'].startswith('Python 3.12'), report['python']
    [run] = report['notebooks']
    error = run['error']
    assert error and error['cell'] == 0 and error['ename'] == 'RuntimeError', error
    for words in (
        'Python 3.12',
        'NumPy older than 1.24',
        'Change runtime version',
        'Python 3.11',
        '2025.07',
    ):
        assert words in error['evalue'], f'the message does not say {words!r}: {error["evalue"]}'
    assert run['ran'][1:] == [False] * (len(run['ran']) - 1), 'cells after the check ran'
    assert report['after'] == report['before'], 'the check installed something before stopping'


def test_first_cell_stops_the_notebook_when_pip_fails(host_reports):
    report = host(host_reports, 'pip-fails')
    [run] = report['notebooks']
    error = run['error']
    assert error and error['cell'] == 0 and error['ename'] == 'RuntimeError', error
    assert 'pip could not install d2l-custom-layers[jax]==0.0.0' in error['evalue']
    assert 'No matching distribution' in error['printed'], 'pip\'s own message is not shown'
    assert not any(run['ran'][1:]), 'the notebook went on after pip failed'
