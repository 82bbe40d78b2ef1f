"""The book's bibliography as the notebooks cite it (forms/notebook_text.py):
each entry rendered as Markdown in the page's style, with the author-year
label the page's citations show."""

import re
import warnings
from dataclasses import dataclass

from ..report import BuildError


@dataclass
class Reference:
    key: str
    label: str  # "Paszke et al., 2019", as the page cites it
    text: str  # the full entry, in Markdown


def load_bibliography(path):
    """{key: Reference} in the page's style (sphinxcontrib-bibtex's APA with
    author-year labels, as d2lbook sets it), rendered as Markdown."""
    if not path.exists():
        raise BuildError(f'{path.name}: the bibliography config.ini names is missing')
    with warnings.catch_warnings():
        # pybtex's plugin finder still imports pkg_resources, which warns twice.
        warnings.simplefilter('ignore', UserWarning)
        warnings.simplefilter('ignore', DeprecationWarning)
        from pybtex.database import parse_file
        from pybtex.plugin import find_plugin

        data = parse_file(str(path))
        style = find_plugin('pybtex.style.formatting', 'apa')()
        markdown = find_plugin('pybtex.backends', 'markdown')()
    references = {}
    for entry in style.format_entries(data.entries.values()):
        text = ' '.join(entry.text.render(markdown).split())
        label = in_text_label(data.entries[entry.key], entry.label)
        # pybtex escapes every character Markdown might read; in the middle
        # of a line these read as themselves, and the source stays legible.
        text = re.sub(r'\\([.()+\-])', r'\1', text).replace('&amp;', '&')
        references[entry.key] = Reference(entry.key, label, text)
    return references


def in_text_label(entry, fallback):
    """'Ng, 2020', 'Lee and Kim, 2021' or 'Paszke et al., 2019', as the page's
    author-year citations read (sphinxcontrib-bibtex's PersonStyle: ' and '
    between two names, 'et al.' after the first of three or more)."""
    from pybtex.richtext import Text

    persons = entry.persons.get('author') or entry.persons.get('editor')
    year = entry.fields.get('year')
    if not persons or not year:
        return fallback
    names = [Text.from_latex(' '.join(person.last_names)).render_as('text') for person in persons]
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f'{names[0]} and {names[1]}'
    else:
        who = f'{names[0]} et al.'
    return f'{who}, {year}'


def reference_list(references):
    return '\n'.join(
        f'- {reference.text}' for reference in sorted(references, key=lambda r: r.label)
    )
