"""Translated editions: keep them in step with the English source, render them.

A translation lives in `<lang>/` with the same relative paths as the English
sources. Its code cells must be byte-for-byte the English ones, and its
structure (headings, labels, framework blocks) the same; `check` says where
they are not. Because the code is identical, an edition does not run the
frameworks again: `html` copies the outputs of the English evaluated
notebooks into the translated notebooks, after checking cell by cell that the
code that produced each output is exactly the code shown, and then lets
d2lbook render the edition into `_build/<lang>/html`.

Run with the d2lbook environment's Python (it imports d2lbook and nbformat):
    .venv/book/bin/python tools/editions.py check
    .venv/book/bin/python tools/editions.py copy-code   # after editing English code
    .venv/book/bin/python tools/editions.py html ko
    .venv/book/bin/python tools/editions.py pdf ko
"""

import argparse
import configparser
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from project import Project

ROOT = Path(__file__).resolve().parent.parent
# The English book: its tabs, its pages and where its notebooks are.
ENGLISH = Project(ROOT)
BUILD = ENGLISH.build_dir
LANGUAGES = ('ko', 'pt')
# What an edition needs besides its own markdown, shared with the English book.
SHARED_FILES = ('references.bib', 'static')

FENCE = re.compile(r'^```')
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
    """Split a d2lbook markdown file into what must match across languages."""
    code, headings, marks, paragraphs = [], [], [], []
    lines = text.split('\n')
    block_start, paragraph, paragraph_line = None, [], 0

    def end_paragraph():
        if paragraph:
            paragraphs.append((paragraph_line, '\n'.join(paragraph)))
            paragraph.clear()

    for number, line in enumerate(lines, 1):
        if block_start is not None:
            if FENCE.match(line):
                code.append(Block(block_start, '\n'.join(lines[block_start - 1 : number])))
                block_start = None
            continue
        if FENCE.match(line):
            end_paragraph()
            block_start = number
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
    if block_start is not None:
        raise ValueError(f'line {block_start}: code block never closed')
    # A title underlined with ==== is a heading too.
    for number, text_ in paragraphs:
        if re.fullmatch(r'.+\n=+', text_):
            headings.append((number, 1))
    headings.sort()
    return Outline(code, headings, marks, paragraphs)


def english_sources():
    """The English notebooks, as config.ini lists them, relative to ROOT."""
    return [Path(ENGLISH.relative(page)) for page in ENGLISH.notebook_sources()]


def shown(path):
    """A path as messages show it: relative to the repository when inside."""
    path = Path(path).resolve()
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def compare(english_path, translated_path):
    """Every way the translation has drifted from the English file."""
    problems = []
    where = shown(translated_path)
    try:
        source = outline(english_path.read_text(encoding='utf-8'))
        translation = outline(translated_path.read_text(encoding='utf-8'))
    except ValueError as error:
        return [f'{where}: {error}']
    english_name = shown(english_path)
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


def copy_code(languages=LANGUAGES):
    """After a code change in English, copy the English code blocks into each
    translation (block by block, so the two must have the same number of
    blocks); the prose around them is the translators' to update."""
    changed = []
    for lang in languages:
        for relative in english_sources():
            translated_path = ROOT / lang / relative
            if not translated_path.exists():
                continue
            english = outline((ROOT / relative).read_text(encoding='utf-8')).code
            text = translated_path.read_text(encoding='utf-8')
            translated = outline(text).code
            if len(english) != len(translated):
                raise RuntimeError(
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


def check(languages=LANGUAGES):
    problems = []
    for lang in languages:
        for relative in english_sources():
            translated = ROOT / lang / relative
            if not translated.exists():
                problems.append(f'{lang}/{relative}: missing (the English file is {relative})')
                continue
            problems.extend(compare(ROOT / relative, translated))
        sources = english_sources()
        for extra in sorted((ROOT / lang).rglob('*.md')):
            if extra.relative_to(ROOT / lang) not in sources:
                problems.append(f'{extra.relative_to(ROOT)}: has no English source')
    return problems


# ------------------------------------------------------------- rendering ----


def staging_dir(lang):
    return BUILD / f'{lang}-src'


def edition_eval_dir(lang, tab):
    """Where the edition's evaluated notebooks of one tab go, named as the English ones."""
    return BUILD / lang / ENGLISH.eval_dir(tab).name


def write_if_changed(path, data):
    """Keep file times still when nothing changed, so d2lbook and Sphinx
    redo only what did."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return
    temporary = path.with_name(path.name + '.tmp')
    temporary.write_bytes(data)
    temporary.replace(path)


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


def stage(lang):
    """Lay out the edition as a d2lbook project: its markdown, the shared
    files, and a config.ini derived from the English one."""
    target = staging_dir(lang)
    for relative in english_sources():
        write_if_changed(target / relative, (ROOT / lang / relative).read_bytes())
    for name in SHARED_FILES:
        source = ROOT / name
        files = [source] if source.is_file() else [p for p in source.rglob('*') if p.is_file()]
        for path in files:
            write_if_changed(target / path.relative_to(ROOT), path.read_bytes())
    config = configparser.ConfigParser()
    config.read(ROOT / 'config.ini', encoding='utf-8')
    config['project']['lang'] = lang
    config['project']['title'] = ''  # d2lbook reads it off the edition's index.md
    config['build']['output_dir'] = os.path.relpath(BUILD / lang, target)
    # d2lbook leaves Sphinx's language unset; it marks the pages (<html lang>)
    # and picks the language of Sphinx's own labels and search.
    lines = [config['build'].get('sphinx_configs', raw=True).strip(), f"language = '{lang}'"]
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


def translated_notebooks(lang, tab):
    """Yield (relative .ipynb path, notebook) for one tab of the edition,
    with each code cell's outputs taken from the English run of that code."""
    import nbformat
    from d2lbook.config import Config

    from evaluate import tab_notebook  # the notebook exactly as d2lbook makes it

    os.chdir(ROOT)
    config = Config(tab=tab)
    for relative in english_sources():
        name = relative.with_suffix('.ipynb')
        english_file = ENGLISH.eval_dir(tab) / name
        if not english_file.exists():
            raise RuntimeError(
                f'{english_file.relative_to(ROOT)} is missing: build the English book first (make)'
            )
        markdown = (ROOT / lang / relative).read_text(encoding='utf-8')
        _, nb = tab_notebook(markdown, tab, config)
        if english_file.stat().st_size == 0 or nb is None:
            if not (english_file.stat().st_size == 0 and nb is None):
                raise RuntimeError(
                    f'{lang}/{relative} [{tab}]: the English and the translation '
                    'disagree on whether this tab has code'
                )
            yield name, None
            continue
        english = nbformat.read(english_file, as_version=4)
        ours = [cell for cell in nb.cells if cell.cell_type == 'code']
        theirs = [cell for cell in english.cells if cell.cell_type == 'code']
        if len(ours) != len(theirs):
            raise RuntimeError(
                f'{lang}/{relative} [{tab}]: {len(ours)} code cells, '
                f'the English notebook has {len(theirs)}'
            )
        for index, (cell, run) in enumerate(zip(ours, theirs), 1):
            if cell.source != run.source:
                raise RuntimeError(
                    f'{lang}/{relative} [{tab}]: code cell {index} is not the code '
                    'the English build executed; rebuild English (make) and run the sync check'
                )
            cell.outputs = run.outputs
            cell.execution_count = run.execution_count
        nb.metadata.update(english.metadata)
        yield name, nb


def reuse_english_outputs(lang):
    import nbformat

    # d2lbook evaluates again any notebook older than its page or than a
    # dependency such as config.ini. A changed page or config.ini is staged
    # anew, while a notebook whose outputs did not change (the change was in
    # another tab's code, or in settings) is not rewritten: it is marked
    # current instead, since its outputs are the English build's of the same
    # code, made after that change.
    staged = [staging_dir(lang) / ENGLISH.relative(path) for path in ENGLISH.dependencies()]
    newest_dependency = max((path.stat().st_mtime for path in staged if path.exists()), default=0)
    for tab in ENGLISH.tabs:
        for name, nb in translated_notebooks(lang, tab):
            data = b'' if nb is None else nbformat.writes(nb).encode('utf-8')
            path = edition_eval_dir(lang, tab) / name
            write_if_changed(path, data)
            page = staging_dir(lang) / name.with_suffix('.md')
            if path.stat().st_mtime <= max(newest_dependency, page.stat().st_mtime):
                os.utime(path)


# LaTeX for the editions' PDFs, besides the English book's (tools/pdf.py):
# Korean needs xeCJK (which loads ctexhook from the Chinese package) and a
# font with Hangul.
CJK_APT_PACKAGES = {
    '/usr/share/texlive/texmf-dist/tex/xelatex/xecjk/xeCJK.sty': 'texlive-lang-cjk',
    '/usr/share/texlive/texmf-dist/tex/latex/ctex/ctexhook.sty': 'texlive-lang-chinese',
    '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc': 'fonts-noto-cjk',
}
LATEX_PREAMBLE = {
    # CJKspace keeps the spaces between Korean words, which xeCJK drops by
    # default (Chinese and Japanese have none); no CJKecglue, since a Korean
    # particle follows a Latin word or code with no space between them.
    'ko': r'\usepackage{xeCJK}\xeCJKsetup{CJKspace=true, CJKecglue={}}'
    r'\setCJKmainfont{Noto Serif CJK KR}\setCJKsansfont{Noto Sans CJK KR}'
    r'\setCJKmonofont{Noto Sans Mono CJK KR}',
}


def prepare(lang):
    """Check, stage, and fill the edition's notebooks with English outputs."""
    problems = check([lang])
    if problems:
        raise RuntimeError(
            'the translation is out of step with the English source:\n  ' + '\n  '.join(problems)
        )
    stage(lang)
    reuse_english_outputs(lang)


def run_d2lbook(lang, *args, env=None):
    """d2lbook in the edition's staging folder. No kernel is set up for an
    edition: if d2lbook found anything to evaluate, it would fail rather than
    quietly show other outputs."""
    book_bin = Path(sys.executable).parent
    env = dict(env or os.environ, PATH=f'{book_bin}{os.pathsep}{os.environ["PATH"]}')
    return subprocess.run(
        [str(book_bin / 'd2lbook'), 'build', *args], cwd=staging_dir(lang), env=env
    ).returncode


def html(lang):
    import book

    prepare(lang)
    rendered = book.full_render_if_site_inputs_changed(staging_dir(lang), BUILD / lang / 'html')
    code = run_d2lbook(lang, 'html', '--tab', 'all')
    if code != 0:
        raise RuntimeError(f'rendering the {lang} edition failed (d2lbook exited with {code})')
    import rendered_pages

    rendered_pages.finish_site(BUILD / lang / 'html', lang)
    rendered()
    print(f'[{lang}] done: open _build/{lang}/html/index.html')


def pdf(lang):
    """One PDF per framework in _build/<lang>/pdf/, as `make pdf` does for English."""
    import book
    import pdf as english_pdf

    book.ensure_system_packages({**english_pdf.APT_PACKAGES, **CJK_APT_PACKAGES})
    prepare(lang)
    name = english_pdf.project_name(ENGLISH)
    for tab in ENGLISH.tabs:
        latex_dir = BUILD / lang / ENGLISH.tab_folder('pdf', tab)
        code = run_d2lbook(
            lang, 'pdf', '--tab', tab, env=dict(os.environ, **english_pdf.OFFLINE_ENV)
        )
        built = latex_dir / f'{name}.pdf'
        if code != 0 or not built.exists():
            raise RuntimeError(
                f'building the {lang} {tab} PDF failed (d2lbook exited with {code}); '
                f'LaTeX\'s log is {shown(built.with_suffix(".log"))}'
            )
        target = BUILD / lang / 'pdf' / ENGLISH.reader_file_name(tab, '.pdf')
        if built != target:
            shutil.copy(built, target)
        print(f'[{lang}] {tab}: {shown(target)}')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('command', choices=['check', 'copy-code', 'html', 'pdf'])
    parser.add_argument('languages', nargs='*', default=list(LANGUAGES))
    args = parser.parse_args(argv)
    unknown = set(args.languages) - set(LANGUAGES)
    if unknown:
        print(f'unknown edition(s) {sorted(unknown)}; there are {list(LANGUAGES)}', file=sys.stderr)
        return 2
    try:
        if args.command == 'check':
            problems = check(args.languages)
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                return 1
            print(f'editions {", ".join(args.languages)} are in step with the English source')
        elif args.command == 'copy-code':
            for name in copy_code(args.languages):
                print(f'updated the code blocks of {name}')
        else:
            for lang in args.languages:
                {'html': html, 'pdf': pdf}[args.command](lang)
    except RuntimeError as error:
        print(f'\nedition build failed: {error}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
