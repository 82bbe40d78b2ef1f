"""The d2l helper package as `make dist` builds it: a wheel and an sdist that
twine accepts, complete metadata, an extra per framework whose ranges start
at the oldest version a host learners use has (requirements/hosts/) and
have no cap at the build's own version, and a package that imports with no
framework at all."""

import ast
import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from book_paths import BUILD, PROJECT, ROOT, TABS, lib_module
from bookbuild.frameworks import framework
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


# What a framework's import loads: its distribution's top-level module.
DISTRIBUTIONS = [framework(tab).distribution for tab in TABS]


def sdist():
    [path] = DIST.glob('*.tar.gz')
    return path


def test_the_distributions_hold_the_repositorys_package_as_it_is_now():
    """What a learner's pip installs is the d2l/ of this commit, byte for
    byte, in both the wheel and the sdist, and nothing of the build's (no
    tests, no tools but the frameworks registry, which the sdist's setup.py
    reads its extras from); the index's page is d2l/README.md. (`make dist` ran
    twine check on both; this shows they are not stale or incomplete.)"""
    modules = {
        path.relative_to(ROOT).as_posix(): path.read_bytes()
        for path in sorted((ROOT / 'd2l').rglob('*.py'))
        if '__pycache__' not in path.parts
    }
    assert sorted(p.suffix for p in DIST.iterdir()) == ['.gz', '.whl']
    with zipfile.ZipFile(wheel()) as archive:
        names = [n for n in archive.namelist() if '.dist-info/' not in n]
        in_wheel = {name: archive.read(name) for name in names}
    assert in_wheel == modules, sorted(set(in_wheel) ^ set(modules)) or 'a module differs'
    with tarfile.open(sdist()) as archive:
        root = archive.getnames()[0].split('/')[0]
        in_sdist = {
            member.name.removeprefix(f'{root}/'): archive.extractfile(member).read()
            for member in archive.getmembers()
            if member.isfile()
        }
    for name, content in modules.items():
        assert in_sdist.get(name) == content, f'the sdist\'s {name} is not the repository\'s'
    registry = 'tools/bookbuild/frameworks.py'
    for name in ('setup.py', 'LICENSE', 'd2l/README.md', registry):
        assert in_sdist.get(name) == (ROOT / name).read_bytes(), name
    assert [name for name in in_sdist if name.startswith(('tests/', 'tools/'))] == [registry]
    readme = (ROOT / 'd2l' / 'README.md').read_text(encoding='utf-8')
    assert metadata().get_payload().strip() == readme.strip()


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


# The only caps the extras may have: each framework's cap in the registry
# (MXNet 1.9 uses np.bool, which NumPy 1.24 removed).
CAPS = {
    (tab, framework(tab).cap.dependency): f'<{framework(tab).cap.below}'
    for tab in TABS
    if framework(tab).cap
}


def test_each_framework_has_an_extra_of_ranges_with_no_cap_at_the_books_version():
    assert set(metadata().get_all('Provides-Extra')) == set(TABS)
    for tab in TABS:
        requirements = extra(tab)
        assert requirements, f'the [{tab}] extra is empty'
        for name, requirement in requirements.items():
            floor = {spec for spec in requirement.specifier if spec.operator == '>='}
            caps = {str(spec) for spec in requirement.specifier if spec.operator != '>='}
            assert len(floor) == 1, f'[{tab}] {requirement}: a supported range needs a floor'
            assert caps == ({CAPS[tab, name]} if (tab, name) in CAPS else set()), (
                f'[{tab}] {requirement}: a cap keeps a newer release from a host that has it'
            )


def host_versions():
    """{distribution: [versions]} that the hosts' manifests list."""
    versions = {}
    for path in sorted((ROOT / 'requirements' / 'hosts').glob('*.txt')):
        for name, version in pinned_versions(path).items():
            versions.setdefault(name, []).append(Version(version))
    return versions


@pytest.mark.parametrize('tab', TABS)
def test_each_floor_is_the_oldest_version_a_host_has(tab):
    """The floor is the oldest version in the hosts' manifests that the
    extra admits (the learners' tests run the notebooks on each of those
    hosts), or the build's own version where no host has one (MXNet)."""
    built = pinned_versions(BUILD / 'notebooks' / tab / 'plain' / 'requirements.txt')
    hosts = host_versions()
    for name, requirement in extra(tab).items():
        capped = [
            v
            for v in hosts.get(name, [])
            if all(spec.contains(v) for spec in requirement.specifier if spec.operator != '>=')
        ]
        expected = str(min(capped)) if capped else built[name]
        assert bound(requirement, '>=') == expected, (
            f'[{tab}] {requirement}: the oldest version a host has is {name} {expected}'
        )


def first_cell(tab):
    notebook = nbformat.read(
        BUILD / 'notebooks' / tab / 'colab' / 'chapter_builders-guide' / 'custom-layer.ipynb',
        as_version=4,
    )
    return next(cell.source for cell in notebook.cells if cell.cell_type == 'code')


@pytest.mark.parametrize('tab', TABS)
def test_the_first_cell_keeps_the_runtimes_version_of_every_package_of_the_extra(tab):
    """The first cell asks pip for the installed version of each package the
    extra names (and what they stand on, such as jaxlib, which jax pins):
    what it keeps is the extra."""
    [kept] = re.findall(r'^packages = (\(.*?\))$', first_cell(tab), re.MULTILINE)
    expected = set(extra(tab)) | set(framework(tab).stands_on)
    assert set(ast.literal_eval(kept)) == expected


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
            f'{sorted({*DISTRIBUTIONS, "numpy"})!r}))',
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert ok.returncode == 0 and ok.stdout.split('\n')[:2] == [RELEASE, '[]'], (
        ok.stdout + ok.stderr
    )
    for tab in TABS:
        failed = subprocess.run(
            [str(python), '-I', '-c', f'from d2l import {lib_module(tab)}'],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        missing = framework(tab).distribution
        assert f"No module named '{missing}'" in failed.stderr, failed.stderr


def test_every_keras_backend_environment_pins_the_same_keras():
    """The section's Keras 3 layer runs in the environment of every
    framework that Keras has a backend for; all of them hold the same Keras."""
    keras = {
        tab: pinned_versions(ROOT / 'requirements' / f'{tab}.txt').get('keras')
        for tab in TABS
        if framework(tab).keras_backend
    }
    assert len(set(keras.values())) == 1 and None not in keras.values(), keras
