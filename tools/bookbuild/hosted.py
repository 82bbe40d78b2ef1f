"""The hosted workflow's helpers (`book eval-shard`, `ci-matrix`,
`notebook-repos`, `release-files`): what they print is read by
.github/workflows/, which runs the build in shards and publishes it.
"""

import json

from . import ci
from .evaluate.shards import Shard
from .report import BuildError


def known_tab(project, names):
    if len(names) != 1:
        raise BuildError(f'eval-shard takes one tab, of {project.tabs}; got {names or "none"}')
    if names[0] not in project.tabs:
        raise BuildError(f'unknown tab(s) {names}; config.ini has {project.tabs}')
    return names[0]


def eval_shard(project, names, shard):
    """`book eval-shard TAB --shard I/N`: name=value lines for the hosted
    workflow's outputs (GITHUB_OUTPUT): the cache key of the shard's
    notebooks, the prefix of its earlier keys, how many notebooks it holds,
    and how many of them would run now (the environment is needed then)."""
    from .evaluate import planning, shard_keys

    tab = known_tab(project, names)
    shard = Shard.parse(shard)
    # One plan of the shard gives both what would run and the key.
    jobs = planning.plan(project, [tab], shard)
    to_run = sum(job.action == 'execute' for job in jobs)
    if not project.versions_file(tab).exists():
        to_run += 1  # the versions the outputs were made with are read in the environment
    print(f'key={shard_keys.cache_key(project, tab, shard, jobs)}')
    print(f'key-prefix={shard_keys.key_prefix(tab, shard)}')
    print(f'notebooks={len(jobs)}')
    print(f'to-run={to_run}')


def ci_matrix(project):
    """The hosted workflow's evaluation jobs as JSON: one per framework and
    shard (config.ini [ci]), with the runner it takes."""
    jobs = []
    for tab in project.tabs:
        count = ci.shards(project, tab)
        for index in range(1, count + 1):
            shard = Shard(index, count)
            jobs.append(
                {
                    'tab': tab,
                    'shard': str(shard),
                    'slug': shard.slug,
                    # The framework's own tests run once, in its first shard.
                    'first': index == 1,
                    'runner': ci.runner(project, tab),
                    'gpu': ci.gpu(project, tab),
                }
            )
    print(json.dumps(jobs))


def notebook_repos(project):
    """The Colab and SageMaker repositories of config.ini, as JSON for the
    hosted workflow's matrix, each with the name of its deploy key's secret."""
    print(json.dumps(ci.notebook_repos(project)))


def release_files(project, names):
    """`book release-files DIR`: every edition's PDFs, EPUBs and notebook
    zips, copied into DIR under the names the release publishes."""
    if len(names) != 1:
        raise BuildError(f'release-files takes one folder; got {names or "none"}')
    for name in ci.gather_release(project, names[0]):
        print(name)
