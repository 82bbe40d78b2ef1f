/* Previews of references: on hover or focus, a cross-reference shows its
 * target's number, title and first paragraph, and a citation its full
 * reference; Escape closes it. The build writes each page's previews into
 * the page (tools/bookbuild/render/previews.py), so they work offline.
 */
BookPage.feature('previews', function (page) {
  var PREVIEW_ID = 'reference-preview';

  // What the build wrote into the page: for each link target the page has,
  // its number, title and first paragraph, or a citation's full reference.
  function pagePreviews() {
    var data = document.getElementById('book-previews');
    if (!data) return {};
    try {
      return JSON.parse(data.textContent);
    } catch (error) {
      return {};
    }
  }

  function previewBox() {
    var box = document.getElementById(PREVIEW_ID);
    if (box) return box;
    box = page.element('div', 'reference-preview');
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
    var heading = page.element('p', 'reference-preview__title');
    if (preview.number) heading.appendChild(page.element('span', 'reference-preview__number', preview.number + ' '));
    heading.appendChild(document.createTextNode(preview.title));
    box.appendChild(heading);
    if (preview.text) {
      var text = page.element('p', 'reference-preview__text');
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
});
