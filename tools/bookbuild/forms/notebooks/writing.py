"""The notebooks of one notebooks, made from d2lbook's folders and written
where readers get them: each variant's folder and the zips (`build`), and
the plain notebooks the site serves (`write_site_notebooks`)."""

import json
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from ...evaluate import versions
from ...files import ReadCache, digest_of, package_digest, write_atomic
from ...processes import build_each
from ...progress import duration
from ...report import BuildError, log
from ..d2lbook_steps import d2lbook_build
from .cells import header_cell, kernel_metadata, readable_markdown, without_build_marks
from .install import with_install_cell
from .layout import D2LBOOK_TARGETS, VARIANTS, EditionNotebooks
from .zips import write_zip


def reader_variants(notebooks, tab):
    """{(variant, path under the variant's folder): notebook} of one tab's
    notebooks in every variant, made from d2lbook's folders (nothing is
    written)."""
    variants = VARIANTS
    plain_root = notebooks.d2lbook_dir('plain', tab)
    made = {}
    for plain_path in sorted(plain_root.rglob('*.ipynb')):
        if plain_path.stat().st_size == 0:  # d2lbook's "no cell in this tab" marker
            continue
        relative = plain_path.relative_to(plain_root)
        page = relative.with_suffix('').as_posix()
        plain_nb = nbformat.read(plain_path, as_version=4)
        by_variant = {'plain': plain_nb}
        for variant in variants:
            if variant != 'plain':
                variant_nb = nbformat.read(
                    notebooks.d2lbook_dir(variant, tab) / relative, as_version=4
                )
                by_variant[variant] = with_install_cell(
                    notebooks.project, variant_nb, plain_nb, tab
                )
        for variant in variants:
            made[variant, relative] = reader_notebook(
                notebooks, variant, tab, page, by_variant[variant]
            )
    return made


def reader_notebook(notebooks, variant, tab, page, notebook):
    """A notebook of d2lbook's as the reader gets it: readable markdown, no
    build marks, a header cell and the host's metadata."""
    notebook = readable_markdown(notebooks, without_build_marks(notebook), variant, tab, page)
    notebook.cells.insert(0, header_cell(notebooks, variant, tab, page))
    notebook.metadata = kernel_metadata(notebooks.project, variant, tab, page)
    return notebook


def gather(notebooks, tab):
    """One tab's notebooks into <build>/notebooks/. Every notebook is
    converted before the old ones are removed, so that a reference the book
    lacks leaves the last good notebooks in place."""
    written = reader_variants(notebooks, tab)
    plain_root = notebooks.d2lbook_dir('plain', tab)
    for variant in VARIANTS:
        shutil.rmtree(notebooks.folder(variant, tab), ignore_errors=True)
    for (variant, relative), notebook in written.items():
        target = notebooks.folder(variant, tab) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
    # Files the notebooks read, such as data files, next to them; the
    # bibliography is not one: the notebooks carry their references.
    bibliography = notebooks.project.config['pdf'].get('bibfile')
    for resource in plain_root.rglob('*'):
        if resource.is_file() and resource.suffix != '.ipynb' and resource.name != bibliography:
            for variant in VARIANTS:
                target = notebooks.folder(variant, tab) / resource.relative_to(plain_root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(resource, target)


def d2lbook_notebooks(notebooks, tab):
    """d2lbook's folders of one tab (ipynb, colab, sagemaker) for an edition,
    from the evaluated notebooks, which it finds current."""
    targets = [D2LBOOK_TARGETS[variant] for variant in VARIANTS]
    code = d2lbook_build(notebooks.edition, tab, *targets)
    if code != 0:
        raise BuildError(
            f'd2lbook could not write the {notebooks.edition.code} {tab} notebooks (exit {code})'
        )


# What the site's notebooks were made from, by tab and page (under the
# edition's build folder): a rebuild makes again only those whose inputs changed.
SITE_NOTEBOOKS_STAMP = '.site-notebooks.json'


def write_site_notebooks(edition):
    """The notebooks the pages' download links serve: each framework's plain
    executed notebooks, as `make notebooks` writes them, under the edition's
    html/notebooks/<tab>/ (Edition.site_notebooks), so that the site alone
    offers them. Runs after the edition's site is rendered.

    A notebook is made again only when what it is made from changed: its
    evaluated notebook, what the book's text refers to (notebook_text.Book:
    titles, numbers, labels, references), which frameworks have the page,
    its outputs line, and the build's code and config.ini. An edit of one
    page rewrites that page's notebooks, not the book's."""
    project = edition.project
    notebooks = EditionNotebooks(edition)
    stamp = notebooks.edition.build_dir / SITE_NOTEBOOKS_STAMP
    try:
        before = json.loads(stamp.read_text())
    except (OSError, ValueError):
        before = {}
    cache = ReadCache(edition.build_dir / 'read_cache' / 'site-notebooks.json')
    code = package_digest(project.build_dir / 'read_cache')
    context = digest_of(
        edition.code,
        book_digest(notebooks, cache, code),
        cache.digest(project.root / 'config.ini'),
        cache.digest(project.requirements_file('book')),  # d2lbook's and nbformat's releases
        code,  # the code that makes a notebook's text
    )
    pages = [project.relative(source) for source in project.notebook_sources()]
    after, made = {}, 0
    for tab in project.tabs:
        eval_root = notebooks.edition.build_dir / project.tab_folder('eval', tab)
        folder = edition.site_notebooks(tab)
        wanted, changed = set(), {}
        for page_file in pages:
            evaluated = eval_root / Path(page_file).with_suffix('.ipynb')
            # d2lbook's "no cell in this tab" marker is an empty file.
            if not evaluated.exists() or evaluated.stat().st_size == 0:
                continue
            relative = evaluated.relative_to(eval_root)
            page = relative.with_suffix('').as_posix()
            wanted.add(folder / relative)
            inputs = digest_of(
                context,
                cache.digest(evaluated),
                [other for other in project.tabs if project.has_notebook(other, page)],
                versions.outputs_line(edition, page, tab) or '',
            )
            after[f'{tab}/{relative.as_posix()}'] = inputs
            if (
                before.get(f'{tab}/{relative.as_posix()}') != inputs
                or not (folder / relative).exists()
            ):
                changed[relative] = evaluated
        for relative, notebook in site_notebooks(notebooks, tab, changed).items():
            # As nbformat.write writes it (with a last newline), atomically.
            write_atomic(folder / relative, nbformat.writes(notebook).rstrip('\n') + '\n')
            made += 1
        for old in folder.rglob('*.ipynb') if folder.exists() else []:
            if old not in wanted:
                old.unlink()
    write_atomic(stamp, json.dumps(after, indent=1, sort_keys=True) + '\n')
    cache.save()
    folder = edition.site_notebooks(project.default_tab).parent
    log(
        f"{edition.code}: the pages' download notebooks in {project.relative(folder)}/ ({made} made again)"
    )


def book_digest(notebooks, cache, code):
    """notebook_text.Book's digest of the edition, made again only when a
    file it is read from changed (its pages, config.ini, the bibliography)
    or the code that reads them: a build that changed no page reads none."""
    book_project = notebooks.edition.d2lbook_project()
    files = [*book_project.notebook_sources(), book_project.root / 'config.ini']
    bibfile = book_project.config['pdf'].get('bibfile') if 'pdf' in book_project.config else None
    if bibfile:
        files.append(book_project.root / bibfile)
    sources = digest_of(
        notebooks.edition.code, code, *(f'{path}\0{cache.digest(path)}' for path in files)
    )
    key = f'book of {notebooks.edition.code}'
    kept = cache.entries.get(key, {})
    if kept.get('sources') != sources:
        kept = {'sources': sources, 'digest': notebooks.book.digest()}
        cache.entries[key] = kept
        cache.changed = True
    return kept['digest']


def site_notebooks(notebooks, tab, evaluated):
    """{relative path: the plain reader's notebook} of the evaluated
    notebooks given ({relative path: file}), as `make notebooks` makes them
    from d2lbook's ipynb folder: d2lbook's tables of contents made links
    (its own update_ipynb_toc, on copies of just these), then reader_notebook."""
    from d2lbook.build import update_ipynb_toc

    if not evaluated:
        return {}
    with tempfile.TemporaryDirectory(prefix='site-notebooks-') as scratch:
        for relative, path in evaluated.items():
            (Path(scratch) / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(scratch) / relative)
        update_ipynb_toc(scratch)
        return {
            relative: reader_notebook(
                notebooks,
                'plain',
                tab,
                relative.with_suffix('').as_posix(),
                nbformat.read(Path(scratch) / relative, as_version=4),
            )
            for relative in evaluated
        }


def build(edition, tabs):
    """One edition's notebooks of each tab: d2lbook's, made readable and
    gathered, and zipped; two tabs at a time, each in folders of its own.
    A translated edition's sources must be staged first (editions/ do it)."""
    project = edition.project
    notebooks = EditionNotebooks(edition)

    def one_tab(tab):
        started = time.monotonic()
        d2lbook_notebooks(notebooks, tab)
        gather(notebooks, tab)
        write_zip(notebooks, tab)
        log(
            f'{edition.code} {tab} notebooks: {project.relative(notebooks.folder("plain", tab))}, '
            f'{project.relative(notebooks.zip(tab))} in {duration(time.monotonic() - started)}'
        )

    build_each(tabs, one_tab)
