"""What an edition's readers are told where its translation is behind the
English: the notes that bookbuild.editions.markers writes into a staged page
(a note before a stale paragraph, the English of a missing one under a note),
the address of the English paragraph each note links to, the notebooks'
framework on that link (forms/notebooks/cells.py), and the note the Sphinx
extension makes of each on the HTML page (render/sphinx_extension.py).
Small books in tmp_path: an English page and its Portuguese translation,
marked current, then the English changes."""

import html
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes, utils

from bookbuild.editions import markers, marking
from bookbuild.forms.notebooks.cells import english_links_at
from bookbuild.languages import LANGUAGES, NOTE_SIGN, language
from bookbuild.render.sphinx_extension import mark_translation_notes, translation_note
from tiny_book import fence, line_of

TITLE = '# Custom Layers'
LABEL = ':label:`sec_custom_layers`'
HOLDS = 'A layer holds weights and turns its input into an output.'
STACKS = 'A model stacks layers, one after another, so that each reads the last.'
CODE = fence('all', 'import math')
PARAMETERS = '## Layers with Parameters'
TRAINS = 'Each parameter is a tensor that training moves, step by step.'
BEGIN_TAB = ':begin_tab:`pytorch`'
REGISTERS = 'PyTorch registers each parameter of a module as it is assigned.'
END_TAB = ':end_tab:'
COMPOSE = 'Layers compose, and a stack of them is a layer too.'
ENGLISH = '\n'.join(
    [
        TITLE,
        LABEL,
        '',
        HOLDS,
        '',
        STACKS,
        '',
        CODE,
        PARAMETERS,
        '',
        TRAINS,
        '',
        BEGIN_TAB,
        REGISTERS,
        END_TAB,
        '',
        COMPOSE,
        '',
    ]
)
# Each English line's translation. The first paragraph's takes two lines, so
# the two files' line numbers part after it.
TRANSLATION = {
    TITLE: '# Camadas personalizadas',
    HOLDS: 'Uma camada guarda pesos\ne transforma sua entrada em uma saída.',
    STACKS: 'Um modelo empilha camadas, uma após a outra, para que cada uma leia a anterior.',
    PARAMETERS: '## Camadas com parâmetros',
    TRAINS: 'Cada parâmetro é um tensor que o treino move, passo a passo.',
    REGISTERS: 'O PyTorch registra cada parâmetro de um módulo quando ele é atribuído.',
    COMPOSE: 'Camadas se compõem, e uma pilha delas também é uma camada.',
}
PORTUGUESE = '\n'.join(TRANSLATION.get(line, line) for line in ENGLISH.split('\n'))
PAGE = Path('index.md')
# The English page on the published site (tiny_book's publish_repo).
ENGLISH_PAGE = 'https://owner.github.io/tiny-book/html/index.html'
PT = language('pt')


@pytest.fixture
def project(book):
    """A book with one page, index.md, translated in pt/ and marked current."""
    project = book({'index.md': ENGLISH, 'pt/index.md': PORTUGUESE})
    marking.mark_page_current(project, 'pt', PAGE)
    return project


def edit_english(project, old, new):
    path = project.root / 'index.md'
    text = path.read_text(encoding='utf-8')
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding='utf-8')


def staged(project):
    return markers.marked_text(project, 'pt', PAGE)


def translated_line(english_line):
    """The line of PORTUGUESE where the translation of an English line starts."""
    return line_of(PORTUGUESE, TRANSLATION[english_line].split('\n')[0])


def stale_note(address):
    return f'{NOTE_SIGN} {PT.stale_note} [{PT.english_link}]({address})'


def missing_block(address, english):
    """The note over a missing paragraph, a blank line, then its English
    exactly as the English page has it."""
    return [
        f'{NOTE_SIGN} {PT.missing_note} [{PT.english_link}]({address})',
        '',
        *english.split('\n'),
    ]


def read_notes(text):
    """(the text without its notes, [(the line of that text after which a
    note sits, the note's lines)]). A note is a line that starts with the
    sign; a missing paragraph's note goes on past a blank line to the end of
    the English paragraph under it (the next blank line). Each note must
    stand between blank lines, which go with it."""
    lines = text.split('\n')
    rest, notes = [], []
    index = 0
    while index < len(lines):
        if not lines[index].startswith(f'{NOTE_SIGN} '):
            rest.append(lines[index])
            index += 1
            continue
        assert rest and rest[-1] == '', f'no blank line before {lines[index]!r}'
        rest.pop()
        end = index + 1
        if lines[index].startswith(f'{NOTE_SIGN} {PT.missing_note} '):
            # Past the line after the note (blank, if the note is right) and
            # on to the end of the English paragraph.
            end += 1
            while end < len(lines) and lines[end] != '':
                end += 1
        assert end < len(lines) and lines[end] == '', f'no blank line after {lines[index]!r}'
        notes.append((len(rest), lines[index:end]))
        index = end + 1
    return '\n'.join(rest), notes


# -------------------------------------------------------------- current --


def test_a_translation_marked_current_is_staged_unchanged(project):
    assert staged(project) == PORTUGUESE


# ---------------------------------------------------------------- stale --


def test_a_stale_paragraph_gets_one_note_right_before_it_and_nothing_else_changes(project):
    edit_english(project, 'turns its input into', 'maps its input to')
    rest, notes = read_notes(staged(project))
    assert rest == PORTUGUESE
    address = (
        f'{ENGLISH_PAGE}#custom-layers'
        ':~:text=A%20layer%20holds%20weights%20and%20maps%20its%20input'
    )
    assert notes == [(translated_line(HOLDS) - 1, [stale_note(address)])]


@pytest.mark.parametrize(
    'heading, changed, after',
    [
        # The label stays on the line after its heading.
        (TITLE, '# Custom Layers in Practice', line_of(PORTUGUESE, LABEL)),
        (PARAMETERS, '## Layers that Hold Parameters', translated_line(PARAMETERS)),
    ],
    ids=['with a label', 'without a label'],
)
def test_a_stale_heading_gets_its_note_after_the_heading_and_its_label(
    project, heading, changed, after
):
    edit_english(project, heading, changed)
    rest, notes = read_notes(staged(project))
    assert rest == PORTUGUESE
    assert [where for where, _ in notes] == [after]


def test_a_stale_headings_note_stays_outside_a_framework_block_that_follows_it(book):
    english = f'# Layers\n\n{HOLDS}\n\n## Using Them\n{BEGIN_TAB}\n{REGISTERS}\n{END_TAB}\n'
    portuguese = (
        english.replace('# Layers', '# Camadas')
        .replace(HOLDS, TRANSLATION[HOLDS])
        .replace('## Using Them', '## Como usá-las')
        .replace(REGISTERS, TRANSLATION[REGISTERS])
    )
    project = book({'index.md': english, 'pt/index.md': portuguese})
    marking.mark_page_current(project, 'pt', PAGE)
    edit_english(project, '## Using Them', '## Using Them Well')
    rest, notes = read_notes(staged(project))
    assert rest == portuguese
    assert [where for where, _ in notes] == [line_of(portuguese, '## Como usá-las')]


def test_a_reworded_heading_is_stale_not_missing(project):
    edit_english(project, TITLE, '# Writing Your Own Layers')
    rest, notes = read_notes(staged(project))
    assert rest == PORTUGUESE
    address = f'{ENGLISH_PAGE}#writing-your-own-layers:~:text=Writing%20Your%20Own%20Layers'
    assert notes == [(line_of(PORTUGUESE, LABEL), [stale_note(address)])]


# -------------------------------------------------------------- missing --


NEW = 'A new paragraph,\nwritten on two lines.'
NEW_WORDS = 'A%20new%20paragraph%2C%20written%20on%20two%20lines.'


@pytest.mark.parametrize(
    'english_before, after, section',
    [
        # The translation of HOLDS takes two lines: the new one goes after both.
        (HOLDS, translated_line(HOLDS) + 1, 'custom-layers'),
        # After the code block's closing fence, not before the block.
        (CODE, line_of(PORTUGUESE, 'import math') + 1, 'custom-layers'),
        # First in its section: after the heading.
        (PARAMETERS, translated_line(PARAMETERS), 'layers-with-parameters'),
        # Inside the framework block, before its :end_tab:.
        (REGISTERS, translated_line(REGISTERS), 'layers-with-parameters'),
    ],
    ids=['after a paragraph', 'after a code block', 'after a heading', 'in a framework block'],
)
def test_a_missing_paragraph_is_staged_in_english_after_its_fixed_point(
    project, english_before, after, section
):
    edit_english(project, english_before, f'{english_before.rstrip()}\n\n{NEW}\n')
    rest, notes = read_notes(staged(project))
    assert rest == PORTUGUESE
    address = f'{ENGLISH_PAGE}#{section}:~:text={NEW_WORDS}'
    assert notes == [(after, missing_block(address, NEW))]


def test_a_stale_heading_and_a_missing_paragraph_after_it_keep_the_english_order(project):
    edit_english(project, TITLE, '# Custom Layers in Practice')
    edit_english(project, f'{LABEL}\n', f'{LABEL}\n\n{NEW}\n')
    rest, notes = read_notes(staged(project))
    assert rest == PORTUGUESE
    label = line_of(PORTUGUESE, LABEL)
    section = f'{ENGLISH_PAGE}#custom-layers-in-practice'
    assert notes == [
        (label, [stale_note(f'{section}:~:text=Custom%20Layers%20in%20Practice')]),
        (label, missing_block(f'{section}:~:text={NEW_WORDS}', NEW)),
    ]


# -------------------------------------------------------------- address --


def test_a_paragraphs_address_is_its_english_section_and_its_words_percent_encoded(book):
    project = book()
    page = 'chapter_builders-guide/custom-layer'
    # The page's and the section's own hyphens stay; only the words are encoded.
    assert project.published_paragraph(
        page, 'layers-with-parameters', 'weights, biases & a run-time shape'
    ) == (
        'https://owner.github.io/tiny-book/html/chapter_builders-guide/custom-layer.html'
        '#layers-with-parameters:~:text=weights%2C%20biases%20%26%20a%20run%2Dtime%20shape'
    )
    assert project.published_paragraph(page, 'summary') == (
        'https://owner.github.io/tiny-book/html/chapter_builders-guide/custom-layer.html#summary'
    )


def test_a_note_links_to_the_section_its_english_paragraph_sits_under(project):
    edit_english(project, 'training moves,', 'training shifts,')
    _, notes = read_notes(staged(project))
    address = (
        f'{ENGLISH_PAGE}#layers-with-parameters'
        ':~:text=Each%20parameter%20is%20a%20tensor%20that%20training%20shifts%2C'
    )
    assert notes == [(translated_line(TRAINS) - 1, [stale_note(address)])]


@pytest.mark.parametrize(
    'markdown, shown',
    [
        ('Layers with Parameters', 'Layers with Parameters'),
        ('The `forward` Method', 'The forward Method'),
        ('**Layers**, Blocks & Models', 'Layers, Blocks & Models'),
        ('2D Convolutions', '2D Convolutions'),
        ('Naïve Layers', 'Naïve Layers'),
    ],
)
def test_a_headings_html_id_is_the_one_sphinx_gives_its_section(markdown, shown):
    # Sphinx gives a section the id docutils makes of its title as shown.
    assert markers.section_html_id(markdown) == nodes.make_id(shown)


# ---------------------------------------------------------- first words --


@pytest.mark.parametrize(
    'text, words',
    [
        (HOLDS, 'A layer holds weights and turns its input'),
        (
            '**Bold** words are read as the plain words they are.',
            'Bold words are read as the plain words',
        ),
        ('Let $\\mathbf{x}$ be the input of the layer.', 'be the input of the layer.'),
        (
            ':numref:`sec_layers` shows how layers stack into a model.',
            'shows how layers stack into a model.',
        ),
        (
            'See [the layer guide](https://example.com/layer-guide.html) for more.',
            'See the layer guide',
        ),
        (
            '[Layers](https://example.com/layers.html) compose into models of any depth.',
            'compose into models of any depth.',
        ),
        ('The layer holds "weights" that training moves.', 'The layer holds'),
        ("The layer's weights start random.", ''),
        ('A `forward` method maps the input to the output.', ''),
        ('Layers compose well -- stacked or not.', 'Layers compose well'),
        ('Layers compose.', ''),
    ],
    ids=[
        'eight words at most',
        'emphasis is plain',
        'past math',
        'past a role',
        'up to a link address',
        'past a link address',
        'up to a quote',
        'no three words before a quote',
        'no three words before code',
        'up to a dash Sphinx makes typographic',
        'fewer than three words',
    ],
)
def test_first_words_are_a_run_of_plain_words_the_english_page_shows_as_written(text, words):
    assert markers.first_words(text) == words


# ------------------------------------------------------------ notebooks --


def test_a_notebook_opens_a_notes_english_paragraph_at_its_framework(project):
    edit_english(project, 'turns its input into', 'maps its input to')
    edit_english(project, f'{COMPOSE}\n', f'{COMPOSE}\n\n{NEW}\n')
    others = [
        # The English page itself, no paragraph: a link the chapter may have.
        f'[the English page]({ENGLISH_PAGE}#custom-layers)',
        # A text fragment on another site, and on the edition's own site.
        '[elsewhere](https://example.com/tiny-book/html/index.html#x:~:text=A%20layer)',
        '[here](https://owner.github.io/tiny-book/pt/html/index.html#x:~:text=Uma%20camada)',
    ]
    markdown = staged(project) + '\n'.join(others) + '\n'
    at_jax = english_links_at(project, markdown, 'jax')
    assert at_jax.replace(f'{ENGLISH_PAGE}?framework=jax#', f'{ENGLISH_PAGE}#') == markdown
    changed = [line for line in at_jax.split('\n') if 'framework=jax' in line]
    # The stale note's link and the missing one's, and no other.
    assert len(changed) == 2
    assert all(line.startswith(f'{NOTE_SIGN} ') for line in changed)


# English paragraphs whose first words are plain, and ones whose first words
# are not (code): the note of the second links to the English section alone,
# without a text fragment (first_words is '').
PLAIN_START = 'A layer maps'
CODE_START = 'A `forward` method maps'


def staged_behind(book, start):
    """(the book's Project, its staged page) with a stale paragraph and a
    missing one, both English paragraphs starting with `start`."""
    english = f'# Layers\n\n{start} its input to its output.\n'
    portuguese = '# Camadas\n\nUma camada transforma sua entrada.\n'
    project = book({'index.md': english, 'pt/index.md': portuguese})
    marking.mark_page_current(project, 'pt', PAGE)
    edit_english(project, 'its output.', f'an output.\n\n{start} nothing else.')
    return project, staged(project)


def note_lines(markdown):
    return [line for line in markdown.split('\n') if line.startswith(f'{NOTE_SIGN} ')]


@pytest.mark.parametrize(
    'start',
    [
        PLAIN_START,
        CODE_START,
    ],
    ids=['plain first words', 'code in the first words'],
)
def test_a_notebook_opens_every_notes_english_section_at_its_framework(book, start):
    project, markdown = staged_behind(book, start)
    notes = note_lines(markdown)
    assert len(notes) == 2
    at_jax = english_links_at(project, markdown, 'jax')
    framework = f'{ENGLISH_PAGE}?framework=jax#'
    assert note_lines(at_jax) == [line.replace(f'{ENGLISH_PAGE}#', framework) for line in notes]


# ---------------------------------------------------------- on the page --


SITE = 'https://owner.github.io/tiny-book/html/'
FRAGMENT = 'index.html#layers:~:text=A%20layer%20holds'
TRANSLATED = 'Uma camada guarda pesos.'
IN_ENGLISH = 'A layer holds weights.'
FOLLOWING = 'Um modelo empilha camadas.'


def note_paragraph(
    sentence=PT.stale_note, refuri=SITE + FRAGMENT, sign=f'{NOTE_SIGN} ', link=PT.english_link
):
    """The paragraph docutils reads from a note's Markdown: the sign, the
    sentence and a link."""
    return nodes.paragraph(
        '',
        '',
        nodes.Text(f'{sign}{sentence} '),
        nodes.reference('', link, refuri=refuri),
    )


def paragraph_of(note_line):
    """The paragraph docutils reads from a note's Markdown line."""
    sentence, link, address = re.fullmatch(
        rf'{NOTE_SIGN} (.*) \[(.*)\]\((.*)\)', note_line
    ).groups()
    return note_paragraph(sentence, address, link=link)


def text(words):
    return nodes.paragraph('', words)


def as_html(elements):
    """The HTML of a page's elements, parsed under one <body>: raw HTML as
    it is, any other element as a <p> of its text."""
    parts = [
        node.astext() if isinstance(node, nodes.raw) else f'<p>{html.escape(node.astext())}</p>'
        for node in elements
    ]
    return ElementTree.fromstring(f'<body>{"".join(parts)}</body>')


def sphinx_app(lang, form='html'):
    """What mark_translation_notes reads of Sphinx: the language and the output's format."""
    return SimpleNamespace(
        config=SimpleNamespace(language=lang), builder=SimpleNamespace(format=form)
    )


def page_with(*elements):
    document = utils.new_document('<page>')
    document.extend(elements)
    return document


@pytest.fixture
def in_a_book(book, monkeypatch):
    # Sphinx runs in the book's folder; the extension reads the book there.
    monkeypatch.chdir(book().root)


def marked(*elements, docname='chapter/page'):
    """The HTML of an edition's page of these elements, once the extension
    has marked its notes."""
    document = page_with(*elements)
    mark_translation_notes(sphinx_app('pt'), document, docname)
    return as_html(document.children)


def before_and_after(*elements, lang='pt', form='html'):
    """A page of these elements as docutils prints it, before and after the
    extension has marked its notes."""
    document = page_with(*elements)
    before = document.pformat()
    mark_translation_notes(sphinx_app(lang, form), document, 'chapter/page')
    return before, document.pformat()


def test_a_stale_note_on_the_page_is_a_note_with_a_link_to_the_english_site(in_a_book):
    note, translated = marked(note_paragraph(PT.stale_note), text(TRANSLATED))
    assert note.tag == 'div'
    assert note.get('role') == 'note'
    assert note.get('class') == 'translation-note translation-note--stale'
    (words,) = note
    assert (words.tag, words.get('class')) == ('p', 'translation-note__words')
    sign, link = words
    # The sign is not read out; the sentence is, without it.
    assert (sign.tag, sign.get('aria-hidden'), sign.text) == ('span', 'true', NOTE_SIGN)
    assert sign.tail == f' {PT.stale_note} '
    assert link.tag == 'a'
    assert link.get('class') == 'translation-note__link'
    assert link.get('hreflang') == 'en'
    assert link.text == PT.english_link
    # The translated paragraph it is about follows it, outside the note.
    assert (translated.tag, translated.text) == ('p', TRANSLATED)


@pytest.mark.parametrize(
    'docname, up',
    [
        # pt/html/index.html: up past html/ and pt/.
        ('index', '../../'),
        # pt/html/chapter/page.html: up past chapter/, html/ and pt/.
        ('chapter/page', '../../../'),
    ],
)
def test_a_notes_link_leads_up_from_its_page_to_the_english_site(in_a_book, docname, up):
    (note,) = marked(note_paragraph(), docname=docname)
    assert note.find('p/a').get('href') == f'{up}html/{FRAGMENT}'


def test_a_missing_notes_english_sits_inside_it_marked_english_and_what_follows_does_not(
    in_a_book,
):
    note, following = marked(note_paragraph(PT.missing_note), text(IN_ENGLISH), text(FOLLOWING))
    assert note.get('role') == 'note'
    assert note.get('class') == 'translation-note translation-note--missing'
    words, english = note
    assert words.get('class') == 'translation-note__words'
    assert words.find('span').tail == f' {PT.missing_note} '
    assert words.find('a').get('href') == '../../../html/' + FRAGMENT
    assert (english.tag, english.get('class'), english.get('lang')) == (
        'div',
        'translation-note__english',
        'en',
    )
    assert [(paragraph.tag, paragraph.text) for paragraph in english] == [('p', IN_ENGLISH)]
    assert (following.tag, following.text) == ('p', FOLLOWING)


def test_missing_paragraphs_in_a_row_each_hold_their_own_english(in_a_book):
    first, second = 'A layer holds weights.', 'A model stacks layers.'
    page = marked(
        note_paragraph(PT.missing_note),
        text(first),
        note_paragraph(PT.missing_note),
        text(second),
    )
    assert [[p.text for p in note.find('div')] for note in page] == [[first], [second]]


def test_a_note_that_pandoc_wrapped_over_lines_is_a_note_written_on_one_line(in_a_book):
    wrapped = note_paragraph(
        PT.missing_note.replace(' ', '\n', 2), link=PT.english_link.replace(' ', '\n', 1)
    )
    (note,) = marked(wrapped, text(IN_ENGLISH))
    assert note.get('class') == 'translation-note translation-note--missing'
    assert note.find('p/span').tail == f' {PT.missing_note} '
    assert note.find('p/a').text == PT.english_link


def test_a_notes_sentence_is_html_escaped():
    sentence = 'Use a < b & c, then <b>bold</b>.'
    # An edition whose stale paragraphs' sentence is this one.
    words = SimpleNamespace(stale_note=sentence, missing_note=PT.missing_note)
    kind, opening, closing = translation_note(note_paragraph(sentence), SITE, '../', words)
    assert kind == 'stale'
    assert 'a &lt; b &amp; c' in opening
    assert ElementTree.fromstring(opening + closing).find('p/span').tail == f' {sentence} '


@pytest.mark.parametrize(
    'paragraph',
    [
        text(f'{NOTE_SIGN} {PT.stale_note}'),
        note_paragraph(refuri='https://example.com/tiny-book/html/' + FRAGMENT),
        note_paragraph(refuri='https://owner.github.io/tiny-book/pt/html/' + FRAGMENT),
        nodes.paragraph(
            '',
            '',
            nodes.Text(f'{NOTE_SIGN} {PT.stale_note} '),
            nodes.reference('', 'one', refuri=SITE + FRAGMENT),
            nodes.Text(' '),
            nodes.reference('', 'two', refuri=SITE + FRAGMENT),
        ),
        note_paragraph('O original em inglês deste parágrafo mudou.'),
        note_paragraph(language('ko').stale_note),
        note_paragraph(sign=f'Nota: {NOTE_SIGN} '),
        note_paragraph(sign=''),
    ],
    ids=[
        'no link',
        'a link to another site',
        'a link to the edition itself',
        'two links',
        'a sentence that is not the note\'s',
        'another edition\'s sentence',
        'the sign not at the start',
        'no sign',
    ],
)
def test_a_paragraph_that_is_not_a_note_is_left_alone(in_a_book, paragraph):
    before, after = before_and_after(paragraph, text(IN_ENGLISH))
    assert after == before


@pytest.mark.parametrize(
    'lang, form',
    [('en', 'html'), (None, 'html'), ('pt', 'latex')],
    ids=['english page', 'no language', 'pdf'],
)
def test_notes_stay_paragraphs_on_english_pages_and_in_the_pdf(in_a_book, monkeypatch, lang, form):
    # As if English had note sentences too: the page's language alone keeps
    # its notes plain, not a sentence it lacks.
    english = replace(LANGUAGES['en'], stale_note=PT.stale_note, missing_note=PT.missing_note)
    monkeypatch.setitem(LANGUAGES, 'en', english)
    before, after = before_and_after(
        note_paragraph(PT.stale_note),
        text(TRANSLATED),
        note_paragraph(PT.missing_note),
        text(IN_ENGLISH),
        lang=lang,
        form=form,
    )
    assert after == before


@pytest.mark.parametrize(
    'start',
    [
        PLAIN_START,
        CODE_START,
    ],
    ids=['plain first words', 'code in the first words'],
)
def test_every_note_a_staged_page_has_is_a_note_on_the_page(book, monkeypatch, start):
    project, markdown = staged_behind(book, start)
    monkeypatch.chdir(project.root)
    notes = [paragraph_of(line) for line in note_lines(markdown)]
    page = marked(notes[0], text(TRANSLATED), notes[1], text(IN_ENGLISH), docname='index')
    assert [note.get('class') for note in page.findall("div[@role='note']")] == [
        'translation-note translation-note--stale',
        'translation-note translation-note--missing',
    ]
