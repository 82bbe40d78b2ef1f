"""bookbuild/render/build_marks.py takes d2lbook's marks out of code, and nothing else."""

from bookbuild.render import build_marks


def test_a_trailing_mark_goes_and_the_code_stays():
    code = 'class CenteredLayer(nn.Module):  #@save\n    pass'
    assert build_marks.strip_marks(code) == 'class CenteredLayer(nn.Module):\n    pass'


def test_a_line_that_holds_only_a_mark_goes():
    code = '#@tab pytorch, jax\nx = 1\n# @save\ny = 2'
    assert build_marks.strip_marks(code) == 'x = 1\ny = 2'


def test_every_d2lbook_mark_is_recognised():
    for name in ('save', 'save_cell', 'save_all', 'hide', 'hide_all', 'hide_code', 'hide_output'):
        assert build_marks.strip_marks(f'x = 1  #@{name}') == 'x = 1'


def test_blank_lines_decorators_and_other_comments_stay():
    code = '@d2l.add_to_class(Model)\ndef f(self):\n\n    return 1  # @ sign in a comment\n# saved for later'
    assert build_marks.strip_marks(code) == code
