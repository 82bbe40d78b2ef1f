"""A rebuild reads only the files that changed (files.ReadCache): the
check, the evaluation's plan and the site's postprocessing read a file
again when it changed, and not when it did not, in this process or in a
fresh one (the cache is read back from _build/). Reads are counted through
the cache's own list of the files it read, never by timing."""

import os

import pytest

from bookbuild import files
from bookbuild.evaluate import planning, tab_notebooks
from bookbuild.files import ReadCache
from bookbuild.render import postprocess
from bookbuild.source import check
from tiny_book import fence, load_tabs

PAGES = {
    'index.md': '# A Book\n\nProse only.\n',
    'part/a.md': load_tabs(['pytorch', 'jax'])
    + '\n# A\n\nThe code below adds one.\n\n'
    + fence('pytorch', 'x = 1 + 1')
    + '\n'
    + fence('jax', 'x = 1 + 2'),
}


@pytest.fixture
def still(monkeypatch):
    """Files count as still at once: without it, a file written in the
    last two seconds is read again however its stat looks (the racy case)."""
    monkeypatch.setattr(files, 'RACY_NANOSECONDS', -(10**12))


@pytest.fixture
def racy(monkeypatch):
    """Files count as just changed however long ago they were written (the
    racy case), so that a test of it does not hang on the machine's speed."""
    monkeypatch.setattr(files, 'RACY_NANOSECONDS', 10**30)


def shout(data):
    """A value made from a file's bytes, as a step makes one (JSON, kept on disk)."""
    return data.decode().upper()


def names(paths, root):
    return sorted(os.path.relpath(path, root) for path in paths)


def rewrite_keeping_size_and_times(path, old, new):
    """Change a file without changing its size or modification time."""
    assert len(old) == len(new)
    before = path.stat()
    path.write_text(path.read_text(encoding='utf-8').replace(old, new, 1), encoding='utf-8')
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    # Within one tick of the kernel's clock the change time stays too (the
    # racy case, which the `still` fixture leaves out): wait for the tick.
    while path.stat().st_ctime_ns == before.st_ctime_ns:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


# ------------------------------------------------------------ the cache ----


def read_once(folder):
    """A page holding 'one', and a cache that has read it once."""
    path = folder / 'page.md'
    path.write_text('one', encoding='utf-8')
    cache = ReadCache(folder / 'cache.json')
    cache.value(path, shout)
    return path, cache


def test_an_unchanged_file_is_not_read_again_even_by_a_fresh_cache(tmp_path, still):
    path = tmp_path / 'page.md'
    path.write_text('one', encoding='utf-8')
    store = tmp_path / 'cache.json'
    first = ReadCache(store)
    assert first.value(path, shout) == 'ONE'
    first.save()
    again = ReadCache(store)
    assert again.value(path, lambda data: pytest.fail('made again')) == 'ONE'
    assert again.reads == []


def test_a_changed_file_is_read_again_though_its_size_and_mtime_are_the_same(tmp_path, still):
    path, cache = read_once(tmp_path)
    rewrite_keeping_size_and_times(path, 'one', 'two')
    assert cache.value(path, shout) == 'TWO'
    assert cache.reads == [path, path]


def test_a_file_changed_in_the_last_two_seconds_is_read_again_whatever_its_stat(tmp_path, racy):
    path, cache = read_once(tmp_path)
    # Same stat, same bytes: read to be sure, and the value kept (not made again).
    assert cache.value(path, lambda data: pytest.fail('made again')) == 'ONE'
    assert cache.reads == [path, path]


def test_a_file_with_the_same_bytes_keeps_its_value_without_making_it_again(tmp_path, still):
    path, cache = read_once(tmp_path)
    path.write_text('one', encoding='utf-8')
    os.utime(path, ns=(1, 1))
    assert cache.value(path, lambda data: pytest.fail('made again')) == 'ONE'
    assert cache.reads == [path, path]


def test_another_context_makes_every_value_again(tmp_path, still):
    path = tmp_path / 'page.md'
    path.write_text('one', encoding='utf-8')
    first = ReadCache(tmp_path / 'cache.json', context='tabs: pytorch')
    first.value(path, shout)
    first.save()
    other = ReadCache(tmp_path / 'cache.json', context='tabs: pytorch, jax')
    assert other.value(path, lambda data: data.decode().title()) == 'One'
    assert other.reads == [path]


# ------------------------------------------------------------ the steps ----


def test_check_reads_only_the_page_that_changed(book, still):
    project = book(PAGES)
    first = check.check_cache(project)
    assert check.check(project, cache=first) == []
    assert names(first.reads, project.root) == ['index.md', 'part/a.md']
    again = check.check_cache(project)  # as a fresh process finds it
    check.check(project, cache=again)
    assert again.reads == []
    page = project.root / 'part' / 'a.md'
    rewrite_keeping_size_and_times(page, '%%tab jax', '%%tab jux')
    after_edit = check.check_cache(project)
    problems = check.check(project, cache=after_edit)
    assert names(after_edit.reads, project.root) == ['part/a.md']
    assert any('unknown tab "jux"' in problem for problem in problems), problems


@pytest.fixture
def plan_reads(monkeypatch):
    """The files each plan's cache read (its own list), one list per plan."""
    made = []

    class Counted(ReadCache):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self.reads)

    monkeypatch.setattr(planning, 'ReadCache', Counted)
    return made


def planned(project):
    jobs = planning.plan(project, project.tabs)
    for job in jobs:  # saved as the evaluator saves them, a run stood in for
        if job.action == 'execute':
            job.content = tab_notebooks.tidy_outputs(job.nb)
        job.save()
    return {(job.name, job.tab): job.action for job in jobs}


def test_the_plan_reads_no_page_record_or_notebook_that_did_not_change(book, still, plan_reads):
    project = book(PAGES)
    planned(project)
    planned(project)  # reads the records and notebooks the first plan wrote
    actions = planned(project)
    assert plan_reads[-1] == []
    assert actions[('part/a.md', 'jax')] == 'up to date'
    rewrite_keeping_size_and_times(project.root / 'part' / 'a.md', 'adds one.', 'adds two.')
    actions = planned(project)
    assert names(plan_reads[-1], project.root) == ['part/a.md']
    assert actions[('part/a.md', 'jax')] == 'outputs reused'


SECTION_PAGE = (
    '<html><body><div class="page-content" role="main">'
    '<section id="target"><h1>Target</h1><p>{first}</p></section>'
    '</div><div class="side-doc-outline"></div></body></html>\n'
)
LINKING_PAGE = (
    '<html><body><div class="page-content" role="main">'
    '<p><a class="reference internal" href="target.html#target">Target</a></p>'
    '</div><div class="side-doc-outline"></div></body></html>\n'
)


def test_postprocess_reads_the_pages_sphinx_wrote_and_the_previews_that_changed(book, still):
    project = book(PAGES)
    site = project.english.html_dir / 'other'
    site.mkdir(parents=True)
    (site / 'target.html').write_text(SECTION_PAGE.format(first='Old words.'), encoding='utf-8')
    (site / 'linking.html').write_text(LINKING_PAGE, encoding='utf-8')
    read = []

    def postprocess_site():
        caches = []

        class Counted(ReadCache):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                caches.append(self)

        postprocess.ReadCache = Counted
        try:
            postprocess.postprocess_site(project.english)
        finally:
            postprocess.ReadCache = ReadCache
        read.append(names(caches[0].reads, site))

    postprocess_site()
    assert read[-1] == ['linking.html', 'target.html']
    assert 'Old words.' in (site / 'linking.html').read_text(encoding='utf-8').split('</div>')[-1]
    postprocess_site()  # the pages it wrote are read once more: they were written just now
    postprocess_site()
    assert read[-1] == []
    # Sphinx writes the target again, with another first paragraph.
    (site / 'target.html').write_text(SECTION_PAGE.format(first='New words.'), encoding='utf-8')
    postprocess_site()
    assert read[-1] == ['target.html']
    linking = (site / 'linking.html').read_text(encoding='utf-8')
    assert 'New words.' in linking and 'Old words.' not in linking
