"""An edition laid out as a d2lbook project of its own, in
Edition.source_dir (_build/<lang>-src/): its markdown, the
files it shares with the English book, and a config.ini derived from the
English one, with what Sphinx needs told about the language (languages.py).
d2lbook builds the edition's forms from there into _build/<lang>/.

Standard library only.
"""

import configparser
import io
import os

from ..files import write_if_changed
from .markers import marked_text
from .sync import english_sources

# What an edition needs besides its own markdown, shared with the English book.
SHARED_FILES = ('references.bib', 'static')


def sphinx_settings(config, edition):
    """config.ini's sphinx_configs for the edition: the English book's (in
    config, its config.ini as read), and the language's own."""
    words = edition.language
    lang = words.sphinx_language or edition.code
    # d2lbook leaves Sphinx's language unset; it marks the pages (<html lang>)
    # and picks the language of Sphinx's own labels and search.
    lines = [
        config['build'].get('sphinx_configs', '', raw=True).strip(),
        f"language = '{lang}'",
    ]
    if words.numfig_format:
        # Doubled %: the line goes into config.ini, where % interpolates.
        lines.append(f'numfig_format = {words.numfig_format!r}'.replace('%', '%%'))
    if words.latex_preamble:
        lines.append(f"latex_elements['preamble'] += r'{words.latex_preamble}'")
    if not words.latex_babel:
        # Sphinx's LaTeX builder warns that it knows no Babel name for the
        # language, and changes nothing; the build treats warnings as
        # errors. Drop that one warning only.
        # Babel, loaded for English, then names the contents, the
        # bibliography and each chapter in English as the document starts:
        # the edition's words for the first two (as its pages and notebooks
        # head them), and no word before a chapter's number.
        names = (
            rf'\addto\captionsenglish{{'
            rf'\renewcommand{{\contentsname}}{{{words.theme_labels["Table Of Contents"]}}}'
            rf'\renewcommand{{\bibname}}{{{words.references}}}\renewcommand{{\chaptername}}{{}}}}'
        )
        lines.append(f"latex_elements['preamble'] += r'{names}'")
        lines.append('import logging')
        for module in ('builders.latex', 'writers.latex'):
            lines.append(
                f"logging.getLogger('sphinx.sphinx.{module}').addFilter("
                f'lambda record: record.args != ({lang!r},))'
            )
    return '\n'.join(filter(None, lines))


def stage(edition):
    """Lay out the edition as a d2lbook project: its markdown (with a note
    where it is behind the English, markers.py), the shared files, and a
    config.ini derived from the English one."""
    project, lang = edition.project, edition.code
    target = edition.source_dir
    for relative in english_sources(project):
        write_if_changed(target / relative, marked_text(project, lang, relative))
    for name in SHARED_FILES:
        source = project.root / name
        files = [source] if source.is_file() else [p for p in source.rglob('*') if p.is_file()]
        for path in files:
            write_if_changed(target / path.relative_to(project.root), path.read_bytes())
    config = configparser.ConfigParser()
    config.read(project.root / 'config.ini', encoding='utf-8')
    config['project']['lang'] = lang
    config['project']['title'] = ''  # d2lbook reads it off the edition's index.md
    config['build']['output_dir'] = os.path.relpath(edition.build_dir, target)
    config['build']['sphinx_configs'] = sphinx_settings(config, edition)
    text = io.StringIO()
    config.write(text)
    write_if_changed(target / 'config.ini', text.getvalue().encode('utf-8'))
