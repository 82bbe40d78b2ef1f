/* The reader's framework, on every page of the book and every edition.
 *
 * d2lbook's select_tab(i) shows framework i in every code group when a tab
 * is clicked. On top of it, this script
 *   - remembers the choice (localStorage), so that a reload or another page
 *     opens on it;
 *   - opens on the framework a link names, `page.html?framework=jax`, and
 *     remembers it as a click would (an unknown name is ignored); a button
 *     beside each tab bar copies such a link;
 *   - shows a code group's frameworks side by side, all of them or those the
 *     reader ticks, each column labelled, with its outputs under its code;
 *     remembered like the framework, and back to tabs on narrow screens
 *     (book.css);
 *   - makes the tab bars tabs for keyboards and screen readers: tablist, tab
 *     and tabpanel roles, aria-selected and aria-controls; the arrow keys,
 *     Home and End move between tabs, and Enter or Space selects one;
 *   - on an edition's page, points the links of its translation notes to the
 *     English page at the reader's framework (`?framework=`).
 *
 * Once all of that is in place, <html> gets data-ready="true": the browser
 * tests wait for it before they click (tests/browser_reader.py).
 *
 * Appended to _static/d2l.js through config.ini's [html] include_js, after
 * d2lbook's own script. (No wrapping (function () {...})(): d2lbook's last
 * statement before this file has no semicolon.)
 */
var FRAMEWORK_STORAGE_KEY = 'custom-layers:framework';
var COLUMNS_STORAGE_KEY = 'custom-layers:side-by-side';

// The book's frameworks by tab, and the controls' words by language: the
// build writes both (BOOK_FRAMEWORKS, BOOK_PAGE_WORDS) from its registries,
// tools/bookbuild/frameworks.py and languages.py, at the top of d2l.js.
var FRAMEWORK_TITLES = BOOK_FRAMEWORKS;
var FRAMEWORK_WORDS = BOOK_PAGE_WORDS;

function frameworkWord(key, values) {
  var words = FRAMEWORK_WORDS[document.documentElement.lang] || FRAMEWORK_WORDS.en;
  return words[key].replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
}

function storedValue(key) {
  try {
    return window.localStorage.getItem(key);
  } catch (error) {
    return null; // storage is off (private mode, blocked cookies)
  }
}

function storeValue(key, value) {
  try {
    if (value === null) {
      window.localStorage.removeItem(key);
    } else {
      window.localStorage.setItem(key, value);
    }
  } catch (error) {
    // Storage is off: the choice lasts for this page.
  }
}

function frameworkTitle(name) {
  return FRAMEWORK_TITLES[name] || name;
}

// The frameworks in tab order, as the first code group lists them.
function frameworkNames() {
  var bar = document.querySelector('.mdl-tabs__tab-bar');
  if (!bar) return [];
  return Array.from(bar.querySelectorAll('.mdl-tabs__tab')).map(function (tab) {
    return tab.textContent.trim();
  });
}

function codeGroups() {
  return Array.from(document.querySelectorAll('.mdl-tabs')).filter(function (group) {
    return group.querySelector(':scope > .mdl-tabs__tab-bar');
  });
}

function tabsOf(group) {
  return Array.from(group.querySelectorAll(':scope > .mdl-tabs__tab-bar > .mdl-tabs__tab'));
}

function panelsOf(group) {
  return Array.from(group.querySelectorAll(':scope > .mdl-tabs__panel'));
}

// Every tab link calls tagClick('<framework>') (d2lbook used it to report the
// click to Google Analytics, which the book does not load).
var tagClick = function (name) {
  storeValue(FRAMEWORK_STORAGE_KEY, name);
};

// d2lbook's "Open in Colab" buttons call this before leaving the page.
var captureOutboundLink = function (url) {
  window.location.href = url;
};

// ------------------------------------------------------------ tab roles ----

function markSelected(index) {
  codeGroups().forEach(function (group) {
    tabsOf(group).forEach(function (tab, i) {
      tab.setAttribute('aria-selected', i === index ? 'true' : 'false');
      tab.tabIndex = i === index ? 0 : -1;
    });
  });
}

var d2lbookSelectTab = select_tab;
select_tab = function (index) {
  d2lbookSelectTab(index);
  markSelected(index);
  focusScrollables();
  keepFrameworkInLinks(frameworkNames()[index]);
};

// A translation note's link to the English page (tools/bookbuild/editions/
// markers.py) opens it on the framework the reader is on.
function keepFrameworkInLinks(name) {
  if (!name) return;
  document.querySelectorAll('a.translation-note__link').forEach(function (link) {
    var url = new URL(link.getAttribute('href'), window.location.href);
    url.searchParams.set('framework', name);
    link.href = url.href;
  });
}

// A code or output box wider than its column scrolls sideways; keyboard
// users reach it with Tab and scroll it with the arrow keys.
function focusScrollables() {
  document.querySelectorAll('.highlight pre').forEach(function (box) {
    if (box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight) {
      box.tabIndex = 0;
    } else {
      box.removeAttribute('tabindex');
    }
  });
}

window.addEventListener('resize', focusScrollables);
// Sizes settle once the fonts and MathJax have loaded.
window.addEventListener('load', function () {
  focusScrollables();
  if (document.fonts) document.fonts.ready.then(focusScrollables);
  if (window.MathJax && MathJax.startup) MathJax.startup.promise.then(focusScrollables);
});

function onTabKey(event) {
  var tabs = tabsOf(event.currentTarget.closest('.mdl-tabs'));
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
  bar.setAttribute('aria-label', frameworkWord('tabs', {}));
  var panels = panelsOf(group);
  tabsOf(group).forEach(function (tab, i) {
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

// ------------------------------------------------------ link and columns ----

function frameworkLink(name) {
  var url = new URL(window.location.href);
  url.search = '?framework=' + encodeURIComponent(name);
  url.hash = '';
  return url.href;
}

function selectedFramework() {
  var names = frameworkNames();
  var tab = document.querySelector('.mdl-tabs__tab[aria-selected="true"]');
  return tab ? tab.textContent.trim() : names[0];
}

function copyLink(button) {
  var url = frameworkLink(selectedFramework());
  button.setAttribute('data-link', url);
  var status = button.parentNode.querySelector('.framework-link-status');
  var done = function () {
    status.textContent = frameworkWord('copied', {url: url});
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(url).then(done, done);
  } else {
    done();
  }
}

function shownColumns() {
  var stored = storedValue(COLUMNS_STORAGE_KEY);
  if (!stored) return null;
  try {
    var names = frameworkNames();
    var shown = JSON.parse(stored).filter(function (name) { return names.indexOf(name) >= 0; });
    return shown.length ? shown : null;
  } catch (error) {
    return null;
  }
}

function showColumns(shown) {
  storeValue(COLUMNS_STORAGE_KEY, shown ? JSON.stringify(shown) : null);
  document.body.classList.toggle('framework-columns-on', !!shown);
  var names = frameworkNames();
  codeGroups().forEach(function (group) {
    group.classList.toggle('side-by-side', !!shown);
    group.style.setProperty('--framework-columns', shown ? shown.length : 1);
    panelsOf(group).forEach(function (panel, i) {
      panel.toggleAttribute('data-shown', !!shown && shown.indexOf(names[i]) >= 0);
    });
    var tools = group.querySelector(':scope > .code-group-tools');
    tools.querySelector('.side-by-side-toggle').setAttribute('aria-pressed', shown ? 'true' : 'false');
    tools.querySelectorAll('.framework-column input').forEach(function (box) {
      box.checked = !!shown && shown.indexOf(box.value) >= 0;
    });
  });
  focusScrollables();
}

function addTools(group) {
  var names = frameworkNames();
  var tools = document.createElement('div');
  tools.className = 'code-group-tools';

  var link = document.createElement('button');
  link.type = 'button';
  link.className = 'framework-link';
  link.textContent = frameworkWord('link', {});
  link.addEventListener('click', function () { copyLink(link); });
  link.addEventListener('focus', function () {
    link.setAttribute('aria-label', frameworkWord('linkLabel', {framework: frameworkTitle(selectedFramework())}));
  });
  var status = document.createElement('span');
  status.className = 'framework-link-status';
  status.setAttribute('role', 'status');

  var toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'side-by-side-toggle';
  toggle.textContent = frameworkWord('sideBySide', {});
  toggle.setAttribute('aria-pressed', 'false');
  toggle.addEventListener('click', function () {
    showColumns(shownColumns() ? null : names);
  });

  var columns = document.createElement('fieldset');
  columns.className = 'framework-columns';
  var legend = document.createElement('legend');
  legend.textContent = frameworkWord('columns', {});
  columns.appendChild(legend);
  names.forEach(function (name) {
    var label = document.createElement('label');
    label.className = 'framework-column';
    var box = document.createElement('input');
    box.type = 'checkbox';
    box.value = name;
    box.addEventListener('change', function () {
      var shown = (shownColumns() || []).filter(function (n) { return n !== name; });
      if (box.checked) shown.push(name);
      shown.sort(function (a, b) { return names.indexOf(a) - names.indexOf(b); });
      showColumns(shown.length ? shown : null);
    });
    label.appendChild(box);
    label.appendChild(document.createTextNode(' ' + frameworkTitle(name)));
    columns.appendChild(label);
  });

  tools.appendChild(link);
  tools.appendChild(toggle);
  tools.appendChild(columns);
  tools.appendChild(status);
  group.insertBefore(tools, group.firstChild);

  // Each column says which framework it is.
  panelsOf(group).forEach(function (panel, i) {
    var label = document.createElement('p');
    label.className = 'framework-label';
    label.textContent = frameworkTitle(names[i]);
    panel.insertBefore(label, panel.firstChild);
  });
}

// ------------------------------------------------------------ page load ----

$(document).ready(function () {
  // Runs after d2lbook's own ready handler, which selected the first tab.
  var groups = codeGroups();
  groups.forEach(function (group) {
    addTabRoles(group);
    addTools(group);
  });
  var names = frameworkNames();
  // Any page takes the link's framework, with code groups or not.
  var known = Object.keys(FRAMEWORK_TITLES);
  var asked = (new URLSearchParams(window.location.search).get('framework') || '').toLowerCase();
  var name = known.indexOf(asked) >= 0 ? asked : null;
  if (name) {
    tagClick(name); // a link's framework is remembered as a click's would be
  } else {
    name = storedValue(FRAMEWORK_STORAGE_KEY);
  }
  var index = names.indexOf(name);
  select_tab(index >= 0 ? index : 0);
  // A page without code groups has no tabs to select.
  keepFrameworkInLinks(name || names[0]);
  if (groups.length) {
    showColumns(shownColumns());
  }
  focusScrollables();
  document.documentElement.setAttribute('data-ready', 'true');
});
