/* The page's one bar of code controls, under its title, which stays under
 * the header while the reader scrolls (book.css): the framework, as radio
 * buttons. Side by side and links add their controls to it (page.bar).
 * Only a page with code groups has one.
 */
BookPage.feature('bar', function (page) {
  function markBarChoice(index) {
    document.querySelectorAll('.framework-choice input').forEach(function (radio, i) {
      radio.checked = i === index;
    });
  }

  // One radio button per framework, so that the arrow keys move between
  // them as in any radio group.
  function frameworkChoice(names) {
    var choice = page.element('fieldset', 'framework-choice');
    choice.appendChild(page.element('legend', '', page.words('tabs', {})));
    names.forEach(function (name, i) {
      var option = page.element('label', 'framework-choice__option');
      var radio = page.element('input');
      radio.type = 'radio';
      radio.name = 'framework-choice';
      radio.value = name;
      radio.addEventListener('change', function () {
        if (!radio.checked) return;
        window.tagClick(name);
        select_tab(i);
      });
      option.appendChild(radio);
      option.appendChild(page.element('span', '', page.title(name)));
      choice.appendChild(option);
    });
    return choice;
  }

  // Under the page's title (and the title's notebook buttons).
  function addBar(names) {
    var bar = page.element('div', 'framework-bar');
    bar.setAttribute('role', 'group');
    bar.setAttribute('aria-label', page.words('bar', {}));
    bar.appendChild(frameworkChoice(names));
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
    if (window.ResizeObserver) new ResizeObserver(keepClear).observe(bar);
    // Measured once the other features have added their controls, before
    // any jump to the address's #fragment (links.js).
    page.whenReady(keepClear);
    return bar;
  }

  if (!page.groups().length) return;
  page.bar = addBar(page.names());
  page.onFramework(function (name, index) { markBarChoice(index); });
});
