/* Tabs for keyboards and screen readers: each code group's tab bar gets the
 * tablist, tab and tabpanel roles, aria-selected and aria-controls; the
 * arrow keys, Home and End move between tabs, and Enter or Space selects
 * one. (Which framework is selected, and remembered: core.js.)
 */
BookPage.feature('tabs', function (page) {
  function markSelected(index) {
    page.groups().forEach(function (group) {
      page.tabsOf(group).forEach(function (tab, i) {
        tab.setAttribute('aria-selected', i === index ? 'true' : 'false');
        tab.tabIndex = i === index ? 0 : -1;
      });
    });
  }

  function onTabKey(event) {
    var tabs = page.tabsOf(event.currentTarget.closest('.mdl-tabs'));
    var at = tabs.indexOf(event.currentTarget);
    var to = {
      ArrowRight: (at + 1) % tabs.length,
      ArrowLeft: (at - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    }[event.key];
    if (to !== undefined) {
      tabs[to].focus();
      event.preventDefault();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.currentTarget.click();
      event.preventDefault();
    }
  }

  function addTabRoles(group) {
    var bar = group.querySelector(':scope > .mdl-tabs__tab-bar');
    bar.setAttribute('role', 'tablist');
    bar.setAttribute('aria-label', page.words('tabs', {}));
    var panels = page.panelsOf(group);
    page.tabsOf(group).forEach(function (tab, i) {
      var panel = panels[i];
      tab.setAttribute('role', 'tab');
      tab.id = 'tab-' + panel.id;
      tab.setAttribute('aria-controls', panel.id);
      tab.addEventListener('keydown', onTabKey);
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', tab.id);
      panel.tabIndex = 0;
    });
  }

  page.groups().forEach(addTabRoles);
  page.onFramework(function (name, index) { markSelected(index); });
});
