"""The notebooks readers download (`make notebooks`): per framework, the
executed notebooks and their zip, and Colab and SageMaker variants whose
first cell installs what the notebook needs. Running them as a learner does,
on fresh hosts, is tests/learners/'s part."""

import json
import subprocess
import zipfile

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from book_paths import BUILD, PROJECT, ROOT, SECTION, TABS
from bookbuild.frameworks import framework
from bookbuild.languages import LANGUAGES
from requirements_files import requirements_in

NOTEBOOKS = BUILD / 'notebooks'
VARIANTS = ['plain', 'colab', 'sagemaker']
# The distribution that is "the framework" of each tab.
FRAMEWORK = {tab: framework(tab).distribution for tab in TABS}
SECTION_NOTEBOOK = f'{SECTION}.ipynb'


def read(tab, variant, name=SECTION_NOTEBOOK):
    return nbformat.read(NOTEBOOKS / tab / variant / name, as_version=4)


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == 'code']


def installed_versions(tab):
    """{distribution name: version} in the framework's environment."""
    script = (
        'import importlib.metadata as m, json; '
        'print(json.dumps([[d.metadata["Name"], d.version] for d in m.distributions()]))'
    )
    result = subprocess.run(
        [str(ROOT / '.venv' / tab / 'bin' / 'python'), '-c', script],
        check=True,
        capture_output=True,
        text=True,
    )
    return {canonicalize_name(name): version for name, version in json.loads(result.stdout)}


@pytest.mark.parametrize('tab', TABS)
def test_each_framework_has_its_executed_notebooks_and_their_zip(tab):
    notebook = read(tab, 'plain')
    outputs = [cell for cell in notebook.cells if cell.cell_type == 'code' and cell.outputs]
    assert len(outputs) >= 5, f'{tab}: the plain notebook kept only {len(outputs)} outputs'
    assert notebook.metadata['kernelspec']['name'] == 'python3'
    with zipfile.ZipFile(NOTEBOOKS / PROJECT.reader_file_name(tab, '.zip')) as archive:
        assert SECTION_NOTEBOOK in archive.namelist()
        zipped = nbformat.reads(archive.read(SECTION_NOTEBOOK).decode(), as_version=4)
    assert zipped == notebook


@pytest.mark.parametrize('tab', TABS)
@pytest.mark.parametrize('variant', ['colab', 'sagemaker'])
def test_first_cell_installs_d2l_by_package_name_with_the_frameworks_extra(tab, variant):
    """The first cell asks pip for the released package with its framework's
    extra, and nothing else: pip adds the framework only where the runtime
    lacks a supported one (tests/learners run it on fresh hosts)."""
    first = code_cells(read(tab, variant))[0]
    assert first.source.lstrip().startswith('#')
    [line] = [line for line in first.source.splitlines() if line.startswith('requirement = ')]
    requirement = Requirement(line.split('=', 1)[1].strip().strip("'"))
    assert canonicalize_name(requirement.name) == canonicalize_name(
        PROJECT.config.defaults()['d2l_package']
    )
    assert requirement.extras == {tab}
    assert str(requirement.specifier) == f'=={PROJECT.config["project"]["release"]}'
    # It runs pip itself and stops on pip's exit status (tests/unit/test_install_cell.py
    # runs the cell against a fake pip).
    assert "'-m', 'pip', 'install'" in first.source
    assert 'if code != 0:\n    raise RuntimeError(' in first.source


@pytest.mark.parametrize('tab', TABS)
@pytest.mark.parametrize('variant', VARIANTS)
def test_nothing_a_learner_runs_points_at_a_repository(tab, variant):
    """No code cell installs from git, nor names the placeholder publishing
    repository of config.ini."""
    repo = PROJECT.config.defaults()['publish_repo']
    for path in sorted((NOTEBOOKS / tab / variant).rglob('*.ipynb')):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == 'code':
                assert 'git+' not in cell.source and repo not in cell.source, (path, cell.source)
    readme = (NOTEBOOKS / tab / 'plain' / 'README.md').read_text()
    assert 'git+' not in readme and repo not in readme


@pytest.mark.parametrize('tab', TABS)
def test_zip_carries_the_build_versions_and_a_readme(tab):
    with zipfile.ZipFile(NOTEBOOKS / PROJECT.reader_file_name(tab, '.zip')) as archive:
        requirements = archive.read('requirements.txt').decode()
        readme = archive.read('README.md').decode()
    pinned = {canonicalize_name(r.name): str(r.specifier) for r in requirements_in(requirements)}
    versions = installed_versions(tab)
    for name, specifier in pinned.items():
        if name == canonicalize_name(PROJECT.config.defaults()['d2l_package']):
            assert specifier == f'=={PROJECT.config["project"]["release"]}'
            continue
        built = versions.get(name) or versions.get(f'{name}-cpu')
        assert built and specifier == f'=={built.split("+")[0]}', (name, specifier, built)
    assert {FRAMEWORK[tab], 'numpy'} <= set(pinned)
    assert 'pip install -r requirements.txt' in readme and 'custom-layer.ipynb' in readme


@pytest.mark.parametrize('lang', LANGUAGES)
@pytest.mark.parametrize('tab', TABS)
def test_a_zips_readme_says_what_its_framework_needs_before_installing(tab, lang):
    """In every edition's zip: for a framework with a cap, the Python it
    cannot be installed on and why; for one with a CPU-only index, that
    index; the registry's facts, in the edition's words (languages.py)."""
    with zipfile.ZipFile(PROJECT.edition(lang).notebook_zip(tab)) as archive:
        readme = archive.read('README.md').decode()
    entry = framework(tab)
    facts = []
    if entry.cap:
        facts += [entry.title, entry.cap.release, entry.cap.title, entry.cap.below]
        facts.append(f'Python {entry.cap.python_below}')
    if entry.cpu_index:
        facts += [f'`{entry.distribution}`', f'--extra-index-url {entry.cpu_index}']
    for fact in facts:
        assert fact in readme, f'{lang} {tab}: the README does not say {fact!r}'
    if not entry.cpu_index:
        assert '--extra-index-url' not in readme, f'{lang} {tab}'


@pytest.mark.parametrize('tab', TABS)
def test_the_versions_record_names_the_python_and_framework_the_environment_has(tab):
    """The record that the pages' and headers' "Outputs from" lines read
    (evaluate/versions.py) is what the tab's kernel really runs."""
    record = json.loads(PROJECT.versions_file(tab).read_text())
    python = subprocess.run(
        [
            str(ROOT / '.venv' / tab / 'bin' / 'python'),
            '-c',
            'import platform; print(platform.python_version())',
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert record['python'] == python
    installed = installed_versions(tab)
    framework = FRAMEWORK[tab]
    name = framework if framework in installed else f'{framework}-cpu'
    assert record['distributions'][name] == installed[name], (name, record['distributions'])


@pytest.mark.parametrize('tab', TABS)
@pytest.mark.parametrize('variant', ['colab', 'sagemaker'])
def test_variant_is_the_executed_notebook_under_its_install_cell(tab, variant):
    """The same code and outputs, one install cell more; the prose differs
    only where its links lead (tests/build/test_notebook_text.py)."""
    plain, other = read(tab, 'plain'), read(tab, variant)
    code = [(c.source, c.outputs) for c in code_cells(plain)]
    assert [(c.source, c.outputs) for c in code_cells(other)[1:]] == code
    assert [c.cell_type for c in other.cells if 'origin_pos' not in c.metadata] == [
        'markdown',
        'code',
    ], 'besides the header and the install cell, the cells come from the page'
    assert [c.cell_type for c in plain.cells if 'origin_pos' not in c.metadata] == ['markdown']


@pytest.mark.parametrize('tab', TABS)
def test_a_notebook_without_code_gets_no_install_cell(tab):
    for variant in VARIANTS:
        index = read(tab, variant, 'index.ipynb')
        assert all(cell.cell_type == 'markdown' for cell in index.cells)


@pytest.mark.parametrize('tab', TABS)
@pytest.mark.parametrize('variant', VARIANTS)
def test_notebook_code_shows_no_build_marks(tab, variant):
    assert '#@save' in (ROOT / f'{SECTION}.md').read_text(), 'the section has no mark to hide'
    code = [cell.source for cell in read(tab, variant).cells if cell.cell_type == 'code']
    assert any('class CenteredLayer' in source for source in code)
    assert not [source for source in code if '@save' in source]
