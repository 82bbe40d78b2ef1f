"""The notebooks read as well as the page, in every variant, framework and
edition: no raw Sphinx role, references that are numbered links to pages and
notebooks that exist, citations with their entries, a header cell in the
edition's language, and the metadata each host reads. Each is checked
against the build's own page, not against the converter's idea of it.

Runs in .venv/book (nbformat, nbconvert and Playwright)."""

import html
import json
import re
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlparse

import nbformat
import pytest
from bs4 import BeautifulSoup

from book_paths import BUILD, PROJECT, TABS
from bookbuild.frameworks import framework
from bookbuild.languages import EDITIONS as TRANSLATED
from bookbuild.languages import LANGUAGES, language
from browser_reader import SCREENSHOTS

MATHJAX_SVG = PROJECT.venv / 'npm' / 'node_modules' / 'mathjax' / 'es5' / 'tex-svg.js'
EDITIONS = {lang: PROJECT.edition(lang).build_dir for lang in LANGUAGES}
VARIANTS = ['plain', 'colab', 'sagemaker']
PAGES = [
    PurePosixPath(PROJECT.relative(page)).with_suffix('').as_posix()
    for page in PROJECT.notebook_sources()
]
FRAMEWORK_NAMES = {tab: framework(tab).title for tab in TABS}
# The distribution that is "the framework" of each tab.
FRAMEWORK = {tab: framework(tab).distribution for tab in TABS}
# Anything a reader would see as an unrendered role or d2lbook block: written
# here afresh, so that the converter's own pattern is not the one tested.
RAW_ROLE = re.compile(r':[a-z][a-z_-]*:`[^`]*`|^\s*:(begin|end)_tab:|```(eval_rst|toc)', re.M)
LINK = re.compile(r'(?<!!)\[([^\]]+)\]\(([^)\s]+)\)')


def notebook_path(lang, tab, variant, page):
    return PROJECT.edition(lang).reader_notebooks(variant, tab) / f'{page}.ipynb'


def every_notebook():
    for lang in EDITIONS:
        for tab in TABS:
            for variant in VARIANTS:
                for page in PAGES:
                    yield lang, tab, variant, page


def markdown_of(notebook):
    return [cell.source for cell in notebook.cells if cell.cell_type == 'markdown']


def read(lang, tab, variant, page):
    return nbformat.read(notebook_path(lang, tab, variant, page), as_version=4)


def page_html(lang, page):
    return (EDITIONS[lang] / 'html' / f'{page}.html').read_text(encoding='utf-8')


def text_of(fragment):
    # Sphinx's smart quotes aside, the words are the source's.
    text = html.unescape(re.sub(r'<[^>]+>', '', fragment)).replace('\u2019', "'")
    return ' '.join(text.split())


def heading_of(lang, page):
    """The page's <h1> as the reader sees it, without its number and link mark."""
    h1 = re.search(r'<h1>(.*?)</h1>', page_html(lang, page), re.S)[1]
    h1 = re.sub(r'<a class="headerlink".*?</a>', '', h1, flags=re.S)
    h1 = re.sub(r'<span class="section-number">.*?</span>', '', h1, flags=re.S)
    h1 = re.sub(r'<div.*', '', h1, flags=re.S)  # d2lbook's Colab buttons
    return text_of(h1)


def test_every_form_framework_and_edition_has_its_notebooks():
    missing = [notebook_path(*key) for key in every_notebook() if not notebook_path(*key).exists()]
    assert not missing, missing
    assert len(list(every_notebook())) == len(LANGUAGES) * len(TABS) * len(VARIANTS) * len(PAGES)


def test_no_notebook_shows_a_raw_role():
    found = []
    for key in every_notebook():
        for source in markdown_of(read(*key)):
            for match in RAW_ROLE.finditer(source):
                found.append(f'{notebook_path(*key).relative_to(BUILD)}: {match[0]!r}')
    assert not found, '\n'.join(found[:20])


def test_the_sources_do_use_the_roles_the_notebooks_replace():
    """What the scan above proves is only worth something while the pages
    use labels, references, citations and a bibliography."""
    text = '\n'.join(
        page.read_text(encoding='utf-8')
        for lang in ('', *(f'{code}/' for code in TRANSLATED))
        for page in (PROJECT.root / lang).glob('**/*.md')
        if page.relative_to(PROJECT.root / lang).as_posix().removesuffix('.md') in PAGES
    )
    for role in ('label', 'numref', 'cite', 'bibliography'):
        assert f':{role}:`' in text, role


def link_target(lang, tab, variant, page, address):
    """The file in the build that a link leads to, and the id on it (or None)."""
    parsed = urlparse(address)
    anchor = parsed.fragment or None
    site = urlparse(PROJECT.published_site)
    if not parsed.scheme:
        folder = notebook_path(lang, tab, variant, page).parent
        return (folder / parsed.path).resolve(), anchor
    if parsed.netloc == site.netloc and parsed.path.startswith(site.path):
        rest = parsed.path[len(site.path) :]
        query = dict(part.split('=') for part in parsed.query.split('&') if part)
        assert query.get('framework') == tab, f'{address} does not open on {tab}'
        return BUILD / rest, anchor
    published = published_notebook(address)
    if published is None:
        return None, None
    variant, other, edition, path = published
    return PROJECT.edition(edition).reader_notebooks(variant, other) / path, anchor


# Hosts that open a notebook published on GitHub, and where their address
# holds the notebook's GitHub path 'owner/repo/blob/master/<file>'.
def github_path(parsed):
    parts = parsed.path.strip('/').split('/')
    if parsed.netloc == 'github.com':
        return parts
    if parsed.netloc == 'colab.research.google.com' and parts[0] == 'github':
        return parts[1:]
    if parsed.netloc == 'studiolab.sagemaker.aws' and parts[:2] == ['import', 'github']:
        return parts[2:]
    if parsed.netloc == 'www.kaggle.com' and parsed.path == '/kernels/welcome':
        source = urlparse(parse_qs(parsed.query)['src'][0])
        assert source.netloc == 'github.com', parsed.geturl()
        return source.path.strip('/').split('/')
    return None


def published_notebook(address):
    """(variant, tab, edition, path in that variant's folder) of a notebook of
    the book's Colab or SageMaker repositories, from any address that opens
    it; None for anything else."""
    parts = github_path(urlparse(address))
    if parts is None:
        return None
    repository, branch, path = '/'.join(parts[:2]), parts[2:4], parts[4:]
    for variant in ('colab', 'sagemaker'):
        for tab in TABS:
            if PROJECT.notebook_repository(variant, tab) == repository:
                assert branch == ['blob', 'master'], f'{address}: not the pushed branch'
                edition = path[0] if path[0] in TRANSLATED else 'en'
                return variant, tab, edition, '/'.join(path[edition != 'en' :])
    return None  # another project on GitHub


def anchors_of(path):
    if path.suffix == '.html':
        return set(re.findall(r'id="([^"]+)"', path.read_text(encoding='utf-8')))
    headings = [
        line.lstrip('#').strip()
        for source in markdown_of(nbformat.read(path, as_version=4))
        for line in source.splitlines()
        if line.startswith('#')
    ]
    return {heading.replace(' ', '-') for heading in headings}


def test_every_link_of_every_notebook_leads_to_a_page_or_notebook_of_the_build():
    """Relative links (the plain variant's references) reach the sibling
    notebook; the published addresses (pages, Colab and SageMaker notebooks)
    reach the file the build publishes there, in the same edition."""
    checked, broken = 0, []
    for key in every_notebook():
        lang = key[0]
        for source in markdown_of(read(*key)):
            for text, address in LINK.findall(source):
                target, anchor = link_target(*key, address)
                if target is None:
                    continue  # a link out of the book, such as a library's docs
                checked += 1
                where = f'{notebook_path(*key).relative_to(BUILD)}: [{text}]({address})'
                if not target.exists():
                    broken.append(f'{where}: no {target}')
                elif anchor and anchor not in anchors_of(target):
                    broken.append(f'{where}: {target.name} has no #{anchor}')
                elif lang != 'en' and not target.is_relative_to(EDITIONS[lang]):
                    broken.append(f'{where}: leaves the {lang} edition')
    assert not broken, '\n'.join(broken[:20])
    assert checked >= len(list(every_notebook())) * 4, checked


def button_boxes(lang, page):
    """{tab: the box of d2lbook's "Colab" button of that framework and the
    links render/postprocess.py puts beside it} of a rendered page."""
    soup = BeautifulSoup(page_html(lang, page), 'html.parser')
    boxes = {}
    for box in soup.select('div.d2l-tabs__tab'):
        button = box.select_one('button[id^="Colab_["]')
        boxes[button['id'].removeprefix('Colab_[').removesuffix(']')] = box
    return boxes


# Which variant of the notebooks each button opens, and in which repository.
BUTTON_VARIANTS = {'colab': 'colab', 'studiolab': 'sagemaker', 'kaggle': 'colab'}


@pytest.mark.parametrize('lang', EDITIONS)
def test_every_button_of_every_page_opens_that_pages_notebook_of_its_framework(lang):
    """Colab, Studio Lab and Kaggle open the notebook that the hosted
    workflow publishes from the build (the edition's own, under <lang>/);
    the download link fetches the plain notebook that the site serves,
    which is the one `make notebooks` writes."""
    followed, pages_with_buttons = 0, 0
    for page in PAGES:
        boxes = button_boxes(lang, page)
        if not any(recorded_outputs(tab, page) for tab in TABS):
            # d2lbook gives a page without code no buttons; nor does postprocess.py.
            assert not boxes and 'notebook-launch' not in page_html(lang, page), (lang, page)
            continue
        pages_with_buttons += 1
        assert sorted(boxes) == sorted(TABS), (lang, page, sorted(boxes))
        for tab, box in boxes.items():
            where = f'{lang} {page} {tab}'
            addresses = {
                'colab': box.select_one('a:has(> button[id^="Colab_["])')['href'],
                'studiolab': box.select_one('a.notebook-launch__studiolab')['href'],
                'kaggle': box.select_one('a.notebook-launch__kaggle')['href'],
            }
            for kind, address in addresses.items():
                published = published_notebook(address)
                assert published == (BUTTON_VARIANTS[kind], tab, lang, f'{page}.ipynb'), (
                    where,
                    kind,
                    address,
                )
                assert (
                    PROJECT.edition(lang)
                    .reader_notebooks(BUTTON_VARIANTS[kind], tab)
                    .joinpath(f'{page}.ipynb')
                    .exists()
                ), (where, kind, address)
                followed += 1
            download = box.select_one('a.notebook-launch__download')
            assert download.has_attr('download'), where
            served = (EDITIONS[lang] / 'html' / page).parent / download['href']
            assert served.resolve() == PROJECT.edition(lang).site_notebook(tab, page), (
                where,
                served,
            )
            plain = notebook_path(lang, tab, 'plain', page)
            assert served.read_bytes() == plain.read_bytes(), f'{where}: not the plain notebook'
            followed += 1
    assert pages_with_buttons >= 2, pages_with_buttons
    assert followed == pages_with_buttons * len(TABS) * 4, followed


def recorded_outputs(tab, page):
    """What the evaluation recorded for a page's notebook in one tab: the
    framework's release, Python's major.minor, and the date of its outputs
    (None for a notebook without code)."""
    record = json.loads((BUILD / 'eval_records' / tab / f'{page}.md.json').read_text())
    if 'evaluated' not in record:
        return None
    versions = json.loads((BUILD / 'eval_versions' / f'{tab}.json').read_text())
    distributions = versions['distributions']
    framework = distributions.get(FRAMEWORK[tab]) or distributions[f'{FRAMEWORK[tab]}-cpu']
    python = '.'.join(versions['python'].split('.')[:2])
    return framework.split('+')[0], python, record['evaluated']


def assert_says_what_ran(text, lang, tab, page, where):
    version, python, date = recorded_outputs(tab, page)
    assert re.fullmatch(r'\d{4}-\d{2}-\d{2}', date), (where, date)
    # The edition's line (languages.py), with the versions and the date of the records.
    line = language(lang).outputs_line.format(
        framework=FRAMEWORK_NAMES[tab], version=version, python=python, date=date
    )
    assert line in text, (where, line, text)
    if lang != 'en':
        assert 'Outputs from' not in text, (where, text)


@pytest.mark.parametrize('lang', EDITIONS)
def test_every_page_says_which_versions_made_each_frameworks_outputs(lang):
    said = 0
    for page in PAGES:
        for tab, box in button_boxes(lang, page).items():
            line = box.select_one('.outputs-from')
            if recorded_outputs(tab, page) is None:
                assert line is None, f'{lang} {page} {tab}: a line for a notebook with no code'
                continue
            assert_says_what_ran(line.get_text(), lang, tab, page, f'{lang} {page} {tab}')
            said += 1
    assert said >= 2 * len(TABS), said


@pytest.mark.parametrize('lang', EDITIONS)
def test_references_read_as_the_page_numbers_and_names_them(lang):
    """`:numref:` reads as the page's own words for the number, with the
    title of the page it leads to, in the plain and the published forms."""
    answers = 'chapter_builders-guide/custom-layer-answers'
    section = 'chapter_builders-guide/custom-layer'
    [number] = set(
        re.findall(r'<span class="std std-numref">([^<]+)</span>', page_html(lang, answers))
    )
    expected = f'{number.replace(chr(160), " ")} ({heading_of(lang, section)})'
    for variant, address in [
        ('plain', 'custom-layer.ipynb'),
        (
            'colab',
            f'{PROJECT.published_site}{"" if lang == "en" else lang + "/"}html/{section}.html',
        ),
    ]:
        text = '\n'.join(markdown_of(read(lang, 'jax', variant, answers)))
        links = dict((target.split('?')[0], label) for label, target in LINK.findall(text))
        assert links.get(address) == expected, (variant, links, expected)


def page_citations(lang):
    """{label: entry} as the references page lists them, and the labels the
    root page cites, in order."""
    references = page_html(lang, 'references')
    entries = {
        text_of(label): text_of(entry)
        for label, entry in re.findall(
            r'<span class="label"><span class="fn-bracket">\[</span>(.*?)<span '
            r'class="fn-bracket">\]</span></span>\s*(?:<span class="backrefs">.*?</span>)?'
            r'\s*<p>(.*?)</p>',
            references,
            re.S,
        )
    }
    cited = [
        text_of(label)
        for label in re.findall(
            r'\(<a class="reference internal" href="references.html#[^"]*"'
            r'[^>]*>(.*?)</a>\)',
            page_html(lang, 'index'),
            re.S,
        )
    ]
    return entries, cited


@pytest.mark.parametrize('lang', EDITIONS)
def test_citations_read_as_the_page_and_their_entries_end_the_notebook(lang):
    entries, cited = page_citations(lang)
    assert cited and set(cited) <= set(entries), (cited, list(entries))
    for tab in TABS:
        for variant in VARIANTS:
            cells = markdown_of(read(lang, tab, variant, 'index'))
            prose = '\n'.join(cells[1:-1])
            found = re.findall(r'\(([^()]*?, \d{4})\)', ' '.join(prose.split()))
            assert found == cited, (tab, variant, found, cited)
            last = cells[-1]
            assert last.startswith(f'## {language(lang).references}\n'), last[:80]
            listed = [' '.join(line[2:].replace('*', '').split()) for line in last.splitlines()[2:]]
            assert sorted(listed) == sorted(entries[label] for label in cited), (listed, entries)
    # The references page's notebook lists them all, under the edition's heading.
    cells = markdown_of(read(lang, 'pytorch', 'plain', 'references'))
    assert cells[1].startswith(f'# {language(lang).references}\n'), cells[1][:80]
    assert len([line for line in cells[1].splitlines() if line.startswith('- ')]) == len(entries)


@pytest.mark.parametrize('lang', EDITIONS)
def test_every_citation_of_every_notebook_has_its_entry_in_that_notebook(lang):
    """Whichever page cites: each author-year the references page knows,
    wherever it appears in a notebook's prose, is listed in that notebook's
    References cell; a notebook that cites nothing has no such cell."""
    entries, _ = page_citations(lang)
    citing = 0
    for key in every_notebook():
        if key[0] != lang or key[3] == 'references':
            continue
        cells = markdown_of(read(*key))
        has_cell = cells[-1].startswith(f'## {language(lang).references}\n')
        prose = ' '.join(' '.join(cells[1 : -1 if has_cell else None]).split())
        cited = [label for label in entries if label in prose]
        assert has_cell == bool(cited), (key, cited)
        if cited:
            citing += 1
            listed = ' '.join(cells[-1].replace('*', '').split())
            for label in cited:
                assert entries[label] in listed, (key, label)
    assert citing, 'no notebook cites anything'


@pytest.mark.parametrize('lang', EDITIONS)
def test_header_says_where_the_learner_is_in_the_editions_language(lang):
    index_title = heading_of(lang, 'index')
    for tab in TABS:
        for variant in VARIANTS:
            for page in PAGES:
                header = read(lang, tab, variant, page).cells[0]
                where = f'{notebook_path(lang, tab, variant, page).relative_to(BUILD)}'
                assert header.cell_type == 'markdown', where
                text = header.source
                assert heading_of(lang, page) in text, (where, text)
                assert (
                    language(lang).notebook.format(book=index_title, framework=FRAMEWORK_NAMES[tab])
                    in text
                ), where
                if lang != 'en':
                    assert 'notebook in the other' not in text and 'on the web' not in text
                names = [name for name, _ in LINK.findall(text)]
                others = [FRAMEWORK_NAMES[t] for t in TABS if t != tab]
                assert names[: len(others)] == others, (where, names)
                badge = (
                    '[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]'
                )
                assert (badge in text) == (variant != 'plain'), where
                if recorded_outputs(tab, page) is None:
                    assert '(CPU)' not in text, where
                else:
                    assert_says_what_ran(text, lang, tab, page, where)


def test_header_numbers_a_section_as_the_page_does():
    text = (
        read('en', 'mxnet', 'colab', 'chapter_builders-guide/custom-layer-answers').cells[0].source
    )
    assert text.startswith('**Section 1.2 (Custom Layers: Answers to the Exercises)**'), text
    assert 'custom-layer.html' not in text
    assert (
        PROJECT.published_site
        + 'html/chapter_builders-guide/custom-layer-answers.html?framework=mxnet'
        in text
    )
    badge_target = re.search(r'\]\((https://colab[^)]+)\)\s*$', text)[1]
    assert badge_target.endswith(
        'custom-layers-colab-mxnet/blob/master/chapter_builders-guide/custom-layer-answers.ipynb'
    ), badge_target


@pytest.mark.parametrize('lang', EDITIONS)
def test_converting_again_gives_the_same_bytes(lang):
    """The notebooks on disk are what the conversion makes from d2lbook's
    output, byte for byte, every time (no random cell id, no date), and so
    are their zips."""
    from bookbuild.forms.notebooks import EditionNotebooks, reader_variants, zip_of

    notebooks = EditionNotebooks(PROJECT.edition(lang))
    compared = 0
    for tab in TABS:
        # The zip is the plain folder's, with fixed dates in place of the files'.
        plain = PROJECT.edition(lang).reader_notebooks('plain', tab)
        assert PROJECT.edition(lang).notebook_zip(tab).read_bytes() == zip_of(plain)
        for (variant, relative), notebook in reader_variants(notebooks, tab).items():
            path = notebooks.folder(variant, tab) / relative
            # nbformat.write ends the file with a newline that writes() lacks.
            assert nbformat.writes(notebook) + '\n' == path.read_text(encoding='utf-8'), path
            compared += 1
    assert compared == len(TABS) * len(VARIANTS) * len(PAGES)


@pytest.mark.parametrize('lang', EDITIONS)
def test_metadata_names_the_kernel_each_host_opens(lang):
    for tab in TABS:
        for variant in VARIANTS:
            for page in PAGES:
                metadata = read(lang, tab, variant, page).metadata
                kernel = metadata['kernelspec']
                assert (
                    kernel['language'] == 'python' and metadata['language_info']['name'] == 'python'
                )
                if variant == 'sagemaker':
                    assert (
                        kernel['name']
                        == kernel['display_name']
                        == PROJECT.per_tab('sagemaker', 'kernel', tab)
                    )
                else:
                    assert kernel['name'] == 'python3'
                if variant == 'colab':
                    assert metadata['colab'] == {
                        'name': f'{PurePosixPath(page).name}.ipynb',
                        'provenance': [],
                        'toc_visible': True,
                    }
                else:
                    assert 'colab' not in metadata
                assert 'required_libs' not in metadata


@pytest.mark.parametrize('lang', TRANSLATED)
def test_edition_notebooks_carry_the_english_code_and_outputs_under_translated_prose(lang):
    for tab in TABS:
        for variant in VARIANTS:
            for page in PAGES:
                ours, english = read(lang, tab, variant, page), read('en', tab, variant, page)
                code = [(c.source, c.outputs) for c in ours.cells if c.cell_type == 'code']
                assert code == [
                    (c.source, c.outputs) for c in english.cells if c.cell_type == 'code'
                ], (lang, tab, variant, page)
                assert markdown_of(ours)[1] != markdown_of(english)[1], (lang, page)


@pytest.mark.parametrize('lang', TRANSLATED)
def test_edition_zip_has_a_readme_in_its_language(lang):
    import zipfile

    for tab in TABS:
        with zipfile.ZipFile(PROJECT.edition(lang).notebook_zip(tab)) as archive:
            readme = archive.read('README.md').decode()
            names = archive.namelist()
        assert heading_of(lang, 'index') in readme and FRAMEWORK_NAMES[tab] in readme
        assert 'These notebooks were executed' not in readme
        assert 'chapter_builders-guide/custom-layer.ipynb' in names
        assert 'references.bib' not in names


@pytest.mark.parametrize('lang', EDITIONS)
def test_notebook_rendered_by_nbconvert_shows_text_and_links(browser, lang):
    """Jupyter's own rendering (nbconvert's HTML exporter, as the classic
    notebook and GitHub draw Markdown), with no request leaving the machine:
    the answers notebook shows no role, its reference is a link with the
    section's words, and a screenshot goes to _build/screenshots/."""
    from nbconvert import HTMLExporter

    page = 'chapter_builders-guide/custom-layer-answers'
    notebook = read(lang, 'pytorch', 'colab', page)
    body, _ = HTMLExporter(template_name='lab').from_notebook_node(notebook)
    context = browser.new_context(viewport={'width': 1100, 'height': 1400})
    remote = []

    def local_only(route):
        remote.append(route.request.url)
        route.abort()

    context.route('**/*', local_only)
    reader = context.new_page()
    reader.set_content(body, wait_until='load')
    # nbconvert's page asks a CDN for MathJax 2; the book's own MathJax 3
    # (from npm, as the site uses) typesets the notebook's math instead, as
    # SVG, which needs no web fonts.
    reader.add_script_tag(
        content="window.MathJax = {tex: {inlineMath: [['$', '$']]}, svg: {fontCache: 'global'}};"
    )
    reader.add_script_tag(path=str(MATHJAX_SVG))
    reader.wait_for_function('window.MathJax && MathJax.startup && MathJax.startup.promise')
    reader.evaluate('MathJax.startup.promise')
    assert reader.locator('mjx-container').count() > 5, 'MathJax typeset nothing'
    rendered = reader.inner_text('body')
    assert not RAW_ROLE.search(rendered), RAW_ROLE.search(rendered)[0]
    [number] = set(
        re.findall(r'<span class="std std-numref">([^<]+)</span>', page_html(lang, page))
    )
    reference = reader.locator('a', has_text=number.replace('\xa0', ' ')).first
    assert (
        reference.get_attribute('href')
        .split('?')[0]
        .endswith('html/chapter_builders-guide/custom-layer.html')
    )
    header_links = reader.locator('.jp-MarkdownCell').first.locator('a')
    assert header_links.count() >= 5  # three frameworks, the page, the badge
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reader.screenshot(path=str(SCREENSHOTS / f'notebook-{lang}.png'), full_page=False)
    context.close()
