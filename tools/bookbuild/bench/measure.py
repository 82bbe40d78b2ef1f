"""`make bench`: the goals of the author's loop and the clean build, the
helpers, the book's own measurements and the build at scale, timed.

Every figure is a pair measured side by side in this one run, so that the
ratio holds even on a machine shared with other builds:

  - the goals (goals.py): `make` after a prose edit against `make watch`
    for the same edit, `make watch` after a prose edit and after a one-tab
    code edit, at 1× and 16× the book (at_scale.py, author_loop.py); a clean
    build of the four tabs plus HTML against the plain d2lbook flow
    (`d2lbook build eval --tab X` for every tab, side by side as the old
    driver ran them, then `d2lbook build html --tab all`), each in its own
    throw-away copy of the book (goal: at most 0.40 of the time), with its
    time split between the evaluation and the render;
  - import time of `d2l.<framework>` over importing the framework modules
    that d2l/<framework>.py needs (goal: under 5% more), each in a fresh
    interpreter, alternating, the fastest of several (a neighbour's build
    only ever adds time, and an import's cost is what remains without it);
  - the book's own measurements in each framework: the scripts config.ini
    [bench] in_framework names, each a table's rows;
  - a rebuild of both flows with nothing changed, and the weight and load
    time of the page each renders;
  - the first cell of each framework's Colab notebook on a fresh host that
    already has the book's versions of the framework (only d2l installs;
    goal: 15 s or less) against a bare host, where pip brings the framework
    too (testing/learner_hosts.py; needs `make notebooks dist` first and the
    package index, or pip's cache);
  - the book at scale: copies 1, 4 and 16 times its size, each built clean,
    edited in the author's loop, and made into notebooks and PDFs.

`--only loop` measures the goals alone. The tables are printed and written
to _build/bench.md. A benchmark is never a test: nothing fails on a number.
The figures come from per_framework.py, builds.py, author_loop.py and
at_scale.py; goals.py judges them; runs.py is what they share.
"""

import datetime
import os
import subprocess
import tempfile

from ..files import write_atomic
from ..frameworks import framework
from ..report import BuildError
from .at_scale import SCALES, scale_tables, scale_times
from .builds import build_times, clean_builds
from .goals import MAKE_AS_TIMED, goals_table, issue_goals, row_verdict
from .per_framework import book_benchmark_rows, book_benchmarks, import_times, module_name
from .runs import bench_page, bench_says, row


def first_cell_times(project):
    """{tab: (seconds with the framework preinstalled, seconds on a bare host)}."""
    from ..testing import learner_hosts

    return learner_hosts.first_cell_seconds(project)


# The parts of the bench that --only picks; without it, all of them.
PARTS = {
    # The components against their references; the clean builds with them.
    'components': ('components',),
    # The book at scale: each size built clean, the author's loop, the forms.
    'scale': ('scale',),
    # The issue's goals alone: the clean builds, and the author's loop at
    # the scales given, without the forms.
    'loop': ('clean', 'loop'),
    None: ('components', 'scale'),
}


def main(project, only=None, scales=None):
    """`book bench`: the goals of the author's loop and the clean build,
    the components against their references, then the book at scale (only:
    one part, PARTS); the tables go to the terminal and _build/bench.md."""
    scales = sorted(set(scales or SCALES))
    if any(factor < 1 for factor in scales):
        raise BuildError(f'--scales takes whole factors ≥ 1, not {scales}')
    parts = PARTS[only]
    clean = None
    results = {}
    try:
        sections = []
        if 'components' in parts:
            table, clean = component_table(project)
            sections.append(table)
        if 'clean' in parts:
            with tempfile.TemporaryDirectory(prefix='bench-') as scratch:
                _, clean = clean_builds(project, scratch)
        if 'scale' in parts or 'loop' in parts:
            with tempfile.TemporaryDirectory(prefix='bench-scale-') as scratch:
                for factor in scales:
                    results[factor] = scale_times(project, factor, scratch, 'scale' in parts)
                    # Each size's table as soon as it is measured.
                    print('\n' + scale_tables(results)[-1], flush=True)
            sections += [
                '## The book at scale',
                '',
                f'Copies of the book with {", ".join(map(str, scales))} times its chapters '
                '(bench/scale.py), built with the same environments; growth is '
                f'each figure over the {min(scales)}× book\'s, per page is the '
                'figure over the pages config.ini names.',
                '',
                *scale_tables(results),
            ]
    except subprocess.CalledProcessError as error:
        raise BuildError(f'bench failed: {error}') from error
    if results or clean:
        sections.insert(0, goals_section(results, clean))
    load = ', '.join(f'{x:.1f}' for x in os.getloadavg())
    text = '\n'.join(
        [
            '# make bench',
            '',
            f'{datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, '
            f'load average {load} at the end.',
            '',
            *sections,
        ]
    )
    print('\n' + text)
    write_atomic(project.build_dir / 'bench.md', text)
    bench_says(f'written to {project.relative(project.build_dir / "bench.md")}')
    return 0


def goals_section(results, clean):
    """The goals of the author's loop and the clean build, side by side."""
    return '\n'.join(
        [
            '## The goals',
            '',
            'Measured in this run: the loop on the copies of the book at scale, the clean '
            'builds side by side. A hard goal must be met; the others may be missed, with '
            'where the time went beside them. ' + MAKE_AS_TIMED,
            '',
            goals_table(issue_goals(results, clean)),
            '',
        ]
    )


def component_table(project):
    """The components, each against its reference, side by side in this
    run; and the clean builds (builds.clean_builds) for the goals."""
    tabs = project.tabs
    rows = []
    for tab in tabs:
        bench_says(f'import time of d2l.{module_name(project, tab)} ...')
        ours, reference = import_times(project, tab)
        rows.append(
            row(
                f'`import d2l.{module_name(project, tab)}` vs `{framework(tab).imports}`',
                ours,
                reference,
                's',
                '< 1.05',
            )
        )
    for script in book_benchmarks(project):
        for tab in tabs:
            bench_says(f'{project.relative(script)} in {tab} ...')
            rows += book_benchmark_rows(project, script, tab)
    clean, unchanged, weights = build_times(project)
    rows.append(
        row('`book html` with nothing changed, vs plain d2lbook', *unchanged, 's', 'a few seconds')
    )
    (ours_bytes, ours_seconds), (plain_bytes, plain_seconds) = weights['ours'], weights['plain']
    rows.append(
        f'| the page {bench_page(project)}: bytes it loads, vs plain d2lbook\'s | {ours_bytes / 1e6:.2f} MB '
        f'| {plain_bytes / 1e6:.2f} MB | {ours_bytes / plain_bytes:.2f} '
        f'| ≤ 1.00: {row_verdict("≤ 1.00", ours_bytes, plain_bytes)} |'
    )
    rows.append(
        row(
            f'the page {bench_page(project)}: until MathJax has typeset it, headless Chromium',
            ours_seconds,
            plain_seconds,
            's',
            '≤ 1.00',
        )
    )
    bench_says('first cell of the Colab notebooks, framework there vs a bare host ...')
    for tab, (with_framework, bare) in first_cell_times(project).items():
        rows.append(
            row(
                f'{tab}: first cell, host with the framework vs a bare host',
                with_framework,
                bare,
                's',
                '≤ 15 s',
            )
        )
    table = '\n'.join(
        [
            '## The components, each against its reference',
            '',
            'Each pair was measured side by side in this run; ratio = this project / reference. '
            'The clean builds are in the goals; `make` with nothing changed, a prose edit and a '
            'code edit are in the tables of the book at scale.',
            '',
            '| measure | this project | reference | ratio | goal |',
            '|---|---|---|---|---|',
            *rows,
            '',
        ]
    )
    return table, clean
