"""Which English each translated paragraph translates, and whether that
English has changed since: the records, and what `book edition-check` and
the sync check say of them.

Each translated page has a record beside the translation,
`<lang>/.translated-from/<page>.json`, written only by
`book edition-mark-current` (marking.py). It holds one entry per translated
paragraph (or heading), in the translation's order: a digest of the
translated text and the English text it was made from. The translator
edits plain Markdown; the record is the tool's. How a page's paragraphs
line up with the record and with the English, and the state each is in,
is paragraphs.py's.

Standard library only.
"""

import difflib
import json
import re
from pathlib import Path

from ..files import write_if_changed
from ..languages import EDITIONS
from ..report import BuildError
from .paragraphs import STATES, PageState, Paragraph, page_state, units

RECORD_FOLDER = '.translated-from'
# The marks whose targets a translated paragraph keeps (compared per
# paragraph, and only where the paragraph is current).
REFERENCE = re.compile(r':(numref|eqref|ref|cite|citet|citep):`([^`]*)`')


# ----------------------------------------------------------------- records --


def record_path(project, lang, relative):
    return project.root / lang / RECORD_FOLDER / Path(relative).with_suffix('.json')


def read_record(project, lang, relative):
    """[(translation digest, English text)] of a page; [] when it has none."""
    path = record_path(project, lang, relative)
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding='utf-8'))
        return [(entry['translation'], entry['english']) for entry in data['paragraphs']]
    except (ValueError, KeyError, TypeError) as error:
        raise BuildError(
            f'{project.relative(path)}: not a record written by `book edition-mark-current` '
            f'({error}); delete it and mark {lang}/{relative} current again'
        ) from None


def write_record(project, lang, relative, entries):
    data = {
        'written by': 'book edition-mark-current; do not edit by hand',
        'english': Path(relative).as_posix(),
        'paragraphs': [{'translation': ours, 'english': theirs} for ours, theirs in entries],
    }
    text = json.dumps(data, ensure_ascii=False, indent=1) + '\n'
    write_if_changed(record_path(project, lang, relative), text)


def state_of(project, lang, relative):
    english = (project.root / relative).read_text(encoding='utf-8')
    path = project.root / lang / relative
    if not path.exists():
        # A page new to the book: every paragraph is missing, and the
        # edition shows the English page (markers.py) until it is translated.
        missing = [Paragraph('missing', None, unit) for unit in units(english)]
        return PageState(lang, Path(relative), missing, untranslated=True)
    translated = path.read_text(encoding='utf-8')
    return page_state(english, translated, read_record(project, lang, relative), lang, relative)


# ----------------------------------------------------------- what changed --


def word_diff(old, new, context=6):
    """The English's change, word by word: [-removed-] {+added+}, with a
    few words of context around each change."""
    a, b = old.split(), new.split()
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    parts = []
    for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == 'equal':
            words = a[i1:i2]
            first, last = number == 0, number == len(opcodes) - 1
            if first and len(words) > context:
                words = ['…', *words[-context:]]
            elif last and len(words) > context:
                words = [*words[:context], '…']
            elif len(words) > 2 * context:
                words = [*words[:context], '…', *words[-context:]]
            parts += words
            continue
        if i2 > i1:
            parts.append('[-' + ' '.join(a[i1:i2]) + '-]')
        if j2 > j1:
            parts.append('{+' + ' '.join(b[j1:j2]) + '+}')
    return ' '.join(parts)


def shortened(text, words=24):
    split = text.split()
    return ' '.join(split[:words]) + (' …' if len(split) > words else '')


def lines_behind(state):
    """The lines `book edition-check` prints for one page: every paragraph
    that is not current, with the English it concerns."""
    edition_file = f'{state.lang}/{state.relative.as_posix()}'
    english_file = state.relative.as_posix()
    if state.untranslated:
        return [
            f'{edition_file}: missing: the page has no translation yet, and the edition shows '
            f'it in English ({len(state.paragraphs)} paragraphs); translate {english_file} there'
        ]
    lines = []
    for index, paragraph in enumerate(state.paragraphs):
        ours, theirs = paragraph.translated, paragraph.english
        if paragraph.state == 'stale':
            lines += [
                f'{edition_file}:{ours.first}: stale: the English changed since it was '
                f'translated ({english_file}:{theirs.first}); old → new:',
                f'    {word_diff(paragraph.old, theirs.text)}',
            ]
        elif paragraph.state == 'missing':
            lines += [
                f'{edition_file}:{state.insertion_line(index)}: missing: '
                f'{english_file}:{theirs.first} has no translation (it goes after this line):',
                f'    {shortened(theirs.text)}',
            ]
        elif paragraph.state == 'unmarked':
            lines.append(
                f'{edition_file}:{ours.first}: translated, not yet marked current; it '
                f'translates {english_file}:{theirs.first}: run `book edition-mark-current '
                f'{edition_file}:{ours.first}`'
            )
        elif paragraph.state == 'removed':
            was = f': was “{shortened(paragraph.old, 12)}”' if paragraph.old else ''
            lines.append(
                f'{edition_file}:{ours.first}: removed: its English is no longer in '
                f'{english_file}{was}; delete the paragraph, or move it to where an '
                'English paragraph is missing'
            )
    return lines


def summary(lang, states):
    counts = {name: sum(state.count(name) for state in states) for name in STATES}
    stale = counts['stale'] + counts['unmarked']
    line = (
        f'{lang}: {counts["current"]} paragraphs current, {stale} stale, '
        f'{counts["missing"]} missing'
    )
    if counts['removed']:
        line += f', {counts["removed"]} removed'
    return line, counts['current'] == sum(counts.values())


def edition_of(project, path):
    """(lang, relative) of a translated file under <lang>/, else (None, None)."""
    path = Path(path).resolve()
    if path.is_relative_to(project.root):
        parts = path.relative_to(project.root).parts
        if len(parts) > 1 and parts[0] in EDITIONS:
            return parts[0], Path(*parts[1:])
    return None, None


def reference_problems(project, english_path, translated_path):
    """Where a paragraph that translates today's English lost or changed one
    of its references or citations (a paragraph whose English changed is
    reported as stale instead). A translation outside <lang>/ has no record:
    its paragraphs are paired by place."""
    english_text = Path(english_path).read_text(encoding='utf-8')
    translated_text = Path(translated_path).read_text(encoding='utf-8')
    lang, relative = edition_of(project, translated_path)
    record = read_record(project, lang, relative) if lang else []
    state = page_state(english_text, translated_text, record, lang, relative or english_path)
    english_lines = english_text.split('\n')
    translated_lines = translated_text.split('\n')

    def marks(lines, unit):
        text = '\n'.join(lines[unit.first - 1 : unit.last])
        # A titled reference, :ref:`the title <sec_x>`: its target counts.
        return [
            (number, kind, re.sub(r'(?s).*<([^<>]+)>\s*$', r'\1', target))
            for number, line in enumerate(text.split('\n'), unit.first)
            for kind, target in REFERENCE.findall(line)
        ]

    where = shown(project, translated_path)
    english_name = shown(project, english_path)
    problems = []
    for paragraph in state.paragraphs:
        # An unmarked paragraph's English is a guess until the translator
        # marks it; a stale one's has changed.
        if paragraph.state != 'current' or paragraph.translated.kind == 'rst':
            continue
        ours = marks(translated_lines, paragraph.translated)
        theirs = marks(english_lines, paragraph.english)
        for index in range(max(len(ours), len(theirs))):
            mine = ours[index] if index < len(ours) else None
            english = theirs[index] if index < len(theirs) else None
            if mine is None or english is None or mine[1:] != english[1:]:
                found = f':{mine[1]}:`{mine[2]}`' if mine else 'nothing'
                expected = f':{english[1]}:`{english[2]}`' if english else 'nothing'
                line = mine[0] if mine else paragraph.translated.first
                english_line = english[0] if english else paragraph.english.first
                problems.append(
                    f'{where}:{line}: {found} where the English has {expected} '
                    f'({english_name}:{english_line})'
                )
                break
    return problems


def shown(project, path):
    """A path as messages show it: relative to the repository when inside."""
    path = Path(path).resolve()
    return path.relative_to(project.root) if path.is_relative_to(project.root) else path
