"""The cache keys of a shard's evaluated notebooks in the hosted workflow
(`book eval-shard`): each shard keeps its notebooks between workflow runs
under a key made of its notebooks' code hashes (the evaluator's plan, whose
hashes already decide whether a notebook runs). An edit of one page's code
in one tab changes the key of the one shard that holds that notebook, and
a prose edit none.

Runs in .venv/book (the plan reads the pages with d2lbook).
"""

import hashlib

from .. import ci
from .planning import plan
from .tab_notebooks import environment_identity

# The prefix of every cache key of evaluated notebooks.
CACHE_PREFIX = 'evaluated'


def key_prefix(tab, shard):
    """What every key of one shard starts with: a restore key that finds the
    shard's last outputs whatever changed since."""
    return f'{CACHE_PREFIX}-{tab}-{shard.slug}-'


def cache_key(project, tab, shard, jobs=None):
    """The key of the shard's evaluated notebooks: the environment they run
    in and its device (config.ini [ci] gpu), the shard's pages and, for
    each, the code hash that decides whether the notebook runs (the page's
    code in the tab, the helpers, the environment). jobs: the evaluator's
    plan of the shard in `tab`, if the caller has made it already."""
    jobs = plan(project, [tab], shard) if jobs is None else jobs
    # The environment and the device count even for a shard without code:
    # its versions record comes from them.
    digest = hashlib.sha256(environment_identity(project, tab))
    digest.update(b'gpu' if ci.gpu(project, tab) else b'cpu')
    for job in jobs:
        # A page without code in the tab has no code hash: ''.
        digest.update(f'{job.name}\0{job.hash}\n'.encode())
    return key_prefix(tab, shard) + digest.hexdigest()[:32]
