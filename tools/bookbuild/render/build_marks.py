"""d2lbook's build marks, and how to take them out of what readers see.

Marks such as `#@save` tell d2lbook what to do with a cell (copy it into the
`d2l` library, hide it, ...). They stay in the chapter's source and in the
generated library; the page, the PDF and the notebooks show the code without
them.
"""

import re

# The marks d2lbook acts on; `# @save` (with a space) is a mark too.
MARK_NAMES = (
    'save',
    'save_cell',
    'save_all',
    'hide',
    'hide_all',
    'hide_code',
    'hide_output',
    'tab',
)
# A mark is a comment from `#@name` to the end of the line (`#@tab` takes a
# list of tabs after it).
MARK = re.compile(rf'[ \t]*#[ \t]*@(?:{"|".join(MARK_NAMES)})\b.*$', re.MULTILINE)


def has_marks(code):
    return MARK.search(code) is not None


def strip_marks(code):
    """Code without build marks: a line that held only a mark goes away."""
    lines = []
    for line in code.split('\n'):
        cleaned = MARK.sub('', line)
        if cleaned.strip() or not line.strip():
            lines.append(cleaned)
    return '\n'.join(lines)
