"""Which English each translated paragraph translates (bookbuild.editions.
tracking), and the commands around it: `book edition-check [--strict]`
lists the paragraphs that are stale, missing, removed or not yet marked,
and `book edition-mark-current` records a page's or one paragraph's English.
Small books in tmp_path: an English page and its Portuguese translation."""

import json
import re
from pathlib import Path

import pytest

from bookbuild import cli
from bookbuild.editions import (
    check_translations,
    compare,
    mark_current,
    markers,
    marking,
    parse_target,
    tracking,
)
from bookbuild.languages import EDITIONS, NOTE_SIGN, language
from bookbuild.report import BuildError
from tiny_book import fence, line_of

TITLE = '# Layers'
HOLDS = 'A layer holds weights and turns its input into an output.'
STACKS = 'A model stacks layers, one after another, so that each reads the last.'
USING = '## Using Them'
SEE = 'See :numref:`sec_layers` for what a layer holds, as :citet:`Ng.2020` explains.'
COMPOSE = 'Layers compose, and a stack of them is a layer too.'
ENGLISH = '\n'.join(
    [
        TITLE,
        ':label:`sec_layers`',
        '',
        HOLDS,
        '',
        STACKS,
        '',
        fence('all', 'import math'),
        USING,
        '',
        SEE,
        '',
        COMPOSE,
        '',
        fence('all', 'math.pi'),
    ]
)
# Each English line's translation. The first paragraph's takes two lines, so
# the two files' line numbers part after it and a report must name each
# file's own line.
TRANSLATION = {
    TITLE: '# Camadas',
    HOLDS: 'Uma camada guarda pesos\ne transforma sua entrada em uma saída.',
    STACKS: 'Um modelo empilha camadas, uma após a outra, para que cada uma leia a anterior.',
    USING: '## Como usá-las',
    SEE: 'Veja :numref:`sec_layers` para o que uma camada guarda, como :citet:`Ng.2020` explica.',
    COMPOSE: 'Camadas se compõem, e uma pilha delas também é uma camada.',
}
PORTUGUESE = '\n'.join(TRANSLATION.get(line, line) for line in ENGLISH.split('\n'))
# Two headings and four paragraphs.
UNITS = 6
PAGE = Path('index.md')


def translated_line(english_paragraph):
    """The line of PORTUGUESE where the translation of a paragraph starts."""
    return line_of(PORTUGUESE, TRANSLATION[english_paragraph].split('\n')[0])


def all_current(count=UNITS):
    return f'pt: {count} paragraphs current, 0 stale, 0 missing'


@pytest.fixture
def unmarked(book):
    """A book with one page, index.md, translated in pt/ but with no record yet."""
    return book({'index.md': ENGLISH, 'pt/index.md': PORTUGUESE}, tabs='pytorch')


@pytest.fixture
def project(unmarked):
    """The same book, its translation marked current."""
    marking.mark_page_current(unmarked, 'pt', PAGE)
    return unmarked


def edit(path, old, new):
    text = path.read_text(encoding='utf-8')
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding='utf-8')
    return path.read_text(encoding='utf-8')


def edit_english(project, old, new):
    return edit(project.root / 'index.md', old, new)


def edit_translation(project, old, new):
    return edit(project.root / 'pt' / 'index.md', old, new)


def check(project, strict=False):
    """The lines `book edition-check pt` prints."""
    return list(check_translations(project, ['pt'], strict=strict))


def states(project):
    """{first line of the translated paragraph: its state}; missing
    paragraphs, which have no translated line, under the English line."""
    return {
        (p.translated.first if p.translated else ('english', p.english.first)): p.state
        for p in tracking.state_of(project, 'pt', PAGE).paragraphs
    }


def state_at(project, line):
    return states(project)[line]


# -------------------------------------------------------------- current --


def test_a_translation_marked_current_checks_as_all_current(unmarked):
    changed, notes = marking.mark_page_current(unmarked, 'pt', PAGE)
    assert (changed, notes) == (UNITS, [])
    assert set(states(unmarked).values()) == {'current'}
    assert check(unmarked)[-1] == all_current()


def test_marking_an_edition_through_the_command_marks_its_pages_current(unmarked):
    lines = list(mark_current(unmarked, ['pt']))
    assert lines == [f'pt/index.md: marked current ({UNITS} paragraph(s) newly recorded)']
    assert check(unmarked)[-1] == all_current()


def test_an_unmarked_translation_is_not_current(unmarked):
    assert set(states(unmarked).values()) == {'unmarked'}
    assert check(unmarked)[-1] == f'pt: 0 paragraphs current, {UNITS} stale, 0 missing'


# ---------------------------------------------------------------- stale --


def test_a_changed_english_paragraph_makes_only_its_translation_stale(project):
    edit_english(project, 'turns its input into', 'maps its input to')
    found = states(project)
    assert found.pop(translated_line(HOLDS)) == 'stale'
    assert set(found.values()) == {'current'}


def test_a_stale_paragraph_is_reported_at_both_files_lines_with_the_word_diff(project):
    changed = 'Layers compose, so a stack of them is a layer too.'
    english = edit_english(project, COMPOSE, changed)
    # The translation's paragraph starts a line later than the English one.
    assert translated_line(COMPOSE) == line_of(english, changed) + 1
    assert check(project)[1:] == [
        f'pt/index.md:{translated_line(COMPOSE)}: stale: the English changed since it was '
        f'translated (index.md:{line_of(english, changed)}); old → new:',
        # Six words of context after the change, then an ellipsis.
        '    Layers compose, [-and-] {+so+} a stack of them is a …',
        f'pt: {UNITS - 1} paragraphs current, 1 stale, 0 missing',
    ]


def test_word_diff_marks_removed_and_added_words():
    assert tracking.word_diff('a layer turns its input', 'a layer maps its input') == (
        'a layer [-turns-] {+maps+} its input'
    )
    assert tracking.word_diff('its input', 'its whole input') == 'its {+whole+} input'
    assert tracking.word_diff('its whole input', 'its input') == 'its [-whole-] input'


def test_word_diff_elides_long_unchanged_runs_with_an_ellipsis():
    old = 'a b c d X e f g h i j Y k l m n'
    new = 'a b c d x e f g h i j y k l m n'
    # With two words of context: the run before the first change keeps its
    # last two, the run between changes its first and last two, the run
    # after the last change its first two.
    assert tracking.word_diff(old, new, context=2) == (
        '… c d [-X-] {+x+} e f … i j [-Y-] {+y+} k l …'
    )
    # A run between changes no longer than twice the context stays whole.
    assert tracking.word_diff('a X b c d e Y f', 'a x b c d e y f', context=2) == (
        'a [-X-] {+x+} b c d e [-Y-] {+y+} f'
    )


def test_word_diff_keeps_six_words_of_context_by_default():
    before = [f'b{n}' for n in range(10)]
    after = [f'a{n}' for n in range(10)]
    diff = tracking.word_diff(
        ' '.join([*before, 'old', *after]), ' '.join([*before, 'new', *after])
    )
    assert diff == '… b4 b5 b6 b7 b8 b9 [-old-] {+new+} a0 a1 a2 a3 a4 a5 …'


def test_rewrapping_an_english_paragraph_changes_nothing(project):
    edit_english(project, HOLDS, 'A layer   holds weights\nand turns its input  into an output.  ')
    assert set(states(project).values()) == {'current'}
    assert check(project)[-1] == all_current()


# ------------------------------------------------------ missing, removed --


def test_a_new_english_paragraph_is_missing_after_the_translation_it_follows(project):
    new = "A layer's weights start random."
    english = edit_english(project, HOLDS, f'{HOLDS}\n\n{new}')
    assert states(project)[('english', line_of(english, new))] == 'missing'
    # The translation of HOLDS takes two lines: the new one goes after both.
    after = translated_line(HOLDS) + 1
    assert check(project)[1:] == [
        f'pt/index.md:{after}: missing: index.md:{line_of(english, new)} has no translation '
        '(it goes after this line):',
        f'    {new}',
        f'pt: {UNITS} paragraphs current, 0 stale, 1 missing',
    ]


def test_a_removed_english_paragraph_makes_its_translation_removed(project):
    edit_english(project, f'{STACKS}\n\n', '')
    found = states(project)
    assert found.pop(translated_line(STACKS)) == 'removed'
    assert set(found.values()) == {'current'}
    report = check(project)
    assert report[1].startswith(
        f'pt/index.md:{translated_line(STACKS)}: removed: its English is no longer in '
        'index.md: was “A model stacks layers'
    )
    assert report[1].endswith(
        '; delete the paragraph, or move it to where an English paragraph is missing'
    )
    assert report[-1] == f'pt: {UNITS - 1} paragraphs current, 0 stale, 0 missing, 1 removed'


# -------------------------------------------------------------- marking --


def test_an_edited_translation_of_a_stale_paragraph_stays_stale_until_marked(project):
    edit_english(project, 'turns its input into', 'maps its input to')
    edit_translation(project, 'e transforma sua entrada', 'e mapeia sua entrada')
    assert state_at(project, translated_line(HOLDS)) == 'stale'


def test_marking_one_line_makes_only_its_paragraph_current(project):
    edit_english(project, 'turns its input into', 'maps its input to')
    edit_english(project, 'and a stack', 'so a stack')
    edit_translation(project, 'e transforma sua entrada', 'e mapeia sua entrada')
    # Any line of the paragraph names it: here the second of its two.
    changed, _ = marking.mark_page_current(project, 'pt', PAGE, translated_line(HOLDS) + 1)
    assert changed == 1
    assert state_at(project, translated_line(HOLDS)) == 'current'
    assert state_at(project, translated_line(COMPOSE)) == 'stale'


def test_a_new_translated_paragraph_is_unmarked_until_its_page_is_marked(project):
    new = "A layer's weights start random."
    english = edit_english(project, HOLDS, f'{HOLDS}\n\n{new}')
    translated = edit_translation(
        project,
        TRANSLATION[HOLDS],
        f'{TRANSLATION[HOLDS]}\n\nOs pesos de uma camada começam aleatórios.',
    )
    line = line_of(translated, 'Os pesos de uma camada começam aleatórios.')
    assert state_at(project, line) == 'unmarked'
    assert check(project)[1:] == [
        f'pt/index.md:{line}: translated, not yet marked current; it translates '
        f'index.md:{line_of(english, new)}: run `book edition-mark-current pt/index.md:{line}`',
        f'pt: {UNITS} paragraphs current, 1 stale, 0 missing',
    ]
    assert list(mark_current(project, ['pt/index.md'])) == [
        'pt/index.md: marked current (1 paragraph(s) newly recorded)'
    ]
    assert check(project)[-1] == all_current(UNITS + 1)


def test_editing_two_adjacent_translated_paragraphs_keeps_each_with_its_own_english(project):
    edit_translation(project, 'guarda pesos', 'GUARDA pesos')
    edit_translation(project, 'Um modelo empilha', 'Um modelo EMPILHA')
    found = tracking.state_of(project, 'pt', PAGE).paragraphs
    pairs = {p.translated.first: (p.state, p.english.text) for p in found}
    assert pairs[translated_line(HOLDS)] == ('current', HOLDS)
    assert pairs[translated_line(STACKS)] == ('current', STACKS)


def test_a_paragraph_missing_after_a_code_block_goes_after_that_block(project):
    new = 'The code above imports math.'
    edit_english(project, 'import math\n```\n', f'import math\n```\n\n{new}\n')
    closing_fence = line_of(PORTUGUESE, 'import math') + 1
    report = check(project)
    line = int(re.match(r'pt/index\.md:(\d+): missing', report[1])[1])
    assert closing_fence <= line < line_of(PORTUGUESE, TRANSLATION[USING])


def test_mark_current_refuses_a_translation_whose_english_was_removed(project):
    edit_english(project, f'{STACKS}\n\n', '')
    record = tracking.record_path(project, 'pt', PAGE)
    before = record.read_bytes()
    line = translated_line(STACKS)
    expected = re.escape(f'pt/index.md:{line}: translates no paragraph of the English index.md')
    with pytest.raises(BuildError, match=expected):
        marking.mark_page_current(project, 'pt', PAGE, line)
    # Nor is the page marked as a whole while that paragraph is there.
    with pytest.raises(BuildError, match=expected):
        marking.mark_page_current(project, 'pt', PAGE)
    assert record.read_bytes() == before


def test_mark_current_refuses_a_line_with_no_paragraph(project):
    line = line_of(PORTUGUESE, 'import math')
    with pytest.raises(
        BuildError, match=re.escape(f'pt/index.md:{line}: no translated paragraph or heading')
    ):
        marking.mark_page_current(project, 'pt', PAGE, line)


def test_mark_current_refuses_while_the_structure_drifts(project):
    edit_translation(project, 'math.pi', 'math.tau')
    with pytest.raises(BuildError, match='pt is out of step with the English source'):
        list(mark_current(project, ['pt']))


def test_the_record_is_beside_the_translation_and_marking_twice_writes_the_same_bytes(project):
    record = project.root / 'pt' / '.translated-from' / 'index.json'
    assert tracking.record_path(project, 'pt', PAGE) == record
    written = record.read_bytes()
    data = json.loads(written)
    assert data['english'] == 'index.md'
    assert [entry['english'] for entry in data['paragraphs']][:2] == ['Layers', HOLDS]
    assert marking.mark_page_current(project, 'pt', PAGE) == (0, [])
    assert record.read_bytes() == written


def test_a_record_not_written_by_the_tool_is_refused_with_its_name(project):
    tracking.record_path(project, 'pt', PAGE).write_text('{"paragraphs": 3}', encoding='utf-8')
    with pytest.raises(BuildError, match=re.escape('pt/.translated-from/index.json: not a record')):
        tracking.state_of(project, 'pt', PAGE)


# ------------------------------------------------------ strict, or not --


CHANGES = {
    'stale': ('turns its input into', 'maps its input to'),
    'missing': (COMPOSE, f'{COMPOSE}\n\nA new paragraph ends the page.'),
    'removed': (f'{STACKS}\n\n', ''),
}


@pytest.mark.parametrize('change', CHANGES)
def test_a_paragraph_behind_the_english_fails_only_a_strict_check(project, change):
    edit_english(project, *CHANGES[change])
    summary = check(project)[-1]
    assert summary.startswith('pt: ') and summary != all_current()
    with pytest.raises(BuildError, match=re.escape('edition(s) pt have paragraphs that are not')):
        check(project, strict=True)


def test_a_strict_check_passes_when_every_paragraph_is_current(project):
    assert check(project, strict=True)[-1] == all_current()


@pytest.mark.parametrize('strict', [False, True])
def test_structure_drift_fails_the_check_strict_or_not(project, strict):
    translated = edit_translation(project, 'math.pi', 'math.tau')
    block = line_of(translated, 'math.tau') - 2
    with pytest.raises(BuildError, match=f'pt/index.md:{block}: code block 2 differs'):
        check(project, strict=strict)


# ----------------------------------------------------------- references --


def test_a_changed_reference_in_a_current_paragraph_is_drift(project):
    edit_translation(project, ':citet:`Ng.2020` explica', ':citet:`Lee.2021` explica')
    assert state_at(project, translated_line(SEE)) == 'current'
    assert compare(project, project.root / 'index.md', project.root / 'pt' / 'index.md') == [
        f'pt/index.md:{translated_line(SEE)}: :citet:`Lee.2021` where the English has '
        f':citet:`Ng.2020` (index.md:{line_of(ENGLISH, SEE)})'
    ]


def test_a_reference_changed_in_the_english_makes_its_translation_stale_not_drift(project):
    edit_english(project, ':citet:`Ng.2020`', ':citet:`Lee.2021`')
    assert compare(project, project.root / 'index.md', project.root / 'pt' / 'index.md') == []
    assert state_at(project, translated_line(SEE)) == 'stale'


# --------------------------------------------------------------- targets --


@pytest.fixture
def two_pages(book):
    return book({'index.md': ENGLISH, 'part/more.md': '# More\n'}, tabs='pytorch')


def test_an_edition_names_all_its_pages(two_pages):
    assert parse_target(two_pages, 'pt') == ('pt', [PAGE, Path('part/more.md')], None)


def test_a_page_and_line_name_that_page_and_line(two_pages):
    assert parse_target(two_pages, 'pt/part/more.md:3') == ('pt', [Path('part/more.md')], 3)
    assert parse_target(two_pages, 'pt/index.md') == ('pt', [PAGE], None)


@pytest.mark.parametrize(
    'argument, says',
    [
        ('xx', f'name an edition ({", ".join(EDITIONS)})'),
        ('xx/index.md:3', f'name an edition ({", ".join(EDITIONS)})'),
        ('pt/nowhere.md', 'not a page of the book; config.ini lists index.md, part/more.md'),
        ('pt/index.md:three', 'expected <lang>/<page>.md:<line>, with a line number'),
        ('pt:3', 'a line number needs a page'),
    ],
)
def test_a_target_that_names_nothing_is_refused_with_the_argument(two_pages, argument, says):
    with pytest.raises(BuildError, match=re.escape(f'{argument}: {says}')):
        parse_target(two_pages, argument)


# ------------------------------------------------------------------- CLI --


def book_command(project, *arguments):
    return cli.main(['--project', str(project.root), *arguments])


def test_cli_strict_check_exits_1_on_a_stale_paragraph_and_0_once_it_is_current(project, capsys):
    edit_english(project, 'turns its input into', 'maps its input to')
    assert book_command(project, 'edition-check', 'pt', '--strict') == 1
    output = capsys.readouterr()
    assert f'pt: {UNITS - 1} paragraphs current, 1 stale, 0 missing' in output.out.splitlines()
    assert 'build failed: edition(s) pt have paragraphs that are not current' in output.err

    marking.mark_page_current(project, 'pt', PAGE)
    assert book_command(project, 'edition-check', 'pt', '--strict') == 0
    assert capsys.readouterr().out.splitlines()[-1] == all_current()


def test_cli_check_without_strict_exits_0_on_a_stale_paragraph(project, capsys):
    edit_english(project, 'turns its input into', 'maps its input to')
    assert book_command(project, 'edition-check', 'pt') == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f'pt: {UNITS - 1} paragraphs current, 1 stale, 0 missing'
    )


def test_cli_mark_current_marks_the_paragraph_at_a_line(project, capsys):
    edit_english(project, 'turns its input into', 'maps its input to')
    edit_english(project, 'and a stack', 'so a stack')
    target = f'pt/index.md:{translated_line(HOLDS)}'
    assert book_command(project, 'edition-mark-current', target) == 0
    assert capsys.readouterr().out.splitlines() == [
        f'{target}: marked current (1 paragraph(s) newly recorded)'
    ]
    assert state_at(project, translated_line(HOLDS)) == 'current'
    assert state_at(project, translated_line(COMPOSE)) == 'stale'


# ---- the translator's loop, in the orders a translator may work in ----

NEW = 'Some layers only compute, and others also learn.'
NEW_PT = 'Algumas camadas só calculam, e outras também aprendem.'
STACKS_NEW = 'A model stacks layers in order, so that each one reads the output of the last.'
STACKS_PT_NEW = 'Um modelo empilha camadas em ordem, e cada uma lê a saída da anterior.'


def test_a_new_paragraph_translated_before_an_edited_one_marks_clean(project):
    """The English gains a paragraph before one it rewrites; the translator
    writes the new one, updates the next, and marks the page."""
    edit_english(project, f'{STACKS}\n', f'{NEW}\n\n{STACKS_NEW}\n')
    edit_translation(project, TRANSLATION[STACKS], f'{NEW_PT}\n\n{STACKS_PT_NEW}')
    found = tracking.state_of(project, 'pt', PAGE)
    # Before marking, each translated paragraph goes with its own English.
    pairs = {p.translated.text: p.english.text for p in found.paragraphs if p.translated}
    assert pairs[NEW_PT] == NEW and pairs[STACKS_PT_NEW] == STACKS_NEW
    marking.mark_page_current(project, 'pt', PAGE)
    assert check(project)[-1] == all_current(UNITS + 1)
    # And it stays so: marking again changes nothing.
    assert marking.mark_page_current(project, 'pt', PAGE)[0] == 0


def test_a_deleted_paragraph_and_an_edited_one_after_it_mark_clean(project):
    edit_english(project, f'{HOLDS}\n\n{STACKS}\n', f'{STACKS_NEW}\n')
    edit_translation(
        project, f'{TRANSLATION[HOLDS]}\n\n{TRANSLATION[STACKS]}\n', f'{STACKS_PT_NEW}\n'
    )
    found = {
        p.translated.text: p
        for p in tracking.state_of(project, 'pt', PAGE).paragraphs
        if p.translated
    }
    assert found[STACKS_PT_NEW].english.text == STACKS_NEW
    marking.mark_page_current(project, 'pt', PAGE)
    assert check(project)[-1] == all_current(UNITS - 1)


def test_a_paragraph_rewritten_past_recognition_is_stale_not_removed(project):
    """Fewer than half its words kept: still the paragraph between the same
    neighbours, so stale, with the old and new English, and markable."""
    rewritten = 'Stacking is how networks are built: every layer feeds the next one.'
    edit_english(project, STACKS, rewritten)
    found = tracking.state_of(project, 'pt', PAGE).paragraphs
    [stale] = [p for p in found if p.state != 'current']
    assert (stale.state, stale.old, stale.english.text) == ('stale', STACKS, rewritten)
    edit_translation(project, TRANSLATION[STACKS], 'Empilhar é como se constroem redes.')
    marking.mark_page_current(project, 'pt', PAGE, translated_line(STACKS))
    assert check(project)[-1] == all_current()


def test_an_unmarked_translation_with_a_lost_reference_does_not_fail_the_check(project):
    """Two new English paragraphs, the first with a reference; the
    translator has done only the second. The guess at which English it
    translates is no drift."""
    cited = 'As :numref:`sec_layers` shows, a layer is a function.'
    edit_english(project, f'{COMPOSE}\n', f'{COMPOSE}\n\n{cited}\n\n{NEW}\n')
    edit_translation(project, f'{TRANSLATION[COMPOSE]}\n', f'{TRANSLATION[COMPOSE]}\n\n{NEW_PT}\n')
    assert compare(project, project.root / 'index.md', project.root / 'pt' / 'index.md') == []
    lines = check(project)
    assert re.fullmatch(r'pt: \d+ paragraphs current, 1 stale, 1 missing', lines[-1]), lines


def test_marking_a_page_writes_nothing_when_a_paragraph_is_refused(project):
    record = tracking.record_path(project, 'pt', PAGE).read_bytes()
    edit_english(project, f'{STACKS}\n\n', '')
    edit_translation(project, TRANSLATION[HOLDS], 'Uma camada guarda pesos e os usa.')
    with pytest.raises(BuildError, match='translates no paragraph of the English'):
        list(mark_current(project, ['pt']))
    assert tracking.record_path(project, 'pt', PAGE).read_bytes() == record


def test_a_page_new_to_the_english_is_missing_and_shown_in_english(project):
    """An author adds a page to the book; no edition has it yet."""
    (project.root / 'pt' / 'index.md').unlink()
    lines = check(project)
    assert lines[1] == (
        'pt/index.md: missing: the page has no translation yet, and the edition shows it in '
        f'English ({UNITS} paragraphs); translate index.md there'
    )
    assert lines[-1] == f'pt: 0 paragraphs current, 0 stale, {UNITS} missing'
    with pytest.raises(BuildError, match='not current'):
        check(project, strict=True)
    staged = markers.marked_text(project, 'pt', PAGE)
    # The English page, with one note after its title and label.
    lines = staged.split('\n')
    note_line = next(n for n, line in enumerate(lines, 1) if line.startswith(NOTE_SIGN))
    assert note_line == 4  # after the title, its label and a blank line
    assert lines[note_line - 1].startswith(f'{NOTE_SIGN} {language("pt").missing_note} [')
    del lines[note_line - 2 : note_line + 1]  # the note and its blank lines
    assert '\n'.join(lines) == ENGLISH
    with pytest.raises(BuildError, match='no translation yet'):
        marking.mark_page_current(project, 'pt', PAGE)


@pytest.mark.parametrize('with_notes, fails', [('false', True), ('true', False)])
def test_a_release_fails_on_paragraphs_behind_unless_config_lets_it_carry_the_notes(
    project, with_notes, fails
):
    edit_english(project, 'holds weights', 'keeps weights')
    config = project.root / 'config.ini'
    config.write_text(
        config.read_text() + f'\n[editions]\nrelease_with_notes = {with_notes}\n', encoding='utf-8'
    )
    code = cli.main(['--project', str(project.root), 'edition-check', 'pt', '--release'])
    assert code == (1 if fails else 0)
