"""What the page offers every reader, in every edition (static/page/,
static/book.css, static/dark.css): a link that names a framework, code
groups side by side, tabs for keyboards and screen readers, no serious
accessibility violation in light or dark mode, and a page that fits a phone.
The bar of code controls, code that fits its column, and the previews of
references are in test_page_reading.py.
"""

import nbformat
import pytest
from playwright.sync_api import expect

from book_paths import SECTION, TABS
from bookbuild.frameworks import FRAMEWORKS
from browser_reader import EDITIONS, PAGES, SCREENSHOTS, SECTION_PAGE, Reader, serious_violations

FRAMEWORK_TITLES = {tab: entry.title for tab, entry in FRAMEWORKS.items()}
PHONE = {'width': 390, 'height': 844}


@pytest.fixture(params=list(EDITIONS))
def edition(request):
    return request.param


def open_reader(browser, site_url, edition, **options):
    return Reader(browser, site_url, edition, **options)


def test_a_link_to_a_framework_opens_every_code_group_on_it_and_remembers_it(
    browser, site_url, edition
):
    for path in PAGES:
        reader = open_reader(browser, site_url, edition)
        reader.open(f'{path}?framework=jax')
        groups = reader.active_tabs()
        assert set(groups) <= {'jax'}, (path, groups)
        reader.open(path)  # no parameter now: remembered as a click would be
        assert set(reader.active_tabs()) <= {'jax'}, path
        assert reader.page.evaluate("localStorage.getItem('custom-layers:framework')") == 'jax'
        assert not reader.errors, reader.errors
        reader.close()
    reader = open_reader(browser, site_url, edition)
    reader.open(f'{SECTION_PAGE}?framework=jax')
    assert len(reader.active_tabs()) >= 5


def test_an_unknown_framework_in_a_link_is_ignored(browser, site_url, edition):
    reader = open_reader(browser, site_url, edition)
    reader.open(f'{SECTION_PAGE}?framework=cobol')
    assert set(reader.active_tabs()) == {TABS[0]}
    assert reader.page.evaluate("localStorage.getItem('custom-layers:framework')") is None
    assert not reader.errors, reader.errors
    reader.close()


def test_the_link_button_copies_a_link_that_opens_on_the_selected_framework(
    browser, site_url, edition
):
    reader = open_reader(
        browser, site_url, edition, permissions=['clipboard-read', 'clipboard-write']
    )
    reader.open(SECTION_PAGE)
    reader.click_tab('mxnet', group=2)
    expect(reader.page.locator('.mdl-tabs__tab[aria-selected="true"]').first).to_have_text('mxnet')
    button = reader.page.locator('.framework-bar .framework-link')
    expect(button).to_have_count(1)
    reader.click(button)
    # The status says so once the clipboard holds the link.
    expect(reader.page.locator('.framework-bar .framework-link-status')).to_contain_text(
        f'/{SECTION_PAGE}?framework=mxnet'
    )
    copied = reader.page.evaluate('navigator.clipboard.readText()')
    assert copied.endswith(f'/{SECTION_PAGE}?framework=mxnet'), copied
    assert copied == button.get_attribute('data-link')
    reader.close()
    stranger = open_reader(browser, site_url, edition)  # a fresh profile
    stranger.goto(copied)
    assert set(stranger.active_tabs()) == {'mxnet'}
    stranger.close()


def test_the_notebook_links_follow_the_framework_and_the_download_fetches_its_notebook(
    browser, site_url, edition, tmp_path
):
    """Beside the "Colab" button: Studio Lab, Kaggle and a download, for the
    selected framework only; the keyboard reaches them (the focus shows) and
    Enter on the download saves that framework's notebook, from the site."""
    reader = open_reader(browser, site_url, edition)
    reader.open(f'{SECTION_PAGE}?framework=jax')
    shown = reader.page.locator('.notebook-launch').filter(visible=True)
    expect(shown).to_have_count(1)
    assert shown.get_attribute('data-framework') == 'jax'
    assert (
        reader.page.locator('.outputs-from').filter(visible=True).get_attribute('data-framework')
        == 'jax'
    )
    reader.click_tab('tensorflow', group=0)
    expect(shown).to_have_attribute('data-framework', 'tensorflow')
    download = shown.locator('a.notebook-launch__download')
    kaggle = shown.locator('a.notebook-launch__kaggle')
    kaggle.focus()
    reader.page.keyboard.press('Tab')  # from the keyboard, so that the focus shows
    expect(download).to_be_focused()
    outline = reader.page.evaluate('getComputedStyle(document.activeElement).outlineStyle')
    assert outline != 'none', outline
    with reader.page.expect_download() as downloading:
        reader.page.keyboard.press('Enter')
    saved = tmp_path / downloading.value.suggested_filename
    downloading.value.save_as(saved)
    assert saved.name == 'custom-layer-tensorflow.ipynb', saved.name
    assert downloading.value.url.startswith(site_url), downloading.value.url
    notebook = nbformat.read(saved, as_version=4)
    nbformat.validate(notebook)
    assert 'TensorFlow' in notebook.cells[0].source
    assert any('tf.' in cell.source for cell in notebook.cells if cell.cell_type == 'code')
    assert not reader.errors and not reader.failed, (reader.errors, reader.failed)
    reader.close()


def columns(reader):
    """For each code group: the labels of its visible panels, left to right,
    and whether those panels sit side by side (same top, rising left)."""
    return reader.page.evaluate('''() => Array.from(document.querySelectorAll('.mdl-tabs'))
        .filter(g => g.querySelector(':scope > .mdl-tabs__tab-bar'))
        .map(group => {
            const shown = Array.from(group.querySelectorAll(':scope > .mdl-tabs__panel'))
                .filter(p => p.offsetHeight > 0);
            const boxes = shown.map(p => p.getBoundingClientRect());
            const outputsBelowCode = shown.every(p => {
                const code = p.querySelector('.highlight-python');
                const output = p.querySelector('.output');
                return !output || output.getBoundingClientRect().top >= code.getBoundingClientRect().bottom;
            });
            return {
                labels: shown.map(p => p.querySelector('.framework-label').innerText.trim()),
                sideBySide: boxes.every((b, i) => i === 0 ||
                    (Math.abs(b.top - boxes[0].top) < 2 && b.left > boxes[i - 1].left)),
                outputsBelowCode,
            };
        })''')


def toggle_side_by_side(reader, on):
    """Press the bar's "Side by side" button, and wait until the script has
    shown the columns or the tabs (it marks the button pressed or not last)."""
    toggle = reader.page.locator('.framework-bar .side-by-side-toggle')
    reader.click(toggle)
    expect(toggle).to_have_attribute('aria-pressed', 'true' if on else 'false')


def test_side_by_side_shows_labelled_columns_remembered_across_pages(browser, site_url, edition):
    reader = open_reader(browser, site_url, edition)
    reader.open(SECTION_PAGE)
    toggle_side_by_side(reader, on=True)
    titles = [FRAMEWORK_TITLES[tab] for tab in TABS]
    groups = columns(reader)
    assert len(groups) >= 5
    for group in groups:
        assert group == {'labels': titles, 'sideBySide': True, 'outputsBelowCode': True}, group
    # Two of the reader's choice: untick the others in any group.
    for tab in TABS[1:3]:
        reader.uncheck(reader.page.locator(f'.framework-column input[value="{tab}"]').last)
    chosen = [FRAMEWORK_TITLES[tab] for tab in (TABS[0], TABS[3])]
    assert {tuple(group['labels']) for group in columns(reader)} == {tuple(chosen)}
    # Remembered on another page, and after a reload.
    reader.open('chapter_builders-guide/custom-layer-answers.html')
    assert {tuple(group['labels']) for group in columns(reader)} == {tuple(chosen)}
    reader.reload()
    assert all(group['sideBySide'] for group in columns(reader))
    # Back to tabs.
    toggle_side_by_side(reader, on=False)
    assert all(len(group['labels']) == 1 for group in columns(reader))
    assert not reader.errors, reader.errors
    reader.close()


def rows(reader):
    """For each code group: its visible panels, grouped into rows by their
    top edge, each row as the number of panels in it."""
    return reader.page.evaluate('''() => Array.from(document.querySelectorAll('.mdl-tabs'))
        .filter(g => g.querySelector(':scope > .mdl-tabs__tab-bar'))
        .map(group => {
            const tops = Array.from(group.querySelectorAll(':scope > .mdl-tabs__panel'))
                .filter(p => p.offsetHeight > 0).map(p => Math.round(p.getBoundingClientRect().top));
            return [...new Set(tops)].map(top => tops.filter(t => t === top).length);
        })''')


def test_side_by_side_is_two_a_row_below_four_columns_and_tabs_on_a_phone(browser, site_url):
    reader = open_reader(browser, site_url, 'en')
    reader.open(SECTION_PAGE)
    toggle_side_by_side(reader, on=True)
    assert {tuple(group) for group in rows(reader)} == {(4,)}
    reader.page.set_viewport_size({'width': 1000, 'height': 900})
    assert {tuple(group) for group in rows(reader)} == {(2, 2)}
    assert all(group['labels'] == [FRAMEWORK_TITLES[t] for t in TABS] for group in columns(reader))
    reader.page.set_viewport_size({'width': 700, 'height': 900})
    assert all(len(group['labels']) == 1 for group in columns(reader))
    assert set(reader.active_tabs()) == {TABS[0]}
    expect(reader.page.locator('.framework-bar .side-by-side-toggle')).to_be_hidden()
    reader.close()


def test_tab_bars_are_tabs_for_screen_readers(browser, site_url, edition):
    reader = open_reader(browser, site_url, edition)
    for path in PAGES:
        reader.open(path)
        problems = reader.page.evaluate('''() => {
            const problems = [];
            for (const bar of document.querySelectorAll('.mdl-tabs__tab-bar')) {
                if (bar.getAttribute('role') !== 'tablist') problems.push('a bar is no tablist');
                const tabs = bar.querySelectorAll('.mdl-tabs__tab');
                const selected = [...tabs].filter(t => t.getAttribute('aria-selected') === 'true');
                if (selected.length !== 1) problems.push(`${selected.length} tabs selected`);
                for (const tab of tabs) {
                    const panel = document.getElementById(tab.getAttribute('aria-controls'));
                    if (tab.getAttribute('role') !== 'tab') problems.push('a tab has no role');
                    if (!panel || panel.getAttribute('role') !== 'tabpanel'
                        || panel.getAttribute('aria-labelledby') !== tab.id)
                        problems.push(`tab ${tab.id} controls no labelled tabpanel`);
                }
            }
            return problems;
        }''')
        assert problems == [], (path, problems[:5])
    reader.close()


def focused(reader):
    return reader.page.evaluate(
        '() => [document.activeElement.textContent.trim(), '
        'getComputedStyle(document.activeElement).outlineStyle]'
    )


def test_the_keyboard_moves_between_tabs_and_selects_one(browser, site_url, edition):
    reader = open_reader(browser, site_url, edition)
    reader.open(SECTION_PAGE)
    first_tab = reader.page.locator('.mdl-tabs__tab').first
    first_tab.focus()
    reader.page.keyboard.press('Tab')  # and back, so that the focus came from the keyboard
    reader.page.keyboard.press('Shift+Tab')
    assert focused(reader)[0] == TABS[0]
    reader.page.keyboard.press('ArrowRight')
    name, outline = focused(reader)
    assert name == TABS[1] and outline != 'none', (name, outline)
    assert set(reader.active_tabs()) == {TABS[0]}  # moving does not select
    reader.page.keyboard.press('Enter')
    assert set(reader.active_tabs()) == {TABS[1]}
    reader.page.keyboard.press('End')
    reader.page.keyboard.press(' ')
    assert set(reader.active_tabs()) == {TABS[-1]}
    reader.page.keyboard.press('ArrowRight')  # wraps round
    assert focused(reader)[0] == TABS[0]
    reader.page.keyboard.press('ArrowLeft')
    reader.page.keyboard.press('Home')
    assert focused(reader)[0] == TABS[0]
    reader.close()


@pytest.mark.parametrize('scheme', ['light', 'dark'])
def test_axe_finds_no_serious_violation_on_any_page(browser, site_url, edition, scheme):
    reader = open_reader(browser, site_url, edition, color_scheme=scheme)
    found = {}
    for path in PAGES:
        reader.open(path)
        violations = serious_violations(reader)
        if violations:
            found[path] = violations
    reader.close()
    assert found == {}, found


def test_dark_mode_screenshots_of_the_section(browser, site_url):
    """Saved for people to look at: _build/screenshots/<section>-dark-<tab>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reader = open_reader(browser, site_url, 'en', color_scheme='dark')
    reader.open(SECTION_PAGE)
    background = reader.page.evaluate(
        "getComputedStyle(document.querySelector('.mdl-layout__content')).backgroundColor"
    )
    assert background == 'rgb(13, 17, 23)', background
    for tab in TABS:
        reader.click_tab(tab, group=0)
        path = SCREENSHOTS / f'{SECTION.split("/")[-1]}-dark-{tab}.png'
        reader.screenshot_whole_page(path)
        assert path.stat().st_size > 50_000
    reader.close()


def test_a_phone_never_scrolls_the_page_sideways(browser, site_url, edition):
    reader = open_reader(browser, site_url, edition, viewport=PHONE, is_mobile=True, has_touch=True)
    for path in PAGES:
        reader.open(path)
        widths = reader.page.evaluate('''() => [document.documentElement.scrollWidth,
            ...Array.from(document.querySelectorAll('.mdl-layout__content, .page-content'))
                .map(e => e.scrollWidth - e.clientWidth)]''')
        assert widths[0] <= PHONE['width'] and all(extra <= 1 for extra in widths[1:]), (
            path,
            widths,
        )
        # The navigation drawers (the theme has two) are off the screen.
        drawers = reader.page.evaluate('''() => Array.from(
            document.querySelectorAll('.mdl-layout__drawer'),
            d => { const b = d.getBoundingClientRect(); return b.width > 0 && b.right > 0; })''')
        assert drawers and not any(drawers), f'{path}: the navigation is open: {drawers}'
        assert reader.page.locator('.mdl-layout__drawer-button').is_visible(), path
    reader.close()


def test_phone_screenshots_per_framework(browser, site_url):
    """Saved for people to look at: _build/screenshots/<section>-phone-<tab>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reader = open_reader(browser, site_url, 'en', viewport=PHONE, is_mobile=True, has_touch=True)
    reader.open(SECTION_PAGE)
    for tab in TABS:
        reader.open(f'{SECTION_PAGE}?framework={tab}')
        path = SCREENSHOTS / f'{SECTION.split("/")[-1]}-phone-{tab}.png'
        reader.screenshot_whole_page(path)
        assert path.stat().st_size > 20_000
    reader.close()


def test_a_page_whose_feature_script_did_not_load_says_so_and_is_not_ready(reader):
    """data-ready="true" means every feature set up (static/page/core.js):
    served a d2l.js whose previews.js never registers, the page logs which
    file is missing and marks data-ready="false"."""
    registration = "BookPage.feature('previews',"

    def without_previews(route):
        script = route.fetch().text()
        assert registration in script, 'd2l.js no longer registers previews this way'
        route.fulfill(
            body=script.replace(registration, "void ('previews',"),
            content_type='text/javascript',
        )

    reader.context.route('**/_static/d2l.js', without_previews)
    with reader.page.expect_console_message(lambda m: 'previews.js did not load' in m.text):
        reader.page.goto(f'{reader.site_url}/{SECTION_PAGE}', wait_until='load')
    reader.page.locator('html[data-ready]').wait_for(state='attached')
    assert reader.page.get_attribute('html', 'data-ready') == 'false'
