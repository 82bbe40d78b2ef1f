"""Translated editions: keep them in step with the English source, and make
their site, PDFs and notebooks from the English outputs.

A translation lives in `<lang>/` with the same relative paths as the English
sources, and its language has an entry in languages.py. Its code must be
byte-for-byte the English code, so an edition does not run the frameworks
again: its evaluated notebooks take the English outputs, and the English
book's own steps render and package it. By job:

    sync.py       the sync check (outline, compare, check) and copy_code
    tracking.py   which English each translated paragraph translates, and
                  what is stale, missing or removed since
    staging.py    the edition as a d2lbook project in _build/<lang>-src/
    outputs.py    its evaluated notebooks, with the English run's outputs
    rendering.py  its site, PDFs and notebooks, by render/ and forms/

Editions are the top of the build: they use forms/, render/ and evaluate/,
and nothing below imports them. Through the `book` command:
`book edition-check` (`--strict` for a release), `book edition-mark-current`
(after updating a translation), `book edition-copy-code` (after editing
English code), `book edition-html ko`, `book edition-pdf ko`, and
`book notebooks` (every edition's notebooks). Every function takes the
English project; the editions live in its <lang>/ folders.
"""

from pathlib import Path

from ..languages import EDITIONS
from ..report import BuildError
from . import tracking
from .sync import check, compare, copy_code, english_sources, outline

__all__ = [
    'EDITIONS',
    'build_notebooks',
    'check',
    'compare',
    'copy_code',
    'outline',
    'edition_command',
]


def edition_command(project, command, languages, strict=False, release=False):
    """`book edition-<command> [lang ...]`; yields the lines to print."""
    if command == 'mark-current':
        yield from mark_current(project, languages)
        return
    unknown = set(languages) - set(EDITIONS)
    if unknown:
        raise BuildError(f'unknown edition(s) {sorted(unknown)}; there are {list(EDITIONS)}')
    if command == 'check':
        problems = check(project, languages)
        if problems:
            raise BuildError(
                'the translations are out of step with the English source:\n' + '\n'.join(problems)
            )
        yield f'editions {", ".join(languages)} are in step with the English source'
        # A release is strict, unless config.ini lets it carry the notes.
        yield from paragraphs_behind(
            project, languages, strict or (release and not project.release_with_notes)
        )
    elif command == 'copy-code':
        for name in copy_code(project, languages):
            yield f'updated the code blocks of {name}'
    elif command in ('html', 'pdf'):
        # d2lbook and the evaluator's notebook reader load in seconds: only
        # the commands that render import them.
        from . import rendering

        for lang in languages:
            {'html': rendering.html, 'pdf': rendering.pdf}[command](project, lang)
    else:
        raise BuildError(f'unknown edition command {command!r}')


def build_notebooks(project, selected=None):
    """`book notebooks`: the English notebooks, then each edition's."""
    from . import rendering

    rendering.notebooks(project, selected)


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
        problems = check(project, [lang])
        if problems:
            raise BuildError(
                f'{lang} is out of step with the English source, so its paragraphs cannot be '
                'lined up; fix these first:\n' + '\n'.join(problems)
            )
        # Every page is planned before any is written: a refusal leaves the
        # edition's records as they were.
        plans = [(page, tracking.planned_record(project, lang, page, line)) for page in pages]
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
