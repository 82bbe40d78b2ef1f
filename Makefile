# The book's commands. The logic lives in the build package, tools/bookbuild/
# (see docs/maintainers.md): `book <command>`, installed in .venv/book by `make setup`.
PYTHON ?= python3
# The set-up runs on the system Python, before .venv/book exists; it needs
# only the standard library.
SETUP := PYTHONPATH=tools $(PYTHON) -m bookbuild
BOOK := .venv/book/bin/book

.PHONY: html setup setup-book check eval eval-times lib pdf notebooks dist lint unit test bench \
        offline-check clean editions-check editions-mark-current editions-copy-code editions-html \
        editions-pdf epub editions-epub watch

# Set up what is missing, check the sources, run what changed, render _build/html/.
html: setup
	$(BOOK) html

# Create .venv/book, .venv/<tab> and .venv/npm (and apt packages when root); idempotent.
setup:
	$(SETUP) setup

# Create only .venv/book (the build package, d2lbook, pytest, ruff), not the
# frameworks' environments: enough for `make lint` and `make unit`.
setup-book:
	$(SETUP) setup book

# Check the chapter's markdown (tabs, code groups, stored outputs); runs nothing.
check:
	$(SETUP) check

# Evaluate what changed in every tab (or TABS="mxnet jax") without rendering.
eval: setup
	$(BOOK) eval $(TABS)

# Regenerate d2l/*.py from the chapter's #@save cells.
lib: setup
	$(BOOK) lib

# Render one edition (make html-ko, html-pt: any language of
# tools/bookbuild/languages.py) into _build/<lang>/html; the code is the
# English code, so the outputs are the English build's, checked cell by cell.
html-%: html
	$(BOOK) edition-html $*

# One edition's PDFs, one per framework, in _build/<lang>/pdf/.
pdf-%: html
	$(BOOK) edition-pdf $*

# One edition's EPUBs, one per framework, in _build/<lang>/epub/.
epub-%: html
	$(BOOK) edition-epub $*

# Every edition's site, every edition's PDFs, and every edition's EPUBs.
editions-html: html
	$(BOOK) edition-html
editions-pdf: html
	$(BOOK) edition-pdf
editions-epub: html
	$(BOOK) edition-epub

# Check the translations' code and structure, and list the paragraphs behind the English (STRICT=1: fail on those too).
editions-check: setup-book
	$(BOOK) edition-check $(if $(filter 1,$(STRICT)),--strict)

# Record updated translations as current: WHAT=ko, WHAT=ko/<page>.md or WHAT=ko/<page>.md:<line>.
editions-mark-current: setup-book
	$(BOOK) edition-mark-current $(WHAT)

# After changing English code cells, copy them into every translation.
editions-copy-code: setup
	$(BOOK) edition-copy-code

# One PDF per framework in _build/pdf/ (LaTeX from Debian, installed when root).
pdf: setup
	$(BOOK) pdf

# One EPUB 3 per framework in _build/epub/, each checked by epubcheck
# (Debian's, on Java, installed when root); equations drawn by MathJax.
epub: setup
	$(BOOK) epub

# Executed, Colab and SageMaker notebooks per framework, and zips, in
# _build/notebooks/, then every edition's in _build/<lang>/notebooks/.
notebooks: setup
	$(BOOK) notebooks
	$(BOOK) edition-notebooks

# The d2l package as a wheel and an sdist in _build/dist/, checked by twine.
dist: setup
	$(BOOK) dist

# Lint and format-check the build code and the tests with ruff (pyproject.toml),
# and audit the hosted workflow with zizmor (offline: it asks GitHub nothing).
lint: setup-book
	.venv/book/bin/ruff check .
	.venv/book/bin/ruff format --check .
	.venv/book/bin/zizmor --offline .github/

# The unit tier: tests of the build package that need nothing built, in seconds.
unit: setup-book
	.venv/book/bin/python -m pytest -q -p no:cacheprovider tests/unit

# The unit tier and lint first (a bug there shows in seconds), then build
# every form of the book and run every other test suite in its own
# environment (the learners' notebooks run on fresh hosts that install d2l
# from _build/dist/). Each step is timed, and the run ends with a table of
# the steps' and the suites' times.
TEST_STEPS := unit lint html editions-html pdf editions-pdf epub editions-epub notebooks dist
test:
	$(SETUP) test-steps $(TEST_STEPS)

# Serve the site on localhost, rebuild when a page, d2l/ or static/ is saved,
# and reload the browser (PORT=8000).
watch: setup
	$(BOOK) watch --port $(or $(PORT),8000)

# Time the goals (make and make watch after an edit, a clean build against
# plain d2lbook), imports, layers and builds against their references, and the
# build of books 1, 4 and 16 times this one's size (SCALES="1 4" for fewer;
# ONLY=loop for the goals alone, ONLY=scale or ONLY=components for one part);
# writes _build/bench.md.
bench: setup
	$(BOOK) bench $(if $(ONLY),--only $(ONLY)) $(if $(SCALES),--scales $(SCALES))

# Record each notebook's last run time in eval-times.json, by which the
# hosted workflow balances its evaluation jobs.
eval-times: setup-book
	$(BOOK) eval-times

# `make test` in a network namespace with nothing but the loopback device.
offline-check: setup
	$(BOOK) offline-check

# Remove everything the build wrote (the environments stay).
clean:
	rm -rf _build
