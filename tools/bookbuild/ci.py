"""config.ini's [ci]: how the hosted workflow (.github/workflows/book.yml)
evaluates the book, one job per framework and shard, and where it publishes
the notebooks. `book ci-matrix` and `book notebook-repos` print these as
JSON for the workflow's matrices.

Standard library only, like project.py, which it reads.
"""

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
