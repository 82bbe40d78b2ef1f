"""Keeping a translation in step with the English source.

A translation lives in `<lang>/` with the same relative paths as the English
sources. Its code cells must be byte-for-byte the English ones, and its
structure (headings, labels, framework blocks) the same: `out_of_step` says where
they are not, and `copy_code` carries a change of the English code into
every translation.

Standard library only.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from ..languages import EDITIONS
from ..report import BuildError
from ..source.cells import HEADING, all_blocks
from . import tracking
from .tracking import shown

# What must match across languages besides the code: heading levels, and
# the marks of labels and framework blocks (d2lbook's roles and Sphinx's: a
# label or equation label, the bibliography, a framework's block), in order
# through the page. References and citations (a reference to a label, a
# citation in any of sphinxcontrib-bibtex's forms) must match too, paragraph
# by paragraph, where the paragraph is a translation of today's English
# (tracking.reference_problems): one whose English changed is reported as
# stale, not as drift.
STRUCTURE_MARK = re.compile(r':(label|eqlabel|bibliography|begin_tab):`([^`]*)`')


def mark_target(text):
    """What a mark points at: `sec_x` of :ref:`that section <sec_x>`, whose
    title a translation translates; the whole text of any other mark."""
    titled = re.fullmatch(r'(?s).*<([^<>]+)>\s*', text)
    return titled[1] if titled else text


@dataclass
class CodeBlock:
    line: int  # 1-based line of the opening fence
    text: str  # the whole block, fences included


@dataclass
class Outline:
    code: list  # fenced blocks, in order
    headings: list  # (line, level)
    marks: list  # (line, kind, target) for labels, references, tab blocks
    paragraphs: list  # (line, text) of prose paragraphs


def outline(text):
    """Split a d2lbook markdown file into what must match across languages.
    Its fenced blocks are read as the evaluator reads them (source/cells.py)."""
    code, headings, marks, paragraphs = [], [], [], []
    lines = text.split('\n')
    paragraph, paragraph_line = [], 0
    block_at = {}  # the line of an opening fence: the block's last line
    for block in all_blocks(text):
        block_at[block.line] = block.end_line
        if 'eval_rst' in block.classes:
            # reStructuredText for Sphinx, such as the references page's
            # heading: its words are prose, which the translation translates.
            for number in range(block.line + 1, block.end_line):
                line = lines[number - 1].strip()
                if line and not line.startswith('..') and not re.fullmatch(r'(\W)\1*', line):
                    paragraphs.append((number, line))
            continue
        code.append(CodeBlock(block.line, '\n'.join(lines[block.line - 1 : block.end_line])))
    block_end = 0

    def end_paragraph():
        if paragraph:
            paragraphs.append((paragraph_line, '\n'.join(paragraph)))
            paragraph.clear()

    for number, line in enumerate(lines, 1):
        if number <= block_end:
            continue
        if number in block_at:
            end_paragraph()
            block_end = block_at[number]
            continue
        heading = HEADING.match(line)
        if heading:
            headings.append((number, len(heading[1])))
        for kind, target in STRUCTURE_MARK.findall(line):
            marks.append((number, kind, mark_target(target)))
        if line.strip() and not heading:
            if not paragraph:
                paragraph_line = number
            paragraph.append(line)
        else:
            end_paragraph()
    end_paragraph()
    # A title underlined with ==== is a heading too.
    for number, text_ in paragraphs:
        if re.fullmatch(r'.+\n=+', text_):
            headings.append((number, 1))
    headings.sort()
    return Outline(code, headings, marks, paragraphs)


def english_sources(project):
    """The English notebooks, as config.ini lists them, relative to project.root."""
    return [Path(project.relative(page)) for page in project.notebook_sources()]


def compare(project, english_path, translated_path):
    """Every way the translation has drifted from the English file."""
    problems = []
    where = shown(project, translated_path)
    source = outline(english_path.read_text(encoding='utf-8'))
    translation = outline(translated_path.read_text(encoding='utf-8'))
    english_name = shown(project, english_path)
    for index in range(max(len(source.code), len(translation.code))):
        if index >= len(translation.code):
            problems.append(
                f'{where}: code block {index + 1} of {english_name} '
                f'(line {source.code[index].line}) is missing'
            )
        elif index >= len(source.code):
            problems.append(
                f'{where}:{translation.code[index].line}: code block '
                f'{index + 1} is not in {english_name}'
            )
        elif source.code[index].text != translation.code[index].text:
            problems.append(
                f'{where}:{translation.code[index].line}: code block '
                f'{index + 1} differs from {english_name}:{source.code[index].line}'
            )
    levels = [level for _, level in translation.headings]
    if levels != [level for _, level in source.headings]:
        line = next(
            (t[0] for t, s in zip(translation.headings, source.headings) if t[1] != s[1]),
            (translation.headings or [(1, 0)])[-1][0],
        )
        problems.append(
            f'{where}:{line}: headings {levels} do not match the English '
            f'{[level for _, level in source.headings]}'
        )
    for index in range(max(len(source.marks), len(translation.marks))):
        ours = translation.marks[index] if index < len(translation.marks) else None
        theirs = source.marks[index] if index < len(source.marks) else None
        if ours is None or theirs is None or ours[1:] != theirs[1:]:
            line = ours[0] if ours else (translation.marks or [(1,)])[-1][0]
            found = f':{ours[1]}:`{ours[2]}`' if ours else 'nothing'
            expected = f':{theirs[1]}:`{theirs[2]}`' if theirs else 'nothing'
            problems.append(
                f'{where}:{line}: {found} where the English has {expected} '
                f'({english_name}:{theirs[0] if theirs else "end"})'
            )
            break
    english_prose = {text for _, text in source.paragraphs if re.search(r'[A-Za-z]{3}', text)}
    for line, text in translation.paragraphs:
        if text in english_prose and not STRUCTURE_MARK.fullmatch(text.strip()):
            problems.append(f'{where}:{line}: paragraph left in English: {text[:60]!r}')
    problems += tracking.reference_problems(project, english_path, translated_path)
    return problems


def copy_code(project, languages=EDITIONS):
    """After a code change in English, copy the English code blocks into each
    translation (block by block, so the two must have the same number of
    blocks); the prose around them is the translators' to update."""
    changed = []
    for lang in languages:
        for relative in english_sources(project):
            translated_path = project.root / lang / relative
            if not translated_path.exists():
                continue
            english = outline((project.root / relative).read_text(encoding='utf-8')).code
            text = translated_path.read_text(encoding='utf-8')
            translated = outline(text).code
            if len(english) != len(translated):
                raise BuildError(
                    f'{lang}/{relative}: {len(translated)} code blocks, the English '
                    f'has {len(english)}; add or remove blocks by hand first'
                )
            lines = text.split('\n')
            for ours, theirs in reversed(list(zip(translated, english))):
                if ours.text != theirs.text:
                    end = ours.line - 1 + len(ours.text.split('\n'))
                    lines[ours.line - 1 : end] = theirs.text.split('\n')
            new_text = '\n'.join(lines)
            if new_text != text:
                translated_path.write_text(new_text, encoding='utf-8')
                changed.append(f'{lang}/{relative}')
    return changed


def out_of_step(project, languages=EDITIONS):
    """Where the editions' translations are out of step with the English:
    their code, their structure, and pages with no English source."""
    problems = []
    for lang in languages:
        for relative in english_sources(project):
            translated = project.root / lang / relative
            # A page with no translation yet is behind, not out of step:
            # tracking.py lists it, and the edition shows it in English.
            if translated.exists():
                problems.extend(compare(project, project.root / relative, translated))
        sources = english_sources(project)
        for extra in sorted((project.root / lang).rglob('*.md')):
            if extra.relative_to(project.root / lang) not in sources:
                problems.append(f'{extra.relative_to(project.root)}: has no English source')
    return problems
