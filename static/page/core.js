/* The page's shared core, loaded before its features (static/page/*.js):
 * the BookPage namespace they all use, the registries the build writes,
 * the reader's framework (remembered, or named by a link), and the one
 * signal the browser tests wait for: data-ready on <html>, set once every
 * feature has set up.
 *
 * config.ini's include_js appends these files, in its order, to d2lbook's
 * _static/d2l.js: plain scripts, no modules (a module fails on a page
 * opened from disk), no network. Each file is one statement that starts
 * with a name, never with a bracket, since d2lbook's last statement before
 * them has no semicolon.
 */
var BookPage = (function () {
  // Every feature, in the order they set up in (the bar before side by
  // side and links, which add their controls to it in this order): one
  // file each in static/page/, which config.ini's include_js loads.
  var FEATURES = ['tabs', 'bar', 'side-by-side', 'links', 'previews', 'report'];
  var FRAMEWORK_STORAGE_KEY = 'custom-layers:framework';

  var setups = {};
  var frameworkListeners = [];
  var readyCallbacks = [];

  // The book's frameworks by tab, and the controls' words by language: the
  // build writes both from its registries, tools/bookbuild/frameworks.py
  // and languages.py, at the top of d2l.js (render/sphinx_extension.py).
  var page = {
    titles: BOOK_FRAMEWORKS,
    // The page's bar of controls, once the bar has set up (bar.js); null on
    // a page without code groups.
    bar: null,
  };

  // A feature's setup runs once the page is loaded, in FEATURES' order.
  page.feature = function (name, setup) {
    if (FEATURES.indexOf(name) < 0 || setups[name]) {
      throw new Error('BookPage: unknown or repeated feature ' + name + ' (static/page/core.js, FEATURES)');
    }
    setups[name] = setup;
  };

  // fn(name, index) whenever the reader's framework is selected; index is
  // -1 on a page without code groups, where name is the one remembered.
  page.onFramework = function (fn) {
    frameworkListeners.push(fn);
  };

  // fn() once every feature has set up and the framework is selected.
  page.whenReady = function (fn) {
    readyCallbacks.push(fn);
  };

  page.words = function (key, values) {
    var tag = document.documentElement.lang;  // the edition's code, or zh-CN for zh
    var words = BOOK_PAGE_WORDS[tag] || BOOK_PAGE_WORDS[tag.split('-')[0]] || BOOK_PAGE_WORDS.en;
    return words[key].replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  };

  page.title = function (name) {
    return page.titles[name] || name;
  };

  page.stored = function (key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null; // storage is off (private mode, blocked cookies)
    }
  };

  page.store = function (key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, value);
      }
    } catch (error) {
      // Storage is off: the choice lasts for this page.
    }
  };

  // The frameworks in tab order, as the first code group lists them.
  page.names = function () {
    var bar = document.querySelector('.mdl-tabs__tab-bar');
    if (!bar) return [];
    return Array.from(bar.querySelectorAll('.mdl-tabs__tab')).map(function (tab) {
      return tab.textContent.trim();
    });
  };

  page.groups = function () {
    return Array.from(document.querySelectorAll('.mdl-tabs')).filter(function (group) {
      return group.querySelector(':scope > .mdl-tabs__tab-bar');
    });
  };

  page.tabsOf = function (group) {
    return Array.from(group.querySelectorAll(':scope > .mdl-tabs__tab-bar > .mdl-tabs__tab'));
  };

  page.panelsOf = function (group) {
    return Array.from(group.querySelectorAll(':scope > .mdl-tabs__panel'));
  };

  page.element = function (tag, className, text) {
    var made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  };

  // A code or output box wider than its column scrolls sideways; keyboard
  // users reach it with Tab and scroll it with the arrow keys.
  page.focusScrollables = function () {
    document.querySelectorAll('.highlight pre').forEach(function (box) {
      if (box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight) {
        box.tabIndex = 0;
      } else {
        box.removeAttribute('tabindex');
      }
    });
  };
  window.addEventListener('resize', page.focusScrollables);
  // Sizes settle once the fonts and MathJax have loaded.
  window.addEventListener('load', function () {
    page.focusScrollables();
    if (document.fonts) document.fonts.ready.then(page.focusScrollables);
    if (window.MathJax && MathJax.startup) MathJax.startup.promise.then(page.focusScrollables);
  });

  // d2lbook's select_tab(i) shows framework i in every code group; the
  // features follow it through onFramework.
  var d2lbookSelectTab = select_tab;
  select_tab = function (index) {
    d2lbookSelectTab(index);
    var name = page.names()[index];
    frameworkListeners.forEach(function (fn) { fn(name, index); });
    page.focusScrollables();
  };

  // d2lbook's two hooks, which its analytics loader used to define (the
  // book loads none; render/sphinx_extension.py removes the loader). Every
  // tab link calls tagClick('<framework>'): the choice is remembered, so
  // that a reload or another page opens on it. The notebook buttons call
  // captureOutboundLink before leaving the page.
  window.tagClick = function (name) {
    page.store(FRAMEWORK_STORAGE_KEY, name);
  };
  window.captureOutboundLink = function (url) {
    window.location.href = url;
  };

  // The framework a link names (page.html?framework=jax, remembered as a
  // click would be; an unknown name is ignored), else the remembered one.
  function selectReadersFramework() {
    var asked = (new URLSearchParams(window.location.search).get('framework') || '').toLowerCase();
    var known = function (name) { return Object.prototype.hasOwnProperty.call(page.titles, name); };
    var name = known(asked) ? asked : page.stored(FRAMEWORK_STORAGE_KEY);
    if (known(asked)) window.tagClick(asked);
    if (!known(name)) name = null;
    var names = page.names();
    var index = names.indexOf(name);
    select_tab(index >= 0 ? index : 0);
    // A page without code groups has no tabs, but its links may name one.
    if (!names.length && name) {
      frameworkListeners.forEach(function (fn) { fn(name, -1); });
    }
  }

  // After d2lbook's own ready handler (registered earlier in d2l.js), which
  // selected the first tab. jQuery runs ready handlers in that order; a
  // DOMContentLoaded listener might run before d2lbook's.
  $(document).ready(function () {
    var problems = [];
    var attempt = function (what, fn) {
      try {
        fn();
      } catch (error) {
        problems.push(what + ' failed: ' + ((error && error.stack) || error));
      }
    };
    FEATURES.forEach(function (name) {
      if (setups[name]) {
        attempt(name, function () { setups[name](page); });
      } else {
        problems.push('static/page/' + name + '.js did not load (config.ini, include_js)');
      }
    });
    attempt('selecting the framework', selectReadersFramework);
    readyCallbacks.forEach(function (fn) { attempt('a ready callback', fn); });
    page.focusScrollables();
    problems.forEach(function (problem) { console.error('BookPage: ' + problem); });
    // "false": the page is as ready as it will get, with a feature missing
    // or broken; a test fails at once, with the console's reason.
    document.documentElement.setAttribute('data-ready', problems.length ? 'false' : 'true');
  });

  return page;
})();
