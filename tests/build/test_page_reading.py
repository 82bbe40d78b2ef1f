"""The page as it reads (static/page/, static/book.css,
render/previews.py), in every edition: one bar of code controls that stays
at hand, code groups that keep only their tabs, side-by-side code that fits
its column, and previews of cross-references and citations; with pictures
of each, in light and dark, in _build/screenshots/.
"""

import html
import re

import pytest
from playwright.sync_api import expect

from book_paths import SECTION, TABS
from bookbuild.frameworks import FRAMEWORKS
from browser_reader import (
    EDITIONS,
    PAGES,
    SCREENSHOTS,
    SECTION_PAGE,
    SITE,
    Reader,
    serious_violations,
)

ANSWERS_PAGE = SECTION_PAGE.replace('.html', '-answers.html')
NAME = SECTION.split('/')[-1]
# Where the section points to its answers page (:numref:), and where the
# book's first page cites PyTorch's paper.
NUMREF = 'a.has-preview[href$="#sec-custom-layer-answers"]'
CITATION = 'a.has-preview[href^="references.html#"]'


@pytest.fixture(params=list(EDITIONS))
def edition(request):
    return request.param


def words(text):
    return ' '.join(text.split())


def code_groups(reader):
    return reader.page.locator('.mdl-tabs:has(> .mdl-tabs__tab-bar)')


def toggle_side_by_side(reader):
    toggle = reader.page.locator('.framework-bar .side-by-side-toggle')
    reader.click(toggle)
    expect(toggle).to_have_attribute('aria-pressed', 'true')


def scroll_content(reader, fraction):
    """Scroll the theme's content pane (it scrolls, not the page) to a
    fraction of its height, and wait until the header has settled."""
    reader.page.evaluate(
        """fraction => {
            const content = document.querySelector('.mdl-layout__content');
            content.scrollTop = fraction * (content.scrollHeight - content.clientHeight);
        }""",
        fraction,
    )
    reader.wait_for_header()


# ------------------------------------------------------------- the bar ----


def test_a_page_has_one_bar_where_it_has_code_and_the_groups_only_their_tabs(
    browser, site_url, edition
):
    reader = Reader(browser, site_url, edition)
    for path in PAGES:
        reader.open(path)
        groups = code_groups(reader).count()
        expect(reader.page.locator('.framework-bar')).to_have_count(1 if groups else 0)
        # Inside a group: its tab bar, its panels and the link to itself;
        # no button, box or field.
        controls = reader.page.evaluate(
            """() => Array.from(document.querySelectorAll('.mdl-tabs'))
                .map(g => g.querySelectorAll('button, input, fieldset, select').length)"""
        )
        assert set(controls) <= {0}, (path, controls)
    reader.open(SECTION_PAGE)
    assert code_groups(reader).count() >= 15
    bar = reader.page.locator('.framework-bar')
    for control in ('.framework-choice input', '.side-by-side-toggle', '.framework-link'):
        expect(bar.locator(control).first).to_be_attached()
    assert not reader.errors, reader.errors
    reader.close()


def test_the_bar_stays_under_the_header_while_the_page_scrolls(browser, site_url, edition):
    reader = Reader(browser, site_url, edition)
    reader.open(SECTION_PAGE)
    bar = reader.page.locator('.framework-bar')
    for fraction in (0.5, 1):
        scroll_content(reader, fraction)
        expect(bar).to_be_in_viewport()
        at = reader.page.evaluate(
            """() => [document.querySelector('.framework-bar').getBoundingClientRect().top,
                      document.querySelector('.mdl-layout__content').getBoundingClientRect().top,
                      document.querySelector('.mdl-layout__header').getBoundingClientRect().bottom]"""
        )
        bar_top, content_top, header_bottom = at
        assert abs(bar_top - content_top) <= 1 and bar_top >= header_bottom - 1, at
    reader.close()


def test_the_bar_chooses_the_framework_from_the_keyboard_for_every_group(
    browser, site_url, edition
):
    reader = Reader(browser, site_url, edition)
    reader.open(SECTION_PAGE)
    first = reader.page.locator(f'.framework-choice input[value="{TABS[0]}"]')
    expect(first).to_be_checked()
    first.focus()
    reader.page.keyboard.press('Shift+Tab')  # and back, so that the focus came from the keyboard
    reader.page.keyboard.press('Tab')
    reader.page.keyboard.press('ArrowRight')
    expect(reader.page.locator(f'.framework-choice input[value="{TABS[1]}"]')).to_be_checked()
    expect(reader.page.locator('.mdl-tabs__tab[aria-selected="true"]').last).to_have_text(TABS[1])
    assert set(reader.active_tabs()) == {TABS[1]}
    outline = reader.page.evaluate(
        'getComputedStyle(document.activeElement.nextElementSibling).outlineStyle'
    )
    assert outline != 'none', outline
    assert reader.page.evaluate("localStorage.getItem('custom-layers:framework')") == TABS[1]
    # A group's own tab moves the bar's choice too.
    reader.click_tab(TABS[-1], group=3)
    expect(reader.page.locator(f'.framework-choice input[value="{TABS[-1]}"]')).to_be_checked()
    assert not reader.errors, reader.errors
    reader.close()


def test_a_code_groups_own_link_opens_it_on_the_selected_framework(browser, site_url, edition):
    reader = Reader(browser, site_url, edition)
    reader.open(SECTION_PAGE)
    reader.click_tab('jax', group=0)
    group = code_groups(reader).nth(8)
    link = group.locator(':scope > a.code-group-link')
    expect(link).to_have_attribute('href', re.compile(r'^\?framework=jax#[\w-]+-code-\d+$'))
    expect(link).to_have_attribute('aria-label', re.compile('JAX'))
    group_id = group.get_attribute('id')
    assert link.get_attribute('href').endswith(f'#{group_id}')
    address = link.evaluate('a => a.href')
    reader.close()
    stranger = Reader(browser, site_url, edition)  # a fresh profile
    stranger.goto(address)
    assert set(stranger.active_tabs()) == {'jax'}
    # The script scrolls to the group once the layout is built.
    stranger.page.locator('html[data-scrolled="true"]').wait_for(state='attached')
    target = stranger.page.locator(f'#{group_id}')
    expect(target).to_be_in_viewport()
    # Not under the bar.
    top, bar_bottom = stranger.page.evaluate(
        f"""() => [document.getElementById('{group_id}').getBoundingClientRect().top,
                   document.querySelector('.framework-bar').getBoundingClientRect().bottom]"""
    )
    assert top >= bar_bottom - 1, (top, bar_bottom)
    stranger.close()


# ---------------------------------------------------------- column fit ----


def fit(reader):
    """For the visible code and output boxes of the code groups: how many,
    which hide part of a line (wider than the box, with no way to see it
    but scrolling), which copy buttons overlap their code, and any indent
    span (narrowed in a column) that holds more than spaces."""
    return reader.page.evaluate(
        """() => {
            const boxes = [...document.querySelectorAll('.mdl-tabs__panel pre')]
                .filter(b => b.offsetHeight > 0);
            const overlaps = (a, b) => a.left < b.right && b.left < a.right
                && a.top < b.bottom && b.top < a.bottom;
            return {
                boxes: boxes.length,
                hidden: boxes.filter(b => b.scrollWidth > b.clientWidth)
                    .map(b => b.textContent.slice(0, 60)),
                covered: boxes.filter(b => {
                    const button = b.parentElement.querySelector(':scope > a.copybtn');
                    return button && overlaps(button.getBoundingClientRect(), b.getBoundingClientRect());
                }).map(b => b.textContent.slice(0, 60)),
                notSpaces: [...document.querySelectorAll('.code-indent')]
                    .filter(s => s.textContent.trim() !== '').length,
            };
        }"""
    )


@pytest.mark.parametrize('width', [1000, 1400, 1600])
def test_side_by_side_code_fits_its_column_and_no_copy_button_covers_it(browser, site_url, width):
    reader = Reader(browser, site_url, 'en', viewport={'width': width, 'height': 900})
    reader.open(SECTION_PAGE)
    tabs = fit(reader)
    assert tabs['covered'] == [], tabs  # in tabs, too
    toggle_side_by_side(reader)
    found = fit(reader)
    assert found['boxes'] >= 4 * 15, found
    assert found == {'boxes': found['boxes'], 'hidden': [], 'covered': [], 'notSpaces': 0}
    reader.close()


def built_code_blocks():
    """The text of every code block of the section as the build wrote it,
    before any script ran."""
    page = (SITE / SECTION_PAGE).read_text(encoding='utf-8')
    blocks = re.findall(
        r'<div class="highlight-python notranslate"><div class="highlight"><pre>(.*?)</pre>',
        page,
        re.S,
    )
    return {html.unescape(re.sub(r'<[^>]+>', '', block)) for block in blocks}


def test_a_wrapped_column_copies_exactly_the_code(browser, site_url):
    reader = Reader(
        browser,
        site_url,
        'en',
        viewport={'width': 1400, 'height': 900},
        permissions=['clipboard-read', 'clipboard-write'],
    )
    reader.open(SECTION_PAGE)
    toggle_side_by_side(reader)
    # A box with a line that wraps: a line more than one line high.
    index = reader.page.evaluate(
        """() => [...document.querySelectorAll('.mdl-tabs__panel[data-shown] .highlight-python pre')]
            .findIndex(b => [...b.querySelectorAll('.code-line')].some(line =>
                line.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(line).lineHeight)))"""
    )
    assert index >= 0, 'no code box wraps at 1400 px'
    box = reader.page.locator('.mdl-tabs__panel[data-shown] .highlight-python pre').nth(index)
    expected = box.evaluate('b => b.textContent')
    assert expected in built_code_blocks()
    box.hover()  # the copy button shows on hover
    reader.click(box.locator('xpath=..').locator('a.copybtn'))
    copied = reader.page.evaluate('navigator.clipboard.readText()')
    assert copied == expected
    reader.close()


# ------------------------------------------------------------ previews ----


def target_facts(reader, path, fragment):
    """A section's number, title and first paragraph, or a bibliography
    entry, as the reader sees them on the target page itself."""
    reader.open(path)
    return reader.page.evaluate(
        """fragment => {
            const target = document.getElementById(fragment);
            if (target.classList.contains('citation')) {
                return {text: target.querySelector('p').innerText};
            }
            const section = target.closest('section');
            const heading = section.querySelector('h1, h2, h3, h4, h5, h6');
            const number = heading.querySelector('.section-number');
            const own = [...heading.childNodes].filter(n => n.nodeType === Node.TEXT_NODE
                || (n.nodeName === 'EM' || n.nodeName === 'CODE'));
            const paragraph = section.querySelector(':scope > p');
            return {
                number: number ? number.innerText.trim() : '',
                title: own.map(n => n.textContent).join('').trim(),
                text: paragraph ? paragraph.innerText : '',
            };
        }""",
        fragment,
    )


def preview(reader):
    return reader.page.locator('#reference-preview')


def test_a_cross_reference_previews_its_target_on_focus_and_closes_with_escape(
    browser, site_url, edition
):
    reader = Reader(browser, site_url, edition)
    expected = target_facts(reader, ANSWERS_PAGE, 'sec-custom-layer-answers')
    assert expected['title'] and expected['text'], expected
    reader.open(SECTION_PAGE)
    link = reader.page.locator(NUMREF)
    expect(link).to_have_count(1)
    link.scroll_into_view_if_needed()
    reader.wait_for_header()
    # From the keyboard: Tab onto the link.
    link.focus()
    reader.page.keyboard.press('Escape')
    expect(preview(reader)).to_be_hidden()
    reader.page.keyboard.press('Shift+Tab')
    reader.page.keyboard.press('Tab')
    expect(link).to_be_focused()
    expect(preview(reader)).to_be_visible()
    expect(preview(reader)).to_have_attribute('role', 'tooltip')
    expect(link).to_have_attribute('aria-describedby', 'reference-preview')
    shown = words(preview(reader).inner_text())
    assert shown.startswith(f'{expected["number"]} {expected["title"]}'), (shown, expected)
    assert words(expected['text']) in shown, (shown, expected)
    reader.page.keyboard.press('Escape')
    expect(preview(reader)).to_be_hidden()
    expect(link).not_to_have_attribute('aria-describedby', 'reference-preview')
    expect(link).to_be_focused()
    assert not reader.errors, reader.errors
    reader.close()


def test_a_citation_previews_its_full_reference_offline_and_stays_while_hovered(
    browser, site_url, edition
):
    reader = Reader(browser, site_url, edition)
    reader.open('index.html')
    link = reader.page.locator(CITATION).first
    fragment = link.get_attribute('href').split('#')[1]
    expected = target_facts(reader, 'references.html', fragment)
    reader.open('index.html')
    # Nothing more is fetched for a preview: the page holds them all.
    reader.context.set_offline(True)
    asked = len(reader.requests)
    link.hover()
    expect(preview(reader)).to_be_visible()
    expect(preview(reader)).to_have_attribute('data-kind', 'citation')
    assert words(expected['text']) in words(preview(reader).inner_text())
    assert link.get_attribute('title') is None  # no second, native tooltip
    # The pointer may move onto the preview (to select its text) ...
    box = preview(reader).bounding_box()
    reader.page.mouse.move(box['x'] + box['width'] / 2, box['y'] + box['height'] / 2, steps=5)
    expect(preview(reader)).to_be_visible()
    # ... and leaving both closes it.
    reader.page.mouse.move(5, 890, steps=5)
    expect(preview(reader)).to_be_hidden()
    assert len(reader.requests) == asked
    assert not reader.errors, reader.errors
    reader.close()


def test_every_reference_in_a_pages_text_has_a_preview_with_a_title(browser, site_url, edition):
    """Each cross-reference and citation in a page's text (not its tables of
    contents) previews its target, and no preview is an empty box: it says
    a number and title, or a citation's label and reference."""
    reader = Reader(browser, site_url, edition)
    for path in PAGES:
        reader.open(path)
        found = reader.page.evaluate(
            """() => {
                const data = document.getElementById('book-previews');
                const previews = data ? JSON.parse(data.textContent) : {};
                const references = [...document.querySelectorAll(
                    '.page-content a.reference.internal:has(.std-numref), '
                    + '.page-content a.reference.internal[href*="references.html#"]')]
                    .filter(a => !a.closest('.toctree-wrapper'));
                return {
                    references: references.length,
                    without: references.filter(a => !a.classList.contains('has-preview'))
                        .map(a => a.getAttribute('href')),
                    untitled: Object.keys(previews).filter(href => !previews[href].title),
                };
            }"""
        )
        assert found['without'] == [] and found['untitled'] == [], (path, found)
    reader.open(SECTION_PAGE)
    assert reader.page.locator('.page-content a.has-preview').count() >= 1
    reader.close()


def test_a_reference_off_screen_previews_where_the_keyboard_brings_it(browser, site_url):
    """Focusing a link scrolls it into view: the preview comes with it."""
    reader = Reader(browser, site_url, 'en')
    reader.open(SECTION_PAGE)
    link = reader.page.locator(NUMREF)
    expect(link).not_to_be_in_viewport()
    link.focus()
    expect(link).to_be_in_viewport()
    expect(preview(reader)).to_be_visible()
    expect(preview(reader)).to_be_in_viewport()
    # Beside the link, where it is now: just under it or just above it.
    reader.page.wait_for_function(
        """() => {
            const link = document.activeElement.getBoundingClientRect();
            const box = document.getElementById('reference-preview').getBoundingClientRect();
            return Math.abs(box.top - link.bottom) < 1 || Math.abs(box.bottom - link.top) < 1;
        }"""
    )
    reader.close()


# ------------------------------------------------------------ pictures ----


@pytest.mark.parametrize('scheme', ['light', 'dark'])
def test_screenshots_of_the_bar_side_by_side_and_a_preview(browser, site_url, scheme):
    """Saved for people to look at, in _build/screenshots/: <section>-bar-,
    -side-by-side-1400-, -side-by-side-1600- and -preview-<scheme>.png; axe
    finds nothing serious with the columns on and a preview open."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reader = Reader(
        browser, site_url, 'en', color_scheme=scheme, viewport={'width': 1400, 'height': 900}
    )
    reader.open(SECTION_PAGE)
    bar = reader.page.locator('.framework-bar')

    def picture(name):
        path = SCREENSHOTS / f'{NAME}-{name}-{scheme}.png'
        reader.page.screenshot(path=str(path))
        assert path.stat().st_size > 20_000, path
        return path

    code_groups(reader).nth(6).scroll_into_view_if_needed()
    reader.wait_for_header()
    expect(bar).to_be_in_viewport()
    picture('bar')
    toggle_side_by_side(reader)
    for width in (1400, 1600):
        reader.page.set_viewport_size({'width': width, 'height': 900})
        code_groups(reader).nth(10).scroll_into_view_if_needed()
        reader.wait_for_header()
        assert fit(reader)['hidden'] == []
        picture(f'side-by-side-{width}')
    link = reader.page.locator(NUMREF)
    link.scroll_into_view_if_needed()
    reader.wait_for_header()
    link.focus()
    expect(preview(reader)).to_be_visible()
    picture('preview')
    assert serious_violations(reader) == []
    reader.close()


def test_framework_titles_in_the_bar_are_the_registrys(browser, site_url):
    reader = Reader(browser, site_url, 'en')
    reader.open(SECTION_PAGE)
    labels = reader.page.locator('.framework-choice label').all_inner_texts()
    assert [label.strip() for label in labels] == [FRAMEWORKS[tab].title for tab in TABS]
    reader.close()
