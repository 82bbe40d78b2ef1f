"""Where one edition's notebooks come from and go, and the addresses their
links and headers point at."""

import os
from pathlib import PurePosixPath

from .. import notebook_text

# The notebook variants, each in a folder of its own: the executed notebooks
# as they are, and those that Google Colab and Amazon SageMaker open (with
# the learner's setup as their first code cell).
VARIANTS = ('plain', 'colab', 'sagemaker')
# d2lbook's name for each variant's output (`d2lbook build <target>`).
D2LBOOK_TARGETS = {'plain': 'ipynb', 'colab': 'colab', 'sagemaker': 'sagemaker'}


class Edition:
    """One edition's notebooks: the English book's under _build/notebooks/,
    a translated edition's under _build/<lang>/notebooks/, made by d2lbook
    from the edition's sources (project.edition_source_dir: the repository,
    or a translation's staged sources)."""

    def __init__(self, project, lang='en'):
        self.project = project
        self.lang = lang
        self.build_dir = project.edition_build_dir(lang)
        self.source_root = project.edition_source_dir(lang)
        # What the edition's text refers to, read from its sources (staged
        # before the edition's notebooks are made, if it is a translation).
        self.book = notebook_text.Book(project.edition_project(lang), lang)

    def d2lbook_dir(self, variant, tab):
        """Where d2lbook writes one variant of one tab."""
        return self.build_dir / self.project.tab_folder(D2LBOOK_TARGETS[variant], tab)

    def notebooks(self, variant, tab):
        return self.project.reader_notebooks(variant, tab, self.lang)

    def zip(self, tab):
        return self.project.notebook_zip(tab, self.lang)

    # Published addresses: project.py makes them from publish_repo.
    def page_address(self, page, tab, anchor=None):
        return self.project.published_page(page, tab, self.lang, anchor)

    def colab_address(self, page, tab):
        return self.project.launch_address('colab', tab, page, self.lang)

    def sagemaker_address(self, page, tab):
        return self.project.notebook_on_github('sagemaker', tab, page, self.lang)


def link_maker(edition, variant, tab, page):
    """How a reference from `page` reaches a notebook_text.Target: the sibling
    notebook in the plain variant, the published page in the others."""
    if variant == 'plain':
        folder = PurePosixPath(page).parent.as_posix()

        def link(target):
            address = os.path.relpath(f'{target.page}.ipynb', folder)
            return address + (f'#{target.notebook_anchor}' if target.notebook_anchor else '')

    else:

        def link(target):
            return edition.page_address(target.page, tab, target.anchor)

    return link
