"""The Colab and SageMaker notebooks run as a learner gets them: verbatim, first
cell included, on a fresh host that has a Python and ipykernel only, and on
replicas of the hosts learners use, copied from the hosts' own manifests
(requirements/hosts/). The hosts and their reports come from
bookbuild/testing/learner_hosts.py (see conftest.py)."""

import math
import re
from pathlib import Path

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
PLANS = learner_hosts.plans()
BARE_TABS = [plan.tab for plan in PLANS if plan.name.startswith('bare-')]
# (host, framework) of every replica's plan.
REPLICA_PLANS = [plan for plan in PLANS if plan.replica]
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


@pytest.mark.parametrize('tab', BARE_TABS)
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


@pytest.mark.parametrize('tab', BARE_TABS)
def test_an_edition_notebook_runs_as_delivered_on_a_bare_host(host_reports, tab):
    """One edition notebook per framework (EDITION_NOTEBOOKS): its prose is
    translated, its code is the English, and it runs on the same host."""
    lang, form = learner_hosts.EDITION_NOTEBOOKS[tab]
    path = BUILD / lang / 'notebooks' / tab / form / SECTION
    english = nbformat.read(NOTEBOOKS / tab / form / SECTION, as_version=4)
    notebook = nbformat.read(path, as_version=4)
    assert notebook.cells[0].source != english.cells[0].source, 'the header is not translated'
    ran(host(host_reports, f'bare-{tab}'), f'{lang}/notebooks/{tab}/{form}/{SECTION}')


@pytest.mark.parametrize('tab', BARE_TABS)
def test_bare_host_gets_the_newest_releases_and_the_books_outputs(host_reports, tab):
    """With nothing preinstalled, pip takes the newest release the package
    index offers (the ranges have no cap), never one older than the book
    was built with, and the seeded outputs are the page's."""
    report = host(host_reports, f'bare-{tab}')
    installed = {canonicalize_name(name): version for name, version in report['after'].items()}
    for name, version in book_versions(tab).items():
        assert name in installed and Version(installed[name]) >= Version(version), (
            f'bare {tab} host got {name} {installed.get(name)}, older than the book\'s {version}'
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


def python_at_least(report, version):
    major, minor = map(int, report['python'].split()[1].split('.')[:2])
    return (major, minor) >= version


def replica_report(host_reports, plan):
    report = host(host_reports, plan.name)
    assert report['python'].startswith(f'Python {plan.replica.python}.'), report['python']
    return report


@pytest.mark.parametrize('plan', REPLICA_PLANS, ids=lambda plan: plan.name)
def test_replica_has_exactly_its_hosts_frameworks(host_reports, plan):
    """What the notebooks met is what the host's manifest lists, at its
    versions (a replica installs PyPI's release of the same version)."""
    report = replica_report(host_reports, plan)
    for pin in requirements_in('\n'.join(plan.replica.requirements)):
        installed = report['before'].get(canonicalize_name(pin.name))
        assert installed and pin.specifier.contains(installed), (
            f'{plan.name}: the manifest lists {pin}, the replica had {installed}'
        )
    assert D2L not in report['before']


@pytest.mark.skipif(not REPLICA_PLANS, reason='LEARNER_HOSTS selects no replica')
def test_replicas_stay_pristine_under_their_copies(host_reports):
    """What the notebooks installed went into their copies only: each
    replica still has its manifest's versions and no d2l."""
    replicas = {host(host_reports, plan.name)['replica']: plan.replica for plan in REPLICA_PLANS}
    for folder, manifest in replicas.items():
        installed = learner_hosts.installed(Path(folder) / 'env' / 'bin' / 'python')
        assert D2L not in installed, f'{folder} has d2l: a copy wrote into the replica'
        for pin in requirements_in('\n'.join(manifest.requirements)):
            version = installed.get(canonicalize_name(pin.name))
            assert version and pin.specifier.contains(version), (folder, pin, version)


@pytest.mark.parametrize(
    'plan', [plan for plan in REPLICA_PLANS if plan.tab != 'mxnet'], ids=lambda plan: plan.name
)
def test_section_and_answers_run_on_the_replica_keeping_its_frameworks(host_reports, plan):
    """Every hosted notebook runs, and every package the host had keeps its
    version, NumPy included: the first cell adds what is missing (d2l, and
    the framework where the host lacks it) around them."""
    report = replica_report(host_reports, plan)
    for notebook in plan.notebooks:
        run = ran(report, learner_hosts.report_name(notebook))
        assert 'restarted_after' not in run, f'{notebook} asked for a restart'
    before, after = report['before'], report['after']
    changed = {
        name: (before[name], after.get(name)) for name in before if after.get(name) != before[name]
    }
    assert not changed, f'the first cell changed what the host had: {changed}'
    assert D2L in after


@pytest.mark.parametrize(
    'plan', [plan for plan in REPLICA_PLANS if plan.tab == 'mxnet'], ids=lambda plan: plan.name
)
def test_mxnet_stops_cleanly_where_it_cannot_install(host_reports, plan):
    """Python 3.12 and later: the first cell stops at once, installing
    nothing, and says why and what to do. Python 3.11: MXNet needs NumPy
    1.23, so pip replaces the host's NumPy; the runtime had loaded it (Colab
    imports NumPy at start), so the first cell asks for a restart, and after
    it the notebooks run."""
    report = replica_report(host_reports, plan)
    section = learner_hosts.report_name(plan.notebooks[0])
    if python_at_least(report, (3, 12)):
        [run] = report['notebooks']
        assert run['notebook'] == section
        error = run['error']
        assert error and error['cell'] == 0 and error['ename'] == 'RuntimeError', error
        for words in (
            f'Python {report["python"].split()[1].rsplit(".", 1)[0]}',
            'NumPy older than 1.24',
            'Change runtime version',
            'Python 3.11',
            '2025.07',
        ):
            assert words in error['evalue'], (
                f'the message does not say {words!r}: {error["evalue"]}'
            )
        assert not any(run['ran'][1:]), 'cells after the check ran'
        assert report['after'] == report['before'], 'the check installed something before stopping'
        return
    for notebook in plan.notebooks:
        ran(report, learner_hosts.report_name(notebook))
    first = ran(report, section)
    if plan.replica.form == 'colab':
        stopped = first['restarted_after']['error']
        assert stopped['cell'] == 0 and learner_hosts.RESTART in stopped['evalue'], stopped
        assert 'pip replaced numpy' in stopped['printed'], stopped['printed']
    before, after = report['before'], report['after']
    changed = {name for name in before if after.get(name) != before[name]}
    assert changed <= {'numpy'}, f'the MXNet notebook changed more than NumPy: {changed}'
    assert after['mxnet'] == '1.9.1' and after['numpy'].startswith('1.23.')


@pytest.mark.skipif(not learner_hosts.is_selected('pip-fails'), reason='not in LEARNER_HOSTS')
def test_first_cell_stops_the_notebook_when_pip_fails(host_reports):
    report = host(host_reports, 'pip-fails')
    [run] = report['notebooks']
    error = run['error']
    assert error and error['cell'] == 0 and error['ename'] == 'RuntimeError', error
    assert 'pip could not install d2l-custom-layers[jax]==0.0.0' in error['evalue']
    assert 'No matching distribution' in error['printed'], 'pip\'s own message is not shown'
    assert not any(run['ran'][1:]), 'the notebook went on after pip failed'
