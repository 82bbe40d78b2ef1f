"""Malformed pages stop the build with `file:line` before anything runs."""

from bookbuild.project import Project
from bookbuild.source import check as check_source
from throwaway_book import ROOT, SECTION, build, copy_book, fence, tabs, tiny_section

LOAD_TAB = "```{.python .input}\n%load_ext d2lbook.tab\ntab.interact_select(['pytorch'])\n```\n"
ALL_FOUR = fence('pytorch, mxnet', 'x = 1') + '\n' + fence('jax, tensorflow', 'x = 1')


def problems(text):
    return check_source.problems_in(text, tabs(), 'page.md')


def line_of(text, needle):
    return text.split('\n').index(needle) + 1


def test_the_books_own_pages_pass():
    assert check_source.check(Project(ROOT)) == []


def test_a_complete_code_group_passes():
    assert problems(LOAD_TAB + '\nProse.\n\n' + ALL_FOUR) == []


def test_an_unknown_tab_in_a_code_cell_is_reported_at_its_line():
    text = (
        ALL_FOUR
        + '\n'
        + fence('pytorch, jaxx', 'y = 2')
        + '\n'
        + fence('mxnet, tensorflow, jax', 'y = 2')
    )
    found = problems(text)
    assert found == [
        f'page.md:{line_of(text, "%%tab pytorch, jaxx")}: unknown tab "jaxx" in %%tab '
        f'(config.ini has {", ".join(tabs())})'
    ]


def test_an_unknown_tab_in_prose_is_reported():
    text = ALL_FOUR + '\n:begin_tab:`pytroch`\nA note.\n:end_tab:\n'
    assert problems(text) == [
        f'page.md:{line_of(text, ":begin_tab:`pytroch`")}: unknown tab '
        f'"pytroch" in :begin_tab: (config.ini has {", ".join(tabs())})'
    ]


def test_a_code_group_lacking_a_framework_is_reported_at_its_first_cell():
    text = (
        ALL_FOUR
        + '\nProse splits the groups.\n\n'
        + fence('pytorch, mxnet', 'z = 3')
        + '\n'
        + fence('jax', 'z = 3')
    )
    found = problems(text)
    assert len(found) == 1
    second_group_line = [
        i for i, line in enumerate(text.split('\n'), 1) if line == '%%tab pytorch, mxnet'
    ][1] - 1
    assert found[0].startswith(
        f'page.md:{second_group_line}: this code group has no tensorflow cell'
    )


def test_an_untagged_cell_counts_for_the_first_tab_only():
    text = '```{.python .input}\nw = 4\n```\n'
    found = problems(text)
    assert len(found) == 1 and f'has no {", ".join(tabs()[1:])} cell' in found[0]


def test_a_group_of_shared_cells_needs_no_framework_cells():
    assert problems(fence('all', 'import math') + '\n' + fence('all', 'math.pi')) == []


def test_a_cell_tagged_with_several_tabs_counts_for_each():
    assert problems(fence(', '.join(tabs()), 'v = 5')) == []


def test_the_load_tab_extension_cell_is_not_a_code_group():
    assert problems(LOAD_TAB) == []


def test_stored_outputs_are_reported():
    output = '```{.json .output n=1}\n[{"output_type": "execute_result", "data": {"text/plain": "1"}}]\n```\n'
    text = ALL_FOUR + output
    found = problems(text)
    assert found == [
        f'page.md:{line_of(text, "```{.json .output n=1}")}: stored outputs in the '
        'source; delete this block, the build writes every output itself'
    ]


def test_a_bad_page_stops_the_build_before_any_kernel_starts(tmp_path):
    bad = tiny_section(fence('pytorch, mxnet, jax', 'u = 6') + '\nProse.\n')
    project = copy_book(tmp_path, bad)
    result = build(project)
    assert result.returncode != 0
    tail = result.stdout.strip().splitlines()[-1]
    assert tail.startswith(
        f'{SECTION}:{line_of(bad, "%%tab pytorch, mxnet, jax") - 1}: '
        'this code group has no tensorflow cell'
    ), tail
    assert not list(Project(project).build_dir.glob('eval*')), 'something was evaluated'
