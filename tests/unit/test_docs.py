"""The README and the guides in docs/ name only what exists, and name all of it.

A `make` target, a `book` command or a repository path written in backticks
(or on a line of a shell block) must exist: the Makefile's targets (a
pattern rule such as html-% covers html-ko), the commands of `book`'s own
parser, and files and folders of the repository. What the build writes
(_build/, .venv/), <placeholders>, globs and elisions (...) are exempt.
Every Makefile target and every `book` command must be named somewhere in
the README and the guides together, and the links between them are
relative and resolve, anchors included. Each problem names its file and line.

The detectors run on synthetic text too, so that each of them is shown to fail.
"""

import argparse
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / 'README.md'
README_LIMIT = 8192  # bytes: the README is the front door, the guides the house

SHELL_FENCES = {'', 'bash', 'sh', 'shell', 'console'}
# A file name without a folder counts as a path when it ends like one of the
# repository's own kinds of file.
FILE_SUFFIX = re.compile(
    r'[\w.-]+\.(py|md|ini|txt|toml|cfg|yml|yaml|json|js|css|png|svg|bib|sh|in)$'
)
# Folders whose contents the build writes, or that are not the book's files.
NOT_SOURCES = {'.git', '.venv', '_build', 'node_modules', '__pycache__'}


# ------------------------------------------------------------ reading ----


def fenced_blocks(text):
    """(language, [(line number, line)]) of each fenced block, and the text
    with every fenced line blanked (the line count kept), for the inline reader."""
    lines = text.split('\n')
    blocks, kept = [], []
    fence = None
    for number, line in enumerate(lines, start=1):
        opening = re.match(r'\s*(`{3,}|~{3,})\s*(\S*)', line)
        if fence is None and opening:
            fence, language, body = opening[1], opening[2].lower(), []
            blocks.append((language, body))
            kept.append('')
        elif fence is not None:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
            else:
                body.append((number, line))
            kept.append('')
        else:
            kept.append(line)
    return blocks, '\n'.join(kept)


INLINE_CODE = re.compile(r'(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)', re.DOTALL)


def code_spans(text):
    """(line number, code) of every inline code span outside fenced blocks,
    and of every line of a shell block (without its # comment)."""
    blocks, prose = fenced_blocks(text)
    found = []
    for match in INLINE_CODE.finditer(prose):
        code = match[2]
        if '\n\n' in code:
            continue  # a stray backtick, not a span across paragraphs
        found.append((prose.count('\n', 0, match.start()) + 1, ' '.join(code.split())))
    for language, body in blocks:
        if language in SHELL_FENCES:
            for number, line in body:
                line = re.sub(r'(^|\s)#.*', '', line).strip()
                if line:
                    found.append((number, line))
    return sorted(found, key=lambda span: span[0])


def words_of(segment):
    try:
        return shlex.split(segment)
    except ValueError:
        return segment.split()


def segments(code):
    """The simple commands of a span, split at ;, &&, || and |."""
    return [part for part in re.split(r'\s*(?:;|&&|\|\||\|)\s*', code) if part.strip()]


def make_targets_named(code):
    """The targets a span's `make` commands name; '' for `make` alone (its
    default target). Options and VAR=value are not targets."""
    named = []
    for segment in segments(code):
        words = words_of(segment)
        if 'make' not in words:
            continue
        after = words[words.index('make') + 1 :]
        targets = [w for w in after if not w.startswith('-') and not re.match(r'\w+=', w)]
        named += targets or ['']
    return named


def book_commands_named(code):
    """The `book` commands a span names: `book X`, `.venv/book/bin/book X`
    and `python -m bookbuild X` (--project PATH may come first)."""
    named = []
    for segment in segments(code):
        words = words_of(segment)
        for index, word in enumerate(words):
            is_book = word == 'book' or word.endswith('/bin/book')
            is_module = word == 'bookbuild' and index and words[index - 1] == '-m'
            if not (is_book or is_module):
                continue
            rest = words[index + 1 :]
            while rest and rest[0].startswith('-'):
                rest = rest[2:] if rest[0] == '--project' else rest[1:]
            if rest:
                named.append(rest[0])
            break
    return named


def modules_named(code):
    """The build package's modules a span runs with `python -m bookbuild.<...>`."""
    words = code.split()
    return [
        module
        for flag, module in zip(words, words[1:])
        if flag == '-m' and module.startswith('bookbuild.')
    ]


def is_exempt(path):
    return (
        path.startswith(('_build/', '.venv/', '/', '~'))
        or '://' in path
        or re.search(r'[<>*?\[\]{}]|\.\.\.|…', path) is not None
    )


def paths_named(code):
    """The repository paths a span names: words with a / (VAR=value and a
    trailing :<line> taken off), or file names with a known suffix."""
    found = []
    for word in code.split():
        word = word.strip('\'"(),;')
        word = re.sub(r'^[A-Z_]+=', '', word)
        word = re.sub(r':(\d+|<\w+>)?$', '', word)
        if not word or word.startswith('-') or is_exempt(word):
            continue
        if '/' in word and re.fullmatch(r'[\w.@+-][\w./@+-]*', word):
            found.append(word)
        elif FILE_SUFFIX.fullmatch(word):
            found.append(word)
    return found


# ------------------------------------------------------ what exists ----


RULE = re.compile(r'^(?P<targets>[^\s:=#][^:=#]*?)\s*::?(?!=)')


def makefile_targets(text):
    """(explicit targets, pattern rules) of a Makefile's text; the first
    explicit target is its default."""
    explicit, patterns = [], []
    for line in text.splitlines():
        match = RULE.match(line)
        if not match:
            continue
        for target in match['targets'].split():
            if target.startswith('.') or '$' in target:
                continue
            (patterns if '%' in target else explicit).append(target)
    return explicit, patterns


def book_commands():
    """The subcommands of `book`, from its own parser."""
    from bookbuild import cli

    for action in cli.parser()._actions:  # argparse keeps its subparsers here
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    raise AssertionError('bookbuild.cli.parser() has no subcommands')


def repository_file_names(root):
    names = set()
    for _, subfolders, files in os.walk(root):
        subfolders[:] = [s for s in subfolders if s not in NOT_SOURCES]
        names.update(files)
    return names


@dataclass
class Known:
    """What the docs may name: the Makefile's targets, `book`'s commands,
    and the repository at root."""

    root: Path
    targets: list
    patterns: list
    commands: set
    file_names: set = field(default=None)

    def __post_init__(self):
        if self.file_names is None:
            self.file_names = repository_file_names(self.root)

    def target_rules(self, name):
        """The Makefile rules a named target runs ('' is the default)."""
        if name == '':
            return self.targets[:1]
        if name in self.targets:
            return [name]
        rules = [p for p in self.patterns if re.fullmatch(as_regex(p, '%'), name)]
        if PLACEHOLDER.search(name):
            wildcard = '.+'.join(re.escape(part) for part in PLACEHOLDER.split(name))
            rules += [t for t in self.targets if re.fullmatch(wildcard, t)]
        return rules

    def module_exists(self, module):
        path = self.root / 'tools' / Path(*module.split('.'))
        return path.with_suffix('.py').is_file() or (path / '__init__.py').is_file()

    def path_exists(self, path):
        if '/' not in path:
            return path in self.file_names or (self.root / path).exists()
        return (self.root / path).exists()


PLACEHOLDER = re.compile(r'<[^>]+>')


def as_regex(pattern, wildcard):
    return '.+'.join(re.escape(part) for part in pattern.split(wildcard))


def real_known():
    targets, patterns = makefile_targets((ROOT / 'Makefile').read_text(encoding='utf-8'))
    return Known(ROOT, targets, patterns, book_commands())


def doc_files():
    return [README, *sorted((ROOT / 'docs').glob('*.md'))]


# ------------------------------------------------------- the checks ----


def mentions(text):
    """(line, kind, name) of every make target, book command and path."""
    found = []
    for line, code in code_spans(text):
        found += [(line, 'make', name) for name in make_targets_named(code)]
        found += [(line, 'book', name) for name in book_commands_named(code)]
        found += [(line, 'path', name) for name in paths_named(code)]
        found += [(line, 'module', name) for name in modules_named(code)]
    return found


def unknown_names(text, label, known):
    """'file:line: ...' for every make target, book command or path the
    text names that does not exist."""
    problems = []
    for line, kind, name in mentions(text):
        if kind == 'make' and not known.target_rules(name):
            problems.append(f'{label}:{line}: `make {name}`: the Makefile has no such target')
        elif kind == 'book' and not PLACEHOLDER.search(name) and name not in known.commands:
            problems.append(f'{label}:{line}: `book {name}`: book has no such command')
        elif kind == 'path' and not known.path_exists(name):
            problems.append(f'{label}:{line}: `{name}`: no such file or folder in the repository')
        elif kind == 'module' and not known.module_exists(name):
            problems.append(f'{label}:{line}: `{name}`: no such module in tools/bookbuild/')
    return problems


def unnamed(texts, known):
    """The Makefile targets and book commands that no text names."""
    targets, commands = set(), set()
    for text in texts:
        for _, kind, name in mentions(text):
            if kind == 'make':
                targets.update(known.target_rules(name))
            elif kind == 'book':
                commands.add(name)
    missing = [f'`make {t}`' for t in known.targets + known.patterns if t not in targets]
    missing += [f'`book {c}`' for c in sorted(known.commands - commands)]
    return missing


LINK = re.compile(r'!?\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+"[^"]*")?\)')


def heading_anchors(text):
    """The anchors GitHub gives a Markdown file's headings."""
    _, prose = fenced_blocks(text)
    anchors, seen = set(), {}
    for heading in re.findall(r'^#{1,6}\s+(.+?)\s*#*\s*$', prose, re.MULTILINE):
        heading = re.sub(r'`|\*\*?|_(?=\w)|(?<=\w)_', '', heading)
        slug = re.sub(r'[^\w\- ]', '', heading.lower()).replace(' ', '-')
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f'{slug}-{count}')
    return anchors


def link_problems(path, root):
    """'file:line: ...' for each link of a Markdown file that is absolute,
    or that leads to no file or no heading; and each image without alt text."""
    root = root.resolve()
    text = path.read_text(encoding='utf-8')
    _, prose = fenced_blocks(text)
    # Code spans hold no links; blank them, keeping their line breaks.
    prose = INLINE_CODE.sub(lambda m: re.sub(r'[^\n]', ' ', m[0]), prose)
    label = path.relative_to(root)
    problems = []
    for match in LINK.finditer(prose):
        line = prose.count('\n', 0, match.start()) + 1
        target = match['target']
        where = f'{label}:{line}: ({target})'
        if match[0].startswith('!') and not match['text'].strip():
            problems.append(f'{where}: an image without alt text')
        if re.match(r'[a-z]+:', target):
            continue  # an address on the web
        if target.startswith('/'):
            problems.append(f'{where}: a link between the docs must be relative')
            continue
        file_part, _, anchor = target.partition('#')
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            problems.append(f'{where}: no such file')
        elif not linked.is_relative_to(root):
            problems.append(f'{where}: outside the repository')
        elif anchor and linked.suffix == '.md':
            if anchor not in heading_anchors(linked.read_text(encoding='utf-8')):
                problems.append(f'{where}: {linked.name} has no heading #{anchor}')
    return problems


# ---------------------------------------------------- on the real docs ----


@pytest.fixture(scope='module')
def known():
    return real_known()


def test_the_guides_exist():
    expected = {'authors', 'translators', 'learners', 'maintainers', 'publishing'}
    present = {path.stem for path in (ROOT / 'docs').glob('*.md')}
    assert expected <= present, f'docs/ lacks {sorted(expected - present)}'


def test_the_readme_is_at_most_8_kb():
    size = README.stat().st_size
    assert size <= README_LIMIT, f'README.md is {size} bytes; at most {README_LIMIT}'


def test_the_docs_name_only_targets_commands_and_paths_that_exist(known):
    problems = []
    for path in doc_files():
        problems += unknown_names(path.read_text(encoding='utf-8'), path.relative_to(ROOT), known)
    assert not problems, '\n'.join(problems)


def test_every_make_target_and_book_command_is_in_the_docs(known):
    missing = unnamed([path.read_text(encoding='utf-8') for path in doc_files()], known)
    assert not missing, 'named nowhere in README.md or docs/*.md (in backticks): ' + ', '.join(
        missing
    )


def rooms_of_the_package_map(docstring):
    """The rooms the package map of bookbuild/__init__.py lists, in order."""
    return re.findall(r'^  (\w+)/?  ', docstring, re.MULTILINE)


def rooms_of_the_guide(text):
    """The rooms the maintainers' guide's table lists, in order."""
    return re.findall(r'^\| `tools/bookbuild/(\w+)(?:\.py|/)` \|', text, re.MULTILINE)


def test_the_maintainers_guide_lists_the_rooms_as_the_package_map_does():
    import bookbuild

    in_map = rooms_of_the_package_map(bookbuild.__doc__)
    in_guide = rooms_of_the_guide((ROOT / 'docs' / 'maintainers.md').read_text(encoding='utf-8'))
    assert in_map, 'no rooms found in the package map of tools/bookbuild/__init__.py'
    assert in_guide == in_map, (
        'docs/maintainers.md lists the rooms of tools/bookbuild/ otherwise than its '
        f'package map (tools/bookbuild/__init__.py): {in_guide} != {in_map}'
    )


def test_links_in_the_docs_are_relative_and_resolve():
    problems = []
    for path in doc_files():
        problems += link_problems(path, ROOT)
    assert not problems, '\n'.join(problems)


# ------------------------------------------ the detectors, on made-up text ----

MAKEFILE = """\
PYTHON ?= python3
BOOK := .venv/book/bin/book
.PHONY: html pdf
# a comment: not a rule
html: setup
\t$(BOOK) html
html-%: html
\t$(BOOK) edition-html $*
setup pdf:
\tthings
"""


@pytest.fixture
def made_up(tmp_path):
    (tmp_path / 'tools').mkdir()
    (tmp_path / 'tools' / 'real.py').write_text('')
    (tmp_path / 'tools' / 'bookbuild' / 'testing').mkdir(parents=True)
    (tmp_path / 'tools' / 'bookbuild' / 'testing' / '__init__.py').write_text('')
    (tmp_path / 'tools' / 'bookbuild' / 'testing' / 'hosts.py').write_text('')
    targets, patterns = makefile_targets(MAKEFILE)
    return Known(tmp_path, targets, patterns, {'html', 'edition-check'})


def test_the_makefile_reader_finds_targets_and_pattern_rules():
    assert makefile_targets(MAKEFILE) == (['html', 'setup', 'pdf'], ['html-%'])


def test_make_commands_are_read_with_their_variables_and_defaults():
    assert make_targets_named('make bench SCALES="1 4"') == ['bench']
    assert make_targets_named('make') == ['']
    assert make_targets_named('flock /tmp/lock make -n html-ko pdf') == ['html-ko', 'pdf']
    assert make_targets_named('cd x && make test; echo done') == ['test']
    assert make_targets_named('makefile') == []


def test_book_commands_are_read_in_every_spelling():
    assert book_commands_named('book edition-check --release') == ['edition-check']
    assert book_commands_named('.venv/book/bin/book html --project x') == ['html']
    assert book_commands_named('PYTHONPATH=tools python3 -m bookbuild ci-matrix') == ['ci-matrix']
    assert book_commands_named('book --project /tmp/copy html') == ['html']
    assert book_commands_named('.venv/book/bin/python -m pytest tests/unit') == []
    assert book_commands_named('python -m bookbuild.testing.host_manifest colab') == []


def test_modules_run_with_python_m_are_read():
    code = '.venv/book/bin/python -m bookbuild.testing.host_manifest colab; python -m pytest'
    assert modules_named(code) == ['bookbuild.testing.host_manifest']


def test_paths_are_read_and_the_build_and_placeholders_are_exempt():
    code = (
        'make editions-mark-current WHAT=ko/page.md:9 _build/html/ .venv/book '
        'd2l/<module>.py tools/*.py docs/.../x.md https://example.org/a/b config.ini x==1'
    )
    assert paths_named(code) == ['ko/page.md', 'config.ini']


def test_unknown_targets_commands_and_paths_are_named_with_file_and_line(made_up):
    text = (
        'Run `make` or `make html-ko`, `make html-<lang>` and `make setup`.\n'
        'Then `make nonsuch`, `book edition-check`, `book <command>`, `book edition-<name>` '
        'and `book nonsuch`.\n'
        '\n'
        '```bash\n'
        'make pdf  # comment: make ignored\n'
        '.venv/book/bin/book gone --x\n'
        '```\n'
        '```text\n'
        'make also-ignored, tools/also-ignored.py\n'
        '```\n'
        'See `tools/real.py`, `tools/`, `real.py`, `tools/missing.py` and `_build/x.py`.\n'
        'Run `python -m bookbuild.testing.hosts`, `python -m bookbuild.testing` and '
        '`python -m bookbuild.testing.gone`.\n'
    )
    assert unknown_names(text, 'doc.md', made_up) == [
        'doc.md:2: `make nonsuch`: the Makefile has no such target',
        'doc.md:2: `book nonsuch`: book has no such command',
        'doc.md:6: `book gone`: book has no such command',
        'doc.md:11: `tools/missing.py`: no such file or folder in the repository',
        'doc.md:12: `bookbuild.testing.gone`: no such module in tools/bookbuild/',
    ]


def test_a_span_wrapped_over_two_lines_is_read_whole(made_up):
    text = 'First line, and `make\nnonsuch` here.\n'
    assert unknown_names(text, 'doc.md', made_up) == [
        'doc.md:1: `make nonsuch`: the Makefile has no such target'
    ]


def test_targets_and_commands_the_docs_leave_out_are_listed(made_up):
    assert unnamed(['`make html-ko` and `make`', '`book html`'], made_up) == [
        '`make setup`',
        '`make pdf`',
        '`book edition-check`',
    ]
    assert unnamed(['`make html-<lang>` `make setup pdf` `book html edition-check`'], made_up) == [
        '`make html`',
        '`book edition-check`',
    ]


def test_the_rooms_are_read_from_the_map_and_from_the_guides_table():
    docstring = 'The build:\n\n  report         errors\n  source/        the check\n\nMore.\n'
    table = (
        '| room | what |\n|---|---|\n'
        '| `tools/bookbuild/report.py` | errors |\n'
        '| `tools/bookbuild/source/` | the check |\n'
        'See `tools/bookbuild/cli.py`.\n'
    )
    assert rooms_of_the_package_map(docstring) == ['report', 'source']
    assert rooms_of_the_guide(table) == ['report', 'source']


def test_links_that_are_absolute_broken_or_without_alt_text_are_named(tmp_path):
    (tmp_path / 'docs' / 'images').mkdir(parents=True)
    (tmp_path / 'docs' / 'images' / 'page.png').write_bytes(b'')
    (tmp_path / 'docs' / 'guide.md').write_text('# A guide\n\n## The `make` loop\n')
    (tmp_path / 'README.md').write_text(
        '# Book\n'
        '[fine](docs/guide.md#the-make-loop) [web](https://example.org/x) [here](#book)\n'
        '![](docs/images/page.png) ![A page](docs/images/page.png)\n'
        '[abs](/docs/guide.md) [gone](docs/gone.md) [bad anchor](docs/guide.md#nope)\n'
        '`[not a link](nowhere.md)` and `a span\nover two lines`\n'
        '[gone after the span](docs/gone2.md)\n'
    )
    assert link_problems(tmp_path / 'README.md', tmp_path) == [
        'README.md:3: (docs/images/page.png): an image without alt text',
        'README.md:4: (/docs/guide.md): a link between the docs must be relative',
        'README.md:4: (docs/gone.md): no such file',
        'README.md:4: (docs/guide.md#nope): guide.md has no heading #nope',
        'README.md:7: (docs/gone2.md): no such file',
    ]
