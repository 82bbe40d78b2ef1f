"""d2lbook's own steps that make one tab's forms of an edition (`d2lbook
build pdf`, `d2lbook build ipynb colab sagemaker`), run in the edition's
d2lbook project: the repository for English, a translation's staged sources
(project.edition_source_dir) for the others."""

from ..processes import book_env, d2lbook, run_streamed


def d2lbook_build(project, lang, tab, *targets, extra_env=None):
    """`d2lbook build <targets> --tab <tab>`, its output streamed behind
    [<lang> <targets> <tab>]; returns d2lbook's exit status.

    English runs with the tab's kernel, for the steps that may still
    evaluate. A translated edition has none, since its notebooks hold the
    English run's outputs: if d2lbook found anything to evaluate, it would
    fail rather than quietly show other outputs."""
    env = dict(book_env(project, tab if lang == 'en' else None), **(extra_env or {}))
    words = ([] if lang == 'en' else [lang]) + [*targets, tab]
    return run_streamed(
        d2lbook(project, *targets, '--tab', tab),
        env,
        f'[{" ".join(words)}]',
        cwd=project.edition_source_dir(lang),
    )
