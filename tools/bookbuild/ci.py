"""config.ini's [ci]: how the hosted workflow (.github/workflows/book.yml)
evaluates the book, one job per framework and shard, and where it publishes
the notebooks. `book ci-matrix` and `book notebook-repos` print these as
JSON for the workflow's matrices. Also the names a release publishes the
readers' files under, which the pages' download links and `book
release-files` both ask here.

Standard library only, like project.py, which it reads.
"""

import shutil
from pathlib import Path

from .report import BuildError

# The runner of a framework's evaluation jobs that config.ini [ci] runner
# does not name: GitHub's hosted Linux machines, which have no GPU.
DEFAULT_RUNNER = 'ubuntu-latest'

# The notebook variants that the workflow publishes, each to a repository
# per framework (config.ini [colab] and [sagemaker] github_repo).
PUBLISHED_VARIANTS = ('colab', 'sagemaker')


def setting(project, key, tab, default):
    """One framework's value of a [ci] setting, or the default when the
    section, the setting or the framework's line is absent. A line for a
    framework that is not a tab is refused: it would be ignored."""
    if not project.config.has_option('ci', key):
        return default
    for line in project.config['ci'][key].strip().splitlines():
        name = line.split(',', 1)[0].strip()
        if name not in project.tabs:
            raise BuildError(
                f'config.ini [ci] {key}: {line.strip()!r} names {name}, not a tab ({project.tabs})'
            )
    try:
        return project.per_tab('ci', key, tab)
    except KeyError:
        return default


def shards(project, tab):
    """How many jobs evaluate one framework's notebooks at once."""
    value = setting(project, 'shards', tab, '1')
    if not value.isdigit() or int(value) < 1:
        raise BuildError(f'config.ini [ci] shards: {tab}, {value!r} is not a whole number ≥ 1')
    return int(value)


def runner(project, tab):
    """The runner label of one framework's evaluation jobs."""
    return setting(project, 'runner', tab, DEFAULT_RUNNER)


def gpu(project, tab):
    """Whether one framework's runner has GPUs to give its container."""
    gpu_tabs = project.config.get('ci', 'gpu', fallback='').replace(',', ' ').split()
    unknown = set(gpu_tabs) - set(project.tabs)
    if unknown:
        raise BuildError(f'config.ini [ci] gpu names {sorted(unknown)}, not tabs ({project.tabs})')
    if tab in gpu_tabs and runner(project, tab) == DEFAULT_RUNNER:
        raise BuildError(
            f'config.ini [ci] gpu names {tab}, whose runner is {DEFAULT_RUNNER}, which has '
            f'no GPU: give {tab} a runner with GPUs in [ci] runner'
        )
    return tab in gpu_tabs


def notebook_repos(project):
    """The Colab and SageMaker repositories of config.ini, each with the name
    of its deploy key's secret."""
    return [
        {
            'tab': tab,
            'variant': variant,
            'repo': project.notebook_repository(variant, tab),
            'secret': f'DEPLOY_KEY_{variant}_{tab}'.upper(),
        }
        for variant in PUBLISHED_VARIANTS
        for tab in project.tabs
    ]


# The readers' files of each framework that a release publishes, by suffix,
# and the folder of an edition's build that each is in.
RELEASED = {'.pdf': 'pdf', '.epub': 'epub', '.zip': 'notebooks'}


def published_name(edition, tab, suffix):
    """A reader's file's name among the release's assets. Every edition's
    files have the same names in their own folders, so a translation's gain
    its language after the book's name: custom-layers-ko.pdf,
    custom-layers-ko-jax.epub (the English ones keep theirs)."""
    name = edition.project.name
    built = edition.project.reader_file_name(tab, suffix)
    return built if edition.is_english else f'{name}-{edition.code}{built.removeprefix(name)}'


def published_download(edition, tab, suffix):
    """The address that downloads a reader's file from the latest release."""
    repository = edition.project.publish_repo
    name = published_name(edition, tab, suffix)
    return f'https://github.com/{repository}/releases/latest/download/{name}'


def release_files(project):
    """{published name: built file} of every edition's readers' files."""
    return {
        published_name(edition, tab, suffix): edition.build_dir
        / folder
        / project.reader_file_name(tab, suffix)
        for edition in (project.english, *project.translations())
        for tab in project.tabs
        for suffix, folder in RELEASED.items()
    }


def gather_release(project, folder):
    """Copy every edition's readers' files into folder under their
    published names; refuse when any is missing, so that no release goes
    out without one."""
    files = release_files(project)
    missing = [project.relative(built) for built in files.values() if not built.exists()]
    if missing:
        raise BuildError(f'the release lacks files that were not built: {", ".join(missing)}')
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, built in files.items():
        shutil.copyfile(built, folder / name)
    return sorted(files)
