"""Marking a translated page's paragraphs (or one of them) current:
`book edition-mark-current` records today's English as what they
translate, refusing, and writing nothing, where the record would not read
as current afterwards.

Standard library only.
"""

from pathlib import Path

from ..report import BuildError
from .paragraphs import page_state
from .tracking import read_record, state_of, write_record


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


def mark_page_current(project, lang, relative, line=None):
    """Record the English of today as what the page's paragraphs (or the one
    at `line`) translate. Returns how many entries changed, and the lines to
    print about what stays to do."""
    entries, changed, notes = planned_record(project, lang, relative, line)
    write_record(project, lang, relative, entries)
    return changed, notes
