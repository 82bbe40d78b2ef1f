"""One framework's notebooks split over jobs (bookbuild.evaluate.shards): each
notebook lands in exactly one shard, the shards are balanced by recorded
run times, and the cache key of a shard changes exactly when the code of one
of its notebooks does."""

import json

import pytest

from bookbuild import hosted
from bookbuild.evaluate import planning, shard_keys, shards, tab_notebooks
from bookbuild.evaluate.shards import Shard
from bookbuild.report import BuildError
from tiny_book import fence, load_tabs

# ---------------------------------------------------------------- split ----


def test_a_shard_is_written_i_of_n():
    assert Shard.parse('2/4') == Shard(2, 4)
    assert (str(Shard(2, 4)), Shard(2, 4).slug) == ('2/4', '2of4')


@pytest.mark.parametrize('text', ['0/2', '3/2', '2', 'a/b', '1/0', '-1/2'])
def test_a_shard_outside_its_count_is_refused_with_the_form_it_takes(text):
    with pytest.raises(BuildError, match=r'--shard .*I/N, with 1 ≤ I ≤ N'):
        Shard.parse(text)


COSTS = {'a.md': 40.0, 'b.md': 31.0, 'c.md': 30.0, 'd.md': 10.0, 'e.md': 9.0, 'f.md': 0.0}


@pytest.mark.parametrize('count', [1, 2, 3, 4, 6, 8])
def test_every_page_is_in_exactly_one_shard(count):
    split = shards.split(COSTS, count)
    assert len(split) == count
    placed = [page for shard in split for page in shard]
    assert sorted(placed) == sorted(COSTS)


@pytest.mark.parametrize('count', [2, 3, 4])
def test_no_shard_is_more_than_one_page_above_the_average(count):
    loads = [sum(COSTS[page] for page in shard) for shard in shards.split(COSTS, count)]
    average = sum(COSTS.values()) / count
    assert max(loads) <= average + max(COSTS.values())


def test_each_page_goes_to_the_lightest_shard_longest_first():
    # a (40) | b (31); c (30) joins b, the lighter; d (10), e (9) and f (0)
    # then join a, which stays the lighter: 59 against 61.
    assert shards.split(COSTS, 2) == [['a.md', 'd.md', 'e.md', 'f.md'], ['b.md', 'c.md']]


def test_the_same_costs_always_give_the_same_split():
    shuffled = dict(reversed(list(COSTS.items())))
    assert shards.split(shuffled, 3) == shards.split(COSTS, 3)


def test_a_page_never_timed_costs_its_cells_at_the_tabs_recorded_pace():
    cells = {'timed.md': 4, 'new.md': 6, 'prose.md': 0}
    costs = shards.costs(cells, {'timed.md': 20.0})
    assert costs == {'timed.md': 20.0, 'new.md': 30.0, 'prose.md': 0.0}


def test_with_nothing_recorded_a_page_costs_its_cells_at_the_default_pace():
    costs = shards.costs({'a.md': 3}, {})
    assert costs == {'a.md': 3 * shards.DEFAULT_SECONDS_PER_CELL}


# ------------------------------------------------- a book's notebooks ----


def page(number, code):
    return (
        load_tabs(['pytorch', 'jax'])
        + f'\n# Page {number}\n\nSome prose {number}.\n\n'
        + fence('pytorch', code)
        + '\n'
        + fence('jax', code)
    )


PAGES = {'index.md': '# A Book\n\nProse only.\n'} | {
    f'part/p{number}.md': page(number, f'x = {number}') for number in range(1, 7)
}
TIMES = {'pytorch': {'part/p1.md': 50, 'part/p2.md': 40, 'part/p3.md': 30, 'part/p4.md': 5}}


@pytest.fixture
def project(book):
    project = book(PAGES)
    (project.root / shards.TIMES_FILE).write_text(json.dumps(TIMES))
    return project


def planned(project, tab, shard):
    return {job.name for job in planning.plan(project, [tab], shard)}


@pytest.mark.parametrize('count', [1, 2, 3])
def test_the_evaluator_plans_each_notebook_in_one_shard_of_its_tab(project, count):
    for tab in project.tabs:
        per_shard = [planned(project, tab, Shard(i, count)) for i in range(1, count + 1)]
        assert sum(map(len, per_shard)) == len(project.notebook_sources())
        assert set().union(*per_shard) == {job.name for job in planning.plan(project, [tab])}


def test_the_recorded_times_decide_the_split(project):
    # p5 and p6 have no time: one cell each at the tab's pace, 125 s / 4
    # cells. Longest first: p1 50 | p2 40; p5 → the second (71.25); p6 → the
    # first (81.25); p3 → the second (101.25); p4 and the prose-only index
    # → the first.
    shard_1 = {'index.md', 'part/p1.md', 'part/p4.md', 'part/p6.md'}
    assert planned(project, 'pytorch', Shard(1, 2)) == shard_1
    # With p1 nearly free, the first shard takes p2 (40) instead.
    times = dict(TIMES['pytorch'])
    times['part/p1.md'] = 1
    (project.root / shards.TIMES_FILE).write_text(json.dumps({'pytorch': times}))
    assert 'part/p1.md' not in planned(project, 'pytorch', Shard(1, 2))


def test_a_times_file_that_is_not_tab_page_seconds_is_named(project):
    (project.root / shards.TIMES_FILE).write_text(json.dumps({'pytorch': ['p1']}))
    with pytest.raises(BuildError, match='eval-times.json: not {tab: {page: seconds}}'):
        shards.recorded_times(project, 'pytorch')


def every_key(project, count=2):
    return {
        (tab, index): shard_keys.cache_key(project, tab, Shard(index, count))
        for tab in project.tabs
        for index in range(1, count + 1)
    }


def edit(project, name, old, new):
    path = project.root / name
    text = path.read_text(encoding='utf-8')
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding='utf-8')


def test_a_code_edit_of_one_page_in_one_tab_changes_that_shards_key_only(project):
    before = every_key(project)
    assert len(set(before.values())) == len(before)
    edit(project, 'part/p3.md', '%%tab jax\nx = 3', '%%tab jax\nx = 3  # edited')
    after = every_key(project)
    [jax_shard] = [i for i in (1, 2) if 'part/p3.md' in planned(project, 'jax', Shard(i, 2))]
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {('jax', jax_shard)}


def test_a_prose_edit_changes_no_key(project):
    before = every_key(project)
    edit(project, 'part/p3.md', 'Some prose 3.', 'Some prose 3, said again.')
    assert every_key(project) == before


def test_a_new_page_changes_the_keys_of_the_shards_that_take_it(project):
    before = every_key(project)
    (project.root / 'part/p7.md').write_text(page(7, 'x = 7'), encoding='utf-8')
    after = every_key(project)
    taking = {
        (tab, i)
        for tab in project.tabs
        for i in (1, 2)
        if 'part/p7.md' in planned(project, tab, Shard(i, 2))
    }
    assert {key for key in before if before[key] != after[key]} >= taking
    assert len(taking) == len(project.tabs)


def test_a_helper_edit_changes_every_key_of_its_tab_and_no_other(project):
    before = every_key(project)
    (project.root / 'd2l/jax.py').write_text('jax_helper = 2\n')
    after = every_key(project)
    assert {key for key in before if before[key] != after[key]} == {('jax', 1), ('jax', 2)}


def test_every_key_of_a_shard_starts_with_its_prefix(project):
    for (tab, index), key in every_key(project).items():
        assert key.startswith(shard_keys.key_prefix(tab, Shard(index, 2)))
        assert key.startswith(f'evaluated-{tab}-')


# ------------------------------------------------------ recorded times ----


def test_the_times_file_is_written_from_the_records_of_the_last_runs(project):
    for job in planning.plan(project, project.tabs):
        if job.action == 'execute':
            job.content = tab_notebooks.tidy_outputs(job.nb)
            job.action, job.seconds = 'executed', 12.3
        job.save()
    path, timed, untimed = shards.write_times(project)
    times = json.loads(path.read_text())
    assert (timed, untimed) == (12, 0)
    assert times['jax']['part/p4.md'] == 12.3
    assert 'index.md' not in times['jax']
    # A notebook whose outputs are reused keeps the time that made them.
    [job] = [j for j in planning.plan(project, ['jax']) if j.name == 'part/p4.md']
    assert job.action == 'up to date' and job.recorded_seconds == 12.3
    job.save()
    assert json.loads(job.record.read_text())['seconds'] == 12.3


def test_a_time_the_records_lack_stays_and_a_page_gone_leaves(project):
    """Records made before they kept a time leave the file's time alone;
    a page the book no longer has is dropped."""
    for job in planning.plan(project, project.tabs):
        if job.action == 'execute':
            job.content = tab_notebooks.tidy_outputs(job.nb)
        job.save()  # no time: as records were made before
    times = {'pytorch': dict(TIMES['pytorch'], **{'part/gone.md': 3.0})}
    (project.root / shards.TIMES_FILE).write_text(json.dumps(times))
    path, timed, untimed = shards.write_times(project)
    assert json.loads(path.read_text()) == TIMES
    assert (timed, untimed) == (4, 2 + 6)


def test_the_workflow_matrix_has_each_framework_in_its_shards_on_its_runner(project, capsys):
    config = project.root / 'config.ini'
    config.write_text(
        config.read_text() + '\n[ci]\nshards = pytorch, 3\nrunner = jax, gpu-box\ngpu = jax\n'
    )
    hosted.ci_matrix(type(project)(project.root))
    matrix = json.loads(capsys.readouterr().out)
    assert [(job['tab'], job['shard'], job['first']) for job in matrix] == [
        ('pytorch', '1/3', True),
        ('pytorch', '2/3', False),
        ('pytorch', '3/3', False),
        ('jax', '1/1', True),
    ]
    runners = {(job['tab'], job['runner'], job['gpu']) for job in matrix}
    assert runners == {('pytorch', 'ubuntu-latest', False), ('jax', 'gpu-box', True)}


@pytest.mark.parametrize(
    ('setting', 'message'),
    [
        ('shards = pytorch, two', r"\[ci\] shards: pytorch, 'two' is not a whole number"),
        ('shards = pytorch, 0', r"\[ci\] shards: pytorch, '0' is not a whole number"),
        ('gpu = pytorch, tensorflow', r'\[ci\] gpu names \[.tensorflow.\], not tabs'),
        (
            'runner = tensorflow, big',
            r"\[ci\] runner: 'tensorflow, big' names tensorflow, not a tab",
        ),
        (
            'gpu = pytorch',
            r'\[ci\] gpu names pytorch, whose runner is ubuntu-latest, which has no GPU',
        ),
    ],
)
def test_a_ci_setting_that_cannot_be_read_is_named(project, setting, message):
    config = project.root / 'config.ini'
    config.write_text(config.read_text() + f'\n[ci]\n{setting}\n')
    with pytest.raises(BuildError, match=message):
        hosted.ci_matrix(type(project)(project.root))


def test_a_framework_moved_to_a_gpu_runner_keeps_its_cpu_outputs_apart(project):
    before = every_key(project)
    config = project.root / 'config.ini'
    config.write_text(config.read_text() + '\n[ci]\nrunner = jax, gpu-box\ngpu = jax\n')
    after = every_key(type(project)(project.root))
    assert {key for key in before if before[key] != after[key]} == {('jax', 1), ('jax', 2)}


def test_a_shard_without_code_still_keys_its_environment(book):
    """Its versions record depends on the environment, and nothing else in
    its key would."""
    project = book({'index.md': '# A Book\n\nProse only.\n'})
    key = shard_keys.cache_key(project, 'jax', Shard(1, 1))
    (project.root / 'd2l/jax.py').write_text('jax_helper = 2\n')
    assert shard_keys.cache_key(project, 'jax', Shard(1, 1)) != key
