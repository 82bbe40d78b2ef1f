"""The book's Sphinx roles and d2lbook's marks in the prose of a page: which
ones the notebooks can show (forms/notebook_text.py turns them into text and
links), and where a page uses one they cannot. `make check` and `make
notebooks` fail on the latter with the file and line.

Standard library only: `make check` runs on the system Python.
"""

import re

from .cells import all_blocks

# Roles that forms/notebook_text.py turns into text, and d2lbook's marks that it removes
# before the notebooks are written (`:begin_tab:` / `:end_tab:` around prose
# of one framework, which d2lbook resolves per tab).
CONVERTED = {'label', 'numref', 'ref', 'eqlabel', 'eqref', 'cite', 'citet', 'citep', 'bibliography'}
D2LBOOK_MARKS = {'begin_tab', 'end_tab'}
ROLE = re.compile(r':([A-Za-z][\w-]*):`([^`]*)`')
# What a reader of a notebook must never see: a role, or d2lbook's marks
# without a target (`:end_tab:`), or a reST block.
RAW = re.compile(r':[A-Za-z][\w-]*:`[^`]*`|^:(?:begin|end)_tab:|```eval_rst|```toc', re.M)


def prose_lines(text):
    """(line number, line) of a page's text outside its fenced blocks."""
    inside = set()
    for block in all_blocks(text):
        inside.update(range(block.line, block.end_line + 1))
    return [(n, line) for n, line in enumerate(text.split('\n'), 1) if n not in inside]


def unknown_roles(text, name):
    """'name:line: ...' for each role that the notebooks could not show."""
    problems = []
    for number, line in prose_lines(text):
        for role, _ in ROLE.findall(line):
            if role not in CONVERTED | D2LBOOK_MARKS:
                problems.append(
                    f'{name}:{number}: the role :{role}: has no form in the notebooks '
                    f'(bookbuild/forms/notebook_text.py knows {", ".join(sorted(CONVERTED))})'
                )
    for block in all_blocks(text):
        if 'eval_rst' in block.classes and rst_heading(block.source) is None:
            problems.append(
                f'{name}:{block.line}: an eval_rst block the notebooks cannot show: only '
                '".. only:: html" around a heading has a Markdown form'
            )
    return problems


def rst_heading(rst):
    """The title of an eval_rst block that holds only `.. only:: html` and a
    heading (a page's title on the web page but not in the PDF), else None."""
    lines = [line.strip() for line in rst.split('\n') if line.strip()]
    if (
        len(lines) == 3
        and lines[0] == '.. only:: html'
        and re.fullmatch(r'([=\-~^"#*+])\1*', lines[2])
        and len(lines[2]) >= len(lines[1])
    ):
        return lines[1]
    return None
