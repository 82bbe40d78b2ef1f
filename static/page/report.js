/* The "Report a problem" link after the page's title. The build writes it
 * (tools/bookbuild/render/report_link.py) with an address that opens the
 * book's issue form for the page's first framework and its title's
 * section: what a reader without JavaScript gets. Here it follows the
 * reader's framework, as the launch buttons do, with that framework's
 * outputs line, and when it is followed (a click, Enter, a middle click or
 * the context menu) it names the section the reader is in: the last
 * heading that starts above the link's lower edge. The link stays in view
 * under the bar as the page scrolls (book.css), so that heading is the one
 * the reader has just passed, whatever the reader scrolled to.
 */
BookPage.feature('report', function (page) {
  var link = document.querySelector('a.report-problem');
  if (!link) return;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  // Every section's heading, in the page's order.
  function headings() {
    return Array.from(document.querySelectorAll('.page-content section')).map(function (section) {
      return section.querySelector(':scope > h1, :scope > h2, :scope > h3, :scope > h4, :scope > h5, :scope > h6');
    }).filter(Boolean);
  }

  function sectionHere() {
    var edge = link.getBoundingClientRect().bottom;
    var here = null;
    headings().forEach(function (heading) {
      if (heading.getBoundingClientRect().top <= edge) here = heading;
    });
    return here;
  }

  // '1.1.3 Layers with Parameters': the heading's number and words, without
  // its permalink and (in the title) the launch buttons.
  function sectionText(heading) {
    var words = heading.cloneNode(true);
    var number = words.querySelector('.section-number');
    words.querySelectorAll('.section-number, .headerlink, .d2l-tabs').forEach(function (part) {
      part.remove();
    });
    var title = words.textContent.replace(/\s+/g, ' ').trim();
    var count = number ? number.textContent.trim().replace(/\.$/, '') : '';
    return count ? count + ' ' + title : title;
  }

  // The link's address for a framework (name) and, when given, a section.
  function update(name, heading) {
    var address = new URL(link.href);
    var query = address.searchParams;
    var pageAddress = new URL(query.get('page'));
    pageAddress.searchParams.set('framework', name);
    if (heading) {
      pageAddress.hash = heading.parentElement.id;
      query.set('section', sectionText(heading));
    }
    query.set('page', pageAddress.href);
    query.set('framework', name);
    query.set('labels', 'edition: ' + query.get('edition') + ',framework: ' + name);
    var outputs = document.querySelector('.outputs-from[data-framework="' + name + '"]');
    if (outputs) {
      query.set('versions', outputs.textContent.trim());
    } else {
      query.delete('versions');
    }
    var title = page.title(name);
    query.set('title', fill(link.getAttribute('data-title'), {section: query.get('section'), framework: title}));
    link.href = address.href;
    link.setAttribute('aria-label', fill(link.getAttribute('data-label'), {framework: title}));
  }

  // The bar of code controls goes right after the title (bar.js): the link
  // stays before it, under the launch buttons, and before it for the keyboard.
  if (page.bar && page.bar.nextElementSibling === link) {
    page.bar.parentNode.insertBefore(link, page.bar);
  }

  var selected = new URL(link.href).searchParams.get('framework');
  page.onFramework(function (name) {
    if (!name) return;
    selected = name;
    update(name, null);
  });
  // Before the browser follows the link, or offers to copy or open it.
  ['click', 'auxclick', 'contextmenu'].forEach(function (kind) {
    link.addEventListener(kind, function () { update(selected, sectionHere()); });
  });
});
