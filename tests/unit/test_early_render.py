"""The render beside the evaluation: the evaluator hands a page over only once
every tab of it is written, never with a failed tab (evaluator.PagesDone);
the page is then merged and converted with the bytes d2lbook's own merge and
rst steps write, so that d2lbook finds it current (render/early.py); a
conversion that fails leaves no rst that looks current."""

import base64
import concurrent.futures
import json
import os
import shutil
import struct
import threading
import zlib
from types import SimpleNamespace

import nbformat
import pytest

from bookbuild import pipeline
from bookbuild.evaluate import evaluator
from bookbuild.evaluate.tab_notebooks import tab_notebook, tidy_outputs
from bookbuild.pipeline import union
from bookbuild.render import early
from tiny_book import fence, load_tabs

# Long enough for a thread to start on the slowest machine, and only
# reached when the code under test is broken.
NEVER = 120

PAGE = """# A Page
:label:`sec_page`

Prose with *emphasis* and a reference to :numref:`sec_page`.

{load}
{both}
Text between the cells.

{pytorch}
{jax}
## Its Summary

One more paragraph, with `code` in it.
"""


def page_text():
    return PAGE.format(
        load=load_tabs('pytorch, jax'),
        both=fence('pytorch, jax', 'x = 1\nx'),
        pytorch=fence('pytorch', 'print("torch")'),
        jax=fence('jax', 'print("jax")'),
    )


def job(source, tab, action, target):
    return SimpleNamespace(source=source, tab=tab, action=action, failure=None, target=target)


def fake_jobs(project):
    """A page without code and a page with a kernel to run in each of two tabs."""
    plain = project.root / 'index.md'
    coded = project.root / 'page.md'
    jobs = []
    for source, action in ((plain, 'no code'), (coded, 'execute')):
        for tab in project.tabs:
            target = project.evaluated_notebook(source, tab)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text('{}')
            jobs.append(job(source, tab, action, target))
    return plain, coded, jobs


@pytest.fixture
def two_pages(book):
    return book({'index.md': '# Index\n', 'page.md': page_text()})


def test_a_page_without_kernels_is_ready_at_once_and_one_with_kernels_after_its_last_tab(
    two_pages,
):
    plain, coded, jobs = fake_jobs(two_pages)
    told = []
    pages = evaluator.PagesDone(two_pages, jobs, told.append)
    pages.ready_without_kernels()
    assert told == [plain]
    pages.finished(jobs[2])
    assert told == [plain], 'the page was handed over with a tab still running'
    pages.finished(jobs[3])
    assert told == [plain, coded]


def test_a_page_with_a_failed_tab_is_never_handed_over(two_pages):
    _, coded, jobs = fake_jobs(two_pages)
    told = []
    pages = evaluator.PagesDone(two_pages, jobs, told.append)
    jobs[3].failure = {'exception': 'ValueError'}
    pages.finished(jobs[2])
    pages.finished(jobs[3])
    assert coded not in told


def test_a_page_handed_over_has_notebooks_newer_than_its_page_and_no_stale_merge(two_pages):
    _, coded, jobs = fake_jobs(two_pages)
    for target in (jobs[2].target, jobs[3].target):
        os.utime(target, (1, 1))  # older than the page: d2lbook would evaluate again
    merged = two_pages.merged_notebook(coded)
    merged.parent.mkdir(parents=True, exist_ok=True)
    merged.write_text('{}')
    os.utime(merged, (0, 0))  # older than a tab's notebook: d2lbook would keep it
    pages = evaluator.PagesDone(two_pages, jobs, lambda source: None)
    pages.finished(jobs[2])
    pages.finished(jobs[3])
    for target in (jobs[2].target, jobs[3].target):
        assert target.stat().st_mtime > coded.stat().st_mtime
    assert not merged.exists()


def test_pages_start_whole_and_longest_first_when_rendered_as_they_come(two_pages):
    runs = [
        SimpleNamespace(name=name, tab=tab)
        for name in ('short.md', 'long.md')
        for tab in ('pytorch', 'jax')
    ]
    # The short page has the longest notebook; the long one is longer in all.
    expected = {('short.md', 'pytorch'): 7, ('short.md', 'jax'): 1}
    expected |= {('long.md', 'pytorch'): 2, ('long.md', 'jax'): 6.5}
    by_page = evaluator.run_order(runs, expected, by_page=True)
    assert [(run.name, run.tab) for run in by_page] == [
        ('long.md', 'jax'),
        ('long.md', 'pytorch'),
        ('short.md', 'pytorch'),
        ('short.md', 'jax'),
    ]
    longest = evaluator.run_order(runs, expected, by_page=False)
    assert [expected[run.name, run.tab] for run in longest] == [7, 6.5, 2, 1]


def test_spans_that_overlap_count_once():
    assert union([(5, 6), (0, 2), (1, 3), (3, 4)]) == [(0, 4), (5, 6)]


# ------------------------------------------- the bytes d2lbook writes ----


def tiny_png():
    """A 1x1 PNG: an image output, which the conversion writes beside the rst."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))

    header = struct.pack('>IIBBBBB', 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b'\x00\x00')
    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', pixels)
    return base64.b64encode(png + chunk(b'IEND', b'')).decode()


def write_evaluated_notebooks(project, source):
    """Each tab's notebook of the page, as the evaluator writes it after a
    run: printed text in every code cell, an image in one."""
    markdown = source.read_text(encoding='utf-8')
    for tab in project.tabs:
        _, nb = tab_notebook(markdown, tab, project)
        for number, cell in enumerate(c for c in nb.cells if c.cell_type == 'code'):
            cell.outputs = [
                nbformat.v4.new_output('stream', name='stdout', text=f'{tab} {number}\n')
            ]
            if number == 1:
                cell.outputs.append(
                    nbformat.v4.new_output('display_data', data={'image/png': tiny_png()})
                )
        target = project.evaluated_notebook(source, tab)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(tidy_outputs(nb))


def d2lbook_rst_step(root):
    """`d2lbook build rst --tab all` in the book at root, as the render runs it."""
    from d2lbook.build import Builder
    from d2lbook.config import Config

    before = os.getcwd()
    os.chdir(root)
    try:
        Builder(Config(tab='all')).rst()
    finally:
        os.chdir(before)


def files_under(folder):
    return {
        path.relative_to(folder): path.read_bytes()
        for path in sorted(folder.rglob('*'))
        if path.is_file()
    }


def without_cell_ids(path):
    """A merged notebook: d2lbook's merge gives its cells random ids."""
    nb = json.loads(path.read_text(encoding='utf-8'))
    for cell in nb['cells']:
        cell.pop('id', None)
    return nb


@pytest.fixture
def evaluated_book(book):
    project = book({'index.md': '# Index\n', 'page.md': page_text()})
    write_evaluated_notebooks(project, project.root / 'page.md')
    return project


def test_the_early_conversion_writes_the_bytes_d2lbook_writes_and_d2lbook_then_has_nothing_to_do(
    evaluated_book, tmp_path
):
    project = evaluated_book
    source = project.root / 'page.md'
    reference = tmp_path / 'd2lbook'
    shutil.copytree(project.root, reference)
    d2lbook_rst_step(reference)

    files = early.PageFiles(project, source)
    assert early.merge_page(files, project.tabs)
    assert early.convert_page(files)
    rst_dir = project.build_dir / 'rst_all'
    made = {
        name: data
        for name, data in files_under(rst_dir).items()
        if name.stem.startswith(('page', 'output_page'))
    }
    expected = {
        name: data
        for name, data in files_under(reference / 'out' / 'rst_all').items()
        if name.stem.startswith(('page', 'output_page'))
    }
    assert any(name.suffix == '.png' for name in expected), 'the page should have an image'
    assert made == expected
    assert without_cell_ids(files.merged) == without_cell_ids(
        reference / 'out' / 'eval_all' / 'page.ipynb'
    )

    state = {path: path.stat().st_mtime_ns for path in (files.merged, files.rst)}
    d2lbook_rst_step(project.root)
    assert {path: path.stat().st_mtime_ns for path in state} == state, (
        'd2lbook merged or converted the page again after the early render'
    )


# The worker imports Sphinx, which warns of a module Python 3.13 drops.
@pytest.mark.filterwarnings('ignore::DeprecationWarning')
def test_a_failed_conversion_leaves_no_rst_and_the_render_does_the_page_again(
    evaluated_book, monkeypatch
):
    project = evaluated_book
    render = early.EarlyRender(project)

    def broken(nb, resources):
        raise RuntimeError('pandoc went away')

    from d2lbook import rst as d2lbook_rst

    monkeypatch.setattr(d2lbook_rst, 'convert_notebook', broken)
    render.page_ready(project.root / 'page.md')
    assert render.finish() == []
    assert render.failed and 'pandoc went away' in render.failed[0]
    files = early.PageFiles(project, project.root / 'page.md')
    assert files.merged.exists() and not files.rst.exists()


def test_a_page_whose_tabs_have_no_cell_is_left_to_the_final_render_saying_why(evaluated_book):
    project = evaluated_book
    source = project.root / 'page.md'
    for tab in project.tabs:
        project.evaluated_notebook(source, tab).write_bytes(b'')  # d2lbook's "no cell" marker
    files = early.PageFiles(project, source)
    with pytest.raises(ValueError, match='every tab notebook of the page is empty'):
        early.merge_page(files, project.tabs)
    assert not files.merged.exists()


def test_ctrl_c_while_finishing_drops_the_pages_the_worker_has_not_started(two_pages):
    render = early.EarlyRender(two_pages)
    render.warm_up = concurrent.futures.Future()  # nothing to import here
    first_started, first_may_end = threading.Event(), threading.Event()

    def render_page(source):
        if source == 'first':
            first_started.set()
            first_may_end.wait(timeout=NEVER)
        elif threading.current_thread() is threading.main_thread():
            first_may_end.set()
            raise KeyboardInterrupt  # Ctrl-C while finish() converts a page itself

    render._render_page = render_page
    for source in ('first', 'second', 'third'):
        render.page_ready(source)
    assert first_started.wait(timeout=NEVER), 'the worker never started the first page'
    with pytest.raises(KeyboardInterrupt):
        render.finish()
    third = render.queued[2][1]
    assert third.cancelled(), 'the worker goes on with a page after the build was stopped'


@pytest.mark.parametrize('where', ['record_versions', 'evaluate'])
def test_a_build_stopped_after_the_kernels_abandons_the_early_render(two_pages, monkeypatch, where):
    from bookbuild.evaluate import versions

    calls = []

    class Early:
        page_ready = None

        def abandon(self):
            calls.append('abandon')

        def finish(self):
            calls.append('finish')

    def stopped(*arguments, **keywords):
        raise KeyboardInterrupt

    monkeypatch.setattr(evaluator, 'evaluate', lambda *a, **k: [])
    monkeypatch.setattr(versions, 'record_versions', lambda *a, **k: None)
    monkeypatch.setattr(evaluator if where == 'evaluate' else versions, where, stopped)
    with pytest.raises(KeyboardInterrupt):
        pipeline.evaluate(two_pages, early=Early())
    assert calls == ['abandon'], f'stopped in {where}: the early render got {calls}'
