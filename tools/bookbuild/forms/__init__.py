"""The forms the book is published in: one entry each in FORMS, the one
place that says what a form is called, what makes it and where it goes.

A form is a module with one function, `build(edition, tabs)`, which writes
the form of one edition (project.py's Edition) for the frameworks named, in
the order config.ini gives them. pipeline.build_form calls every form the
same way: it prepares the edition first when the form is made from the
evaluated notebooks (the English book checked and evaluated; a translation
checked, staged and filled with the English outputs), then calls `build`.
A module may also have `current(edition)`, which says whether the form is
already up to date, so that nothing is prepared for it.

`book <name>` builds the English form, and `book edition-<name> [lang ...]`
a translation's; the Makefile's targets call those. Adding a form is its
module here, one entry in FORMS, and its targets in the Makefile.

Standard library only: cli.py reads this table to make its commands.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Form:
    name: str  # `book <name>`, `book edition-<name>`, `make <name>`
    summary: str  # what it is, in the commands' help
    module: str  # the module whose build(edition, tabs) makes it
    output: str  # the folder it writes, under the edition's build folder
    # Whether each framework gets its own (a PDF each), or the form holds
    # them all (the site) or none (the helper package).
    per_tab: bool = True
    # Whether translated editions have this form too.
    translated: bool = True
    # Whether it is made from the evaluated notebooks, so the edition is
    # prepared first.
    evaluated: bool = True


FORMS = {
    form.name: form
    for form in (
        Form(
            'html',
            'the site, with every framework',
            'bookbuild.forms.site',
            'html',
            per_tab=False,
        ),
        Form('pdf', 'one PDF per framework', 'bookbuild.forms.pdf', 'pdf'),
        Form('epub', 'one EPUB 3 per framework', 'bookbuild.forms.epub', 'epub'),
        Form(
            'notebooks',
            "the readers' notebooks (plain, Colab, SageMaker) and a zip per framework",
            'bookbuild.forms.notebooks',
            'notebooks',
        ),
        Form(
            'dist',
            "the d2l package's wheel and sdist, checked by twine",
            'bookbuild.forms.package',
            'dist',
            per_tab=False,
            translated=False,
            evaluated=False,
        ),
    )
}


def form(name):
    """The registry's entry of a form, or a KeyError that names the known ones."""
    try:
        return FORMS[name]
    except KeyError:
        raise KeyError(
            f'no form is called {name!r}; tools/bookbuild/forms/__init__.py knows '
            f'{", ".join(FORMS)}'
        ) from None
