"""The build of the book, in the order its steps run:

  environments   `make setup`: apt packages, .venv/<name>, kernels, npm (stdlib only)
  project        the one reader of config.ini and of the build's layout
  source/        the pre-flight check of the pages (cells: the one fence reader)
  evaluate/      each page in each tab's own kernel, only what changed
  render/        d2lbook and Sphinx make the site; the Sphinx extension
  forms/         the PDFs, the readers' notebooks, the d2l package
  editions       the Korean and Portuguese editions from the English outputs
  bench/         `make bench`
  testing/       `make test`'s suites, and the learners' fresh hosts
  watch          `make watch`: the live preview for authors

`cli` is the one entry point (the `book` command); the Makefile calls its
subcommands. files, processes and report are what the steps share.
"""
