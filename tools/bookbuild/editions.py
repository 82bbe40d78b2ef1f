"""Translated editions: keep them in step with the English source, render them.

A translation lives in `<lang>/` with the same relative paths as the English
sources. Its code cells must be byte-for-byte the English ones, and its
structure (headings, labels, framework blocks) the same; `check` says where
they are not. Because the code is identical, an edition does not run the
frameworks again: `html` copies the outputs of the English evaluated
notebooks into the translated notebooks, after checking cell by cell that the
code that produced each output is exactly the code shown, and then lets
d2lbook render the edition into `_build/<lang>/html`.

Runs in .venv/book (it imports d2lbook and nbformat), through the `book`
command: `book edition-check`, `book edition-copy-code` (after editing
English code), `book edition-html ko`, `book edition-pdf ko`. Every function
takes the English project; the editions live in its <lang>/ folders.
"""

import configparser
import io
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import environments
from .files import write_atomic, write_if_changed
from .report import BuildError
from .source.cells import all_blocks

LANGUAGES = ('ko', 'pt')
# What an edition needs besides its own markdown, shared with the English book.
SHARED_FILES = ('references.bib', 'static')

HEADING = re.compile(r'^(#+)\s')
MARK = re.compile(r':(label|numref|begin_tab|cite|bibliography):`([^`]*)`')


@dataclass
class Block:
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
        code.append(Block(block.line, '\n'.join(lines[block.line - 1 : block.end_line])))
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
        for kind, target in MARK.findall(line):
            marks.append((number, kind, target))
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


def shown(project, path):
    """A path as messages show it: relative to the repository when inside."""
    path = Path(path).resolve()
    return path.relative_to(project.root) if path.is_relative_to(project.root) else path


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
        if text in english_prose and not MARK.fullmatch(text.strip()):
            problems.append(f'{where}:{line}: paragraph left in English: {text[:60]!r}')
    return problems


def copy_code(project, languages=LANGUAGES):
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


def check(project, languages=LANGUAGES):
    problems = []
    for lang in languages:
        for relative in english_sources(project):
            translated = project.root / lang / relative
            if not translated.exists():
                problems.append(f'{lang}/{relative}: missing (the English file is {relative})')
                continue
            problems.extend(compare(project, project.root / relative, translated))
        sources = english_sources(project)
        for extra in sorted((project.root / lang).rglob('*.md')):
            if extra.relative_to(project.root / lang) not in sources:
                problems.append(f'{extra.relative_to(project.root)}: has no English source')
    return problems


# ------------------------------------------------------------- rendering ----


def staging_dir(project, lang):
    return project.build_dir / f'{lang}-src'


def edition_eval_dir(project, lang, tab):
    """Where the edition's evaluated notebooks of one tab go, named as the English ones."""
    return project.edition_build_dir(lang) / project.eval_dir(tab).name


# How :numref: names a section, figure, table or listing, where Sphinx's own
# catalogue for the language has no words for it (it has Korean's).
NUMFIG_FORMAT = {
    'pt': {
        'section': 'Seção %s',
        'figure': 'Figura %s',
        'table': 'Tabela %s',
        'code-block': 'Listagem %s',
    },
}


def stage(project, lang):
    """Lay out the edition as a d2lbook project: its markdown, the shared
    files, and a config.ini derived from the English one."""
    target = staging_dir(project, lang)
    for relative in english_sources(project):
        write_if_changed(target / relative, (project.root / lang / relative).read_bytes())
    for name in SHARED_FILES:
        source = project.root / name
        files = [source] if source.is_file() else [p for p in source.rglob('*') if p.is_file()]
        for path in files:
            write_if_changed(target / path.relative_to(project.root), path.read_bytes())
    config = configparser.ConfigParser()
    config.read(project.root / 'config.ini', encoding='utf-8')
    config['project']['lang'] = lang
    config['project']['title'] = ''  # d2lbook reads it off the edition's index.md
    config['build']['output_dir'] = os.path.relpath(project.edition_build_dir(lang), target)
    # d2lbook leaves Sphinx's language unset; it marks the pages (<html lang>)
    # and picks the language of Sphinx's own labels and search.
    lines = [config['build'].get('sphinx_configs', '', raw=True).strip(), f"language = '{lang}'"]
    if lang in NUMFIG_FORMAT:
        # Doubled %: the line goes into config.ini, where % interpolates.
        lines.append(f'numfig_format = {NUMFIG_FORMAT[lang]!r}'.replace('%', '%%'))
    if lang in LATEX_PREAMBLE:
        lines.append(f"latex_elements['preamble'] += r'{LATEX_PREAMBLE[lang]}'")
        # Sphinx's LaTeX builder knows no Babel name for this language: it
        # warns and changes nothing (xeCJK does the typesetting), but the
        # build treats warnings as errors. Drop that one warning only.
        lines.append("import logging")
        for module in ('builders.latex', 'writers.latex'):
            lines.append(
                f"logging.getLogger('sphinx.sphinx.{module}').addFilter("
                f"lambda record: record.args != ({lang!r},))"
            )
    config['build']['sphinx_configs'] = '\n'.join(filter(None, lines))
    text = io.StringIO()
    config.write(text)
    write_if_changed(target / 'config.ini', text.getvalue().encode('utf-8'))


def translated_notebooks(project, lang, tab):
    """Yield (relative .ipynb path, notebook) for one tab of the edition,
    with each code cell's outputs taken from the English run of that code."""
    import nbformat

    from .evaluate.run import tab_notebook  # the notebook exactly as d2lbook makes it

    for relative in english_sources(project):
        name = relative.with_suffix('.ipynb')
        english_file = project.eval_dir(tab) / name
        if not english_file.exists():
            raise BuildError(
                f'{english_file.relative_to(project.root)} is missing: build the English book first (make)'
            )
        markdown = (project.root / lang / relative).read_text(encoding='utf-8')
        _, nb = tab_notebook(markdown, tab, project)
        if english_file.stat().st_size == 0 or nb is None:
            if not (english_file.stat().st_size == 0 and nb is None):
                raise BuildError(
                    f'{lang}/{relative} [{tab}]: the English and the translation '
                    'disagree on whether this tab has code'
                )
            yield name, None
            continue
        english = nbformat.read(english_file, as_version=4)
        ours = [cell for cell in nb.cells if cell.cell_type == 'code']
        theirs = [cell for cell in english.cells if cell.cell_type == 'code']
        if len(ours) != len(theirs):
            raise BuildError(
                f'{lang}/{relative} [{tab}]: {len(ours)} code cells, '
                f'the English notebook has {len(theirs)}'
            )
        for index, (cell, run) in enumerate(zip(ours, theirs), 1):
            if cell.source != run.source:
                raise BuildError(
                    f'{lang}/{relative} [{tab}]: code cell {index} is not the code '
                    'the English build executed; rebuild English (make) and run the sync check'
                )
            cell.outputs = run.outputs
            cell.execution_count = run.execution_count
        nb.metadata.update(english.metadata)
        yield name, nb


def reuse_english_outputs(project, lang):
    import nbformat

    # d2lbook evaluates again any notebook older than its page or than a
    # dependency such as config.ini. A changed page or config.ini is staged
    # anew, while a notebook whose outputs did not change (the change was in
    # another tab's code, or in settings) is not rewritten: it is marked
    # current instead, since its outputs are the English build's of the same
    # code, made after that change.
    staged = [
        staging_dir(project, lang) / project.relative(path) for path in project.dependencies()
    ]
    newest_dependency = max((path.stat().st_mtime for path in staged if path.exists()), default=0)
    for tab in project.tabs:
        for name, nb in translated_notebooks(project, lang, tab):
            data = b'' if nb is None else nbformat.writes(nb).encode('utf-8')
            path = edition_eval_dir(project, lang, tab) / name
            write_if_changed(path, data)
            page = staging_dir(project, lang) / name.with_suffix('.md')
            if path.stat().st_mtime <= max(newest_dependency, page.stat().st_mtime):
                os.utime(path)


# LaTeX for the editions' PDFs, besides the English book's (forms/pdf.py; the
# Debian packages are environments.APT_PACKAGES['pdf-cjk']).
LATEX_PREAMBLE = {
    # CJKspace keeps the spaces between Korean words, which xeCJK drops by
    # default (Chinese and Japanese have none); no CJKecglue, since a Korean
    # particle follows a Latin word or code with no space between them.
    'ko': r'\usepackage{xeCJK}\xeCJKsetup{CJKspace=true, CJKecglue={}}'
    r'\setCJKmainfont{Noto Serif CJK KR}\setCJKsansfont{Noto Sans CJK KR}'
    r'\setCJKmonofont{Noto Sans Mono CJK KR}',
}


def prepare(project, lang):
    """Check, stage, and fill the edition's notebooks with English outputs."""
    problems = check(project, [lang])
    if problems:
        raise BuildError(
            'the translation is out of step with the English source:\n  ' + '\n  '.join(problems)
        )
    stage(project, lang)
    reuse_english_outputs(project, lang)


def run_d2lbook(project, lang, *args, env=None):
    """d2lbook in the edition's staging folder. No kernel is set up for an
    edition: if d2lbook found anything to evaluate, it would fail rather than
    quietly show other outputs."""
    from .processes import book_env, d2lbook

    env = dict(book_env(project), **(env or {}))
    return subprocess.run(
        d2lbook(project, *args), cwd=staging_dir(project, lang), env=env
    ).returncode


def html(project, lang):
    from .render import finish
    from .render.html import full_render_if_site_inputs_changed

    prepare(project, lang)
    _, rendered = full_render_if_site_inputs_changed(
        staging_dir(project, lang), project.edition_build_dir(lang) / 'html'
    )
    code = run_d2lbook(project, lang, 'html', '--tab', 'all')
    if code != 0:
        raise BuildError(f'rendering the {lang} edition failed (d2lbook exited with {code})')
    finish.finish_site(project, lang)
    rendered()
    print(f'[{lang}] done: open _build/{lang}/html/index.html', flush=True)


def pdf(project, lang):
    """One PDF per framework in _build/<lang>/pdf/, as `make pdf` does for English."""
    from .forms.pdf import OFFLINE_ENV
    from .processes import build_each

    environments.ensure_system_packages('pdf', 'pdf-cjk')
    prepare(project, lang)

    def build_one(tab):
        code = run_d2lbook(project, lang, 'pdf', '--tab', tab, env=OFFLINE_ENV)
        built = (
            project.edition_build_dir(lang) / project.tab_folder('pdf', tab) / f'{project.name}.pdf'
        )
        if code != 0 or not built.exists():
            raise BuildError(
                f'building the {lang} {tab} PDF failed (d2lbook exited with {code}); '
                f'LaTeX\'s log is {shown(project, built.with_suffix(".log"))}'
            )
        target = project.edition_build_dir(lang) / 'pdf' / project.reader_file_name(tab, '.pdf')
        if built != target:
            write_atomic(target, built.read_bytes())
        print(f'[{lang}] {tab}: {shown(project, target)}', flush=True)

    build_each(project.tabs, build_one)


def run(project, command, languages):
    """`book edition-<command> [lang ...]`; yields the lines to print."""
    unknown = set(languages) - set(LANGUAGES)
    if unknown:
        raise BuildError(f'unknown edition(s) {sorted(unknown)}; there are {list(LANGUAGES)}')
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
        for lang in languages:
            {'html': html, 'pdf': pdf}[command](project, lang)
    else:
        raise BuildError(f'unknown edition command {command!r}')
