"""The build of the book: one package, in rooms that import one way. From the
bottom up, each room imports only the rooms above it in this map, never one
below, not even inside a function (tests/unit/test_package_layers.py keeps
it so, and this map in its order):

  report         one-line errors and the build's log lines (stdlib only)
  progress       the lines a long step prints while it works
  timings        `make test`'s timed steps and its closing table
  files          atomic writes, and stamps of what an output was made from
  locks          one build at a time per book: the build lock (stdlib only)
  frameworks     the registry of frameworks
  languages      the registry of the editions' languages and their strings
  glossary       docs/glossary.md: the book's terms in every edition
  project        the one reader of config.ini and of the build's layout
  ci             config.ini's [ci]: the hosted workflow's jobs and repositories
  identity       what outputs depend on besides the pages: kernel variables, digests
  processes      starting d2lbook and other programs; how much heavy work at once
  npm            MathJax and the other npm packages, in .venv/npm
  environments   `make setup`: apt packages, .venv/<name>, kernels (stdlib only)
  source/        the pre-flight check of the pages (cells: the one fence reader)
  evaluate/      each page in each tab's own kernel, only what changed; shards
  render/        d2lbook and Sphinx make the site; the Sphinx extension
  forms/         the forms (site, PDFs, readers' notebooks, d2l package), FORMS
  editions/      the translated editions, made from the English outputs
  pipeline       every form of every edition built the same way
  watch          `make watch`: the live preview for authors
  build_server   `make` handed to a server that keeps the build loaded
  testing/       `make test`'s suites, and the learners' fresh hosts
  bench/         `make bench`
  hosted         the hosted workflow's helpers: its matrix, shard keys, releases
  cli            `book`, the one entry point; the Makefile calls its subcommands
  __main__       `python -m bookbuild`, for the system Python before .venv/book
"""

import sys
import warnings

# jsonschema, which nbformat imports, registers a checker of the "iri"
# string format when rfc3987_syntax is installed (Jupyter's packages bring
# it), and that module compiles its grammar on import: some 1.6 s of every
# build process that reads a notebook. No schema the build validates (the
# notebooks') uses that format, so the module is marked as absent, which
# Python's import system documents: jsonschema then goes without that checker.
sys.modules.setdefault('rfc3987_syntax', None)
# notedown, which d2lbook reads the pages with, offers a Jupyter contents
# manager when its module imports, which loads IPython (0.2 s); it says the
# manager is optional and goes without it on ImportError. Nothing here runs
# a Jupyter server.
sys.modules.setdefault('notedown.contentsmanager', None)
# notedown imports setuptools' pkg_resources, which warns of its own
# deprecation on every build that reads a page: a line for notedown's
# maintainers, not for the book's authors, so it is not shown.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated', category=UserWarning)
