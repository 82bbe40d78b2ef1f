"""What runs is decided by the code each tab executes, never by file times.

One throw-away book with a tiny section is built once, then each test
changes one thing, builds again and counts what the evaluator executed.
Every build leaves the copy fully built, so each test starts from there.
"""

import os
import subprocess
import sys

import pytest

from bookbuild.project import Project
from throwaway_book import (
    SECTION,
    actions,
    build_ok,
    copy_book,
    edit,
    executed,
    fence,
    report,
    tabs,
    tiny_section,
    touch_every_source,
)

JAX_CELL = 'answer = 2 * 21\nanswer'
# The TensorFlow tab shows the length of its helper module (and shows that
# `import d2l` finds the copy's own helpers), so a change there shows up.
HELPER_LINES = (
    'import d2l, pathlib\nhelpers = pathlib.Path(d2l.__file__).with_name("tensorflow.py")\n'
    'f"{len(helpers.read_text().splitlines())} lines"'
)
SECTION_TEXT = tiny_section(
    'This page stands in for the section.\n\n'
    + fence('pytorch, mxnet', 'answer = 6 * 7\nanswer')
    + '\n'
    + fence('jax', JAX_CELL)
    + '\n'
    + fence('tensorflow', HELPER_LINES)
    + '\nOnly prose below this line.\n'
)


@pytest.fixture(scope='module')
def project(tmp_path_factory):
    project = copy_book(tmp_path_factory.mktemp('incremental'), SECTION_TEXT)
    build_ok(project)
    return project


def re_rendered(result):
    """The pages the build's "[html] re-rendered N page(s): a, b" line names."""
    line = next(
        text for text in result.stdout.splitlines() if text.startswith('[html] re-rendered')
    )
    return line.split(': ', 1)[1].split(', ') if ': ' in line else []


def page(project):
    return Project(project).html_dir / SECTION.replace('.md', '.html')


def test_a_clean_build_runs_each_tab_of_the_section_side_by_side(tmp_path):
    project = copy_book(tmp_path, SECTION_TEXT)
    build_ok(project, 'eval')
    assert executed(project) == sorted((SECTION, tab) for tab in tabs())
    # The other pages have no code cell: no kernel starts for them.
    others = {key: action for key, action in actions(project).items() if key[0] != SECTION}
    assert others and set(others.values()) == {'no code'}
    assert report(project)['peak_running_kernels'] >= 2


def test_nothing_changed_executes_nothing_and_renders_nothing(project):
    outputs = [page(project), Project(project).build_dir / 'eval_report.json']
    before = [path.stat().st_mtime_ns for path in outputs]
    result = build_ok(project)
    # The build stops at its inputs' stamp, before d2lbook or a kernel starts.
    assert '[book] nothing changed since the last build' in result.stdout
    assert '[eval]' not in result.stdout and '[html]' not in result.stdout
    assert [path.stat().st_mtime_ns for path in outputs] == before


def test_touching_every_source_like_a_fresh_clone_executes_nothing(project):
    touch_every_source(project)
    # Without the stamp (as after an interrupted build) the build goes through
    # every step; d2lbook's time-based checks still find nothing to evaluate.
    (Project(project).build_dir / '.html-inputs').unlink()
    result = build_ok(project)  # the render guard fails the build if d2lbook evaluates
    assert '[eval]' in result.stdout
    assert executed(project) == []


def test_a_prose_edit_executes_nothing_but_re_renders_the_page(project):
    edit(project / SECTION, 'Only prose below this line.', 'Prose edited by the test.')
    result = build_ok(project)
    assert executed(project) == []
    assert {actions(project)[(SECTION, tab)] for tab in tabs()} == {'outputs reused'}
    assert re_rendered(result) == ['chapter_builders-guide/custom-layer']
    html = page(project).read_text()
    assert 'Prose edited by the test.' in html and '42' in html


def test_an_edit_to_one_frameworks_cell_executes_only_that_tab(project):
    edit(project / SECTION, JAX_CELL, 'answer = 2 * 22\nanswer')
    build_ok(project)
    assert executed(project) == [(SECTION, 'jax')]
    assert '44' in page(project).read_text(), 'the page does not show the new JAX output'


def test_a_change_to_one_frameworks_helper_module_executes_only_that_tab(project):
    helpers = project / 'd2l' / 'tensorflow.py'
    helpers.write_text(helpers.read_text() + '\n# A comment added by the test.\n')
    result = build_ok(project)
    assert executed(project) == [(SECTION, 'tensorflow')]
    # Only a tab other than the first has a new output, which d2lbook's merge
    # step would not notice by itself: the page must be merged and rendered again.
    assert re_rendered(result) == ['chapter_builders-guide/custom-layer']
    assert f'{len(helpers.read_text().splitlines())} lines' in page(project).read_text()


def test_the_render_never_evaluates_even_where_d2lbook_would(project):
    """The render (render/live.py) runs d2lbook's merge and rst steps only:
    a notebook older than its page, which d2lbook's own `html` would
    evaluate again, is left as it is, and no kernel starts (the render
    guard's kernel spec fails any that would)."""
    notebook = Project(project).eval_dir('jax') / SECTION.replace('.md', '.ipynb')
    before = notebook.read_bytes()
    os.utime(notebook, (0, 0))  # older than its page: d2lbook's eval wants to run it
    render = (
        'import sys; from bookbuild.project import Project; '
        'from bookbuild.render.html import render; render(Project(sys.argv[1]).english)'
    )
    result = subprocess.run(
        [sys.executable, '-c', render, str(project)],
        env=dict(os.environ, JUPYTER_PATH=str(Project().render_guard_dir())),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert notebook.read_bytes() == before and notebook.stat().st_mtime == 0
    build_ok(project)  # the evaluator puts the time right again


def test_a_changed_stylesheet_reaches_the_site_and_executes_nothing(project):
    stylesheet = project / 'static' / 'book.css'
    stylesheet.write_text(stylesheet.read_text() + '\n/* a rule added by the test */\n')
    build_ok(project)
    assert executed(project) == []
    site_css = (Project(project).html_dir / '_static' / 'd2l.css').read_text()
    assert 'a rule added by the test' in site_css
