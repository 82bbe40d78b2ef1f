"""Where one edition's notebooks come from and go, and the addresses their
links and headers point at."""

import functools
import os
from pathlib import PurePosixPath

from .. import notebook_text

# The notebook variants, each in a folder of its own: the executed notebooks
# as they are, and those that Google Colab and Amazon SageMaker open (with
# the learner's setup as their first code cell).
VARIANTS = ('plain', 'colab', 'sagemaker')
# d2lbook's name for each variant's output (`d2lbook build <target>`).
D2LBOOK_TARGETS = {'plain': 'ipynb', 'colab': 'colab', 'sagemaker': 'sagemaker'}


class EditionNotebooks:
    """One edition's notebooks (an Edition of project.py): the English
    book's under _build/notebooks/, a translation's under
    _build/<lang>/notebooks/, made by d2lbook from the edition's sources
    (Edition.source_dir: the repository, or a translation's staged sources)."""

    def __init__(self, edition):
        self.edition = edition
        self.project = edition.project

    @functools.cached_property
    def book(self):
        """What the edition's text refers to, read from its sources (staged
        before the edition's notebooks are made, if it is a translation):
        read when first asked for, since the site's notebooks often need
        nothing of it (writing.py)."""
        return notebook_text.Book(self.edition)

    def d2lbook_dir(self, variant, tab):
        """Where d2lbook writes one variant of one tab."""
        return self.edition.build_dir / self.project.tab_folder(D2LBOOK_TARGETS[variant], tab)

    def folder(self, variant, tab):
        return self.edition.reader_notebooks(variant, tab)

    def zip(self, tab):
        return self.edition.notebook_zip(tab)

    # Published addresses: project.py's Edition makes them from publish_repo.
    def page_address(self, page, tab, anchor=None):
        return self.edition.published_page(page, tab, anchor)

    def colab_address(self, page, tab):
        return self.edition.launch_address('colab', tab, page)

    def sagemaker_address(self, page, tab):
        return self.edition.notebook_on_github('sagemaker', tab, page)


def link_maker(notebooks, variant, tab, page):
    """How a reference from `page` reaches a notebook_text.Target: the sibling
    notebook in the plain variant, the published page in the others."""
    if variant == 'plain':
        folder = PurePosixPath(page).parent.as_posix()

        def link(target):
            address = os.path.relpath(f'{target.page}.ipynb', folder)
            return address + (f'#{target.notebook_anchor}' if target.notebook_anchor else '')

    else:

        def link(target):
            return notebooks.page_address(target.page, tab, target.anchor)

    return link
