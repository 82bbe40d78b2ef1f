"""The fenced blocks of a chapter's markdown, with the line each starts on.

d2lbook reads a page with notedown, which keeps no line numbers; this module
reads the same fences line by line so that the pre-flight check and the
evaluator can point an author at `file:line`. Standard library only: the
check runs before any environment is touched.

The rules follow notedown's "strict" reading, which d2lbook uses: a fence is
three or more backticks (or tildes) at the start of a line and ends at a line
holding exactly the same fence; a block whose attributes carry `.input` is a
code cell, one that carries `.output` holds stored outputs, and any other
block (```toc, ```eval_rst, a plain ```bash) stays part of the prose.

HEADING is the one reading of a heading line, for the notebooks' text
(forms/notebook_text.py) and the editions (editions/paragraphs.py, sync.py).
"""

import dataclasses
import re

FENCE = re.compile(r'^(`{3,}|~{3,})[ \t]*(.*)$')
# d2lbook's two ways to tag a code cell: `%%tab jax` and `#@tab jax`.
CELL_TAB = re.compile(r'%%tab +([\w, ]+)|# *@tab +([\w, ]+)')
PROSE_TAB = re.compile(r':begin_tab:`([^`]*)`')
LOAD_TAB_EXTENSION = '%load_ext d2lbook.tab'
# A Markdown heading line (an ATX heading, as CommonMark reads it): one to
# six #, a space, the title. A closing run of # counts only after a space:
# `# C#` is C#.
HEADING = re.compile(r'^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$')


@dataclasses.dataclass
class Block:
    """One fenced block, from its opening fence at `line` to `end_line` (1-based)."""

    line: int
    end_line: int
    classes: list
    lines: list  # the lines between the fences
    prose_before: bool  # whether prose separates it from the code cell before it

    @property
    def is_input(self):
        return 'input' in self.classes

    @property
    def is_output(self):
        return 'output' in self.classes

    @property
    def source(self):
        return '\n'.join(self.lines)

    def tab_line(self):
        """(line number, tabs) of the cell's tab mark, or None if untagged."""
        for offset, text in enumerate(self.lines):
            match = CELL_TAB.search(text)
            if match:
                names = match[1] or match[2]
                return self.line + 1 + offset, [t.strip() for t in names.split(',') if t.strip()]
        return None

    def first_code_line(self):
        """The first line that runs, skipping the tab mark and blank lines."""
        for text in self.lines:
            if text.strip() and not CELL_TAB.search(text):
                return text.strip()
        return ''


def attribute_classes(info):
    """The `.classes` of a fence's `{.python .input n=1}` info string."""
    info = info.strip()
    if info.startswith('{') and info.endswith('}'):
        return [word[1:] for word in info[1:-1].split() if word.startswith('.')]
    return [info.split()[0]] if info else []


# all_blocks' answers by text: the notebooks' text and the check ask it
# several times for each page, and `book watch` again on every rebuild.
_BLOCKS = {}


def all_blocks(text):
    """Every closed fenced block of a markdown text, code or not, in order
    (the blocks are shared between callers: none changes them)."""
    if text not in _BLOCKS:
        if len(_BLOCKS) >= 1024:
            _BLOCKS.clear()
        _BLOCKS[text] = read_blocks(text)
    return list(_BLOCKS[text])


def read_blocks(text):
    blocks = []
    lines = text.split('\n')
    index = 0
    prose_since_last_cell = False
    while index < len(lines):
        match = FENCE.match(lines[index])
        end = None
        if match:
            end = next((j for j in range(index + 1, len(lines)) if lines[j] == match[1]), None)
        if end is None:  # prose, or an unclosed fence, which notedown reads as prose too
            prose_since_last_cell = prose_since_last_cell or bool(lines[index].strip())
            index += 1
            continue
        block = Block(
            index + 1,
            end + 1,
            attribute_classes(match[2]),
            lines[index + 1 : end],
            prose_since_last_cell,
        )
        # ```toc, ```eval_rst and other plain blocks render as prose.
        prose_since_last_cell = not (block.is_input or block.is_output)
        blocks.append(block)
        index = end + 1
    return blocks


def code_cells(text):
    """The blocks that d2lbook turns into code cells, in notebook order."""
    return [block for block in all_blocks(text) if block.is_input]


def prose_tab_marks(text):
    """(line number, tabs) of every `:begin_tab:` mark outside fenced blocks."""
    fenced = set()
    for block in all_blocks(text):
        fenced.update(range(block.line, block.end_line + 1))
    return [
        (number, [t.strip() for t in match[1].split(',') if t.strip()])
        for number, line in enumerate(text.split('\n'), start=1)
        if number not in fenced
        for match in PROSE_TAB.finditer(line)
    ]
