"""A translated edition made ready for the forms (forms/): checked against
the English source, staged as a d2lbook project in _build/<lang>-src/, and
its evaluated notebooks filled with the English outputs. The forms then make
its site, PDFs and notebooks by the English book's own steps.

Runs in .venv/book (nbformat)."""

from ..report import BuildError
from .outputs import reuse_english_outputs
from .staging import stage
from .sync import out_of_step


def prepare(edition):
    """Check, stage, and fill the edition's notebooks with English outputs."""
    problems = out_of_step(edition.project, [edition.code])
    if problems:
        raise BuildError(
            'the translation is out of step with the English source:\n  ' + '\n  '.join(problems)
        )
    stage(edition)
    reuse_english_outputs(edition)
