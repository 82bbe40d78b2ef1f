"""The notebooks of one edition, made from d2lbook's folders and written
where readers get them: each variant's folder and the zips (`build`), and
the plain notebooks the site serves (`write_site_notebooks`)."""

import shutil

import nbformat

from ...processes import build_each
from ...report import BuildError, log
from ..d2lbook_steps import d2lbook_build
from .cells import header_cell, kernel_metadata, readable_markdown, without_build_marks
from .edition import D2LBOOK_TARGETS, VARIANTS, Edition
from .install import with_install_cell
from .zips import write_zip


def reader_variants(edition, tab, variants=VARIANTS):
    """{(variant, path under the variant's folder): notebook} of one tab's
    notebooks in the variants asked for, made from d2lbook's folders
    (nothing is written)."""
    plain_root = edition.d2lbook_dir('plain', tab)
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
                    edition.d2lbook_dir(variant, tab) / relative, as_version=4
                )
                by_variant[variant] = with_install_cell(edition.project, variant_nb, plain_nb, tab)
        for variant in variants:
            notebook = readable_markdown(
                edition, without_build_marks(by_variant[variant]), variant, tab, page
            )
            notebook.cells.insert(0, header_cell(edition, variant, tab, page))
            notebook.metadata = kernel_metadata(edition.project, variant, tab, page)
            made[variant, relative] = notebook
    return made


def gather(edition, tab):
    """One tab's notebooks into <build>/notebooks/. Every notebook is
    converted before the old ones are removed, so that a reference the book
    lacks leaves the last good notebooks in place."""
    written = reader_variants(edition, tab)
    plain_root = edition.d2lbook_dir('plain', tab)
    for variant in VARIANTS:
        shutil.rmtree(edition.notebooks(variant, tab), ignore_errors=True)
    for (variant, relative), notebook in written.items():
        target = edition.notebooks(variant, tab) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
    # Files the notebooks read, such as data files, next to them; the
    # bibliography is not one: the notebooks carry their references.
    bibliography = edition.project.config['pdf'].get('bibfile')
    for resource in plain_root.rglob('*'):
        if resource.is_file() and resource.suffix != '.ipynb' and resource.name != bibliography:
            for variant in VARIANTS:
                target = edition.notebooks(variant, tab) / resource.relative_to(plain_root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(resource, target)


def d2lbook_notebooks(edition, tab):
    """d2lbook's folders of one tab (ipynb, colab, sagemaker) for an edition,
    from the evaluated notebooks, which it finds current."""
    targets = [D2LBOOK_TARGETS[variant] for variant in VARIANTS]
    code = d2lbook_build(edition.project, edition.lang, tab, *targets)
    if code != 0:
        raise BuildError(
            f'd2lbook could not write the {edition.lang} {tab} notebooks (exit {code})'
        )


def d2lbook_ipynb(edition, tab):
    """What `d2lbook build ipynb --tab <tab>` writes, done in this process:
    d2lbook copies the evaluated notebooks and turns their tables of
    contents into links. Starting d2lbook costs seconds per tab, and its
    own step would only check that the notebooks the site was just rendered
    from are current."""
    from d2lbook.build import update_ipynb_toc

    evaluated = edition.build_dir / edition.project.tab_folder('eval', tab)
    target = edition.d2lbook_dir('plain', tab)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(evaluated, target)
    update_ipynb_toc(str(target))


def write_site_notebooks(project, lang='en'):
    """The notebooks the pages' download links serve: each framework's plain
    executed notebooks, as `make notebooks` writes them, under the edition's
    html/notebooks/<tab>/ (project.site_notebooks), so that the site alone
    offers them. Runs after the edition's site is rendered."""
    edition = Edition(project, lang)
    for tab in project.tabs:
        d2lbook_ipynb(edition, tab)
        written = reader_variants(edition, tab, variants=('plain',))
        folder = project.site_notebooks(tab, lang)
        shutil.rmtree(folder, ignore_errors=True)
        for (_, relative), notebook in written.items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, target)
    folder = project.site_notebooks(project.default_tab, lang).parent
    log(f"{lang}: the pages' download notebooks in {project.relative(folder)}/")


def build(project, lang='en', selected=None):
    """One edition's notebooks of each tab: d2lbook's, made readable and
    gathered, and zipped; two tabs at a time, each in folders of its own.
    A translated edition's sources must be staged first (editions/ do it)."""
    edition = Edition(project, lang)

    def one_tab(tab):
        d2lbook_notebooks(edition, tab)
        gather(edition, tab)
        write_zip(edition, tab)
        log(
            f'{lang} {tab}: {project.relative(edition.notebooks("plain", tab))}, '
            f'{project.relative(edition.zip(tab))}'
        )

    build_each(selected or project.tabs, one_tab)
