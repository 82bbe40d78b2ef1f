# The book's commands. The logic lives in tools/book.py; see README.md.
PYTHON ?= python3
BOOK := $(PYTHON) tools/book.py

.PHONY: html setup eval lib test clean

# Set up what is missing, evaluate every tab, render _build/html/.
html: setup
	$(BOOK) html

# Create .venv/book and .venv/<tab> (and apt packages when root); idempotent.
setup:
	$(BOOK) setup

# Evaluate the notebooks of every tab (or TABS="mxnet jax") without rendering.
eval: setup
	$(BOOK) eval $(TABS)

# Regenerate d2l/*.py from the chapter's #@save cells.
lib: setup
	$(BOOK) lib

# Build what is missing, then run every test suite in its own environment.
test: html
	$(BOOK) test

# Remove everything the build wrote (the environments stay).
clean:
	rm -rf _build
