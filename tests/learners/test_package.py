"""The d2l helper package as `make dist` builds it: a wheel and an sdist that
twine accepts, complete metadata, an extra per framework whose ranges run
from the floor the learners' hosts test to the version the book is built
with, and a package that imports with no framework at all."""

import subprocess
import sys
import zipfile
from email.parser import Parser

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from book_paths import BUILD, PROJECT, ROOT, TABS
from requirements_files import pinned_versions

DIST = BUILD / 'dist'
CONFIG = PROJECT.config
RELEASE = CONFIG['project']['release']


def wheel():
    [path] = DIST.glob('*.whl')
    return path


def metadata():
    with zipfile.ZipFile(wheel()) as archive:
        [name] = [n for n in archive.namelist() if n.endswith('.dist-info/METADATA')]
        return Parser().parsestr(archive.read(name).decode())


def extra(tab):
    """The requirements of one extra, by distribution name."""
    marker = {'extra': tab}
    requirements = [Requirement(text) for text in metadata().get_all('Requires-Dist')]
    return {
        canonicalize_name(r.name): r
        for r in requirements
        if r.marker and r.marker.evaluate(marker) and not r.marker.evaluate({'extra': ''})
    }


def bound(requirement, operator):
    [spec] = [spec for spec in requirement.specifier if spec.operator == operator]
    return spec.version


def test_twine_accepts_the_wheel_and_the_sdist():
    files = sorted(DIST.iterdir())
    assert sorted(p.suffix for p in files) == ['.gz', '.whl'], files
    result = subprocess.run(
        [sys.executable, '-m', 'twine', 'check', '--strict', *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_metadata_names_the_package_its_version_license_and_addresses():
    meta = metadata()
    assert meta['Name'] == CONFIG.defaults()['d2l_package']
    version_line = (ROOT / 'd2l' / '__init__.py').read_text()
    assert meta['Version'] == RELEASE and f'__version__ = "{RELEASE}"' in version_line
    assert meta['License-Expression'] == 'MIT'
    assert meta['Requires-Python'] and meta['Summary'] and len(meta.get_payload()) > 200
    assert 'Programming Language :: Python :: 3.11' in meta.get_all('Classifier')
    repo = CONFIG.defaults()['publish_repo']
    urls = dict(url.split(', ', 1) for url in meta.get_all('Project-URL'))
    assert urls['Source'] == f'https://github.com/{repo}'
    assert all(repo.split('/')[1] in url for url in urls.values()), urls


def test_each_framework_has_an_extra_of_ranges_not_pinned_versions():
    assert set(metadata().get_all('Provides-Extra')) == set(TABS)
    for tab in TABS:
        requirements = extra(tab)
        assert requirements, f'the [{tab}] extra is empty'
        for requirement in requirements.values():
            operators = {spec.operator for spec in requirement.specifier}
            assert '>=' in operators and operators & {'<', '<='}, (
                f'[{tab}] {requirement}: a supported range needs a floor and a top'
            )


@pytest.mark.parametrize('tab', TABS)
def test_each_range_runs_from_the_tested_floor_to_the_books_version(tab):
    """The floors are what the Colab-like hosts preinstall (or, without a
    floor file, the build's own version); the tops are the build's versions,
    read from the zip's requirements.txt."""
    requirements = extra(tab)
    built = pinned_versions(BUILD / 'notebooks' / tab / 'plain' / 'requirements.txt')
    floor_file = ROOT / 'requirements' / 'floor' / f'{tab}.txt'
    floors = pinned_versions(floor_file) if floor_file.exists() else built
    for name, requirement in requirements.items():
        assert bound(requirement, '>=') == floors[name].split('+')[0], (
            f'[{tab}] {requirement}: the floor tested is {name} {floors[name]}'
        )
        if name != 'numpy':  # NumPy follows the framework up to its next major release
            assert bound(requirement, '<=') == built[name], (
                f'[{tab}] {requirement}: the book is built with {name} {built[name]}'
            )


def test_the_package_imports_without_any_framework(tmp_path):
    """`import d2l` loads nothing; a framework's module needs its extra."""
    subprocess.run(
        [sys.executable, '-m', 'venv', '--without-pip', str(tmp_path / 'env')], check=True
    )
    python = tmp_path / 'env' / 'bin' / 'python'
    # pip from the book's environment installs into the new one, offline.
    subprocess.run(
        [
            sys.executable,
            '-m',
            'pip',
            '--python',
            str(python),
            'install',
            '--quiet',
            '--no-index',
            '--no-deps',
            str(wheel()),
        ],
        check=True,
    )
    ok = subprocess.run(
        [
            str(python),
            '-I',
            '-c',
            'import d2l, sys; print(d2l.__version__); '
            'print(sorted(m for m in sys.modules if m.split(".")[0] in '
            '{"torch", "mxnet", "jax", "tensorflow", "numpy"}))',
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert ok.returncode == 0 and ok.stdout.split('\n')[:2] == [RELEASE, '[]'], (
        ok.stdout + ok.stderr
    )
    for module, framework in [
        ('torch', 'torch'),
        ('jax', 'jax'),
        ('tensorflow', 'tensorflow'),
        ('mxnet', 'mxnet'),
    ]:
        failed = subprocess.run(
            [str(python), '-I', '-c', f'from d2l import {module}'],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert f"No module named '{framework}'" in failed.stderr, failed.stderr


def test_every_keras_backend_environment_pins_the_same_keras():
    """The section's Keras 3 layer runs in the pytorch, jax and tensorflow
    environments; all three hold the same Keras, which the extras' top is."""
    keras = {
        tab: pinned_versions(ROOT / 'requirements' / f'{tab}.txt').get('keras')
        for tab in ('pytorch', 'jax', 'tensorflow')
    }
    assert len(set(keras.values())) == 1 and None not in keras.values(), keras
    for tab in keras:
        assert bound(extra(tab)['keras'], '<=') == keras[tab]
