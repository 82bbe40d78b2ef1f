"""Translated editions: keep them in step with the English source, and make
their site, PDFs and notebooks from the English outputs.

A translation lives in `<lang>/` with the same relative paths as the English
sources, and its language has an entry in languages.py. Its code must be
byte-for-byte the English code, so an edition does not run the frameworks
again: its evaluated notebooks take the English outputs, and the English
book's own steps render and package it. By job:

    sync.py       the sync check (outline, compare, out_of_step) and copy_code
    paragraphs.py a page's paragraphs, and how a translation's line up
                  with the English
    tracking.py   the records of which English each translated paragraph
                  translates, and what is stale, missing or removed since
    marking.py    marking translated paragraphs current
    staging.py    the edition as a d2lbook project in _build/<lang>-src/
    outputs.py    its evaluated notebooks, with the English run's outputs
    preparation.py  the edition made ready for the forms (forms/): checked,
                  staged and given the English outputs

Editions sit above forms/, render/ and evaluate/, and only the pipeline
and the commands import them. Through the `book` command: `book
edition-check` (`--strict` for a release), `book edition-mark-current`
(after updating a translation), `book edition-copy-code` (after editing
English code); the forms of an edition come from `book edition-<form>`
(pipeline.build_form). Every function takes the English project, or an
edition as a value (project.edition(lang)); the translations live in its
<lang>/ folders.
"""

from pathlib import Path

from ..languages import EDITIONS
from ..report import BuildError
from . import marking, tracking
from .sync import compare, copy_code, english_sources, out_of_step, outline

__all__ = [
    'EDITIONS',
    'out_of_step',
    'compare',
    'copy_code',
    'outline',
    'check_translations',
    'copy_translated_code',
    'mark_current',
    'named',
]


def named(project, codes):
    """The translated editions named by their language codes, as values
    (project.edition); all that the book has when none are named."""
    unknown = set(codes) - set(EDITIONS)
    if unknown:
        raise BuildError(f'unknown edition(s) {sorted(unknown)}; there are {list(EDITIONS)}')
    return [project.edition(code) for code in codes] if codes else project.translations()


def check_translations(project, codes, strict=False, release=False):
    """`book edition-check [lang ...]`; yields the lines to print. A release
    is strict, unless config.ini lets it carry the notes."""
    languages = [edition.code for edition in named(project, codes)]
    if release and not project.release_with_notes:
        strict = True
        yield '[editions] a release: paragraphs behind the English fail the check'
    problems = out_of_step(project, languages)
    if problems:
        raise BuildError(
            'the translations are out of step with the English source:\n' + '\n'.join(problems)
        )
    yield f'editions {", ".join(languages)} are in step with the English source'
    yield from paragraphs_behind(project, languages, strict)


def copy_translated_code(project, codes):
    """`book edition-copy-code [lang ...]`: the English code cells copied
    into the translations; yields the lines to print."""
    for name in copy_code(project, [edition.code for edition in named(project, codes)]):
        yield f'updated the code blocks of {name}'


def paragraphs_behind(project, languages, strict):
    """The check's second half: every paragraph whose English changed since
    it was translated, every English paragraph with no translation, every
    translation of English that is gone; then one line per edition. They
    fail the check only when `strict` (a release)."""
    behind = []
    for lang in languages:
        states = [tracking.state_of(project, lang, page) for page in english_sources(project)]
        for state in states:
            yield from tracking.lines_behind(state)
        line, current = tracking.summary(lang, states)
        yield line
        if not current:
            behind.append(lang)
    if behind and strict:
        raise BuildError(
            f'edition(s) {", ".join(behind)} have paragraphs that are not current (--strict); '
            'translate them and mark them current with `book edition-mark-current`'
        )


def mark_current(project, targets):
    """`book edition-mark-current ko`, `... ko/page.md` or `... ko/page.md:57`:
    record today's English as what those translated paragraphs translate."""
    if not targets:
        raise BuildError(
            'name what to mark current: an edition (ko), a page (ko/chapter/page.md) or a '
            'paragraph by one of its lines (ko/chapter/page.md:57)'
        )
    for target in targets:
        lang, pages, line = parse_target(project, target)
        problems = out_of_step(project, [lang])
        if problems:
            raise BuildError(
                f'{lang} is out of step with the English source, so its paragraphs cannot be '
                'lined up; fix these first:\n' + '\n'.join(problems)
            )
        # Every page is planned before any is written: a refusal leaves the
        # edition's records as they were.
        plans = [(page, marking.planned_record(project, lang, page, line)) for page in pages]
        for page, (entries, changed, notes) in plans:
            tracking.write_record(project, lang, page, entries)
            what = f'{lang}/{page.as_posix()}' + (f':{line}' if line else '')
            yield f'{what}: marked current ({changed} paragraph(s) newly recorded)'
            yield from notes


def parse_target(project, argument):
    """`ko`, `ko/page.md` or `ko/page.md:57`: (lang, [pages], line or None)."""
    path, _, line = argument.partition(':')
    if line and not line.isdigit():
        raise BuildError(f'{argument}: expected <lang>/<page>.md:<line>, with a line number')
    parts = Path(path).parts
    if not parts or parts[0] not in EDITIONS:
        raise BuildError(
            f'{argument}: name an edition ({", ".join(EDITIONS)}), or a page or line of one, '
            'such as ko/chapter/page.md:12'
        )
    lang, sources = parts[0], english_sources(project)
    if len(parts) == 1:
        if line:
            raise BuildError(f'{argument}: a line number needs a page')
        return lang, sources, None
    page = Path(*parts[1:])
    if page not in sources:
        raise BuildError(
            f'{argument}: not a page of the book; config.ini lists '
            f'{", ".join(source.as_posix() for source in sources)}'
        )
    return lang, [page], int(line) if line else None
