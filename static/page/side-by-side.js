/* Side by side: the code groups' frameworks in columns, all of them or
 * those the reader ticks in the bar (remembered), each column labelled,
 * with its outputs under its code; four to a row on wide screens, two on
 * narrower ones, and back to tabs on a phone (book.css). Long lines wrap
 * there with a hanging indent, so that no code is cut off at a column's
 * edge, and a copy button still copies the code exactly.
 */
BookPage.feature('side-by-side', function (page) {
  var COLUMNS_STORAGE_KEY = 'custom-layers:side-by-side';

  // The frameworks shown side by side, or null for tabs.
  function shownColumns() {
    var stored = page.stored(COLUMNS_STORAGE_KEY);
    if (!stored) return null;
    try {
      var names = page.names();
      var shown = JSON.parse(stored).filter(function (name) { return names.indexOf(name) >= 0; });
      return shown.length ? shown : null;
    } catch (error) {
      return null;
    }
  }

  function showColumns(shown) {
    page.store(COLUMNS_STORAGE_KEY, shown ? JSON.stringify(shown) : null);
    document.body.classList.toggle('framework-columns-on', !!shown);
    var names = page.names();
    page.groups().forEach(function (group) {
      group.classList.toggle('side-by-side', !!shown);
      group.style.setProperty('--framework-columns', shown ? shown.length : 1);
      group.style.setProperty('--framework-columns-narrow', shown ? Math.min(shown.length, 2) : 1);
      page.panelsOf(group).forEach(function (panel, i) {
        panel.toggleAttribute('data-shown', !!shown && shown.indexOf(names[i]) >= 0);
      });
    });
    page.bar.classList.toggle('side-by-side', !!shown);
    page.bar.querySelector('.side-by-side-toggle').setAttribute('aria-pressed', shown ? 'true' : 'false');
    page.bar.querySelectorAll('.framework-column input').forEach(function (box) {
      box.checked = !!shown && shown.indexOf(box.value) >= 0;
    });
    page.focusScrollables();
  }

  // The toggle, and which frameworks to show.
  function controls(names) {
    var toggle = page.element('button', 'side-by-side-toggle', page.words('sideBySide', {}));
    toggle.type = 'button';
    toggle.setAttribute('aria-pressed', 'false');
    toggle.addEventListener('click', function () {
      showColumns(shownColumns() ? null : names);
    });
    var columns = page.element('fieldset', 'framework-columns');
    columns.appendChild(page.element('legend', '', page.words('columns', {})));
    names.forEach(function (name) {
      var label = page.element('label', 'framework-column');
      var box = page.element('input');
      box.type = 'checkbox';
      box.value = name;
      box.addEventListener('change', function () {
        var shown = (shownColumns() || []).filter(function (n) { return n !== name; });
        if (box.checked) shown.push(name);
        shown.sort(function (a, b) { return names.indexOf(a) - names.indexOf(b); });
        showColumns(shown.length ? shown : null);
      });
      label.appendChild(box);
      label.appendChild(document.createTextNode(' ' + page.title(name)));
      columns.appendChild(label);
    });
    return [toggle, columns];
  }

  // Each line of a code or output box in its own span, with its indent, so
  // that in a narrow column a long line wraps under its own start, not under
  // the start of the box (book.css). The text stays exactly the same.
  function splitLines(box) {
    var lines = [[]];
    Array.from(box.childNodes).forEach(function (node) {
      node.textContent.split('\n').forEach(function (piece, i) {
        if (i > 0) lines.push([]);
        if (!piece) return;
        var line = lines[lines.length - 1];
        var indent = line.length ? '' : /^ */.exec(piece)[0];
        if (indent) {
          // A line's indent in a span of its own, which a narrow column may
          // show narrower (book.css): it holds nothing but spaces.
          line.push(page.element('span', 'code-indent', indent));
          piece = piece.slice(indent.length);
          if (!piece) return;
        }
        if (node.nodeType === Node.TEXT_NODE) {
          line.push(document.createTextNode(piece));
        } else {
          var copy = node.cloneNode(false);
          copy.textContent = piece;
          line.push(copy);
        }
        // A long name such as tf.keras.layers.Layer may break after its dots,
        // brackets and commas before it breaks anywhere else.
        if (/[.(\[,]$/.test(piece)) line.push(page.element('wbr'));
      });
    });
    var ended = lines.length > 1 && lines[lines.length - 1].length === 0;
    if (ended) lines.pop();
    box.textContent = '';
    lines.forEach(function (nodes, i) {
      var line = page.element('span', 'code-line');
      nodes.forEach(function (node) { line.appendChild(node); });
      line.style.setProperty('--indent', /^ */.exec(line.textContent)[0].length);
      if (i < lines.length - 1 || ended) line.appendChild(document.createTextNode('\n'));
      box.appendChild(line);
    });
  }

  function addColumnLabels(group, names) {
    page.panelsOf(group).forEach(function (panel, i) {
      panel.insertBefore(page.element('p', 'framework-label', page.title(names[i])), panel.firstChild);
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

  if (!page.bar) return; // a page without code groups
  var names = page.names();
  page.groups().forEach(function (group) { addColumnLabels(group, names); });
  controls(names).forEach(function (control) { page.bar.appendChild(control); });
  showColumns(shownColumns());
});
