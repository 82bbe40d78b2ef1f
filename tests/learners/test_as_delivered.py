"""The Colab and SageMaker notebooks run as a learner gets them: verbatim, first
cell included, on a fresh host that has a Python and ipykernel only, and on
replicas of the hosts learners use, copied from the hosts' own manifests
(requirements/hosts/). The hosts and their reports come from
bookbuild/testing/learner_hosts.py (see conftest.py); what happens when pip
fails, or when a framework meets a Python it cannot install on, is shown by
tests/unit/test_install_cell.py, with no host at all."""

import math
import re
from pathlib import Path

import nbformat
import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

from book_paths import PROJECT, TABS
from bookbuild.frameworks import FRAMEWORKS, framework
from bookbuild.testing import host_envs, host_plans, host_worker
from requirements_files import pinned_versions, requirements_in

# Collected from the repository's project; the hosts run in conftest.py's.
PLANS = host_plans.plans(PROJECT)
BARE_PLANS = [plan for plan in PLANS if plan.name.startswith('bare-')]
# (host, framework) of every replica's plan.
REPLICA_PLANS = [plan for plan in PLANS if plan.replica]
D2L = 'd2l-custom-layers'


def host(reports, name):
    report = reports[name]
    assert 'setup_error' not in report, f'{name} could not run:\n{report["setup_error"]}'
    return report


def ran(report, notebook):
    """The report of one notebook (its host_plans.Notebook.name) on a
    host, which must have run every cell."""
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
    return pinned_versions(PROJECT.english.reader_notebooks('plain', tab) / 'requirements.txt')


def stored_results(notebook):
    """The book's results of a hosted notebook: those of its English plain
    twin, which has the same code under one cell less."""
    notebook = nbformat.read(notebook.plain().path(PROJECT), as_version=4)
    return [
        [o.data['text/plain'] for o in cell.outputs if o.output_type == 'execute_result']
        for cell in notebook.cells
        if cell.cell_type == 'code'
    ]


@pytest.mark.parametrize('plan', BARE_PLANS, ids=lambda plan: plan.name)
def test_every_notebook_runs_as_delivered_on_a_bare_host(host_reports, plan):
    """Every page with code, in Colab's variant, the first in SageMaker's too,
    and in an edition (host_plans.bare_notebooks)."""
    assert {'colab', 'sagemaker'} <= {notebook.variant for notebook in plan.notebooks}
    report = host(host_reports, plan.name)
    assert report['python'].startswith('Python 3.11')
    assert 'ipykernel' in report['before']
    preinstalled = set(report['before']) & (FRAMEWORK_PACKAGES | {D2L})
    assert not preinstalled, f'the bare host was not bare: {sorted(preinstalled)}'
    for notebook in plan.notebooks:
        ran(report, notebook.name)
    assert FRAMEWORK_PACKAGES & set(report['after']) and D2L in report['after'], (
        'the first cell did not install d2l and the framework'
    )


# What the first cells may bring (every framework's kept and the other
# names of its distribution): none is on a bare host before they run.
FRAMEWORK_PACKAGES = {
    name for entry in FRAMEWORKS.values() for name in (*entry.kept, *entry.distribution_names)
}
NUMBER = re.compile(r'-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+')


def same_results(ran_results, book_results):
    """The same text, and the same numbers up to float32's last digit.

    The book runs TensorFlow with its oneDNN rewrites off (bookbuild/identity.py,
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


@pytest.mark.parametrize('plan', BARE_PLANS, ids=lambda plan: plan.name)
def test_an_edition_notebook_runs_as_delivered_on_a_bare_host(host_reports, plan):
    """One edition notebook per framework (host_plans.edition_notebooks):
    its prose is translated, its code is the English, and it runs on the
    same host."""
    [edition] = [notebook for notebook in plan.notebooks if notebook.lang != 'en']
    english = host_plans.Notebook(edition.page, edition.tab, edition.variant)
    notebook = nbformat.read(edition.path(PROJECT), as_version=4)
    header = nbformat.read(english.path(PROJECT), as_version=4).cells[0].source
    assert notebook.cells[0].source != header, 'the header is not translated'
    ran(host(host_reports, plan.name), edition.name)


@pytest.mark.parametrize('plan', BARE_PLANS, ids=lambda plan: plan.name)
def test_bare_host_gets_the_newest_releases_and_the_books_outputs(host_reports, plan):
    """With nothing preinstalled, pip takes the newest release the package
    index offers (the ranges have no cap), never one older than the book
    was built with, and the seeded outputs are the page's, in every variant and
    edition (an edition's notebook, under its translated prose, is the
    book's code)."""
    report = host(host_reports, plan.name)
    installed = {canonicalize_name(name): version for name, version in report['after'].items()}
    for name, version in book_versions(plan.tab).items():
        assert name in installed and Version(installed[name]) >= Version(version), (
            f'{plan.name} got {name} {installed.get(name)}, older than the book\'s {version}'
        )
    for notebook in plan.notebooks:
        results = ran(report, notebook.name)['results']
        expected = stored_results(notebook)
        assert any(expected), 'the notebook shows no results to compare'
        assert len(results) == len(expected) + 1, 'the notebook is not the book\'s under one cell'
        for index, (got, book) in enumerate(zip(results[1:], expected)):
            assert same_results(got, book), (
                f'{notebook.name}, code cell {index + 1}: {got} differs from the book\'s {book}'
            )


@pytest.mark.parametrize('tab', TABS)
def test_colab_and_sagemaker_first_cells_are_the_same(tab):
    """Why one bare host may run both: every SageMaker notebook's setup is
    the Colab notebook's, on a host the Colab notebook already set up."""
    pages = host_plans.learner_pages(PROJECT, tab)
    assert pages == host_plans.learner_pages(PROJECT, tab, 'sagemaker') and pages
    for page in pages:
        first = {
            variant: next(
                cell
                for cell in nbformat.read(
                    host_plans.Notebook(page, tab, variant).path(PROJECT), as_version=4
                ).cells
                if cell.cell_type == 'code'
            )
            for variant in ('colab', 'sagemaker')
        }
        assert first['colab'].source == first['sagemaker'].source, page


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
        installed = host_envs.installed(Path(folder) / 'env' / 'bin' / 'python')
        assert D2L not in installed, f'{folder} has d2l: a copy wrote into the replica'
        for pin in requirements_in('\n'.join(manifest.requirements)):
            version = installed.get(canonicalize_name(pin.name))
            assert version and pin.specifier.contains(version), (folder, pin, version)


@pytest.mark.parametrize(
    'plan',
    [plan for plan in REPLICA_PLANS if not framework(plan.tab).cap],
    ids=lambda plan: plan.name,
)
def test_section_and_answers_run_on_the_replica_keeping_its_frameworks(host_reports, plan):
    """Every hosted notebook runs, and every package the host had keeps its
    version, NumPy included: the first cell adds what is missing (d2l, and
    the framework where the host lacks it) around them."""
    report = replica_report(host_reports, plan)
    for notebook in plan.notebooks:
        run = ran(report, notebook.name)
        assert 'restarted_after' not in run, f'{notebook.name} asked for a restart'
    before, after = report['before'], report['after']
    changed = {
        name: (before[name], after.get(name)) for name in before if after.get(name) != before[name]
    }
    assert not changed, f'the first cell changed what the host had: {changed}'
    assert D2L in after


@pytest.mark.parametrize(
    'plan', [plan for plan in REPLICA_PLANS if framework(plan.tab).cap], ids=lambda plan: plan.name
)
def test_a_capped_framework_replaces_its_dependency_and_runs_after_a_restart(host_reports, plan):
    """A framework with a cap (MXNet 1.9 needs NumPy older than 1.24) makes
    pip replace the host's newer version of the dependency; the runtime had
    loaded it (Colab imports NumPy at start), so the first cell asks for a
    restart, and after it the notebooks run. (The hosts whose Python it
    cannot install on run none of its notebooks: tests/unit/test_install_cell.py
    shows how the first cell stops there.)"""
    entry = framework(plan.tab)
    dependency = entry.cap.dependency
    report = replica_report(host_reports, plan)
    python = '.'.join(report['python'].split()[1].split('.')[:2])
    assert host_plans.installs_on(plan.tab, python), f'{entry.title} ran on Python {python}'
    for notebook in plan.notebooks:
        ran(report, notebook.name)
    first = ran(report, plan.notebooks[0].name)
    if plan.replica.variant == 'colab':
        stopped = first['restarted_after']['error']
        assert stopped['cell'] == 0 and host_worker.RESTART in stopped['evalue'], stopped
        assert f'pip replaced {dependency}' in stopped['printed'], stopped['printed']
    before, after = report['before'], report['after']
    changed = {name for name in before if after.get(name) != before[name]}
    assert changed <= {dependency}, f'the {entry.title} notebook changed more: {changed}'
    assert Version(after[entry.distribution]).release[:2] == Version(entry.cap.release).release
    assert Version(after[dependency]) < Version(entry.cap.below), after[dependency]
