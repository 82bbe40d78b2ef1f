"""What an edition's readers are told where its translation is behind.

Staging (staging.py) writes each translated page through `marked_text`:

- before a paragraph whose English changed since it was translated, a note
  that says so, with a link to that paragraph of the English page;
- where an English paragraph has no translation yet, the English text itself,
  under a note that says it is not yet translated.

A note is a plain Markdown paragraph, `⚠ <sentence> [<link>](<address>)`,
so the page, the PDF and the notebooks all show it. (Not a blockquote: in
the reStructuredText that d2lbook makes, an indented block right after a
code cell would become part of the code.) The link is the published English page with a text fragment
(`#section:~:text=first%20words`): browsers scroll to the paragraph and
highlight it, and fall back to its section where they cannot. The Sphinx
extension (render/sphinx_extension.py) turns each note on the HTML page into
a note for screen readers, with a link to the English site beside the
edition's (the page's script adds the reader's framework, `?framework=`);
the notebooks add their own framework (forms/notebooks/cells.py).

The words are the edition's (languages.py). Runs in .venv/book: the
section ids are docutils' own.
"""

import re

from ..forms import notebook_text
from ..languages import NOTE_SIGN, language
from . import paragraphs, tracking

# What the page shows as something other than the source's words: roles
# (a reference shows a number), math, and a link's address.
OPAQUE = re.compile(r':[\w-]+:`[^`]*`|\$\$?[^$]*\$\$?|\]\([^)]*\)')
LABEL_LINE = re.compile(r'^\s*:label:`[^`]*`\s*$')


def section_html_id(title):
    """The HTML id Sphinx gives a section of this title: that of the words
    the page shows (no code or emphasis marks)."""
    return notebook_text.html_id(re.sub(r'[`*]', '', title))


def first_words(text, most=8, least=3):
    """Words of a paragraph that the English page shows exactly as written,
    for a text fragment: the first run of plain words (no markup, no quotes,
    which Sphinx curls), or '' when there is none long enough."""
    for stretch in OPAQUE.split(text):
        words = []
        for word in stretch.replace('[', ' ').split():
            word = word.strip('*')
            if not word or re.search(r'[\'"`<>|\\]|--|\.\.\.', word):
                break
            words.append(word)
            if len(words) == most:
                break
        if len(words) >= least:
            return ' '.join(words)
    return ''


def english_address(project, page, unit):
    """The published English page at this paragraph."""
    return project.published_paragraph(page, section_html_id(unit.heading), first_words(unit.text))


def note(words, sentence, address):
    return f'{NOTE_SIGN} {sentence} [{words.english_link}]({address})'


def after_label(lines, line):
    """The last line of the labels right after a heading at `line` (a
    framework block that follows is not the heading's: a note inside it
    would show for that framework only)."""
    end = line
    while end < len(lines) and LABEL_LINE.match(lines[end]):
        end += 1
    return end


def marked_text(project, lang, relative):
    """The translated page as its readers get it: with a note before each
    stale paragraph, and each missing one in English under a note."""
    english_text = (project.root / relative).read_text(encoding='utf-8')
    if not (project.root / lang / relative).exists():
        return untranslated_page(project, lang, relative, english_text)
    translated_text = (project.root / lang / relative).read_text(encoding='utf-8')
    record = tracking.read_record(project, lang, relative)
    state = paragraphs.page_state(english_text, translated_text, record, lang, relative)
    words = language(lang)
    page = relative.with_suffix('').as_posix()
    english_lines = english_text.split('\n')
    lines = translated_text.split('\n')
    inserts = []  # (the line to insert after, order, lines)
    for index, paragraph in enumerate(state.paragraphs):
        if paragraph.state == 'stale':
            unit = paragraph.translated
            after = after_label(lines, unit.last) if unit.kind == 'heading' else unit.first - 1
            address = english_address(project, page, paragraph.english)
            inserts.append((after, index, [note(words, words.stale_note, address)]))
        elif paragraph.state == 'missing' and paragraph.english.kind != 'rst':
            unit = paragraph.english
            after = state.insertion_line(index)
            address = english_address(project, page, unit)
            english = english_lines[unit.first - 1 : unit.last]
            block = [note(words, words.missing_note, address), '', *english]
            inserts.append((after, index, block))
    for after, _, block in sorted(inserts, reverse=True):
        lines[after:after] = ['', *block, '']
    return '\n'.join(lines)


def untranslated_page(project, lang, relative, english_text):
    """A page with no translation yet: the English page, with the note of a
    missing paragraph after its title (and the title's labels)."""
    words = language(lang)
    units = paragraphs.units(english_text)
    lines = english_text.split('\n')
    title = next((unit for unit in units if unit.kind == 'heading'), None)
    first = next((unit for unit in units if unit.kind == 'paragraph'), None)
    if first is None:
        return english_text
    after = (
        after_label(lines, title.last) if title and title.first < first.first else first.first - 1
    )
    address = english_address(project, relative.with_suffix('').as_posix(), first)
    lines[after:after] = ['', note(words, words.missing_note, address), '']
    return '\n'.join(lines)
