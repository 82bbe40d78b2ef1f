"""`book eval --shard I/N --export DIR` as the hosted workflow runs it, on a
copy of the book whose notebooks are current (no kernel starts): each shard
exports its own notebooks, the shards together are the whole book, and
their exports merged into another copy's _build/ leave nothing to run, as
the render job needs; and a book grown to three times its chapters
(bench/scale.py, the bench's books) builds."""

import filecmp

import pytest

from bookbuild.bench import scale
from bookbuild.project import Project
from throwaway_book import (
    ROOT,
    build,
    build_ok,
    code_free_stand_in,
    copy_book,
    copy_the_outputs,
    report,
)

SHARDS = 3


@pytest.fixture(scope='module')
def exported(tmp_path_factory):
    """A copy with the repository's outputs, and each shard's export of
    every tab: {(tab, index): (export folder, the command's output)}."""
    root = copy_book(tmp_path_factory.mktemp('shards'))
    copy_the_outputs(root)
    exports = {}
    for tab in Project(root).tabs:
        for index in range(1, SHARDS + 1):
            folder = root.parent / f'export-{tab}-{index}'
            result = build_ok(
                root, 'eval', tab, '--shard', f'{index}/{SHARDS}', '--export', str(folder)
            )
            exports[tab, index] = folder, result.stdout
    return root, exports


def files_under(folder):
    return {path.relative_to(folder).as_posix() for path in folder.rglob('*') if path.is_file()}


def test_a_shard_of_current_notebooks_runs_no_kernel(exported):
    _, exports = exported
    for (_tab, index), (_, output) in exports.items():
        assert f'shard {index}/{SHARDS}: ' in output, output
        assert 'running' not in output and 'executed' not in output, output


def test_the_shards_of_a_tab_export_each_notebook_once_and_together_all(exported):
    root, exports = exported
    project = Project(root)
    for tab in project.tabs:
        per_shard = [files_under(exports[tab, i][0]) for i in range(1, SHARDS + 1)]
        versions = project.relative(project.versions_file(tab)).removeprefix('_build/')
        notebooks = [files - {versions} for files in per_shard]
        # The versions the tab ran with come from the first shard, the one
        # that always installs the framework.
        assert [versions in files for files in per_shard] == [True] + [False] * (SHARDS - 1)
        assert sum(map(len, notebooks)) == len(set().union(*notebooks))
        expected = set()
        for page in project.notebook_sources():
            for path in (project.evaluated_notebook(page, tab), project.eval_record(page, tab)):
                expected.add(path.relative_to(project.build_dir).as_posix())
        assert set().union(*notebooks) == expected
        # What each shard hands on is what the repository's build made (the
        # copy's notebooks came from it, and nothing ran).
        for folder, _ in (exports[tab, i] for i in range(1, SHARDS + 1)):
            for name in files_under(folder):
                original = Project(ROOT).build_dir / name
                assert filecmp.cmp(folder / name, original, shallow=False), name


def test_every_shards_export_merged_leaves_nothing_to_run_and_renders(exported, tmp_path):
    """The render job's _build/: every artifact merged into one folder,
    from which the site renders with no kernel."""
    _, exports = exported
    merged = copy_book(tmp_path / 'render')
    build_dir = Project(merged).build_dir
    for folder, _ in exports.values():
        for name in files_under(folder):
            target = build_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((folder / name).read_bytes())
    build_ok(merged, 'eval')
    actions = {entry['action'] for entry in report(merged)['notebooks']}
    assert actions <= {'up to date', 'outputs reused', 'no code', 'no cell in this tab'}, actions
    build_ok(merged, 'html')
    project = Project(merged)
    for page in project.notebook_sources():
        assert (project.html_dir / project.relative(page)).with_suffix('.html').exists(), page


def test_export_without_a_shard_is_refused(exported):
    root, _ = exported
    result = build(root, 'eval', '--export', str(root.parent / 'nowhere'))
    assert result.returncode == 1
    assert '--export copies the notebooks of a shard: give --shard I/N too' in result.stdout


def test_a_book_three_times_the_size_builds(tmp_path):
    """The bench's grown book, with code-free pages (so no kernel runs):
    every copy of every chapter is a page of the site, and Sphinx, which
    fails on any warning, finds no label twice."""
    grown = scale.grow(ROOT, tmp_path / 'grown', 3)
    project = Project(grown)
    for page in project.notebook_sources():
        text = page.read_text(encoding='utf-8')
        if '```{.python .input}' in text:
            page.write_text(code_free_stand_in(text), encoding='utf-8')
    build_ok(grown, 'html')
    chapters = scale.chapters(ROOT)
    for page in Project(ROOT).notebook_sources():
        name = Project(ROOT).relative(page)
        for chapter in chapters:
            if name.startswith(chapter + '/'):
                for number in (2, 3):
                    copied = f'{chapter}-{number}' + name.removeprefix(chapter)
                    assert (project.html_dir / copied).with_suffix('.html').exists(), copied


def test_export_into_a_folder_that_holds_files_is_refused(exported):
    """Another shard's files there would go into this shard's artifact."""
    root, exports = exported
    [(folder, _)] = [exports[tab, 1] for tab in Project(root).tabs][:1]
    result = build(
        root, 'eval', Project(root).tabs[0], '--shard', f'1/{SHARDS}', '--export', str(folder)
    )
    assert result.returncode == 1
    assert f'--export {folder}: the folder is not empty' in result.stdout
