"""The zip of one framework's plain notebooks: what a learner downloads to
run them on their own machine, with the versions they were executed with
(requirements.txt) and a README in the edition's language (languages.py)."""

import io
import zipfile

import nbformat

from ...evaluate import versions
from ...files import write_atomic
from ...frameworks import framework, learner_distribution
from ...languages import ZIP_COMMANDS
from ...report import BuildError


def build_versions(project, tab):
    """{distribution: version} of what the tab's notebooks ran with, as the
    evaluation recorded it (evaluate/versions.py)."""
    return versions.read_versions(project, tab)['distributions']


def requirements_txt(project, tab):
    # By the names a learner installs (tensorflow for the build's
    # tensorflow-cpu), without a local label such as torch's `+cpu`, which
    # PyPI does not serve.
    pins = {
        learner_distribution(name): version.split('+')[0]
        for name, version in build_versions(project, tab).items()
    }
    lines = [f'{project.d2l_package}=={project.release}']
    lines += [f'{name}=={version}' for name, version in sorted(pins.items())]
    return '# The versions these notebooks were executed with.\n' + '\n'.join(lines) + '\n'


def first_notebook(notebooks, tab):
    """The notebook a learner opens first: the first page, in reading order
    (config.ini's pages and their tables of contents), whose plain notebook
    has code."""
    folder = notebooks.folder('plain', tab)
    for page in notebooks.book.reading_order():
        path = folder / f'{page}.ipynb'
        if path.exists() and any(
            cell.cell_type == 'code' for cell in nbformat.read(path, as_version=4).cells
        ):
            return f'{page}.ipynb'
    raise BuildError(f'no {notebooks.edition.code} {tab} notebook has code to run')


def readme(notebooks, tab):
    words = notebooks.edition.language
    return words.zip_readme.format(
        title=notebooks.book.pages[notebooks.book.index].title,
        framework=framework(tab).title,
        commands=ZIP_COMMANDS,
        notebook=first_notebook(notebooks, tab),
        note=notes(words, framework(tab)),
    )


def notes(words, entry):
    """What a learner should know of a framework before installing it, in
    the README's language: from its facts (frameworks.py), the note on its
    Python bound and the one on its CPU-only index, where it has them."""
    facts = entry.facts()
    kinds = [(entry.python_below, words.zip_python_note), (entry.cpu_index, words.zip_cpu_note)]
    return ''.join(template.format(**facts) for fact, template in kinds if fact)


def write_zip(notebooks, tab):
    """The plain notebooks, with what a learner needs to run them locally."""
    source = notebooks.folder('plain', tab)
    (source / 'requirements.txt').write_text(requirements_txt(notebooks.project, tab))
    (source / 'README.md').write_text(readme(notebooks, tab), encoding='utf-8')
    write_atomic(notebooks.zip(tab), zip_of(source))


# Every entry of a zip gets this date, not its file's: the same notebooks
# make the same zip on every build.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def zip_of(folder):
    data = io.BytesIO()
    with zipfile.ZipFile(data, 'w', zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob('*')):
            if path.is_file():
                entry = zipfile.ZipInfo(path.relative_to(folder).as_posix(), ZIP_DATE)
                entry.external_attr = 0o644 << 16
                archive.writestr(entry, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return data.getvalue()
