"""The maintainers' recipes (docs/maintainers.md), proven on stubs: in a
throw-away copy of the repository, a fifth framework and a new form are
added as the recipes say, each is built through the Makefile's targets with
the network cut, and git in the copy lists the files each one touched.

A framework may touch only its registry entry, requirements/<tab>.txt,
config.ini, d2l/<module>.py and the pages; a form only its module, its
registry entry and the Makefile. The copy's book is a tiny one (one section
with one code group; the other pages without code), so that the five
frameworks' kernels each run one cell.

The stub framework, `numpy`, needs nothing the machine lacks: its
environment is an existing one's packages (NumPy and ipykernel of the JAX
environment), laid out as the set-up would leave a finished environment.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from bookbuild.languages import EDITIONS
from bookbuild.processes import without_network
from throwaway_book import ROOT, SECTION, code_free_stand_in, tabs

STUB_TAB = 'numpy'
STUB_MODULE = 'd2l/numpy_helpers.py'
STUB_FORM = 'cellcount'

FRAMEWORK_ENTRY = """\
        Framework(
            tab='numpy',
            title='NumPy',
            distribution='numpy',
            brings='NumPy',
            extra=('numpy>=1.26.4',),
            imports='import numpy',
        ),
"""

FORM_MODULE = '''\
"""A stub form: how many code cells each page has, per framework."""

import json

from ..files import write_atomic


def build(edition, tabs):
    project = edition.project
    for tab in tabs:
        counts = {}
        for source in project.notebook_sources():
            notebook = project.evaluated_notebook(source, tab)
            text = notebook.read_text(encoding='utf-8') if notebook.exists() else ''
            cells = json.loads(text)['cells'] if text else []
            counts[project.relative(source)] = sum(c['cell_type'] == 'code' for c in cells)
        write_atomic(edition.build_dir / 'cellcount' / f'{tab}.json', json.dumps(counts))
'''

FORM_ENTRY = """\
        Form('cellcount', 'code cells per page', 'bookbuild.forms.cellcount', 'cellcount'),
"""

MAKE_TARGET = """
# The stub form: code cells per page and framework, in _build/cellcount/.
cellcount: setup
\t$(BOOK) cellcount
"""


def git(copy, *args):
    return subprocess.run(
        ['git', '-C', str(copy), *args], check=True, capture_output=True, text=True
    ).stdout


def touched(copy):
    """The files changed or added since the copy's last commit; then a commit."""
    lines = git(copy, 'status', '--porcelain', '--untracked-files=all').splitlines()
    git(copy, 'add', '-A')
    git(copy, 'commit', '-q', '-m', 'step')
    return sorted(line[3:] for line in lines)


def insert_before(path, marker, text):
    source = path.read_text(encoding='utf-8')
    assert source.count(marker) == 1, f'{marker!r} is not once in {path}'
    path.write_text(source.replace(marker, text + marker), encoding='utf-8')


def make(copy, *targets):
    """The copy's Makefile targets, with its own build package (the installed
    `book` is the repository's) and no network; output merged. Their `setup`
    is taken as done (-o): the copy borrows the repository's environments,
    which the set-up would count as another checkout's and install again."""
    book = f'env PYTHONPATH={copy / "tools"} {ROOT / ".venv/book/bin/python"} -m bookbuild'
    result = subprocess.run(
        without_network(
            [
                'make',
                '--no-print-directory',
                '-o',
                'setup',
                '-C',
                str(copy),
                f'BOOK={book}',
                *targets,
            ]
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return result.stdout


def copy_repository(destination):
    """The repository's tracked files, without translations, as a tiny book
    under git; its .venv reuses the repository's environments."""
    files = subprocess.run(
        ['git', '-C', str(ROOT), 'ls-files', '-z'], check=True, capture_output=True, text=True
    ).stdout.split('\0')
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    for lang in EDITIONS:
        shutil.rmtree(destination / lang, ignore_errors=True)
    group = ', '.join(tabs())
    for page in destination.glob('chapter_builders-guide/*.md'):
        text = page.read_text(encoding='utf-8')
        if '```{.python .input}' in text:
            page.write_text(code_free_stand_in(text), encoding='utf-8')
    (destination / SECTION).write_text(
        '# A Tiny Section\n:label:`sec_custom_layer`\n\nOne group of code.\n\n'
        f'```{{.python .input}}\n%%tab {group}\nprint(sum([1, 2, 3]))\n```\n',
        encoding='utf-8',
    )
    venv = destination / '.venv'
    venv.mkdir()
    for name in ['book', 'npm', *tabs()]:
        (venv / name).symlink_to(ROOT / '.venv' / name)
    subprocess.run(['git', 'init', '-q', str(destination)], check=True)
    git(destination, 'config', 'user.email', 'tests@localhost')
    git(destination, 'config', 'user.name', 'tests')
    touched(destination)


def stub_environment(copy):
    """.venv/numpy: a venv that reads the JAX environment's packages (NumPy,
    ipykernel) and the copy's d2l; then the kernels of the copy's tabs."""
    env = copy / '.venv' / STUB_TAB
    base = ROOT / '.venv' / 'jax'
    subprocess.run([base / 'bin' / 'python', '-m', 'venv', '--without-pip', env], check=True)
    [site] = (env / 'lib').glob('python3.*/site-packages')
    [packages] = (base / 'lib').glob('python3.*/site-packages')
    (site / 'book.pth').write_text(f'{copy}\n{packages}\n')
    # What `make setup` does last, for the copy's tabs: a kernel each.
    kernels = (
        'from bookbuild.environments import write_kernels\n'
        'from bookbuild.project import Project\n'
        f'write_kernels(Project({str(copy)!r}))\n'
    )
    subprocess.run(
        [sys.executable, '-c', kernels],
        env=dict(os.environ, PYTHONPATH=str(copy / 'tools')),
        check=True,
    )


# config.ini's settings written a line per framework: the stub's line.
PER_FRAMEWORK = {
    'github_repo': '%(publish_repo)s-{section}-numpy',
    'libs': 'd2l, %(d2l_package)s[numpy]==RELEASE',
    'kernel': 'conda_python3',
}


def with_a_line_for_the_stub(text):
    """config.ini with a `numpy, <value>` line after each per-framework
    setting's last line ([colab] and [sagemaker])."""
    out, section, setting = [], '', None
    for line in text.split('\n'):
        if setting and not line.startswith(' '):
            value = PER_FRAMEWORK[setting].format(section=section)
            out.append(f'{" " * (len(setting) + 3)}{STUB_TAB}, {value}')
            setting = None
        if line.startswith('['):
            section = line.strip('[]')
        name = line.split(' = ')[0]
        if section in ('colab', 'sagemaker') and name in PER_FRAMEWORK and ' = ' in line:
            setting = name
        out.append(line)
    return '\n'.join(out)


@pytest.fixture(scope='module')
def copy(tmp_path_factory):
    destination = tmp_path_factory.mktemp('extension')
    copy_repository(destination)
    return destination


@pytest.fixture(scope='module')
def framework_added(copy):
    """The recipe for a framework, followed; then `make` and `make notebooks`."""
    insert_before(
        copy / 'tools/bookbuild/frameworks.py', '    )\n}\n\n\ndef framework(tab):', FRAMEWORK_ENTRY
    )
    (copy / 'requirements' / f'{STUB_TAB}.txt').write_text('numpy\nipykernel\n')
    config = copy / 'config.ini'
    text = config.read_text(encoding='utf-8')
    text = text.replace(f'tabs = {", ".join(tabs())}', f'tabs = {", ".join(tabs())}, {STUB_TAB}')
    text = with_a_line_for_the_stub(text)
    text += f'\n[library-{STUB_TAB}]\nlib_file = {STUB_MODULE}\nlib_name = np\n'
    config.write_text(text, encoding='utf-8')
    (copy / STUB_MODULE).write_text(
        '"""NumPy helpers for the stub framework."""\nimport numpy as np\n\n\n'
        'def centered(values):\n    values = np.asarray(values)\n    return values - values.mean()\n'
    )
    page = copy / SECTION
    page.write_text(
        page.read_text(encoding='utf-8')
        + f'\n```{{.python .input}}\n%%tab {STUB_TAB}\nfrom d2l import numpy_helpers as d2l\n\n'
        'print(d2l.centered([1.0, 2.0, 3.0]))\n```\n',
        encoding='utf-8',
    )
    files = touched(copy)
    stub_environment(copy)
    output = make(copy, 'html', 'notebooks')
    return files, output


def test_a_new_framework_touches_only_its_entry_pins_config_module_and_pages(framework_added):
    files, _ = framework_added
    print('the stub framework touched:', ', '.join(files))
    allowed = {
        'tools/bookbuild/frameworks.py',
        f'requirements/{STUB_TAB}.txt',
        'config.ini',
        STUB_MODULE,
    }
    assert set(files) - allowed <= {SECTION}, files
    assert allowed <= set(files)


def test_the_new_framework_has_its_tab_its_outputs_and_its_notebooks(copy, framework_added):
    page = (copy / '_build/html' / SECTION).with_suffix('.html').read_text(encoding='utf-8')
    assert 'data-framework="numpy"' in page or '"numpy"' in page
    assert '[-1.  0.  1.]' in page  # the stub cell's output, run in its own kernel
    notebook = copy / '_build/notebooks' / STUB_TAB / 'colab' / SECTION.replace('.md', '.ipynb')
    cells = json.loads(notebook.read_text(encoding='utf-8'))['cells']
    assert any('numpy_helpers' in ''.join(cell['source']) for cell in cells)
    assert (copy / '_build/notebooks' / f'custom-layers-{STUB_TAB}.zip').exists()


def test_a_new_form_touches_only_its_module_its_entry_and_the_makefile(copy, framework_added):
    (copy / 'tools/bookbuild/forms' / f'{STUB_FORM}.py').write_text(FORM_MODULE)
    insert_before(copy / 'tools/bookbuild/forms/__init__.py', '    )\n}\n', FORM_ENTRY)
    with (copy / 'Makefile').open('a') as makefile:
        makefile.write(MAKE_TARGET)
    files = touched(copy)
    print('the stub form touched:', ', '.join(files))
    assert files == sorted(
        ['Makefile', 'tools/bookbuild/forms/__init__.py', f'tools/bookbuild/forms/{STUB_FORM}.py']
    )
    make(copy, STUB_FORM)
    for tab in [*tabs(), STUB_TAB]:
        counts = json.loads((copy / '_build' / STUB_FORM / f'{tab}.json').read_text())
        assert counts[SECTION] == 1, (tab, counts)
    # The command line knows the form as every other one: English and editions.
    help_text = subprocess.run(
        [ROOT / '.venv/book/bin/python', '-m', 'bookbuild', '--help'],
        env=dict(os.environ, PYTHONPATH=str(copy / 'tools')),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f'edition-{STUB_FORM}' in help_text and f'    {STUB_FORM} ' in help_text
