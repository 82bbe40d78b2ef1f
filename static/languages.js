
/* Language switch: links from every page to the same page in the book's
   other editions. The English site is _build/html/, an edition is
   _build/<lang>/html/; Sphinx tells each page where its site's root is.
   (No wrapping (function () {...})(): d2lbook appends this file to its own
   d2l.js, whose last statement has no semicolon.) */
function addLanguageLinks() {
  // Every edition, its name and its site's folder: the build writes
  // BOOK_EDITIONS from tools/bookbuild/languages.py at the top of d2l.js.
  const editions = BOOK_EDITIONS;
  const options = document.getElementById('documentation_options');
  const nav = document.querySelector('.header-links nav.mdl-navigation');
  if (!options || !nav) return;
  // The page's language tag names the edition, or starts with its code:
  // the Chinese edition, zh, is marked zh-CN (Simplified).
  const tag = document.documentElement.lang;
  const lang = [tag, tag.split('-')[0]].find((code) => code in editions) || 'en';
  const siteRoot = new URL(options.getAttribute('data-url_root') || './', window.location.href);
  const page = window.location.href.slice(siteRoot.href.length).split('#')[0];
  const buildRoot = new URL(lang === 'en' ? '../' : '../../', siteRoot);
  for (const other of Object.keys(editions)) {
    if (other === lang) continue;
    const link = document.createElement('a');
    link.className = 'mdl-navigation__link language-link';
    link.hreflang = other;
    link.lang = other;
    link.href = new URL(editions[other].site + page, buildRoot).href;
    link.textContent = editions[other].name;
    nav.appendChild(link);
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', addLanguageLinks);
} else {
  addLanguageLinks();
}
