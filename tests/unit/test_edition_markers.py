"""What an edition's readers are told where its translation is behind the
English: the notes that bookbuild.editions.markers writes into a staged page
(a note before a stale paragraph, the English of a missing one under a note),
the address of the English paragraph each note links to, the notebooks'
framework on that link (forms/notebooks/cells.py), and the note the Sphinx
extension makes of each on the HTML page (render/sphinx_extension.py).
Small books in tmp_path: an English page and its Portuguese translation,
marked current, then the English changes."""

import html
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes, utils

from bookbuild.editions import markers, tracking
from bookbuild.forms.notebooks.cells import english_links_at
from bookbuild.languages import NOTE_SIGN, language
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
    tracking.mark_current(project, 'pt', PAGE)
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
    return f'> {NOTE_SIGN} {PT.stale_note} [{PT.english_link}]({address})'


def missing_block(address, english):
    """The note over a missing paragraph, then its English, quoted line by line."""
    return [
        f'> {NOTE_SIGN} {PT.missing_note} [{PT.english_link}]({address})',
        '>',
        *(f'> {line}' for line in english.split('\n')),
    ]


def read_notes(text):
    """(the text without its notes, [(the line of that text after which a
    note sits, the note's lines)]). Each note must stand between blank lines,
    which go with it."""
    lines = text.split('\n')
    rest, notes = [], []
    index = 0
    while index < len(lines):
        if not lines[index].startswith(f'> {NOTE_SIGN} '):
            rest.append(lines[index])
            index += 1
            continue
        assert rest and rest[-1] == '', f'no blank line before {lines[index]!r}'
        rest.pop()
        end = index + 1
        while end < len(lines) and lines[end].startswith('>'):
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
    tracking.mark_current(project, 'pt', PAGE)
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
    assert markers.html_id(markdown) == nodes.make_id(shown)


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
    assert all(line.startswith(f'> {NOTE_SIGN} ') for line in changed)


# ---------------------------------------------------------- on the page --


SITE = 'https://owner.github.io/tiny-book/html/'
FRAGMENT = 'index.html#layers:~:text=A%20layer%20holds'
SENTENCE = 'O original em inglês deste parágrafo mudou.'
LINK_WORDS = 'Ver o original em inglês'


def note_quote(sentence=SENTENCE, refuri=SITE + FRAGMENT, english=()):
    """The blockquote docutils reads from a note's Markdown: a paragraph of
    the sign, the sentence and a link, then any English paragraphs."""
    words = nodes.paragraph(
        '',
        '',
        nodes.Text(f'{NOTE_SIGN} {sentence} '),
        nodes.reference('', LINK_WORDS, refuri=refuri),
    )
    return nodes.block_quote('', words, *(nodes.paragraph('', text) for text in english))


def as_html(replacement):
    """The HTML a replacement makes, its paragraphs written as <p>, parsed."""
    parts = [
        node.astext() if isinstance(node, nodes.raw) else f'<p>{html.escape(node.astext())}</p>'
        for node in replacement
    ]
    return ElementTree.fromstring(''.join(parts))


def test_a_stale_note_on_the_page_is_a_note_with_a_link_to_the_english_site():
    note = as_html(translation_note(note_quote(), SITE, '../../'))
    assert note.tag == 'div'
    assert note.get('role') == 'note'
    assert note.get('class') == 'translation-note translation-note--stale'
    sign, link = note.find('p')
    # The sign is not read out; the sentence is, without it.
    assert (sign.tag, sign.get('aria-hidden'), sign.text) == ('span', 'true', NOTE_SIGN)
    assert sign.tail.strip() == SENTENCE
    assert link.tag == 'a'
    assert link.get('class') == 'translation-note__link'
    assert link.get('href') == '../../html/' + FRAGMENT
    assert link.get('hreflang') == 'en'
    assert link.text == LINK_WORDS


def test_a_missing_notes_english_sits_inside_a_part_marked_english():
    english = ['A layer holds weights.', 'A model stacks layers.']
    note = as_html(translation_note(note_quote(english=english), SITE, '../'))
    assert note.get('class') == 'translation-note translation-note--missing'
    assert note.get('role') == 'note'
    assert note.find('p/a').get('href') == '../html/' + FRAGMENT
    (part,) = note.findall('div')
    assert part.get('lang') == 'en'
    assert [paragraph.text for paragraph in part] == english


def test_a_notes_sentence_is_html_escaped():
    sentence = 'Use a < b & c, then <b>bold</b>.'
    replacement = translation_note(note_quote(sentence), SITE, '../')
    assert 'a &lt; b &amp; c' in replacement[0].astext()
    assert as_html(replacement).find('p/span').tail.strip() == sentence


@pytest.mark.parametrize(
    'quote',
    [
        nodes.block_quote('', nodes.paragraph('', 'A quotation, with no link.')),
        note_quote(SENTENCE, SITE + 'index.html#layers'),
        note_quote(SENTENCE, 'https://example.com/tiny-book/html/' + FRAGMENT),
        nodes.block_quote('', nodes.bullet_list('', nodes.list_item('', *note_quote().children))),
    ],
    ids=[
        'no link',
        'a link to the english page with no words',
        'a link to another site',
        'the note not its first paragraph',
    ],
)
def test_a_blockquote_that_is_not_a_note_is_left_alone(quote):
    assert translation_note(quote, SITE, '../') is None


def page_with(quote):
    document = utils.new_document('<page>')
    document += quote
    return document


def sphinx_app(lang, form='html'):
    """What mark_translation_notes reads of Sphinx: the language and the output's format."""
    return SimpleNamespace(
        config=SimpleNamespace(language=lang), builder=SimpleNamespace(format=form)
    )


def test_a_note_on_an_editions_page_leads_up_to_the_english_site(book, monkeypatch):
    project = book()
    # Sphinx runs in the book's folder; the extension reads the book there.
    monkeypatch.chdir(project.root)
    document = page_with(note_quote())
    # pt/html/chapter/page.html: up past chapter/, html/ and pt/.
    mark_translation_notes(sphinx_app('pt'), document, 'chapter/page')
    assert not list(document.findall(nodes.block_quote))
    link = as_html(document.children).find('p/a')
    assert link.get('href') == '../../../html/' + FRAGMENT


@pytest.mark.parametrize('lang, form', [('en', 'html'), ('pt', 'latex')])
def test_notes_stay_blockquotes_on_english_pages_and_in_the_pdf(book, monkeypatch, lang, form):
    monkeypatch.chdir(book().root)
    quote = note_quote()
    document = page_with(quote)
    mark_translation_notes(sphinx_app(lang, form), document, 'chapter/page')
    assert document.children == [quote]
