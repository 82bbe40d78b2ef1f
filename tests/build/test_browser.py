"""The built site in a real browser (tests/browser_reader.py): it loads
without errors or remote requests, renders its equations, and the reader's
framework switches every code group and sticks."""

from urllib.parse import urlparse

from book_paths import DEFAULT_TAB, SECTION, TABS
from browser_reader import LOCAL_HOST, PAGES, SCREENSHOTS, SECTION_PAGE, Reader


def test_every_page_loads_without_errors_or_missing_files(reader):
    for path in PAGES:
        reader.open(path)
    assert not reader.errors, reader.errors
    assert not reader.failed, reader.failed


def test_pages_request_nothing_from_other_hosts(reader):
    for path in PAGES:
        reader.open(path)
    reader.open(SECTION_PAGE)
    reader.click_tab(TABS[-1])
    assert reader.requests, 'the pages made no request at all: was anything recorded?'
    assert reader.remote_requests() == []


def test_mathjax_and_the_copy_icon_are_served_by_the_site(reader):
    reader.open(SECTION_PAGE)
    local_paths = [urlparse(url).path for url in reader.requests]
    assert any(path.endswith('/_static/mathjax/tex-mml-chtml.js') for path in local_paths)
    icons = reader.page.locator('a.copybtn img')
    assert icons.count() > 0, 'no copy buttons on the section'
    for src, width in icons.evaluate_all('imgs => imgs.map(i => [i.src, i.naturalWidth])'):
        assert urlparse(src).hostname == LOCAL_HOST and width > 0, (src, width)


def test_equations_are_rendered_by_mathjax_not_left_as_tex(reader):
    reader.open(SECTION_PAGE)
    equations = reader.page.locator('span.math')
    assert equations.count() >= 1, 'the section has no equation'
    rendered = reader.page.locator('span.math mjx-container')
    assert rendered.count() == equations.count()
    visible_text = reader.page.inner_text('body')
    assert '\\(' not in visible_text and '\\sum' not in visible_text


def test_a_click_on_a_tab_switches_every_code_group(reader):
    reader.open(SECTION_PAGE)
    assert set(reader.active_tabs()) == {DEFAULT_TAB}
    for name in TABS[::-1]:
        reader.click_tab(name, group=0)
        tabs = reader.active_tabs()
        assert len(tabs) >= 2 and set(tabs) == {name}, tabs


def test_the_chosen_framework_survives_a_reload(reader):
    reader.open(SECTION_PAGE)
    reader.click_tab('jax')
    reader.reload()
    assert set(reader.active_tabs()) == {'jax'}


def test_the_chosen_framework_survives_a_change_of_page(reader):
    reader.open(SECTION_PAGE)
    reader.click_tab('tensorflow')
    # Leave by a link on the page, and come back by another.
    reader.follow(
        reader.page.locator('a[href="../index.html"]').filter(visible=True).first, '**/index.html'
    )
    reader.follow(
        reader.page.locator(f'a[href="{SECTION_PAGE}"]').filter(visible=True).first,
        f'**/{SECTION_PAGE}',
    )
    assert set(reader.active_tabs()) == {'tensorflow'}
    assert not reader.errors, reader.errors


def test_a_new_reader_starts_on_the_default_framework(browser, site_url):
    first = Reader(browser, site_url)
    first.open(SECTION_PAGE)
    first.click_tab('mxnet')
    first.close()
    stranger = Reader(browser, site_url)  # a fresh profile: nothing remembered
    stranger.open(SECTION_PAGE)
    assert set(stranger.active_tabs()) == {DEFAULT_TAB}
    stranger.close()


def test_screenshot_of_the_section_per_framework(reader):
    """Saved for people to look at: _build/screenshots/<section>-<tab>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    reader.open(SECTION_PAGE)
    shots = {}
    for name in TABS:
        reader.click_tab(name, group=0)
        assert set(reader.active_tabs()) == {name}
        path = SCREENSHOTS / f'{SECTION.split("/")[-1]}-{name}.png'
        path.unlink(missing_ok=True)
        reader.screenshot_whole_page(path)
        shots[name] = path.read_bytes()
    assert all(len(image) > 50_000 for image in shots.values())
    assert len(set(shots.values())) == len(TABS), 'two frameworks look the same'
