/* Links that keep the reader's framework: a bar button that copies a link
 * to the page on it (`?framework=jax`); each code group's small link to
 * itself (`?framework=jax#<group id>`); on an edition's page, the links of
 * its translation notes to the English page. And the jump to the place an
 * address's #fragment names, once the page has settled.
 */
BookPage.feature('links', function (page) {
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
    var link = page.element('a', 'code-group-link', '#');
    link.setAttribute('data-group', group.id);
    var bar = group.querySelector(':scope > .mdl-tabs__tab-bar');
    group.insertBefore(link, bar.nextSibling);
  }

  function keepFrameworkInGroupLinks(name) {
    document.querySelectorAll('a.code-group-link').forEach(function (link) {
      link.href = '?framework=' + encodeURIComponent(name) + '#' + link.getAttribute('data-group');
      link.setAttribute('aria-label', page.words('groupLink', {framework: page.title(name)}));
    });
  }

  // A translation note's link to the English page (tools/bookbuild/editions/
  // markers.py) opens it on the framework the reader is on.
  function keepFrameworkInNoteLinks(name) {
    document.querySelectorAll('a.translation-note__link').forEach(function (link) {
      var url = new URL(link.getAttribute('href'), window.location.href);
      url.searchParams.set('framework', name);
      link.href = url.href;
    });
  }

  function selected() {
    var tab = document.querySelector('.mdl-tabs__tab[aria-selected="true"]');
    return tab ? tab.textContent.trim() : page.names()[0];
  }

  function copyLink(button) {
    var url = new URL(window.location.href);
    url.search = '?framework=' + encodeURIComponent(selected());
    url.hash = '';
    button.setAttribute('data-link', url.href);
    var status = document.querySelector('.framework-link-status');
    // Emptied first, so that a screen reader says it again on a second copy.
    status.textContent = '';
    var done = function () {
      window.requestAnimationFrame(function () {
        status.textContent = page.words('copied', {url: url.href});
      });
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url.href).then(done, done);
    } else {
      done();
    }
  }

  function addLinkButton(bar) {
    var link = page.element('button', 'framework-link', page.words('link', {}));
    link.type = 'button';
    link.addEventListener('click', function () { copyLink(link); });
    link.addEventListener('focus', function () {
      link.setAttribute('aria-label', page.words('linkLabel', {framework: page.title(selected())}));
    });
    var status = page.element('span', 'framework-link-status');
    status.setAttribute('role', 'status');
    bar.appendChild(link);
    bar.appendChild(status);
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

  var groups = page.groups();
  nameGroups(groups);
  groups.forEach(addGroupLink);
  if (page.bar) addLinkButton(page.bar);
  page.onFramework(function (name) {
    if (!name) return;
    keepFrameworkInNoteLinks(name);
    keepFrameworkInGroupLinks(name);
  });
  // A link to a place on the page: a code group's id exists only now, so
  // the browser found nothing to scroll to; and a heading the browser did
  // scroll to moves when the header folds. Scroll once the header has folded.
  // <html> gets data-scrolled="true" once the page is where the link said.
  page.whenReady(function () {
    var target = linkedElement();
    if (!target) return;
    whenLaidOut(function () {
      withHeaderFolded(function () {
        target.scrollIntoView();
        document.documentElement.setAttribute('data-scrolled', 'true');
      });
    });
  });
});
