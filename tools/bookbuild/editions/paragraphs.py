"""A page's paragraphs and headings, and how a translation's line up with
the English's: the state of each translated paragraph (tracking.py keeps
the records this reads, and says what is behind).

Each translated page has a record (tracking.py): one entry per translated
paragraph (or heading), in the translation's order, a digest of the
translated text and the English text it was made from. Reading a page
means lining up three lists:

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
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..source.cells import HEADING, all_blocks

# A line that is only a mark of structure: a label, a framework block's
# start or end. It is a fixed point, not prose.
MARK_LINE = re.compile(r'^\s*(?::(?:label|eqlabel|begin_tab|bibliography):`[^`]*`|:end_tab:)\s*$')
RST_DECORATION = re.compile(r'(\W)\1*')
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
