
/* The reader's framework sticks. d2lbook's select_tab(i) switches every code
 * group on the page when a tab is clicked; this remembers the choice in the
 * browser's localStorage and selects it again when the reader reloads or
 * opens another page of the book, instead of falling back to the first tab.
 * Appended to _static/d2l.js through config.ini's [html] include_js. */
var FRAMEWORK_STORAGE_KEY = 'custom-layers:framework';

function rememberFramework(name) {
  try {
    window.localStorage.setItem(FRAMEWORK_STORAGE_KEY, name);
  } catch (error) {
    // Storage is off (private mode, blocked cookies): the choice lasts for this page.
  }
}

function rememberedFramework() {
  try {
    return window.localStorage.getItem(FRAMEWORK_STORAGE_KEY);
  } catch (error) {
    return null;
  }
}

// Every tab link calls tagClick('<framework>') (d2lbook used it to report the
// click to Google Analytics, which the book no longer loads).
var tagClick = function (name) {
  rememberFramework(name);
};

// d2lbook's "Open in Colab" buttons call this before leaving the page.
var captureOutboundLink = function (url) {
  window.location.href = url;
};

$(document).ready(function () {
  // Runs after d2lbook's own ready handler, which selected the first tab.
  var name = rememberedFramework();
  if (!name) {
    return;
  }
  var names = $('.mdl-tabs__tab-bar').first().find('.mdl-tabs__tab').map(function () {
    return $(this).text().trim();
  }).get();
  var index = names.indexOf(name);
  if (index >= 0) {
    select_tab(index);
  }
});
