"""The Chinese edition's search: how its pages and its readers' queries are
split into words, for Sphinx's search index and search page.

Chinese has no spaces between words. Sphinx 5.3's own Chinese search
(sphinx.search.zh.SearchChinese) splits pages with jieba, and without it
indexes no Chinese at all; it drops every one-character word, so 层 (layer)
is never found; and in the browser it splits a query only at spaces and
punctuation. The class here, Sphinx's class with those three parts
replaced, is registered for the zh edition only (register, below). It

* splits a page's Chinese with jieba's search mode (each word, and the
  dictionary's words inside it: 自定义 and 定义 in 自定义层), on a tokenizer
  of its own whose dictionary adds every Chinese word of the glossary
  (docs/glossary.md of the book being built), so that a term such as
  自定义层 is one word;
* keeps the glossary's one-character words (层): where jieba leaves one
  alone, and as the last character of a longer word, since a Chinese
  compound names its kind last (全连接层 is a 层). It keeps a few more where
  jieba leaves them alone, the one-character nouns the pages use as words
  of their own (SEARCH_ONLY_WORDS), but not as the end of a longer word:
  类 ends 子类 (subclass) and also 这类 ("this kind"). Every other
  one-character word stays out, as in Sphinx: most are particles (的, 了)
  or pieces of words (器 of 初始化器, once 初始化 is a word);
* splits a query in the browser, where there is no jieba, by longest match
  against the words of the index (and the glossary's), falling back to
  single characters. The index holds exactly the words the pages were split
  into, the words inside words included, so a query falls into the words a
  page was split into wherever a page has them. A run of characters that no
  page has as a word falls into single characters that are not in the index
  either, and finds nothing, as a word the book does not have should.
  Segmenting the query with jieba itself would mean shipping its 5 MB
  dictionary to every reader for a few characters, and splitting it
  differently from the index whenever the two dictionaries disagree;
* lists only the pages that hold every word of the query. Sphinx 5.3
  requires only the words of three characters or more and lets shorter
  ones be missing, so for a Chinese query, whose words are mostly one or
  two characters, nearly every word was optional (自定义层梯度 listed pages
  without 梯度);
* breaks ties between pages by how many distinct words each has. Sphinx's
  index records which pages have a word, not how often; at equal scores
  Sphinx orders pages by title, which put the chapter's one-paragraph
  opening page (its title sorts first, "1.") above the section for every
  word that paragraph mentions.

The last two change Sphinx's Search and Scorer (searchtools.js), and are
made when the first query is split, so that it does not matter which of
searchtools.js and language_data.js the page loads first.

The glossary's words reach the class through html_search_options, Sphinx's
channel for a search language's options, which it counts as part of the
site's configuration: a changed glossary re-indexes every page. Splitting
is deterministic (jieba's dictionary and the glossary's words, no cache on
disk), so two builds write the same search index.
"""

import functools
import json
import re
import warnings

import snowballstemmer

from .. import glossary
from ..languages import language
from ..project import REPOSITORY
from ..report import BuildError

with warnings.catch_warnings():
    # Sphinx's Chinese search imports jieba, which imports pkg_resources,
    # whose import warns that it is deprecated: nothing to act on here.
    warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
    from sphinx.search.zh import JIEBA, SearchChinese

CHINESE = language('zh')
# The option that carries the glossary's Chinese words to the class.
GLOSSARY_OPTION = 'glossary'

# The Han characters, as the registry's entry lists the letters of the
# language's script. The same class splits pages here and queries in the
# browser.
HAN = CHINESE.letters
# A run of Han characters, or a run of other word characters (Latin words,
# numbers, code names).
RUNS = re.compile(f'([{HAN}]+)|([^\\W{HAN}]+)')

# One-character nouns the pages use as words, which the glossary does not
# list (a term the translations must use belongs there instead).
SEARCH_ONLY_WORDS = frozenset('类 值 轴 库'.split())  # class, value, axis, library

# Particles and conjunctions a reader may type between the words of a query
# (自定义层的参数); they carry no topic and are never indexed. Sphinx's
# English stop words stay, for the code and English words on the pages.
CHINESE_STOPWORDS = frozenset('的 地 得 了 和 与 及 或 是 在 把 被'.split())

# The query splitter, and the changes to Sphinx's search, for
# language_data.js (the search page loads it beside Sphinx's
# searchtools.js, which defines Search and Scorer and calls splitQuery).
# %(glossary)s and %(han)s are filled in.
BROWSER_CODE = r"""
/* The Chinese edition's search (tools/bookbuild/render/search_zh.py). */
var splitQuery = (function () {
  var glossary = %(glossary)s;
  var hanRun = /[%(han)s]+|[^%(han)s]+/gu;
  var han = /^[%(han)s]/u;
  var known = null;
  var adapted = false;

  // The index's words, which are the words the pages were split into, and
  // the glossary's; kept once the index has loaded.
  function dictionary() {
    if (known !== null) return known;
    var index = typeof Search !== "undefined" ? Search._index : null;
    var words = new Set(glossary);
    if (index) {
      [index.terms, index.titleterms].forEach(function (terms) {
        Object.keys(terms).forEach(function (word) { words.add(word); });
      });
    }
    words.longest = 1;
    words.forEach(function (word) {
      if (han.test(word)) words.longest = Math.max(words.longest, Array.from(word).length);
    });
    if (index) known = words;
    return words;
  }

  // Longest match from the left; a character no word starts with stands
  // alone. By characters, not UTF-16 units: Array.from keeps a character
  // beyond U+FFFF (the Extension B ideographs) whole.
  function segment(run, words) {
    var characters = Array.from(run);
    var parts = [];
    for (var start = 0; start < characters.length; ) {
      var end = Math.min(characters.length, start + words.longest);
      while (end > start + 1 && !words.has(characters.slice(start, end).join(""))) end--;
      parts.push(characters.slice(start, end).join(""));
      start = end;
    }
    return parts;
  }

  // A page is listed only if it holds every word of the query. Sphinx's
  // performTermsSearch requires only the words of three characters or more
  // (its filteredTermCount); most Chinese words are shorter. Sphinx's own
  // search for one word alone finds every page that holds it (exactly, or
  // inside a longer term as Sphinx matches a word of three or more), so a
  // page stays if that search finds it for each word.
  function requireEveryWord() {
    var search = Search.performTermsSearch;
    Search.performTermsSearch = function (searchTerms, excludedTerms) {
      var results = search(searchTerms, excludedTerms);
      searchTerms.forEach(function (word) {
        var holding = new Set(search(new Set([word]), new Set()).map(function (result) {
          return result[0];
        }));
        results = results.filter(function (result) { return holding.has(result[0]); });
      });
      return results;
    };
  }

  // At equal scores, the page with more distinct words first (Sphinx would
  // order them by title). The added fraction stays below 1, so it never
  // lifts a page over one with a higher score.
  function breakTiesByWords() {
    var sizes = null;
    Scorer.score = function (result) {
      if (sizes === null) {
        var index = Search._index;
        var counts = index.docnames.map(function () { return 0; });
        [index.terms, index.titleterms].forEach(function (terms) {
          Object.keys(terms).forEach(function (word) {
            [].concat(terms[word]).forEach(function (doc) { counts[doc] += 1; });
          });
        });
        var most = Math.max.apply(null, counts);
        sizes = {};
        index.docnames.forEach(function (name, doc) { sizes[name] = counts[doc] / (most + 1); });
      }
      return result[4] + (sizes[result[0]] || 0);
    };
  }

  // Search.query splits the query before it searches or scores, so by then
  // searchtools.js has defined Search and Scorer, whichever script loaded
  // first; the changes are made once, here.
  function adaptSearch() {
    if (adapted) return;
    if (typeof Search === "undefined" || typeof Scorer === "undefined") {
      console.error("search_zh: Sphinx's searchtools.js is not loaded: " +
        "the search lists pages without every word, and ties by title");
      return;
    }
    requireEveryWord();
    breakTiesByWords();
    adapted = true;
  }

  return function (query) {
    adaptSearch();
    var words = dictionary();
    var terms = [];
    query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/u).forEach(function (chunk) {
      (chunk.match(hanRun) || []).forEach(function (part) {
        if (han.test(part)) terms.push.apply(terms, segment(part, words));
        else terms.push(part);
      });
    });
    return terms;
  };
})();
"""


def javascript_class(letters):
    """A regular expression's character class (its inside), as JavaScript
    reads it with the u flag: each character beyond ASCII as \\u{...}, which
    also keeps the page's script ASCII."""
    return ''.join(char if char.isascii() else f'\\u{{{ord(char):x}}}' for char in letters)


@functools.cache
def jieba_dictionary():
    """jieba's own dictionary as a tokenizer holds it (each word's
    frequency, and their total), read once per process: reading takes 1.5 s.
    Read directly, not through initialize(), which would write a cache of it
    into the shared temporary folder (a cache that saves 0.2 s of that)."""
    import jieba

    reader = jieba.Tokenizer()
    return reader.gen_pfdict(reader.get_dict_file())


def tokenizer(words):
    """A jieba tokenizer of its own (jieba's module-level one is shared by
    everything in the process), with jieba's dictionary and `words`."""
    if not JIEBA:
        raise BuildError('jieba is missing from .venv/book; run `make setup`')
    import jieba

    found = jieba.Tokenizer()
    frequencies, found.total = jieba_dictionary()
    # A copy of its own, since add_word changes it.
    found.FREQ = dict(frequencies)
    found.initialized = True
    for word in sorted(words):
        # No frequency: jieba gives the word one high enough to keep it whole.
        found.add_word(word)
    return found


class SearchBookChinese(SearchChinese):
    """Sphinx's Chinese search with the glossary: see the module's docstring."""

    lang = CHINESE.code
    stopwords = SearchChinese.stopwords | CHINESE_STOPWORDS

    def init(self, options):
        words = sorted(options.get(GLOSSARY_OPTION, ()))
        self.jieba = tokenizer(words)
        # Kept alone and as the end of a word; then kept alone only.
        self.heads = frozenset(word for word in words if len(word) == 1)
        self.one_character = self.heads | SEARCH_ONLY_WORDS
        self.latin = set()
        self.stemmer = snowballstemmer.stemmer('english')
        self.js_splitter_code = BROWSER_CODE % {
            'glossary': json.dumps(words),
            'han': javascript_class(HAN),
        }

    def split(self, input):
        words = []
        for chinese, other in RUNS.findall(input):
            if other:
                words.append(other)
                self.latin.add(other)
                continue
            for word in self.jieba.cut_for_search(chinese):
                words.append(word)
                if len(word) > 1 and word[-1] in self.heads:
                    words.append(word[-1])
        return words

    def word_filter(self, stemmed_word):
        return len(stemmed_word) > 1 or stemmed_word in self.one_character

    def stem(self, word):
        # As Sphinx's class does, but with a set of the Latin words seen
        # (Sphinx's is a list shared by every instance, searched each time):
        # a short acronym stays whole rather than be cut to under 3 letters.
        stemmed = self.stemmer.stemWord(word.lower())
        if word in self.latin and len(word) >= 3 and len(stemmed) < 3:
            return word.lower()
        return stemmed


def glossary_root(staged):
    """The folder whose docs/glossary.md the search reads: the book being
    built. d2lbook runs Sphinx in the edition's staged sources (`staged`, a
    Project: Edition.source_dir, <book>/_build/zh-src/), which hold no docs/;
    the book is the nearest folder above them with a config.ini, whose build
    folder holds them. A copy of the book's sources alone
    (project.copy_book_sources) has no docs/: it builds with the
    repository's guides and glossary, as with the repository's build
    package."""
    for folder in staged.root.parents:
        if (folder / 'config.ini').is_file():
            return folder if (folder / glossary.FILE).is_file() else REPOSITORY
    raise BuildError(
        f'{staged.root}: Sphinx builds the {CHINESE.code} edition here, but no folder '
        'above has a config.ini: not the staged sources of a book'
    )


def use_for_the_chinese_edition(app, config, staged):
    """Register the class, and hand it the glossary's words, when the build
    is the zh edition's (its Sphinx language, zh_CN, or its code)."""
    if config.language not in (CHINESE.sphinx_language, CHINESE.code):
        return
    config.html_search_options = {
        **config.html_search_options,
        GLOSSARY_OPTION: glossary.words(glossary_root(staged), CHINESE.code),
    }
    # Sphinx looks up zh_CN's search as zh, the class's `lang`.
    app.add_search_language(SearchBookChinese)


def register(app, book_project):
    """Called by the book's Sphinx extension (sphinx_extension.setup), which
    knows the book Sphinx renders: book_project() is its Project."""
    app.connect(
        'config-inited',
        lambda app, config: use_for_the_chinese_edition(app, config, book_project()),
    )
