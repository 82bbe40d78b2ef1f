"""Books larger than this one, for `make bench`: how the build's cost grows.

`grow(root, destination, factor)` writes a throw-away copy of the book at
root with `factor` times its chapters. A chapter is a folder that the root
page's table of contents opens (`<folder>/index`); each gets factor − 1
copies, `<folder>-2`, `<folder>-3`, ..., listed after it in the root page,
added to config.ini's page patterns, and with every label it defines
renamed (`sec_x` becomes `sec_x-2`), along with every reference to it from
inside the copy, so that the copies build side by side as a book's
different chapters do. Nothing here knows which book it grows: the
chapters come from the root page and config.ini.

The copies' code is the chapters' own, so each copy costs the evaluation
what the chapter costs; they share the repository's environments.
"""

import configparser
import json
import re
import shutil
from pathlib import Path

from ..project import TIMES_FILE, copy_book_sources
from ..report import BuildError

# A toc block of a d2lbook page: ```toc ... ```.
TOC_BLOCK = re.compile(r'^```toc\n(?P<body>.*?)^```', re.MULTILINE | re.DOTALL)
# The roles that define a label, and those that refer to one; a reference
# may be `text <label>`.
DEFINES = re.compile(r':(?P<role>label|eqlabel):`(?P<name>[^`]+)`')
REFERS = re.compile(r':(?P<role>numref|ref|eqref):`(?P<text>[^`<]*<)?(?P<name>[^`>]+)(?P<end>>?)`')


def chapters(root):
    """The folders the root page's tables of contents open, in order."""
    config = configparser.ConfigParser()
    config.read(Path(root) / 'config.ini', encoding='utf-8')
    index = Path(root) / (config.get('build', 'index', fallback='index') + '.md')
    found = []
    for block in TOC_BLOCK.finditer(index.read_text(encoding='utf-8')):
        for line in block['body'].splitlines():
            entry = line.strip()
            if entry.endswith('/index') and not entry.startswith(':'):
                found.append(entry.removesuffix('/index'))
    if not found:
        raise BuildError(f'{index}: its tables of contents open no chapter folder (<folder>/index)')
    return found


def renamed(text, labels, suffix):
    """text with each of `labels` renamed, where it is defined and referred to."""

    def define(match):
        name = match['name']
        return f':{match["role"]}:`{name}{suffix}`' if name in labels else match[0]

    def refer(match):
        name = match['name']
        if name not in labels:
            return match[0]
        return f':{match["role"]}:`{match["text"] or ""}{name}{suffix}{match["end"]}`'

    return REFERS.sub(refer, DEFINES.sub(define, text))


def copy_chapter(root, chapter, copy_name):
    """Copy root/chapter to root/copy_name with its labels renamed."""
    source, target = root / chapter, root / copy_name
    shutil.copytree(source, target)
    pages = sorted(target.rglob('*.md'))
    labels = {
        match['name'] for page in pages for match in DEFINES.finditer(page.read_text('utf-8'))
    }
    suffix = copy_name.removeprefix(chapter)
    for page in pages:
        page.write_text(renamed(page.read_text('utf-8'), labels, suffix), encoding='utf-8')


def list_copies(root, copies):
    """Add each chapter's copies after it in the root page's tables of
    contents, and to config.ini's page patterns. copies: {chapter: [names]}."""
    config_file = root / 'config.ini'
    config = configparser.ConfigParser(interpolation=None)
    config.read(config_file, encoding='utf-8')
    index = root / (config.get('build', 'index', fallback='index') + '.md')
    text = index.read_text(encoding='utf-8')
    for chapter, names in copies.items():
        text = re.sub(
            rf'^(?P<indent>[ \t]*){re.escape(chapter)}/index[ \t]*$',
            lambda m, names=names: '\n'.join(
                [m[0], *(f'{m["indent"]}{name}/index' for name in names)]
            ),
            text,
            count=1,
            flags=re.MULTILINE,
        )
    index.write_text(text, encoding='utf-8')
    patterns = config.get('build', 'notebooks').split()
    grown = []
    for pattern in patterns:
        grown.append(pattern)
        for chapter, names in copies.items():
            if pattern.startswith(chapter + '/'):
                grown += [name + pattern.removeprefix(chapter) for name in names]
    config.set('build', 'notebooks', ' '.join(grown))
    with open(config_file, 'w', encoding='utf-8') as file:
        config.write(file)


def grow(root, destination, factor):
    """A copy of the book at root in destination with `factor` times its
    chapters (factor 1: the book as it is); returns destination."""
    if factor < 1:
        raise BuildError(f'a book grows by a whole factor ≥ 1, not {factor}')
    destination = copy_book_sources(root, destination)
    copies = {
        chapter: [f'{chapter}-{number}' for number in range(2, factor + 1)]
        for chapter in chapters(destination)
    }
    for chapter, names in copies.items():
        for name in names:
            copy_chapter(destination, chapter, name)
    if factor > 1:
        list_copies(destination, copies)
        copy_times(destination, copies)
    return destination


def copy_times(root, copies):
    """Give each copied page its chapter's recorded run times (shards.py)."""
    path = root / TIMES_FILE
    if not path.exists():
        return
    times = json.loads(path.read_text(encoding='utf-8'))
    for pages in times.values():
        for page, seconds in list(pages.items()):
            for chapter, names in copies.items():
                if page.startswith(chapter + '/'):
                    for name in names:
                        pages[name + page.removeprefix(chapter)] = seconds
    path.write_text(json.dumps(times, indent=1, sort_keys=True) + '\n', encoding='utf-8')
