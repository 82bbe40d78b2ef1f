"""The editions' sync check (bookbuild.editions: outline, compare, check,
copy_code): a translation keeps the English code byte for byte and the
English structure, and each drift is reported at its file and line. Reads
the repository's translations and small books in tmp_path; nothing built."""

from pathlib import Path

import pytest

from book_paths import PROJECT, SECTION
from bookbuild.editions import EDITIONS, compare, copy_code, marking, out_of_step, outline
from bookbuild.report import BuildError
from tiny_book import fence, line_of

ENGLISH = (
    '# Layers\n'
    ':label:`sec_layers`\n'
    '\n'
    'A layer holds weights.\n'
    '\n' + fence('all', 'import math') + '\n' + '## Using Them\n'
    '\n'
    'See :numref:`sec_layers`.\n'
    '\n' + fence('all', 'math.pi')
)
PORTUGUESE = (
    ENGLISH.replace('# Layers', '# Camadas')
    .replace('A layer holds weights.', 'Uma camada guarda pesos.')
    .replace('## Using Them', '## Como usá-las')
    .replace('See :numref:', 'Veja :numref:')
)


@pytest.fixture
def edition(book):
    """A book with one page, index.md, and its Portuguese translation."""
    project = book({'index.md': ENGLISH, 'pt/index.md': PORTUGUESE}, tabs='pytorch')
    return project, project.root / 'index.md', project.root / 'pt' / 'index.md'


def drift(edition, old, new):
    """compare() after one change to the translation."""
    project, english, translated = edition
    text = translated.read_text(encoding='utf-8')
    assert old in text, old
    translated.write_text(text.replace(old, new, 1), encoding='utf-8')
    return compare(project, english, translated)


def test_the_outline_holds_code_headings_marks_and_paragraphs_with_their_lines():
    text = ENGLISH + '\nTitle\n=====\n'
    found = outline(text)
    assert [block.line for block in found.code] == [6, 15]
    assert found.code[0].text == '```{.python .input}\n%%tab all\nimport math\n```'
    assert found.headings == [(1, 1), (line_of(text, '## Using Them'), 2), (20, 1)]
    # References are compared paragraph by paragraph (editions/tracking.py),
    # not in the outline's marks of structure.
    assert found.marks == [(2, 'label', 'sec_layers')]
    assert (4, 'A layer holds weights.') in found.paragraphs


def test_the_words_of_an_eval_rst_heading_are_prose_to_translate():
    found = outline('```eval_rst\n.. only:: html\n\n   References\n   ==========\n```\n')
    assert found.code == []
    assert found.paragraphs == [(4, 'References')]


def test_a_faithful_translation_has_no_problems(edition):
    project, english, translated = edition
    assert compare(project, english, translated) == []
    assert out_of_step(project, ['pt']) == []


def test_a_changed_code_block_is_reported_at_both_lines(edition):
    assert drift(edition, 'math.pi', 'math.tau') == [
        f'pt/index.md:{line_of(PORTUGUESE, "math.pi") - 2}: code block 2 differs from '
        f'index.md:{line_of(ENGLISH, "math.pi") - 2}'
    ]


def test_a_dropped_code_block_is_reported_as_missing(edition):
    problems = drift(edition, fence('all', 'math.pi'), '')
    assert problems == ['pt/index.md: code block 2 of index.md (line 15) is missing']


def test_a_changed_heading_level_is_reported_at_that_heading(edition):
    problems = drift(edition, '## Como usá-las', '### Como usá-las')
    line = line_of(PORTUGUESE, '## Como usá-las')
    assert problems == [f'pt/index.md:{line}: headings [1, 3] do not match the English [1, 2]']


def test_a_changed_label_is_reported_with_the_english_one(edition):
    problems = drift(edition, ':label:`sec_layers`', ':label:`sec_camadas`')
    assert problems[0] == (
        'pt/index.md:2: :label:`sec_camadas` where the English has :label:`sec_layers` (index.md:2)'
    )


def test_a_paragraph_left_in_english_is_reported(edition):
    problems = drift(edition, 'Uma camada guarda pesos.', 'A layer holds weights.')
    assert problems == ["pt/index.md:4: paragraph left in English: 'A layer holds weights.'"]


def marked_then_changed(book, english, translated, changed):
    """A book whose pt/index.md was marked current as `translated`, then
    edited to `changed` (references are compared in paragraphs that
    translate today's English, which a record says)."""
    project = book({'index.md': english, 'pt/index.md': translated}, tabs='pytorch')
    marking.mark_page_current(project, 'pt', Path('index.md'))
    (project.root / 'pt' / 'index.md').write_text(changed, encoding='utf-8')
    return project


@pytest.mark.parametrize(
    'english, translated',
    [
        (':eqref:`eq_a`', ':eqref:`eq_b`'),
        (':ref:`sec_layers`', ':ref:`sec_other`'),
        (':citet:`Ng.2020`', ':citet:`Lee.2021`'),
    ],
)
def test_every_changed_reference_is_reported(book, english, translated):
    project = marked_then_changed(
        book,
        f'# Layers\n\nAs {english} shows.\n',
        f'# Camadas\n\nComo {english} mostra.\n',
        f'# Camadas\n\nComo {translated} mostra.\n',
    )
    assert compare(project, project.root / 'index.md', project.root / 'pt' / 'index.md') == [
        f'pt/index.md:3: {translated} where the English has {english} (index.md:3)'
    ]


def test_check_reports_a_page_with_no_english_source_but_not_one_not_yet_translated(edition):
    """A page new to the English is behind in the editions (tracking.py),
    not out of step: authors add pages without waiting for translators."""
    project, _, translated = edition
    translated.rename(translated.with_name('indice.md'))
    assert out_of_step(project, ['pt']) == ['pt/indice.md: has no English source']


def test_copy_code_brings_the_english_code_and_keeps_the_translated_prose(edition):
    project, english, translated = edition
    english.write_text(ENGLISH.replace('math.pi', 'math.e'), encoding='utf-8')
    assert copy_code(project, ['pt']) == ['pt/index.md']
    assert translated.read_text(encoding='utf-8') == PORTUGUESE.replace('math.pi', 'math.e')
    assert copy_code(project, ['pt']) == []


def test_copy_code_refuses_when_the_number_of_blocks_differs(edition):
    project, english, _ = edition
    english.write_text(ENGLISH + '\n' + fence('all', 'math.e'), encoding='utf-8')
    with pytest.raises(BuildError, match='pt/index.md: 2 code blocks, the English has 3'):
        copy_code(project, ['pt'])


# The book's own translations, and each kind of drift made in a copy of them.

ENGLISH_SECTION = PROJECT.root / f'{SECTION}.md'


def test_every_edition_is_in_step_with_the_english_source():
    assert out_of_step(PROJECT) == []


@pytest.fixture(params=EDITIONS)
def translated_section(request, tmp_path):
    """A throw-away copy of one edition's section, to break on purpose."""
    copy = tmp_path / f'{request.param}-custom-layer.md'
    copy.write_text(
        (PROJECT.root / request.param / f'{SECTION}.md').read_text(encoding='utf-8'),
        encoding='utf-8',
    )
    return copy


def edit(path, old, new):
    text = path.read_text(encoding='utf-8')
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding='utf-8')


def test_sync_check_catches_a_changed_code_cell(translated_section):
    edit(translated_section, 'MyDense(5, 3)', 'MyDense(5, 4)')
    problems = compare(PROJECT, ENGLISH_SECTION, translated_section)
    assert any('code block' in p and 'differs from' in p for p in problems), problems
    line = int(problems[0].split(':')[1])
    assert 'MyDense(5, 4)' in '\n'.join(
        translated_section.read_text().split('\n')[line - 1 : line + 40]
    )


def test_sync_check_catches_a_dropped_code_cell(translated_section):
    text = translated_section.read_text(encoding='utf-8')
    start = text.index('```{.python .input}\n%%tab all')
    end = text.index('```\n', start + 3) + 4
    translated_section.write_text(text[:start] + text[end:], encoding='utf-8')
    assert any('code block' in p for p in compare(PROJECT, ENGLISH_SECTION, translated_section))


def test_sync_check_catches_a_changed_heading_level(translated_section):
    text = translated_section.read_text(encoding='utf-8')
    first_h2 = next(line for line in text.split('\n') if line.startswith('## '))
    edit(translated_section, first_h2, '#' + first_h2)
    problems = compare(PROJECT, ENGLISH_SECTION, translated_section)
    assert any('headings' in p for p in problems), problems


def test_sync_check_catches_a_changed_label(translated_section):
    edit(translated_section, ':label:`sec_custom_layer`', ':label:`sec_custom_layers`')
    problems = compare(PROJECT, ENGLISH_SECTION, translated_section)
    assert any('sec_custom_layers' in p for p in problems), problems


def test_sync_check_catches_a_paragraph_left_in_english(translated_section):
    english = outline(ENGLISH_SECTION.read_text(encoding='utf-8'))
    translated = outline(translated_section.read_text(encoding='utf-8'))
    english_text = english.paragraphs[1][1]
    edit(translated_section, translated.paragraphs[1][1], english_text)
    problems = compare(PROJECT, ENGLISH_SECTION, translated_section)
    assert any('left in English' in p for p in problems), problems


@pytest.mark.parametrize('role', ['ref', 'numref'])
def test_a_translated_title_of_a_reference_is_not_drift_but_its_target_is(book, role):
    english = f'# Layers\n\nSee :{role}:`that section <sec_x>`.\n'

    def project_with(translated_target):
        return marked_then_changed(
            book,
            english,
            f'# Camadas\n\nVeja :{role}:`essa seção <sec_x>`.\n',
            f'# Camadas\n\nVeja :{role}:`a seção <{translated_target}>`.\n',
        )

    same = project_with('sec_x')
    assert compare(same, same.root / 'index.md', same.root / 'pt' / 'index.md') == []
    moved = project_with('sec_y')
    assert compare(moved, moved.root / 'index.md', moved.root / 'pt' / 'index.md') != []
