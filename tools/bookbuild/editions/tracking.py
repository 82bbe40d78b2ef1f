"""Which English each translated paragraph translates, and whether that
English has changed since.

Each translated page has a record beside the translation,
`<lang>/.translated-from/<page>.json`, written only by
`book edition-mark-current`. It holds one entry per translated paragraph (or
heading), in the translation's order: a digest of the translated text and
the English text it was made from. The translator edits plain Markdown; the
record is the tool's.

Reading a page means lining up three lists:

    the translation's paragraphs  <->  the record   (by the digests: an
        edited translation keeps its entry where it kept its place, a new
        one has no entry yet)
    the record's English          <->  the English  (by the texts: a changed
        paragraph pairs with its old text, a new one with nothing)

and each paragraph comes out in one state (Paragraph.state):

    current    the English it was translated from is the English of today
    stale      the English has changed since (old and new are kept)
    unmarked   translated where an English paragraph had no translation, and
               not yet marked current
    missing    an English paragraph with no translation (all of them, on a
               page that has no translation file yet)
    removed    a translated paragraph whose English is gone

A translated paragraph left without English by those two line-ups (new, or
its English rewritten past recognition) takes an untranslated English
paragraph between the same neighbours, if there is one.

Texts are compared with their whitespace collapsed, so re-wrapping a
paragraph changes nothing. Paragraphs are read between the page's fixed
points (code blocks, headings, `:begin_tab:`/`:end_tab:` and label lines),
which the sync check keeps identical across languages; that tells where a
missing paragraph belongs in the translation.

Standard library only.
"""

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_if_changed
from ..languages import EDITIONS
from ..report import BuildError
from ..source.cells import all_blocks

RECORD_FOLDER = '.translated-from'
# A closing run of # counts only after a space (CommonMark): `# C#` is C#.
HEADING = re.compile(r'^(#+)\s+(.*?)(?:\s+#+)?\s*$')
# A line that is only a mark of structure: a label, a framework block's
# start or end. It is a fixed point, not prose.
MARK_LINE = re.compile(r'^\s*(?::(?:label|eqlabel|begin_tab|bibliography):`[^`]*`|:end_tab:)\s*$')
RST_DECORATION = re.compile(r'(\W)\1*')
# The marks whose targets a translated paragraph keeps (compared per
# paragraph, and only where the paragraph is current).
REFERENCE = re.compile(r':(numref|eqref|ref|cite|citet|citep):`([^`]*)`')
STATES = ('current', 'stale', 'unmarked', 'missing', 'removed')


def normalized(text):
    """A paragraph's words, whatever its line breaks and spacing."""
    return ' '.join(text.split())


def digest(text):
    return hashlib.sha256(normalized(text).encode('utf-8')).hexdigest()[:16]


@dataclass
class Unit:
    """A paragraph or heading of one file."""

    kind: str  # 'paragraph', 'heading' or 'rst' (a line of an eval_rst block)
    text: str  # normalized
    first: int  # 1-based lines of its first and last line of prose
    last: int
    segment: int  # how many fixed points come before it
    heading: str  # the title of the heading it sits under

    @property
    def digest(self):
        return digest(self.text)


def units(text):
    """The paragraphs and headings of a d2lbook markdown file, in order."""
    return read_page(text)[0]


def read_page(text):
    """(units, ends): the paragraphs and headings in order, and the last line
    of each fixed point (ends[s - 1] for the fixed point that opens segment s)."""
    lines = text.split('\n')
    blocks = {block.line: block for block in all_blocks(text)}
    found, paragraph, ends = [], [], []
    fixed = 0
    title = ''

    def end_paragraph():
        if paragraph:
            words = normalized('\n'.join(line for _, line in paragraph))
            found.append(Unit('paragraph', words, paragraph[0][0], paragraph[-1][0], fixed, title))
            paragraph.clear()

    number = 1
    while number <= len(lines):
        line = lines[number - 1]
        block = blocks.get(number)
        if block:
            end_paragraph()
            fixed += 1
            ends.append(block.end_line)
            if 'eval_rst' in block.classes:
                # reStructuredText for Sphinx (the references page's
                # heading): its words are prose; a marker goes before it.
                for inner in range(block.line + 1, block.end_line):
                    words = lines[inner - 1].strip()
                    if words and not words.startswith('..') and not RST_DECORATION.fullmatch(words):
                        found.append(Unit('rst', words, block.line, block.end_line, fixed, title))
            number = block.end_line + 1
            continue
        heading = HEADING.match(line)
        if heading:
            end_paragraph()
            fixed += 1
            ends.append(number)
            title = heading[2]
            found.append(Unit('heading', normalized(heading[2]), number, number, fixed, title))
        elif MARK_LINE.match(line):
            end_paragraph()
            fixed += 1
            ends.append(number)
        elif line.strip():
            paragraph.append((number, line))
        else:
            end_paragraph()
        number += 1
    end_paragraph()
    return found, ends


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


# --------------------------------------------------------------- the state --


@dataclass
class Paragraph:
    state: str  # one of STATES
    translated: Unit | None  # None when missing
    english: Unit | None  # None when removed
    old: str | None = None  # the English it was translated from (stale, removed)
    entry: int | None = None  # its index in the record, if it has an entry


@dataclass
class PageState:
    lang: str
    relative: Path
    # In the translation's order, the missing ones in their places.
    paragraphs: list = field(default_factory=list)
    # The last line of each fixed point of the translation (read_page).
    fixed_ends: list = field(default_factory=list)
    # A page of the English with no translation file yet.
    untranslated: bool = False

    def insertion_line(self, index):
        """The line of the translation after which the missing paragraph at
        `index` belongs: after the fixed point that opens its stretch, and
        after the translated paragraphs of that stretch that precede it."""
        unit = self.paragraphs[index].english
        after = self.fixed_ends[unit.segment - 1] if unit.segment else 0
        for before in reversed(self.paragraphs[:index]):
            if before.translated is not None and before.translated.segment == unit.segment:
                return max(after, before.translated.last)
        return after

    def count(self, state):
        return sum(p.state == state for p in self.paragraphs)


def similarity(a, b):
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def line_up(old, new):
    """Pairs (i, j) of two lists of texts, in order: equal ones, and in a
    run that differs, ones that look alike (half their words shared)."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    pairs = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == 'equal':
            pairs += [(i1 + k, j1 + k) for k in range(i2 - i1)]
        elif tag == 'replace':
            start = j1
            for i in range(i1, i2):
                # The best match; of equal ones the first, so that a run of
                # edited items pairs by place.
                scores = [(similarity(old[i], new[j]), -j) for j in range(start, j2)]
                best = max(scores, default=(0, None))
                if best[0] >= 0.5:
                    pairs.append((i, -best[1]))
                    start = -best[1] + 1
    return pairs


def line_up_digests(ours, recorded):
    """Pairs (i, k) of the translation's digests and the record's: equal
    ones, and in a run where the two sides changed alike (as many edited
    paragraphs as entries), by place. A run of another length (a paragraph
    added or deleted among edited ones) pairs nothing: its paragraphs find
    their English by their neighbours instead (page_state)."""
    matcher = difflib.SequenceMatcher(None, ours, recorded, autojunk=False)
    pairs = []
    for tag, i1, i2, k1, k2 in matcher.get_opcodes():
        if tag == 'equal' or (tag == 'replace' and i2 - i1 == k2 - k1):
            pairs += [(i1 + n, k1 + n) for n in range(i2 - i1)]
    return pairs


def page_state(english_text, translated_text, record, lang, relative):
    """Every paragraph of one translated page, in its state."""
    english = units(english_text)
    translated, fixed_ends = read_page(translated_text)
    # The translation's paragraphs to the record, by digest; a paragraph
    # edited since it was recorded keeps its entry where it kept its place.
    to_record = dict(line_up_digests([unit.digest for unit in translated], [d for d, _ in record]))
    # The record's English to today's. Headings pair in order, whatever
    # their words (the sync check keeps the English's and the translation's
    # one to one); paragraphs pair by their words.
    old_texts = [theirs for _, theirs in record]
    record_to_english = {}
    heading_entries = sorted(
        entry for index, entry in to_record.items() if translated[index].kind == 'heading'
    )
    english_headings = [j for j, unit in enumerate(english) if unit.kind == 'heading']
    if len(heading_entries) == len(english_headings):
        record_to_english.update(zip(heading_entries, english_headings))
    else:
        heading_entries, english_headings = [], []
    other_entries = [k for k in range(len(record)) if k not in set(heading_entries)]
    other_english = [j for j in range(len(english)) if j not in set(english_headings)]
    for k, j in line_up(
        [old_texts[k] for k in other_entries],
        [english[j].text for j in other_english],
    ):
        record_to_english[other_entries[k]] = other_english[j]
    paired_english = set()
    paragraphs = []
    for index, unit in enumerate(translated):
        entry = to_record.get(index)
        if entry is None:
            paragraphs.append(Paragraph('unmarked', unit, None))
            continue
        old = old_texts[entry]
        target = record_to_english.get(entry)
        if target is None:
            paragraphs.append(Paragraph('removed', unit, None, old, entry))
            continue
        paired_english.add(target)
        now = english[target]
        paragraphs.append(
            Paragraph('current' if old == now.text else 'stale', unit, now, old, entry)
        )
    # A translated paragraph with no English yet: one with no entry, or one
    # whose recorded English is gone. Where an English paragraph has no
    # translation between the same neighbours (the English of the
    # translated paragraphs before and after it, in the same stretch
    # between fixed points, of the same kind), the two go together, in
    # order: a new translation (unmarked), or one whose English was
    # rewritten past recognition (stale). One with no such English is a
    # translation of nothing the English has (removed).
    position = {id(unit): j for j, unit in enumerate(english)}
    paired_at = [position[id(p.english)] if p.english is not None else None for p in paragraphs]
    gaps = {}
    for index, paragraph in enumerate(paragraphs):
        if paragraph.english is not None:
            continue
        before = max((j for j in paired_at[:index] if j is not None), default=-1)
        after = min((j for j in paired_at[index + 1 :] if j is not None), default=len(english))
        key = (before, after, paragraph.translated.segment, paragraph.translated.kind)
        gaps.setdefault(key, []).append(paragraph)
    for (before, after, segment, kind), waiting in gaps.items():
        untranslated = [
            j
            for j in range(before + 1, after)
            if j not in paired_english and (english[j].segment, english[j].kind) == (segment, kind)
        ]
        for paragraph, j in zip(waiting, untranslated):
            paragraph.english = english[j]
            paired_english.add(j)
            if paragraph.state == 'removed':
                paragraph.state = 'stale'
        for paragraph in waiting[len(untranslated) :]:
            paragraph.state = 'removed'
    # The English paragraphs nobody translated, each after the paragraph
    # that precedes it in the English.
    result = list(paragraphs)
    for j, unit in enumerate(english):
        if j in paired_english:
            continue
        before = [
            k for k, p in enumerate(result) if p.english is not None and position[id(p.english)] < j
        ]
        at = before[-1] + 1 if before else 0
        result.insert(at, Paragraph('missing', None, unit))
    return PageState(lang, Path(relative), result, fixed_ends)


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


# ------------------------------------------------------------ marking current --


def planned_record(project, lang, relative, line=None):
    """What marking the page's paragraphs (or the one at `line`) current
    would record: (entries, how many changed, lines to print). Refuses,
    writing nothing, where a paragraph has no English to be current with,
    or would not read as current once recorded."""
    state = state_of(project, lang, relative)
    edition_file = f'{lang}/{Path(relative).as_posix()}'
    if state.untranslated:
        raise BuildError(f'{edition_file}: no translation yet; translate {relative} there first')
    record = read_record(project, lang, relative)
    translated = [p for p in state.paragraphs if p.translated is not None]
    chosen = translated
    if line is not None:
        chosen = [p for p in chosen if p.translated.first <= line <= p.translated.last]
        if not chosen:
            raise BuildError(f'{edition_file}:{line}: no translated paragraph or heading there')
    refused = [p for p in chosen if p.state == 'removed']
    if refused:
        raise BuildError(
            '\n'.join(
                f'{edition_file}:{p.translated.first}: translates no paragraph of the English '
                f'{Path(relative).as_posix()} (removed, or moved away): delete it, or move it '
                'to where `book edition-check` says an English paragraph is missing'
                for p in refused
            )
        )
    entries, changed = [], 0
    for paragraph in translated:
        old = record[paragraph.entry] if paragraph.entry is not None else None
        if any(paragraph is p for p in chosen):
            entry = (paragraph.translated.digest, paragraph.english.text)
            changed += entry != old
            entries.append(entry)
        elif old is not None:
            entries.append(old)
    english_text = (project.root / relative).read_text(encoding='utf-8')
    translated_text = (project.root / lang / relative).read_text(encoding='utf-8')
    after = page_state(english_text, translated_text, entries, lang, relative)
    marked = {p.translated.first for p in chosen}
    wrong = [p for p in after.paragraphs if p.translated and p.translated.first in marked]
    wrong = [p for p in wrong if p.state != 'current']
    if wrong:
        raise BuildError(
            '\n'.join(
                f'{edition_file}:{p.translated.first}: would still read as {p.state} once '
                'marked (the paragraphs around it changed too much to line up one by one); '
                'mark the whole page current instead'
                for p in wrong
            )
        )
    notes = []
    if after.count('missing'):
        notes.append(
            f'{edition_file}: {after.count("missing")} English paragraph(s) still have no translation'
        )
    return entries, changed, notes


def mark_current(project, lang, relative, line=None):
    """Record the English of today as what the page's paragraphs (or the one
    at `line`) translate. Returns how many entries changed, and the lines to
    print about what stays to do."""
    entries, changed, notes = planned_record(project, lang, relative, line)
    write_record(project, lang, relative, entries)
    return changed, notes
