"""The glossary (docs/glossary.md): the book's terms, each with its English
forms and the word every edition uses for it. The Chinese search takes its
dictionary from here (render/search_zh.py), and the tests check the
translations against it.

Standard library only: the Sphinx extension reads it.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from .report import BuildError

FILE = Path('docs') / 'glossary.md'
# The heading of a language's column ends with its code: "中文 (zh)".
LANGUAGE_COLUMN = re.compile(r'\((?P<code>[a-z]{2,3}(?:-[A-Za-z]+)?)\)\s*$')


@dataclass(frozen=True)
class Term:
    english: tuple  # the forms the checks look for; the first is the headword
    words: dict  # language code -> the edition's word ('' when none is agreed)
    line: int  # where the row is in the glossary, for messages


def terms(root):
    """The rows of the glossary's table, in order; a row that breaks the
    table's shape is a BuildError naming its line."""
    path = Path(root) / FILE
    lines = path.read_text(encoding='utf-8').split('\n')
    header = next((i for i, line in enumerate(lines) if line.startswith('| English')), None)
    if header is None:
        raise BuildError(f'{FILE}: no table whose first column is "English"')
    columns = cells(lines[header])
    codes = {}
    for index, heading in enumerate(columns[1:], start=1):
        match = LANGUAGE_COLUMN.search(heading)
        if match:
            codes[index] = match['code']
    found = []
    for number, line in enumerate(lines[header + 2 :], start=header + 3):
        if not line.startswith('|'):
            break
        row = cells(line)
        if len(row) != len(columns):
            raise BuildError(
                f'{FILE}:{number}: {len(row)} cells where the header has {len(columns)}'
            )
        english = tuple(form.strip() for form in row[0].split(',') if form.strip())
        if not english:
            raise BuildError(f'{FILE}:{number}: no English form in the first cell')
        found.append(Term(english, {code: row[i] for i, code in codes.items()}, number))
    return found


def words(root, code):
    """Every word the glossary gives the language, longest first."""
    found = {term.words.get(code, '') for term in terms(root)} - {''}
    return sorted(found, key=lambda word: (-len(word), word))


def cells(line):
    return [cell.strip() for cell in line.strip().strip('|').split('|')]
