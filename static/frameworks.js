/* The reader's framework, on every page of the book and every edition.
 *
 * d2lbook's select_tab(i) shows framework i in every code group when a tab
 * is clicked. On top of it, this script
 *   - remembers the choice (localStorage), so that a reload or another page
 *     opens on it;
 *   - opens on the framework a link names, `page.html?framework=jax`, and
 *     remembers it as a click would (an unknown name is ignored);
 *   - gives a page with code groups one bar of controls, which stays under
 *     the header while the reader scrolls: the framework, side by side (and
 *     which frameworks to show), and a button that copies a link to the
 *     page on the selected framework. Each code group keeps only its tabs,
 *     and a small link to itself (`?framework=jax#<group id>`);
 *   - shows the code groups' frameworks side by side, all of them or those
 *     the reader ticks, each column labelled, with its outputs under its
 *     code; four to a row on wide screens, two on narrower ones, and back
 *     to tabs on a phone (book.css). Long lines wrap there, with a hanging
 *     indent, so that no code is cut off at a column's edge;
 *   - makes the tab bars tabs for keyboards and screen readers: tablist, tab
 *     and tabpanel roles, aria-selected and aria-controls; the arrow keys,
 *     Home and End move between tabs, and Enter or Space selects one;
 *   - shows a preview of a cross-reference's target (its number, title and
 *     first paragraph) or of a citation's full reference, on hover or
 *     focus; Escape closes it. The build writes each page's previews into
 *     the page (render/previews.py), so they work offline;
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
  markBarChoice(index);
  focusScrollables();
  keepFrameworkInLinks(frameworkNames()[index]);
  keepFrameworkInGroupLinks(frameworkNames()[index]);
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

// ------------------------------------------------------------- the bar ----

function element(tag, className, text) {
  var made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

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
  var status = document.querySelector('.framework-link-status');
  // Emptied first, so that a screen reader says it again on a second copy.
  status.textContent = '';
  var done = function () {
    window.requestAnimationFrame(function () {
      status.textContent = frameworkWord('copied', {url: url});
    });
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(url).then(done, done);
  } else {
    done();
  }
}

function markBarChoice(index) {
  document.querySelectorAll('.framework-choice input').forEach(function (radio, i) {
    radio.checked = i === index;
  });
}

// The framework: one radio button per framework, so that the arrow keys
// move between them as in any radio group.
function frameworkChoice(names) {
  var choice = element('fieldset', 'framework-choice');
  choice.appendChild(element('legend', '', frameworkWord('tabs', {})));
  names.forEach(function (name, i) {
    var option = element('label', 'framework-choice__option');
    var radio = element('input');
    radio.type = 'radio';
    radio.name = 'framework-choice';
    radio.value = name;
    radio.addEventListener('change', function () {
      if (!radio.checked) return;
      tagClick(name);
      select_tab(i);
    });
    option.appendChild(radio);
    option.appendChild(element('span', '', frameworkTitle(name)));
    choice.appendChild(option);
  });
  return choice;
}

function sideBySideControls(names) {
  var toggle = element('button', 'side-by-side-toggle', frameworkWord('sideBySide', {}));
  toggle.type = 'button';
  toggle.setAttribute('aria-pressed', 'false');
  toggle.addEventListener('click', function () {
    showColumns(shownColumns() ? null : names);
  });

  var columns = element('fieldset', 'framework-columns');
  columns.appendChild(element('legend', '', frameworkWord('columns', {})));
  names.forEach(function (name) {
    var label = element('label', 'framework-column');
    var box = element('input');
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
  return [toggle, columns];
}

function linkControls() {
  var link = element('button', 'framework-link', frameworkWord('link', {}));
  link.type = 'button';
  link.addEventListener('click', function () { copyLink(link); });
  link.addEventListener('focus', function () {
    link.setAttribute('aria-label', frameworkWord('linkLabel', {framework: frameworkTitle(selectedFramework())}));
  });
  var status = element('span', 'framework-link-status');
  status.setAttribute('role', 'status');
  return [link, status];
}

// One bar for the page, under its title (and the title's notebook buttons).
function addBar(names) {
  var bar = element('div', 'framework-bar');
  bar.setAttribute('role', 'group');
  bar.setAttribute('aria-label', frameworkWord('bar', {}));
  bar.appendChild(frameworkChoice(names));
  sideBySideControls(names).concat(linkControls()).forEach(function (control) {
    bar.appendChild(control);
  });
  var title = document.querySelector('.page-content h1');
  if (title) {
    title.parentNode.insertBefore(bar, title.nextSibling);
  } else {
    var content = document.querySelector('.page-content');
    content.insertBefore(bar, content.firstChild);
  }
  // A jump to a heading or a code group stops below the bar, however many
  // lines the bar takes at this width (book.css, scroll-margin-top).
  var keepClear = function () {
    document.documentElement.style.setProperty('--custom-layers-bar-height', bar.offsetHeight + 8 + 'px');
  };
  keepClear();
  if (window.ResizeObserver) new ResizeObserver(keepClear).observe(bar);
}

// ------------------------------------------------- each group's own link ----

// A group's id: its section's, and its place in that section, so that a
// link to it survives edits in other sections (while the section keeps its
// id: in an edition whose titles are not in Latin letters, Sphinx numbers
// the sections' ids, id2, id3, ...).
function nameGroups(groups) {
  var counts = {};
  groups.forEach(function (group) {
    var section = group.closest('section');
    var base = (section && section.id) || 'page';
    counts[base] = (counts[base] || 0) + 1;
    group.id = base + '-code-' + counts[base];
  });
}

// After the tab bar, where it shows (book.css): the keyboard reaches it
// after the tabs.
function addGroupLink(group) {
  var link = element('a', 'code-group-link', '#');
  link.setAttribute('data-group', group.id);
  var bar = group.querySelector(':scope > .mdl-tabs__tab-bar');
  group.insertBefore(link, bar.nextSibling);
}

function keepFrameworkInGroupLinks(name) {
  if (!name) return;
  document.querySelectorAll('a.code-group-link').forEach(function (link) {
    link.href = '?framework=' + encodeURIComponent(name) + '#' + link.getAttribute('data-group');
    link.setAttribute('aria-label', frameworkWord('groupLink', {framework: frameworkTitle(name)}));
  });
}

// ------------------------------------------------------------- columns ----

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
    group.style.setProperty('--framework-columns-narrow', shown ? Math.min(shown.length, 2) : 1);
    panelsOf(group).forEach(function (panel, i) {
      panel.toggleAttribute('data-shown', !!shown && shown.indexOf(names[i]) >= 0);
    });
  });
  var bar = document.querySelector('.framework-bar');
  bar.classList.toggle('side-by-side', !!shown);
  bar.querySelector('.side-by-side-toggle').setAttribute('aria-pressed', shown ? 'true' : 'false');
  bar.querySelectorAll('.framework-column input').forEach(function (box) {
    box.checked = !!shown && shown.indexOf(box.value) >= 0;
  });
  focusScrollables();
}

// Each line of a code or output box in its own span, with its indent, so
// that in a narrow column a long line wraps under its own start, not under
// the start of the box (book.css). The text stays exactly the same.
function splitLines(box) {
  var lines = [[]];
  Array.from(box.childNodes).forEach(function (node) {
    var pieces = node.textContent.split('\n');
    pieces.forEach(function (piece, i) {
      if (i > 0) lines.push([]);
      if (!piece) return;
      var line = lines[lines.length - 1];
      var indent = line.length ? '' : /^ */.exec(piece)[0];
      if (indent) {
        // A line's indent in a span of its own, which a narrow column may
        // show narrower (book.css): it holds nothing but spaces.
        line.push(element('span', 'code-indent', indent));
        piece = piece.slice(indent.length);
        if (!piece) return;
      }
      if (node.nodeType === Node.TEXT_NODE) {
        lines[lines.length - 1].push(document.createTextNode(piece));
      } else {
        var copy = node.cloneNode(false);
        copy.textContent = piece;
        lines[lines.length - 1].push(copy);
      }
      // A long name such as tf.keras.layers.Layer may break after its dots,
      // brackets and commas before it breaks anywhere else.
      if (/[.(\[,]$/.test(piece)) lines[lines.length - 1].push(element('wbr'));
    });
  });
  var ended = lines.length > 1 && lines[lines.length - 1].length === 0;
  if (ended) lines.pop();
  box.textContent = '';
  lines.forEach(function (nodes, i) {
    var line = element('span', 'code-line');
    nodes.forEach(function (node) { line.appendChild(node); });
    var indent = /^ */.exec(line.textContent)[0].length;
    line.style.setProperty('--indent', indent);
    if (i < lines.length - 1 || ended) line.appendChild(document.createTextNode('\n'));
    box.appendChild(line);
  });
}

function addColumnLabels(group) {
  var names = frameworkNames();
  panelsOf(group).forEach(function (panel, i) {
    panel.insertBefore(element('p', 'framework-label', frameworkTitle(names[i])), panel.firstChild);
    panel.querySelectorAll('pre').forEach(splitLines);
  });
}

// d2lbook's copy buttons copy what a reader would select in the box, and a
// selection across the lines' spans can differ from the code when the lines
// wrap: a button copies the box's text instead, which is the code exactly.
// (Set on the click, in the capture phase, before ClipboardJS reads it.)
document.addEventListener('click', function (event) {
  var button = event.target.closest && event.target.closest('a.copybtn[data-clipboard-target]');
  if (!button) return;
  var box = document.querySelector(button.getAttribute('data-clipboard-target'));
  if (box) button.setAttribute('data-clipboard-text', box.textContent);
}, true);

// ------------------------------------------------------------ previews ----

// What the build wrote into the page (render/previews.py): for each link
// target the page has, its number, title and first paragraph, or a
// citation's full reference.
function pagePreviews() {
  var data = document.getElementById('book-previews');
  if (!data) return {};
  try {
    return JSON.parse(data.textContent);
  } catch (error) {
    return {};
  }
}

var PREVIEW_ID = 'reference-preview';

function previewBox() {
  var box = document.getElementById(PREVIEW_ID);
  if (box) return box;
  box = element('div', 'reference-preview');
  box.id = PREVIEW_ID;
  box.setAttribute('role', 'tooltip');
  box.hidden = true;
  // Hovering the preview keeps it open; leaving it for anything but its
  // link closes it.
  box.addEventListener('mouseleave', function (event) {
    if (box.previewLink && event.relatedTarget !== box.previewLink
        && !box.previewLink.contains(event.relatedTarget)) {
      hidePreview();
    }
  });
  document.body.appendChild(box);
  return box;
}

// Under the link, or above it when there is no room below; never off the
// window's edge.
function placePreview(box, link) {
  box.style.left = '0px';
  box.style.top = '0px';
  var at = link.getBoundingClientRect();
  var width = box.offsetWidth;
  var left = Math.max(8, Math.min(at.left, window.innerWidth - width - 8));
  var top = at.bottom;
  if (top + box.offsetHeight > window.innerHeight - 8 && at.top > box.offsetHeight) {
    top = at.top - box.offsetHeight;
  }
  box.style.left = left + 'px';
  box.style.top = top + 'px';
}

function showPreview(link, preview) {
  var box = previewBox();
  if (box.previewLink && box.previewLink !== link) box.previewLink.removeAttribute('aria-describedby');
  box.previewLink = link;
  box.setAttribute('data-kind', preview.kind);
  var mathjax = window.MathJax && MathJax.typesetPromise;
  if (mathjax && MathJax.typesetClear) MathJax.typesetClear([box]);
  box.textContent = '';
  var heading = element('p', 'reference-preview__title');
  if (preview.number) heading.appendChild(element('span', 'reference-preview__number', preview.number + ' '));
  heading.appendChild(document.createTextNode(preview.title));
  box.appendChild(heading);
  if (preview.text) {
    var text = element('p', 'reference-preview__text');
    text.innerHTML = preview.text; // written by the build from the book's own pages
    box.appendChild(text);
  }
  box.hidden = false;
  placePreview(box, link);
  link.setAttribute('aria-describedby', PREVIEW_ID);
  if (mathjax && box.querySelector('.math')) {
    // Typeset math changes the box's size: place it again.
    MathJax.typesetPromise([box]).then(function () {
      if (box.previewLink === link) placePreview(box, link);
    });
  }
  box.setAttribute('data-open', 'true');
}

function hidePreview() {
  var box = document.getElementById(PREVIEW_ID);
  if (!box || box.hidden) return;
  if (box.previewLink) box.previewLink.removeAttribute('aria-describedby');
  box.previewLink = null;
  box.hidden = true;
  box.removeAttribute('data-open');
}

// When the page scrolls: a preview opened by the keyboard follows its link
// (focusing a link scrolls it into view), as long as the link is in the
// window; one opened by the pointer closes, since the link moved away.
function followOrHidePreview() {
  var box = document.getElementById(PREVIEW_ID);
  if (!box || box.hidden || !box.previewLink) return;
  var link = box.previewLink;
  var at = link.getBoundingClientRect();
  var inView = at.bottom > 0 && at.top < window.innerHeight;
  if (document.activeElement === link && inView) {
    placePreview(box, link);
  } else {
    hidePreview();
  }
}

function addPreviews() {
  var previews = pagePreviews();
  document.querySelectorAll('.page-content a.reference.internal').forEach(function (link) {
    if (link.closest('.toctree-wrapper, .localtoc, .side-doc-outline, .globaltoc')) return;
    var preview = previews[link.getAttribute('href')];
    if (!preview) return;
    link.classList.add('has-preview');
    // The preview says it all: no second, native tooltip beside it.
    link.removeAttribute('title');
    var open = function () { showPreview(link, preview); };
    link.addEventListener('mouseenter', open);
    link.addEventListener('focus', open);
    link.addEventListener('blur', hidePreview);
    link.addEventListener('mouseleave', function (event) {
      var box = document.getElementById(PREVIEW_ID);
      if (!box || !box.contains(event.relatedTarget)) hidePreview();
    });
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') hidePreview();
  });
  var content = document.querySelector('.mdl-layout__content');
  if (content) content.addEventListener('scroll', followOrHidePreview, {passive: true});
  window.addEventListener('resize', followOrHidePreview);
}

// ------------------------------------------------------------ page load ----

// The theme's header folds its second row away once the content scrolls
// (Material Design Lite's waterfall header), which moves the content up:
// then() once it has folded and stopped moving.
function withHeaderFolded(then) {
  var header = document.querySelector('.mdl-layout__header--waterfall');
  var content = document.querySelector('.mdl-layout__content');
  if (!header || !content) {
    then();
    return;
  }
  // At most a second or so of frames: should the header never say it has
  // stopped, the page scrolls all the same.
  var frames = 0;
  (function settle() {
    var folded = header.classList.contains('is-compact') && !header.classList.contains('is-animating');
    // A page too short to scroll never folds the header.
    if (folded || content.scrollHeight <= content.clientHeight || frames++ > 90) {
      then();
      return;
    }
    if (content.scrollTop === 0) content.scrollTop = 1;
    window.requestAnimationFrame(settle);
  })();
}

// The element the address's #fragment names, if any.
function linkedElement() {
  if (!window.location.hash) return null;
  try {
    return document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
  } catch (error) {
    return null; // a malformed fragment names nothing
  }
}

function whenLaidOut(then) {
  var layout = document.querySelector('.mdl-layout');
  var shown = getComputedStyle(document.body).display !== 'none';
  if (shown && (!layout || layout.classList.contains('is-upgraded'))) {
    then();
  } else {
    window.requestAnimationFrame(function () { whenLaidOut(then); });
  }
}

$(document).ready(function () {
  // Runs after d2lbook's own ready handler, which selected the first tab.
  var groups = codeGroups();
  var names = frameworkNames();
  nameGroups(groups);
  groups.forEach(function (group) {
    addTabRoles(group);
    addColumnLabels(group);
    addGroupLink(group);
  });
  if (groups.length) addBar(names);
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
  addPreviews();
  focusScrollables();
  // A link to a place on the page: a code group's id exists only now, so
  // the browser found nothing to scroll to; and a heading the browser did
  // scroll to moves when the header folds. Scroll once the header has folded.
  // <html> gets data-scrolled="true" once the page is where the link said.
  var target = linkedElement();
  if (target) {
    whenLaidOut(function () {
      withHeaderFolded(function () {
        target.scrollIntoView();
        document.documentElement.setAttribute('data-scrolled', 'true');
      });
    });
  }
  document.documentElement.setAttribute('data-ready', 'true');
});
