"""bookbuild.source.cells and roles: a page's fenced blocks read as notedown
(and so d2lbook) reads them, with the line each starts on, and the roles in
its prose that the notebooks could not show."""

from bookbuild.source import cells, roles
from tiny_book import fence, line_of

PAGE = (
    '# Title\n'
    '\n'
    + fence('pytorch', 'a = 1')
    + fence('jax', 'a = 2')
    + '\nProse between.\n\n'
    + '```bash\npip install d2l\n```\n'
    + '\n````{.python .input}\n#@tab all\n\nprint("```")\n````\n'
)


def test_blocks_start_and_end_at_their_fences_lines():
    blocks = cells.all_blocks(PAGE)
    assert [(block.line, block.end_line) for block in blocks] == [
        (3, 6),
        (7, 10),
        (14, 16),
        (18, 22),
    ]


def test_only_input_blocks_are_code_cells():
    found = cells.code_cells(PAGE)
    assert [block.classes for block in found] == [['python', 'input']] * 3
    assert [block.source for block in found][:2] == ['%%tab pytorch\na = 1', '%%tab jax\na = 2']


def test_a_longer_fence_ends_only_at_the_same_fence():
    last = cells.code_cells(PAGE)[-1]
    assert last.lines == ['#@tab all', '', 'print("```")']


def test_an_unclosed_fence_is_prose():
    assert cells.all_blocks('# T\n\n```{.python .input}\nx = 1\n') == []


def test_a_cell_knows_whether_prose_separates_it_from_the_cell_before():
    first, second, third = cells.code_cells(PAGE)
    assert first.prose_before  # the title
    assert not second.prose_before
    # The bash block reads as prose, as do the words before it.
    assert third.prose_before


def test_a_bash_block_between_two_cells_separates_them():
    text = fence('pytorch', 'a = 1') + '```bash\nls\n```\n' + fence('jax', 'a = 2')
    assert [cell.prose_before for cell in cells.code_cells(text)] == [False, True]


def test_both_ways_of_tagging_a_cell_give_its_tabs_and_their_line():
    first, second = cells.code_cells(fence('pytorch, jax', 'x') + '\n' + fence('mxnet', 'y'))
    assert first.tab_line() == (2, ['pytorch', 'jax'])
    assert second.tab_line() == (7, ['mxnet'])
    marked = cells.code_cells('```{.python .input}\nimport d2l\n#@tab jax, tensorflow\n```\n')
    assert marked[0].tab_line() == (3, ['jax', 'tensorflow'])
    assert cells.code_cells('```{.python .input}\nx = 1\n```\n')[0].tab_line() is None


def test_the_first_code_line_skips_the_tab_mark_and_blank_lines():
    cell = cells.code_cells(PAGE)[-1]
    assert cell.first_code_line() == 'print("```")'


def test_fence_attributes_give_the_classes():
    assert cells.attribute_classes('{.python .input n=3}') == ['python', 'input']
    assert cells.attribute_classes('toc') == ['toc']
    assert cells.attribute_classes('') == []


def test_tab_marks_in_prose_are_found_and_those_in_code_are_not():
    text = ':begin_tab:`pytorch, jax`\nNote.\n:end_tab:\n\n```bash\n:begin_tab:`mxnet`\n```\n'
    assert cells.prose_tab_marks(text) == [(1, ['pytorch', 'jax'])]


def test_an_unknown_role_in_prose_is_reported_at_its_line_and_one_in_code_is_not():
    text = '# T\n\n' + fence('pytorch', 'x = ":term:`y`"') + '\nA :abbr:`GPU (graphics)`.\n'
    assert roles.unknown_roles(text, 'page.md') == [
        f'page.md:{line_of(text, "A :abbr:`GPU (graphics)`.")}: the role :abbr: has no form in '
        'the notebooks (bookbuild/forms/notebook_text.py knows bibliography, cite, citep, '
        'citet, eqlabel, eqref, label, numref, ref)'
    ]


def test_the_converted_roles_and_d2lbooks_tab_marks_are_known():
    text = ':label:`a` :numref:`a` :cite:`b` :eqref:`c` :begin_tab:`jax` :end_tab:`x`\n'
    assert roles.unknown_roles(text, 'page.md') == []


def test_an_eval_rst_block_is_shown_only_when_it_holds_a_heading_for_html():
    heading = '```eval_rst\n.. only:: html\n\n   References\n   ==========\n```\n'
    assert roles.unknown_roles(heading, 'page.md') == []
    assert roles.rst_heading('.. only:: html\n\n   References\n   ==========') == 'References'
    note = '# T\n\n```eval_rst\n.. note:: Read this.\n```\n'
    assert roles.unknown_roles(note, 'page.md') == [
        'page.md:3: an eval_rst block the notebooks cannot show: only ".. only:: html" '
        'around a heading has a Markdown form'
    ]
    # An underline shorter than its title is no heading in reST.
    assert roles.rst_heading('.. only:: html\n\nReferences\n===') is None


HEADINGS = {
    '# Title': (1, 'Title'),
    '### A section ###': (3, 'A section'),
    '## Layers in C#': (2, 'Layers in C#'),  # a closing run counts only after a space
    '####### seven': None,  # CommonMark stops at six
    '#tag': None,
}


def test_a_heading_is_one_to_six_hashes_a_space_and_its_title():
    found = {line: cells.HEADING.match(line) for line in HEADINGS}
    assert {
        line: (len(match[1]), match[2]) if match else None for line, match in found.items()
    } == HEADINGS


def test_the_notebooks_and_the_editions_read_a_heading_alike():
    """Both readers of headings take the one definition: the notebooks'
    page titles and the editions' units of a page."""
    from bookbuild.editions import paragraphs
    from bookbuild.forms import notebook_text

    for line, expected in HEADINGS.items():
        title = expected[1] if expected else ''
        assert notebook_text.page_title(line + '\n') == title, line
        units = paragraphs.units(line + '\n')
        assert [unit.text for unit in units if unit.kind == 'heading'] == [title] * bool(title)
