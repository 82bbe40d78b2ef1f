"""The render beside the evaluation changes no page, and a failing cell still
stops the build before anything is rendered.

`book html` converts each page to rst as soon as its tabs are evaluated,
while other pages' kernels run (render/early.py). One copy of a tiny book is
built that way; a second copy, holding the first's evaluated notebooks, is
built one step after the other (the site form without its early render), as
the build did before. Both sites are the same bytes. A third copy, whose
page fails in one tab, stops with the cell's report as its last lines, and
leaves no page of the failing section merged, converted or rendered.
"""

import json
import shutil
import subprocess
import sys

import pytest

from bookbuild.pipeline import TIMELINE_FILE
from bookbuild.project import Project
from throwaway_book import SECTION, build, build_ok, copy_book, fence, tiny_section

SECTION_TEXT = tiny_section(
    'Cells of every tab, then a group with a cell of its own for JAX.\n\n'
    + fence('pytorch, mxnet, jax, tensorflow', 'width = 4\nprint(width * 2)')
    + '\nBetween the cells.\n\n'
    + fence('pytorch, mxnet, tensorflow', 'print("not jax")')
    + fence('jax', 'print("only jax")')
)
FAILING_TEXT = tiny_section(
    'Every tab but JAX gets through this page.\n\n'
    + fence('pytorch, mxnet, tensorflow', 'received = 3\nreceived')
    + fence('jax', 'received = 3\nraise ValueError(f"expected 4 features, got {received}")')
)
EARLY_LINE = 'rst made beside the evaluation: '

# The site form without its early render: the build as it was, one step
# after the other (the evaluation finds every notebook current).
SEQUENTIAL_BUILD = (
    'import sys\n'
    'from bookbuild.forms import site\n'
    'del site.early_render\n'
    'from bookbuild.cli import main\n'
    'sys.exit(main(sys.argv[1:]))\n'
)
# What the sequential copy takes of the first: its evaluation, not its render.
RENDERED = ('eval_all', 'rst_all', 'html', '.html-inputs', '.pandoc-cache', TIMELINE_FILE)


def pages(project):
    project = Project(project)
    return sorted(project.relative(page).removesuffix('.md') for page in project.notebook_sources())


def site_files(project):
    """Every file of the site but Sphinx's pickles, which hold the copy's own
    paths, and the stamp of the rendering code."""
    html = Project(project).html_dir
    return {
        path.relative_to(html): path.read_bytes()
        for path in sorted(html.rglob('*'))
        if path.is_file() and '.doctrees' not in path.parts and path.name != '.site-inputs'
    }


@pytest.fixture(scope='module')
def early_and_sequential(tmp_path_factory):
    early = copy_book(tmp_path_factory.mktemp('early'), SECTION_TEXT)
    early_build = build_ok(early)
    sequential = copy_book(tmp_path_factory.mktemp('sequential'), SECTION_TEXT)
    shutil.copytree(Project(early).build_dir, Project(sequential).build_dir)
    for name in RENDERED:
        path = Project(sequential).build_dir / name
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    sequential_build = subprocess.run(
        [sys.executable, '-c', SEQUENTIAL_BUILD, 'html', '--project', str(sequential)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert sequential_build.returncode == 0, sequential_build.stdout[-3000:]
    return early, early_build, sequential, sequential_build


def test_every_page_is_converted_beside_the_evaluation(early_and_sequential):
    early, result, _, sequential_result = early_and_sequential
    said = [
        line.split(EARLY_LINE, 1)[1] for line in result.stdout.splitlines() if EARLY_LINE in line
    ]
    assert said, result.stdout[-3000:]
    assert sorted(said[0].split(', ')) == pages(early)
    assert EARLY_LINE not in sequential_result.stdout


def test_the_site_is_the_same_bytes_as_one_rendered_after_the_evaluation(early_and_sequential):
    early, _, sequential, _ = early_and_sequential
    made, expected = site_files(early), site_files(sequential)
    assert sorted(made) == sorted(expected)
    differing = [str(name) for name in expected if made[name] != expected[name]]
    assert not differing, f'pages that differ from the sequential build: {differing}'


def test_the_build_records_when_it_evaluated_and_rendered(early_and_sequential):
    early, *_ = early_and_sequential
    timeline = json.loads((Project(early).build_dir / TIMELINE_FILE).read_text())
    start, end = timeline['evaluation']
    assert 0 <= start < end
    spans = timeline['render']
    assert spans and all(a < b for a, b in spans)
    assert all(earlier[1] <= later[0] for earlier, later in zip(spans, spans[1:]))
    assert spans[-1][1] > end, 'the final render comes after the evaluation'


@pytest.fixture(scope='module')
def failed_build(tmp_path_factory):
    project = copy_book(tmp_path_factory.mktemp('failing'), FAILING_TEXT)
    return project, build(project)


def test_a_failing_cell_still_stops_the_build_with_its_report_last(failed_build):
    _, result = failed_build
    assert result.returncode != 0
    last = [line for line in result.stdout.splitlines() if line.strip()][-5:]
    assert any(SECTION in line for line in last), last
    assert 'ValueError: expected 4 features, got 3' in last[-1], last


def test_a_failing_page_is_neither_converted_nor_rendered(failed_build):
    project, _ = failed_build
    build_dir = Project(project).build_dir
    page = SECTION.removesuffix('.md')
    assert not (build_dir / 'eval_all' / f'{page}.ipynb').exists()
    assert not (build_dir / 'rst_all' / f'{page}.rst').exists()
    assert not (build_dir / 'html').exists()
    assert not (build_dir / TIMELINE_FILE).exists()
