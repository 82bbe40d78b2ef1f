"""An author changes the English prose of a copy of the book, as the
translators' loop in docs/translators.md starts: one sentence added to a paragraph,
a new paragraph, a paragraph re-wrapped, a sentence changed in JAX's block,
and a new page (added to the chapter's table of contents, which
`book edition-copy-code` carries into the editions, as for any code block).

- `book edition-check` names the changed paragraph in every edition, with
  the English's word diff, and the new one as untranslated; the re-wrapped
  one is not named. It passes, and fails only with --strict.
- The editions still build (authors are never blocked), and their pages and
  notebooks tell the reader, in the edition's language, with a link to that
  paragraph of the English page at the reader's framework; axe finds nothing
  serious on those pages, in light or dark, and the notes are notes to a
  screen reader.
- Once the translator has translated both and marked the page current, the
  check is clean, --strict passes, and the notes are gone.

The change is to prose only, so the copy's English build reuses the outputs
of the repository's (`make test` builds it before this suite), which are
copied in with their records: it renders, and runs no kernel.
"""

import re
import shutil
import subprocess
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from book_paths import PROJECT
from bookbuild.languages import EDITIONS, NOTE_SIGN, language
from bookbuild.project import TEXT_FRAGMENT, Project
from browser_reader import Reader, chromium, served
from throwaway_book import SECTION, book_command, build_ok, copy_book, copy_the_outputs, edit

AXE = PROJECT.axe_script

# The author's changes to the section.
OLD_SENTENCE = 'none of them has. The way out'
ADDED = 'Sooner or later a model needs one.'
NEW_SENTENCE = f'none of them has. {ADDED} The way out'
NEW_PARAGRAPH = 'Layers come in two kinds: those that only compute, and those that also learn.'
SECOND_PARAGRAPH_END = 'same each time the page is built.\n'  # the new one goes after it
REWRAPPED_FROM = '## Summary\n\n'  # the first paragraph after this heading
# A paragraph of one framework's block, right after that framework's code.
OLD_JAX_SENTENCE = 'JAX has no hidden global random state.'
NEW_JAX_SENTENCE = 'JAX keeps no hidden global random state.'
# The translators' work, once they get to it: the new paragraph, and the
# sentence added to the changed one.
TRANSLATED = {
    'ko': (
        '층에는 계산만 하는 층과 학습도 하는 층, 두 종류가 있다.',
        '언젠가는 모델에 그런 층이 필요해진다.',
    ),
    'pt': (
        'Há dois tipos de camada: as que só calculam e as que também aprendem.',
        'Cedo ou tarde, um modelo precisa de uma.',
    ),
    'zh': (
        '层分为两类：一类只做计算，另一类还要学习。',
        '模型迟早会需要这样的层。',
    ),
}
TABS = PROJECT.tabs
SECTION_PAGE = SECTION.replace('.md', '.html')
# A page new to the book, which no edition has yet.
NEW_PAGE = 'chapter_builders-guide/layer-names.md'
NEW_PAGE_FIRST = 'A layer has a name, which the framework makes up when it is not given one.'
NEW_PAGE_TEXT = f"""# Layer Names
:label:`sec_layer_names`

{NEW_PAGE_FIRST}

A name shows in a model's summary and in the keys of its saved parameters.
"""
NEW_PAGE_TRANSLATED = {
    'ko': '# 층의 이름\n:label:`sec_layer_names`\n\n층에는 이름이 있는데, 이름을 주지 않으면 '
    '프레임워크가 지어 준다.\n\n이름은 모델 요약과 저장된 매개변수의 키에 나타난다.\n',
    'pt': '# Nomes de camadas\n:label:`sec_layer_names`\n\nUma camada tem um nome, que o '
    'framework inventa quando não recebe um.\n\nO nome aparece no resumo do modelo e nas '
    'chaves dos parâmetros salvos.\n',
    'zh': '# 层的名称\n:label:`sec_layer_names`\n\n每个层都有一个名称；如果没有给它指定名称，'
    '框架会自动起一个。\n\n名称会出现在模型的摘要中，也会出现在所保存参数的键中。\n',
}


def run(project, *command):
    return subprocess.run(
        book_command(project, *command), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def rewrapped(paragraph):
    """The same words, broken at other places."""
    words = paragraph.split()
    return '\n'.join(' '.join(words[i : i + 5]) for i in range(0, len(words), 5))


# Where the translated page's first paragraph starts, the one whose English
# changed; and where the translator adds the sentence that was added.
FIRST_PARAGRAPH = {
    'ko': '딥러닝 라이브러리는 수십 가지 층을',
    'pt': 'As bibliotecas de aprendizado',
    'zh': '深度学习库自带几十种层',
}
JAX_PARAGRAPH = {
    'ko': 'JAX에는 숨겨진 전역 난수 상태가',
    'pt': 'O JAX não tem um estado',
    'zh': 'JAX 没有隐藏的全局随机状态',
}
SENTENCE_GOES_BEFORE = {
    'ko': '이럴 때는 층을 직접',
    'pt': 'A solução é escrever',
    'zh': '办法就是自己动手写层',
}


def test_every_edition_has_its_translators_work_for_this_suite():
    """The suite plays a translator of every edition of the registry: a new
    edition needs its sentences in each table above, or every test of it
    would stop at a KeyError."""
    tables = {
        'TRANSLATED': TRANSLATED,
        'NEW_PAGE_TRANSLATED': NEW_PAGE_TRANSLATED,
        'FIRST_PARAGRAPH': FIRST_PARAGRAPH,
        'JAX_PARAGRAPH': JAX_PARAGRAPH,
        'SENTENCE_GOES_BEFORE': SENTENCE_GOES_BEFORE,
    }
    missing = {name: sorted(set(EDITIONS) - set(table)) for name, table in tables.items()}
    assert not any(missing.values()), f'editions with no sentences here: {missing}'
    for lang in EDITIONS:
        page = (PROJECT.root / lang / SECTION).read_text(encoding='utf-8')
        for name in ('FIRST_PARAGRAPH', 'JAX_PARAGRAPH', 'SENTENCE_GOES_BEFORE'):
            assert tables[name][lang] in page, f'{name}[{lang!r}] is not in {lang}/{SECTION}'


def line_of(path, text):
    lines = path.read_text(encoding='utf-8').split('\n')
    return next(number for number, line in enumerate(lines, 1) if text in line)


@pytest.fixture(scope='module')
def behind(tmp_path_factory):
    """A copy whose English moved on, with its editions rendered:
    (root, `book edition-check` output, its exit code, --strict's exit code)."""
    root = copy_book(tmp_path_factory.mktemp('behind'))
    for lang in EDITIONS:
        shutil.copytree(PROJECT.root / lang, root / lang)
    copy_the_outputs(root)
    english = root / SECTION
    edit(english, OLD_SENTENCE, NEW_SENTENCE)
    edit(english, OLD_JAX_SENTENCE, NEW_JAX_SENTENCE)
    edit(english, SECOND_PARAGRAPH_END, f'{SECOND_PARAGRAPH_END}\n{NEW_PARAGRAPH}\n')
    text = english.read_text(encoding='utf-8')
    start = text.index(REWRAPPED_FROM) + len(REWRAPPED_FROM)
    end = text.index('\n\n', start)
    english.write_text(text[:start] + rewrapped(text[start:end]) + text[end:], encoding='utf-8')
    (root / NEW_PAGE).write_text(NEW_PAGE_TEXT, encoding='utf-8')
    edit(
        root / 'chapter_builders-guide/index.md',
        'custom-layer-answers\n',
        'custom-layer-answers\nlayer-names\n',
    )
    build_ok(root, 'edition-copy-code')
    check = run(root, 'edition-check')
    strict = run(root, 'edition-check', '--strict')
    english_build = build_ok(root, 'html')
    build_ok(root, 'edition-html')
    return root, check.stdout, check.returncode, strict.returncode, english_build.stdout


@pytest.mark.parametrize('lang', EDITIONS)
def test_the_check_names_the_changed_paragraph_with_its_diff_and_the_new_one(behind, lang):
    root, output, code, *_ = behind
    assert code == 0, output
    translated = root / lang / SECTION
    english = root / SECTION
    stale = line_of(translated, FIRST_PARAGRAPH[lang])
    assert (
        f'{lang}/{SECTION}:{stale}: stale: the English changed since it was translated '
        f'({SECTION}:{line_of(english, "Deep learning libraries ship")}); old → new:'
    ) in output
    assert f'{{+{ADDED}+}}' in output
    assert re.search(
        rf'{re.escape(lang)}/{re.escape(SECTION)}:\d+: missing: '
        rf'{re.escape(SECTION)}:{line_of(english, NEW_PARAGRAPH)} has no translation',
        output,
    ), output
    assert f'{lang}: ' in output and re.search(
        rf'^{lang}: \d+ paragraphs current, 2 stale, 4 missing$', output, re.M
    ), output


@pytest.mark.parametrize('lang', EDITIONS)
def test_the_check_names_a_new_page_as_missing(behind, lang):
    _, output, *_ = behind
    assert f'{lang}/{NEW_PAGE}: missing: the page has no translation yet' in output, output


def test_a_rewrapped_paragraph_is_not_named(behind):
    root, output, *_ = behind
    summary = line_of(root / SECTION, '## Summary')
    named = [int(n) for n in re.findall(rf'\({re.escape(SECTION)}:(\d+)\)', output)]
    named += [int(n) for n in re.findall(rf' {re.escape(SECTION)}:(\d+) has no', output)]
    assert named and all(n < summary for n in named), named


def test_only_a_strict_check_fails_on_paragraphs_behind(behind):
    _, output, code, strict, _ = behind
    assert (code, strict) == (0, 1), output


def test_the_english_build_of_a_prose_change_runs_no_kernel(behind):
    *_, english_build = behind
    assert 'outputs reused' in english_build and 'executed' not in english_build, english_build


# ---- what the edition's readers get ----


@pytest.fixture(scope='module')
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(scope='module')
def copy_site(behind):
    """The copy's _build/, served: its English site and its editions'."""
    with served(Project(behind[0]).build_dir) as url:
        yield url


def notes(reader):
    """Each translation note of the page: its kind, its words, its link, the
    English text it holds, and the text of the element after it."""
    return reader.page.evaluate(
        """() => {
        const oneLine = text => text.replace(/\\s+/g, ' ').trim();
        return Array.from(document.querySelectorAll('.translation-note'), note => ({
            kind: note.className.replace(/.*translation-note--/, ''),
            role: note.getAttribute('role'),
            words: note.querySelector('.translation-note__words').textContent.trim(),
            link: note.querySelector('a.translation-note__link').href,
            linkText: note.querySelector('a.translation-note__link').textContent.trim(),
            english: Array.from(note.querySelectorAll('[lang="en"]'), e => oneLine(e.textContent)),
            next: oneLine((note.nextElementSibling || {textContent: ''}).textContent),
            panel: (note.closest('.mdl-tabs__panel') || {id: ''}).id,
        }));
        }"""
    )


@pytest.mark.parametrize('lang', EDITIONS)
def test_the_edition_page_notes_the_changed_paragraph_and_shows_the_new_one_in_english(
    behind, browser, copy_site, lang
):
    words = language(lang)
    reader = Reader(browser, copy_site, lang)
    reader.open(SECTION_PAGE)
    found = notes(reader)
    reader.close()
    assert [note['kind'] for note in found] == ['stale', 'missing', 'stale'], found
    stale, missing, in_jax = found
    assert stale['role'] == missing['role'] == in_jax['role'] == 'note'
    # The note of a framework's paragraph shows with that framework's code.
    assert in_jax['panel'].startswith('jax') and in_jax['next'].startswith(JAX_PARAGRAPH[lang])
    assert stale['panel'] == missing['panel'] == '', found
    assert stale['words'].endswith(f'{words.stale_note} {words.english_link}'), stale
    assert stale['next'].startswith(FIRST_PARAGRAPH[lang]), stale
    assert missing['words'].endswith(f'{words.missing_note} {words.english_link}'), missing
    assert missing['english'] == [NEW_PARAGRAPH], missing


@pytest.mark.parametrize('lang', EDITIONS)
def test_a_note_links_to_that_paragraph_of_the_english_page_at_the_readers_framework(
    behind, browser, copy_site, lang
):
    reader = Reader(browser, copy_site, lang)
    reader.open(SECTION_PAGE)
    reader.click_tab(TABS[2], group=0)
    links = [note['link'] for note in notes(reader)]
    reader.close()
    english_page = Project(behind[0]).html_dir / SECTION_PAGE
    english_html = english_page.read_text(encoding='utf-8')
    english_text = re.sub(r'\s+', ' ', re.sub(r'<[^>]+>', ' ', english_html))
    assert len(links) == 3, links
    for link in links:
        address = urlsplit(link)
        assert address.path == urlsplit(copy_site).path + f'/html/{SECTION_PAGE}', link
        assert address.query == f'framework={TABS[2]}', link
        section, _, words = address.fragment.partition(TEXT_FRAGMENT)
        assert f'id="{section}"' in english_html, link
        assert unquote(words) and unquote(words) in english_text, link


@pytest.mark.parametrize('lang', EDITIONS)
def test_the_edition_shows_a_new_page_in_english_under_a_note(behind, browser, copy_site, lang):
    reader = Reader(browser, copy_site, lang)
    reader.open(NEW_PAGE.replace('.md', '.html'))
    found = notes(reader)
    reader.close()
    assert [(note['kind'], note['english']) for note in found] == [('missing', [NEW_PAGE_FIRST])]


@pytest.mark.parametrize('lang', EDITIONS)
@pytest.mark.parametrize('scheme', ['light', 'dark'])
def test_axe_finds_nothing_serious_on_a_page_with_notes(behind, browser, copy_site, lang, scheme):
    reader = Reader(browser, copy_site, lang, color_scheme=scheme)
    reader.open(SECTION_PAGE)
    reader.page.add_script_tag(path=str(AXE))
    results = reader.page.evaluate('axe.run(document, {resultTypes: ["violations"]})')
    reader.close()
    serious = [
        (v['id'], [n['target'] for n in v['nodes'][:3]])
        for v in results['violations']
        if v['impact'] in ('serious', 'critical')
    ]
    assert serious == []


@pytest.mark.parametrize('lang', EDITIONS)
@pytest.mark.parametrize('tab', TABS)
def test_the_edition_notebooks_say_the_same_at_their_framework(behind, lang, tab):
    words = language(lang)
    notebook = nbformat.read(
        Project(behind[0]).edition(lang).site_notebook(tab, SECTION.removesuffix('.md')),
        as_version=4,
    )
    markdown = '\n'.join(cell.source for cell in notebook.cells if cell.cell_type == 'markdown')
    for sentence in (words.stale_note, words.missing_note):
        line = next((line for line in markdown.split('\n') if sentence in line), '')
        assert line.startswith(f'{NOTE_SIGN} '), (sentence, markdown[:2000])
        assert f'.html?framework={tab}#' in line and TEXT_FRAGMENT in line, line
    # The English of the missing paragraph follows its note.
    note = markdown.index(words.missing_note)
    assert markdown.index(NEW_PARAGRAPH) > note, markdown[note : note + 500]


# ---- the translator's turn ----


@pytest.fixture(scope='module')
def caught_up(behind):
    """Each edition translates the new paragraph where the check said it
    goes and the added sentence, then marks the page current."""
    root, output, *_ = behind
    for lang in EDITIONS:
        translated = root / lang / SECTION
        new_paragraph, sentence = TRANSLATED[lang]
        edit(translated, SENTENCE_GOES_BEFORE[lang], f'{sentence} {SENTENCE_GOES_BEFORE[lang]}')
        after = int(re.search(rf'^{lang}/{re.escape(SECTION)}:(\d+): missing:', output, re.M)[1])
        lines = translated.read_text(encoding='utf-8').split('\n')
        # The sentence added above moved no line: it went into a line.
        lines[after:after] = ['', new_paragraph]
        translated.write_text('\n'.join(lines), encoding='utf-8')
        build_ok(root, 'edition-mark-current', f'{lang}/{SECTION}')
        (root / lang / NEW_PAGE).write_text(NEW_PAGE_TRANSLATED[lang], encoding='utf-8')
        build_ok(root, 'edition-mark-current', f'{lang}/{NEW_PAGE}')
    check = build_ok(root, 'edition-check', '--strict')
    build_ok(root, 'edition-html')
    return root, check.stdout


def test_marked_current_the_check_is_clean_even_when_strict(caught_up):
    _, output = caught_up
    for lang in EDITIONS:
        assert re.search(rf'^{lang}: \d+ paragraphs current, 0 stale, 0 missing$', output, re.M)
    assert 'stale:' not in output and 'missing:' not in output, output


@pytest.mark.parametrize('lang', EDITIONS)
def test_marked_current_the_notes_leave_the_page_and_the_translation_shows(
    caught_up, browser, copy_site, lang
):
    reader = Reader(browser, copy_site, lang)
    reader.open(SECTION_PAGE)
    found = notes(reader)
    text = reader.page.locator('main').inner_text()
    reader.close()
    assert found == []
    assert TRANSLATED[lang][0] in text and TRANSLATED[lang][1] in text
