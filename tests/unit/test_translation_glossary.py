"""A translation that is real: every translated paragraph (and heading) of
an edition whose language has a column in the glossary (docs/glossary.md)
is mostly in its language, differs from its English, and uses the
glossary's word wherever its English uses one of the term's English forms.

`book edition-check` proves only that a translation was marked current,
not what it says; this reads the text. Paragraphs are paired with their
English as the build pairs them (editions/tracking.state_of, through
paragraphs.page_state): a current paragraph with today's English, a stale
one with the English it was translated from. A page or paragraph with no
translation yet is the check's to list (`make editions-check`), not this
test's: the edition shows it in English under a note.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from bookbuild import glossary
from bookbuild.editions import marking, tracking
from bookbuild.editions.paragraphs import normalized
from bookbuild.editions.sync import english_sources
from bookbuild.frameworks import FRAMEWORKS
from bookbuild.languages import EDITIONS, LANGUAGES, language
from bookbuild.project import Project
from tiny_book import line_of


@dataclass(frozen=True)
class Script:
    """What 'mostly in the language' means for one language: which letters
    are its own, and what share of a paragraph's letters they must be."""

    name: str
    letters: re.Pattern
    share: float = 0.5  # more than this share of the letters


# What counts as a language's own letters comes from its registry entry
# (languages.py, letters); a language with a glossary column and no letters
# there fails the test until it has them.
SCRIPTS = {
    code: Script(f'{language(code).name} letters', re.compile(f'[{language(code).letters}]'))
    for code in LANGUAGES
    if language(code).letters
}

# What no translation translates: roles with their targets (:numref:`x`,
# :cite:`x`), inline code, math, URLs and the targets of links. Removed
# before the checks read a paragraph's words.
ROLE = re.compile(r':[\w-]+:`[^`]*`')
INLINE_CODE = re.compile(r'`[^`]*`')
MATH = re.compile(r'\$\$.*?\$\$|\$[^$]*\$', re.S)
LINK_TARGET = re.compile(r'\]\([^)]*\)')
URL = re.compile(r'<?https?://[^\s>]+>?')
# The frameworks' names, which every edition writes as they are (and no
# more letters of the language than a code name would be).
FRAMEWORK_NAME = re.compile(
    r'(?<![\w.])(?:'
    + '|'.join(re.escape(entry.title) for entry in FRAMEWORKS.values())
    + r')(?![\w])'
)


def words_only(text):
    """A paragraph's words with its roles, code, math, URLs and link
    targets removed: what a translator translates."""
    for pattern in (ROLE, INLINE_CODE, MATH, LINK_TARGET, URL):
        text = pattern.sub(' ', text)
    return text


def english_form(form):
    """A whole-word, any-case match of one of a term's English forms; its
    words may be joined by spaces, line breaks or a hyphen (deep-learning)."""
    words = r'[\s-]+'.join(re.escape(word) for word in form.split())
    return re.compile(rf'(?<![\w]){words}(?![\w])', re.IGNORECASE)


def language_problem(translation, script):
    """Why a paragraph is not mostly in the script's language, or None; a
    paragraph with no letters left (a formula, a framework's name) has no
    language to judge."""
    prose = FRAMEWORK_NAME.sub(' ', words_only(translation))
    letters = [char for char in prose if char.isalpha()]
    own = sum(bool(script.letters.fullmatch(char)) for char in letters)
    if letters and own <= script.share * len(letters):
        return f'only {own} of its {len(letters)} letters are {script.name}: not mostly translated'
    return None


def has_words(text):
    return any(char.isalpha() for char in FRAMEWORK_NAME.sub(' ', words_only(text)))


def paragraph_problems(translation, english, terms, code):
    """What is wrong with one translated paragraph, given its English: each
    a phrase that a message completes with where."""
    problems = []
    if has_words(english):
        if normalized(translation) == normalized(english):
            problems.append('is the same as its English')
        else:
            problem = language_problem(translation, SCRIPTS[code])
            if problem:
                problems.append(problem)
    english_words, translated_words = words_only(english), words_only(translation)
    for term in terms:
        word = term.words.get(code, '')
        if not word or word in translated_words:
            continue
        used = next(
            (
                match[0]
                for form in term.english
                if (match := english_form(form).search(english_words))
            ),
            None,
        )
        if used:
            problems.append(
                f'its English says "{used}", and the translation lacks the glossary\'s '
                f'"{word}" (docs/glossary.md:{term.line})'
            )
    return problems


def edition_problems(project, code, terms):
    """Every problem of one edition's translated paragraphs, each naming the
    translation's file:line and the English file:line; and how many
    paragraphs were read."""
    problems, read = [], 0
    for page in english_sources(project):
        state = tracking.state_of(project, code, page)
        for paragraph in state.paragraphs:
            ours = paragraph.translated
            if ours is None:
                continue  # missing: shown in English, and listed by edition-check
            read += 1
            # A stale paragraph is held to the English it was made from
            # (`old`); an unmarked one has none recorded yet.
            english = paragraph.old or (paragraph.english.text if paragraph.english else None)
            if english is None:
                problem = language_problem(ours.text, SCRIPTS[code])
                found = [problem] if problem else []
            else:
                found = paragraph_problems(ours.text, english, terms, code)
            source = (
                f'{page.as_posix()}:{paragraph.english.first}'
                if paragraph.english
                else f'{page.as_posix()}, English since removed'
            )
            problems += [f'{code}/{page.as_posix()}:{ours.first} ({source}): {p}' for p in found]
    return problems, read


def glossary_languages(terms):
    return sorted({code for term in terms for code in term.words})


def book_problems(project):
    """Every problem of every edition whose language has a glossary column;
    an edition that cannot be checked (no folder, no script rule, nothing
    translated) is a problem too, so that the test never passes unread."""
    terms = glossary.terms(project.root)
    codes = glossary_languages(terms)
    if not codes:
        return ['docs/glossary.md has no language column, so no edition is checked']
    problems = []
    for code in codes:
        if code not in EDITIONS:
            problems.append(f'docs/glossary.md has a column for {code}, which has no edition')
        elif code not in SCRIPTS:
            problems.append(
                f'tools/bookbuild/languages.py: {code} has a glossary column but no letters'
            )
        elif not (project.root / code).is_dir():
            problems.append(f'{code}/: the glossary has its column, but the edition has no folder')
        else:
            found, read = edition_problems(project, code, terms)
            problems += found
            if not read:
                problems.append(f'{code}/: no translated paragraph to check')
    return problems


# ------------------------------------------------------ the book's editions --


def test_every_translated_paragraph_is_in_its_language_and_uses_the_glossary():
    problems = book_problems(Project())
    assert not problems, '\n'.join(problems)


# ---------------------------------------------------------- the checker --

TERMS = [
    glossary.Term(('layer', 'layers'), {'zh': '层'}, 1),
    glossary.Term(('weight', 'weights'), {'zh': '权重'}, 2),
    glossary.Term(('deep learning',), {'zh': '深度学习'}, 3),
    glossary.Term(('tensor', 'tensors'), {'zh': ''}, 4),
]
ENGLISH = 'Each layer holds its weights, as `nn.Parameter` objects, in a tensor.'


def test_a_good_translation_has_no_problem():
    good = '每个层都把它的权重作为 `nn.Parameter` 对象保存在一个张量里。'
    assert paragraph_problems(good, ENGLISH, TERMS, 'zh') == []


def test_a_translation_without_a_glossary_word_is_found():
    problems = paragraph_problems('每个层都把它的参数保存起来。', ENGLISH, TERMS, 'zh')
    assert problems == [
        'its English says "weights", and the translation lacks the glossary\'s "权重" '
        '(docs/glossary.md:2)'
    ]


def test_a_paragraph_left_in_english_is_found():
    assert paragraph_problems(ENGLISH, ENGLISH, TERMS, 'zh')[0] == 'is the same as its English'
    # Reworded, but still English: each glossary word is missing too.
    reworded = 'Every layer keeps its weights in a tensor.'
    problems = paragraph_problems(reworded, ENGLISH, TERMS, 'zh')
    assert problems[0].startswith('only 0 of its 34 letters are 中文 letters')
    assert [p.split('"')[3] for p in problems[1:]] == ['层', '权重']


def test_code_math_roles_and_framework_names_are_not_prose():
    # The English forms inside code, math, roles and link targets ask for
    # nothing; framework names and code are not letters to count.
    english = (
        'See :numref:`sec_layer` and `layer.weight` or $W_{\\text{layer}}$ in '
        '[the guide](https://example.org/layer) with PyTorch.'
    )
    translation = (
        '见 :numref:`sec_layer`，以及 PyTorch 中的 `layer.weight` 或 $W_{\\text{layer}}$。'
    )
    assert paragraph_problems(translation, english, TERMS, 'zh') == []


def test_english_forms_are_whole_words_in_any_case_and_may_be_hyphenated():
    assert english_form('layer').search('A Layer')
    assert not english_form('layer').search('the multilayer perceptron')
    assert english_form('deep learning').search('a deep-learning\ntextbook')
    problems = paragraph_problems('一本教材。', 'A Deep-Learning textbook.', TERMS, 'zh')
    assert problems[0].startswith('its English says "Deep-Learning"')


def test_an_edition_names_the_file_and_line_of_each_problem(book):
    # The translation's second paragraph takes two lines, so the two files'
    # line numbers part after it and the message must name each file's own.
    english = '\n'.join(['# Layers', '', 'A layer computes.', '', 'A layer holds weights.', ''])
    chinese = '\n'.join(['# 层', '', '一个层负责计算，', '得出输出。', '', '一个层保存参数。', ''])
    project = book({'index.md': english, 'zh/index.md': chinese}, tabs='pytorch')
    marking.mark_page_current(project, 'zh', Path('index.md'))
    problems, read = edition_problems(project, 'zh', TERMS)
    assert read == 3
    assert problems == [
        f'zh/index.md:{line_of(chinese, "一个层保存参数。")} (index.md:5): its English says '
        '"weights", and the translation lacks the glossary\'s "权重" (docs/glossary.md:2)'
    ]


@pytest.mark.parametrize('code', sorted(SCRIPTS))
def test_every_script_rule_is_for_a_language_the_glossary_has(code):
    assert code in glossary_languages(glossary.terms(Project().root))


GLOSSARY = """\
| English | 中文 (zh) | Note |
|---|---|---|
| layer, layers | 层 | |
"""


def test_an_edition_with_a_glossary_column_and_no_folder_fails(book):
    project = book({'docs/glossary.md': GLOSSARY, 'index.md': '# Layers\n'}, tabs='pytorch')
    assert book_problems(project) == [
        'zh/: the glossary has its column, but the edition has no folder'
    ]


def test_an_edition_with_nothing_translated_fails(book):
    pages = {'docs/glossary.md': GLOSSARY, 'index.md': '# Layers\n', 'zh/.keep': ''}
    assert book_problems(book(pages, tabs='pytorch')) == ['zh/: no translated paragraph to check']
