"""d2lbook's own steps that make one tab's forms of an edition (`d2lbook
build pdf`, `d2lbook build ipynb colab sagemaker`), run in the edition's
d2lbook project: the repository for English, a translation's staged sources
(Edition.source_dir) for the others."""

from ..processes import book_env, d2lbook, run_streamed


def d2lbook_build(edition, tab, *targets, extra_env=None):
    """`d2lbook build <targets> --tab <tab>`, its output streamed behind
    [[<lang>] <targets> <tab>]; returns d2lbook's exit status.

    English runs with the tab's kernel, for the steps that may still
    evaluate. A translated edition has none, since its notebooks hold the
    English run's outputs: if d2lbook found anything to evaluate, it would
    fail rather than quietly show other outputs."""
    project = edition.project
    env = dict(book_env(project, tab if edition.is_english else None), **(extra_env or {}))
    words = ([edition.tag] if edition.tag else []) + [*targets, tab]
    return run_streamed(
        d2lbook(project, *targets, '--tab', tab),
        env,
        f'[{" ".join(words)}]',
        cwd=edition.source_dir,
    )
