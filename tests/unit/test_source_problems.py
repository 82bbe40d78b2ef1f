"""bookbuild.source.check: a malformed page is reported as `file:line: what
is wrong` before anything runs. (That the build stops on one is shown in
tests/build_behaviour/test_source_check.py.)"""

from book_paths import PROJECT
from bookbuild.source import check as check_source
from tiny_book import TABS, fence, line_of, load_tabs

ALL_FOUR = fence('pytorch, mxnet', 'x = 1') + '\n' + fence('jax, tensorflow', 'x = 1')
KNOWN = ', '.join(TABS)


def problems(text):
    return check_source.problems_in(text, TABS, 'page.md')


def test_the_books_own_pages_pass():
    assert check_source.check(PROJECT) == []


def test_a_complete_code_group_passes():
    assert problems(load_tabs(TABS) + '\nProse.\n\n' + ALL_FOUR) == []


def test_an_unknown_tab_in_a_code_cell_is_reported_at_its_line():
    text = (
        ALL_FOUR
        + '\n'
        + fence('pytorch, jaxx', 'y = 2')
        + '\n'
        + fence('mxnet, tensorflow, jax', 'y = 2')
    )
    assert problems(text) == [
        f'page.md:{line_of(text, "%%tab pytorch, jaxx")}: unknown tab "jaxx" in %%tab '
        f'(config.ini has {KNOWN})'
    ]


def test_an_unknown_tab_in_prose_is_reported_at_its_line():
    text = ALL_FOUR + '\n:begin_tab:`pytroch`\nA note.\n:end_tab:\n'
    assert problems(text) == [
        f'page.md:{line_of(text, ":begin_tab:`pytroch`")}: unknown tab '
        f'"pytroch" in :begin_tab: (config.ini has {KNOWN})'
    ]


def test_a_code_group_lacking_a_framework_is_reported_at_its_first_cell():
    text = (
        ALL_FOUR
        + '\nProse splits the groups.\n\n'
        + fence('pytorch, mxnet', 'z = 3')
        + '\n'
        + fence('jax', 'z = 3')
    )
    second_group = line_of(text, 'Prose splits the groups.') + 2
    assert problems(text) == [
        f'page.md:{second_group}: this code group has no tensorflow cell (it has pytorch, '
        f'mxnet, jax); every group needs all of {KNOWN} or a shared %%tab all'
    ]


def test_an_untagged_cell_counts_for_the_first_tab_only():
    found = problems('```{.python .input}\nw = 4\n```\n')
    assert found == [
        'page.md:1: this code group has no mxnet, jax, tensorflow cell (it has pytorch; '
        f'an untagged cell runs in pytorch only); every group needs all of {KNOWN} '
        'or a shared %%tab all'
    ]


def test_a_group_of_shared_cells_needs_no_framework_cells():
    assert problems(fence('all', 'import math') + '\n' + fence('all', 'math.pi')) == []


def test_a_cell_tagged_with_several_tabs_counts_for_each():
    assert problems(fence(KNOWN, 'v = 5')) == []


def test_the_load_tab_extension_cell_is_not_a_code_group():
    assert problems(load_tabs(['pytorch'])) == []


def test_stored_outputs_are_reported():
    output = '```{.json .output n=1}\n[{"output_type": "execute_result"}]\n```\n'
    text = ALL_FOUR + output
    assert problems(text) == [
        f'page.md:{line_of(text, "```{.json .output n=1}")}: stored outputs in the '
        'source; delete this block, the build writes every output itself'
    ]


def test_problems_come_in_line_order_with_the_roles_after():
    text = (
        '# Page\n\nSee :term:`x`.\n\n'
        + fence('pytorch, jaxx', 'a = 1')
        + '\n:begin_tab:`tf`\nNote.\n:end_tab:\n'
    )
    found = problems(text)
    assert [problem.split(':')[1] for problem in found] == ['5', '6', '10', '3']
    assert 'the role :term:' in found[-1]


def test_check_names_each_page_by_its_path_in_the_book(book):
    project = book({'index.md': '# Index\n', 'part/a.md': fence('pytorch', 'a = 1')})
    assert check_source.check(project) == [
        'part/a.md:1: this code group has no jax cell (it has pytorch); every group '
        'needs all of pytorch, jax or a shared %%tab all'
    ]
