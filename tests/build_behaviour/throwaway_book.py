"""Throw-away copies of the book, for tests that run the build itself.

A copy holds the book's sources (optionally with a tiny page in place of the
section, so that a build costs a second or two per tab) and builds into its
own _build/ with the repository's environments, so that these tests never
touch the real _build/.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bookbuild.project import Project, copy_book_sources

ROOT = Project().root
# `book`, the command the Makefile runs (this suite runs in .venv/book).
BOOK = Path(sys.executable).parent / 'book'
SECTION = 'chapter_builders-guide/custom-layer.md'


def tiny_section(body):
    """A page that stands in for the section: its label, then `body`."""
    return f'# A Tiny Section\n:label:`sec_custom_layer`\n\n{body.strip()}\n'


def fence(tabs, code):
    return f'```{{.python .input}}\n%%tab {tabs}\n{code.strip()}\n```\n'


def code_free_stand_in(text):
    """A page with the title and labels of `text` and no code, so the rest of
    the book (its toc, its references) still finds what it links to."""
    lines = text.split('\n')
    title = next(line for line in lines if line.startswith('# '))
    labels = [line for line in lines if line.startswith(':label:')]
    return '\n'.join([title, *labels, '', 'This page has no code in this copy of the book.', ''])


def copy_book(destination, section=None):
    """Copy the sources into destination.

    `section` replaces the section's text; the book's other pages with code
    then become code-free stand-ins, so that only the tiny section runs.
    """
    destination = copy_book_sources(ROOT, destination)
    if section is not None:
        for page in Project(destination).notebook_sources():
            text = page.read_text(encoding='utf-8')
            if '```{.python .input}' in text:
                page.write_text(code_free_stand_in(text), encoding='utf-8')
        (destination / SECTION).write_text(section, encoding='utf-8')
    return destination


def book_command(project, *command):
    return [str(BOOK), *command, '--project', str(project)]


def build(project, *command):
    """Run `book <command>` (default: html) on a copy; output merged."""
    return subprocess.run(
        book_command(project, *(command or ['html'])),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def build_ok(project, *command):
    result = build(project, *command)
    assert result.returncode == 0, result.stdout[-3000:]
    return result


def report(project):
    """What the last evaluation did with each (page, tab)."""
    return json.loads((Project(project).build_dir / 'eval_report.json').read_text())


def actions(project):
    return {
        (entry['source'], entry['tab']): entry['action'] for entry in report(project)['notebooks']
    }


def executed(project):
    """The (page, tab) notebooks the last evaluation ran in a kernel."""
    return sorted(key for key, action in actions(project).items() if action == 'executed')


def tabs():
    return Project().tabs


def edit(path, old, new):
    text = Path(path).read_text(encoding='utf-8')
    assert old in text, f'{old!r} is not in {path}'
    Path(path).write_text(text.replace(old, new, 1), encoding='utf-8')


def touch_every_source(project):
    """What a fresh clone looks like: every source newer than the build."""
    build_dir = Project(project).build_dir
    for path in Path(project).rglob('*'):
        if path.is_file() and build_dir not in path.parents:
            os.utime(path)


def copy_the_outputs(root):
    """The repository's evaluated notebooks, their records and the versions
    they ran with, copied into the copy's _build/: a copy of the book with
    every notebook current, which builds without a kernel."""
    source, copy = Project(), Project(root)
    for tab in source.tabs:
        shutil.copytree(source.eval_dir(tab), copy.eval_dir(tab))
        pairs = [(source.versions_file(tab), copy.versions_file(tab))]
        for page in source.notebook_sources():
            record = source.eval_record(page, tab)
            if record.exists():
                pairs.append((record, copy.eval_record(root / source.relative(page), tab)))
        for original, target in pairs:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(original, target)
