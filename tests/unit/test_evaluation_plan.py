"""What the evaluator decides to run (bookbuild.evaluate.planning.plan): a page's
notebook in a tab runs again when the code it executes changes (its cells,
its helper modules, its environment), and not for an edit to prose. No
kernel starts here: a run is stood in for by saving the planned notebooks
with no outputs, as the evaluator saves executed ones."""

import shutil

import pytest

from bookbuild.evaluate import planning, tab_notebooks
from bookbuild.project import Project
from tiny_book import fence, load_tabs, write_book

PAGE = (
    load_tabs(['pytorch', 'jax'])
    + '\n# A\n\nThe code below adds one.\n\n'
    + fence('pytorch', 'x = 1 + 1')
    + '\n'
    + fence('jax', 'x = 1 + 2')
)
PAGES = {
    'index.md': '# A Book\n\nProse only.\n',
    'part/a.md': PAGE,
    'part/b.md': load_tabs(['pytorch']) + '\n# B\n\n' + fence('pytorch', 'y = 2'),
}


@pytest.fixture
def project(book, tmp_path):
    project = book(PAGES)
    # A copy of the pins, for tests that change them.
    shutil.copytree(project.requirements, tmp_path / 'requirements')
    project.requirements = tmp_path / 'requirements'
    return project


def actions(project):
    return {(job.name, job.tab): job.action for job in planning.plan(project, project.tabs)}


def run_without_kernels(project):
    """Save every planned notebook as the evaluator does after a run; those
    it would execute, with their code and no outputs."""
    for job in planning.plan(project, project.tabs):
        if job.action == 'execute':
            job.content = tab_notebooks.tidy_outputs(job.nb)
        job.save()


def edit(project, page, old, new):
    path = project.root / page
    text = path.read_text(encoding='utf-8')
    assert old in text, (old, page)
    path.write_text(text.replace(old, new, 1), encoding='utf-8')


def test_a_fresh_book_runs_each_tab_that_has_code_and_no_other(project):
    assert actions(project) == {
        ('index.md', 'pytorch'): 'no code',
        ('index.md', 'jax'): 'no code',
        ('part/a.md', 'pytorch'): 'execute',
        ('part/a.md', 'jax'): 'execute',
        ('part/b.md', 'pytorch'): 'execute',
        ('part/b.md', 'jax'): 'no cell in this tab',
    }


def test_after_a_run_nothing_runs_again(project):
    run_without_kernels(project)
    assert {action for action in actions(project).values()} == {
        'no code',
        'up to date',
        'no cell in this tab',
    }


def test_a_prose_edit_keeps_the_last_runs_outputs_and_runs_nothing(project):
    run_without_kernels(project)
    edit(project, 'part/a.md', 'The code below adds one.', 'The code below adds two.')
    found = actions(project)
    assert found[('part/a.md', 'pytorch')] == found[('part/a.md', 'jax')] == 'outputs reused'
    assert found[('part/b.md', 'pytorch')] == 'up to date'


def test_a_code_edit_runs_that_tab_again_and_only_that_tab(project):
    run_without_kernels(project)
    edit(project, 'part/a.md', 'x = 1 + 1', 'x = 1 + 10')
    found = actions(project)
    assert found[('part/a.md', 'pytorch')] == 'execute'
    assert found[('part/a.md', 'jax')] == 'up to date'


def test_a_notebook_changed_since_its_record_runs_again(project):
    run_without_kernels(project)
    notebook = project.evaluated_notebook(project.root / 'part/a.md', 'jax')
    notebook.write_bytes(notebook.read_bytes().replace(b'1 + 2', b'1 + 3'))
    assert actions(project)[('part/a.md', 'jax')] == 'execute'


def test_a_change_to_the_kernels_variables_runs_every_tab_again(project, monkeypatch):
    run_without_kernels(project)
    monkeypatch.setitem(tab_notebooks.KERNEL_ENV, 'TF_ENABLE_ONEDNN_OPTS', '1')
    found = actions(project)
    assert found[('part/a.md', 'pytorch')] == found[('part/a.md', 'jax')] == 'execute'


def test_a_change_to_a_tabs_requirements_runs_that_tab_again(project):
    run_without_kernels(project)
    with (project.requirements / 'jax.txt').open('a') as pins:
        pins.write('# a new pin\n')
    found = actions(project)
    assert found[('part/a.md', 'jax')] == 'execute'
    assert found[('part/a.md', 'pytorch')] == 'up to date'


def test_a_change_to_a_tabs_helper_module_runs_that_tab_again(project):
    run_without_kernels(project)
    (project.root / 'd2l' / 'torch.py').write_text('torch_helper = 2\n')
    found = actions(project)
    assert found[('part/a.md', 'pytorch')] == found[('part/b.md', 'pytorch')] == 'execute'
    assert found[('part/a.md', 'jax')] == 'up to date'


def test_a_change_to_the_shared_helpers_runs_every_tab_again(project):
    run_without_kernels(project)
    (project.root / 'd2l' / '__init__.py').write_text('shared = 2\n')
    found = actions(project)
    assert found[('part/a.md', 'pytorch')] == found[('part/a.md', 'jax')] == 'execute'


def notebook_of(project, markdown, tab='pytorch'):
    _, nb = tab_notebooks.tab_notebook(markdown, tab, project)
    return nb


def test_the_code_hash_ignores_prose_and_follows_every_code_cell(project):
    environment = tab_notebooks.environment_identity(project, 'pytorch')
    original = tab_notebooks.code_hash(notebook_of(project, PAGE), environment)
    prose_edited = PAGE.replace('adds one', 'adds one, as before')
    assert tab_notebooks.code_hash(notebook_of(project, prose_edited), environment) == original
    code_edited = PAGE.replace('x = 1 + 1', 'x = 1 + 1  # the same sum')
    assert tab_notebooks.code_hash(notebook_of(project, code_edited), environment) != original
    assert tab_notebooks.code_hash(notebook_of(project, PAGE), environment + b'!') != original


def test_the_code_hash_sees_code_moved_between_cells(project):
    two_cells = load_tabs(['pytorch']) + fence('pytorch', 'a = 1\nb = 2') + fence('pytorch', 'c')
    moved = load_tabs(['pytorch']) + fence('pytorch', 'a = 1') + fence('pytorch', 'b = 2\nc')
    environment = tab_notebooks.environment_identity(project, 'pytorch')
    assert tab_notebooks.code_hash(
        notebook_of(project, two_cells), environment
    ) != tab_notebooks.code_hash(notebook_of(project, moved), environment)


def test_the_hash_covers_the_code_after_the_tabs_aliases(project):
    """jax's [library-jax] turns d2l.tensor into jnp.array: the notebook, and
    so the hash, holds the code that really runs."""
    page = load_tabs(['jax']) + fence('jax', 'x = d2l.tensor([1])')
    nb = notebook_of(project, page, 'jax')
    assert [cell.source for cell in nb.cells if cell.cell_type == 'code'] == ['x = jnp.array([1])']


def test_a_checkout_moved_elsewhere_finds_its_notebooks_current(tmp_path):
    """The evaluated notebooks travel with _build/ (a CI job that only renders
    reads those evaluated elsewhere): what they were made from is the pins'
    contents, not the folder the repository was cloned into."""
    here = write_book(tmp_path / 'here', PAGES)
    shutil.copytree(here.requirements, here.root / 'requirements')
    here.requirements = here.root / 'requirements'
    run_without_kernels(here)
    shutil.copytree(here.root, tmp_path / 'elsewhere')
    elsewhere = Project(tmp_path / 'elsewhere')
    elsewhere.requirements = elsewhere.root / 'requirements'
    assert actions(elsewhere)[('part/a.md', 'jax')] == 'up to date'


@pytest.fixture
def pages_read(monkeypatch):
    """The titles of the pages the evaluator parses, in order (its recorded
    source digests spare it the others)."""
    read = []
    parse = planning.notebook.read_markdown

    def counting(markdown):
        read.append(next(line for line in markdown.splitlines() if line.startswith('# ')))
        return parse(markdown)

    monkeypatch.setattr(planning.notebook, 'read_markdown', counting)
    return read


def test_after_a_run_no_page_is_parsed_again(project, pages_read):
    run_without_kernels(project)
    pages_read.clear()
    assert set(actions(project).values()) == {'no code', 'up to date', 'no cell in this tab'}
    assert pages_read == []


def test_an_edit_parses_the_edited_page_once_for_all_its_tabs(project, pages_read):
    run_without_kernels(project)
    edit(project, 'part/a.md', 'The code below adds one.', 'The code below adds two.')
    pages_read.clear()
    found = actions(project)
    assert pages_read == ['# A']
    assert found[('part/a.md', 'pytorch')] == found[('part/a.md', 'jax')] == 'outputs reused'


def test_a_change_to_config_ini_parses_every_page_again(project, pages_read):
    """config.ini sets the default tab and the aliases, which shape every
    notebook: its change leaves no page unread."""
    run_without_kernels(project)
    with (project.root / 'config.ini').open('a') as config:
        config.write('\n# a comment\n')
    pages_read.clear()
    actions(project)
    assert sorted(pages_read) == ['# A', '# A Book', '# B']
