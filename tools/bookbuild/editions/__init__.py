"""Translated editions: keep them in step with the English source, and make
their site, PDFs and notebooks from the English outputs.

A translation lives in `<lang>/` with the same relative paths as the English
sources, and its language has an entry in languages.py. Its code must be
byte-for-byte the English code, so an edition does not run the frameworks
again: its evaluated notebooks take the English outputs, and the English
book's own steps render and package it. By job:

    sync.py       the sync check (outline, compare, check) and copy_code
    staging.py    the edition as a d2lbook project in _build/<lang>-src/
    outputs.py    its evaluated notebooks, with the English run's outputs
    rendering.py  its site, PDFs and notebooks, by render/ and forms/

Editions are the top of the build: they use forms/, render/ and evaluate/,
and nothing below imports them. Through the `book` command:
`book edition-check`, `book edition-copy-code` (after editing English code),
`book edition-html ko`, `book edition-pdf ko`, and `book notebooks` (every
edition's notebooks). Every function takes the English project; the
editions live in its <lang>/ folders.
"""

from ..languages import EDITIONS
from ..report import BuildError
from .sync import check, compare, copy_code, outline

__all__ = [
    'EDITIONS',
    'build_notebooks',
    'check',
    'compare',
    'copy_code',
    'outline',
    'edition_command',
]


def edition_command(project, command, languages):
    """`book edition-<command> [lang ...]`; yields the lines to print."""
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
