"""The code groups of a rendered page, read one way by every test."""

from bs4 import BeautifulSoup

from book_paths import TABS


def read(path):
    return BeautifulSoup(path.read_text(encoding='utf-8'), 'html.parser')


def code_groups(page):
    """Each code group of a page: its tab bar and its panels."""
    return [bar.parent for bar in page.select('div.mdl-tabs__tab-bar.code')]


def panels(group):
    return group.find_all('div', class_='mdl-tabs__panel', recursive=False)


def assert_every_group_has_code_in_every_tab(page, name):
    """Every code group offers the tabs of config.ini, in order, each with
    code; returns the groups."""
    groups = code_groups(page)
    assert groups, f'{name} has no code groups'
    for index, group in enumerate(groups):
        names = [a.get_text(strip=True) for a in group.select('.mdl-tabs__tab-bar a')]
        assert names == TABS, f'{name}, code group {index}: tabs {names}'
        assert len(panels(group)) == len(TABS), f'{name}, code group {index}: panels'
        for tab, panel in zip(TABS, panels(group)):
            code = panel.select_one('div.highlight-python pre')
            assert code is not None and code.get_text(strip=True), (
                f'{name}, code group {index} [{tab}] has no code'
            )
    return groups
