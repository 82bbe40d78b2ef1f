"""`make bench`: the helpers, the book's own measurements and the build, timed.

Every figure is a pair measured side by side in this one run, so that the
ratio holds even on a machine shared with other builds:

  - import time of `d2l.<framework>` over importing the framework modules
    that d2l/<framework>.py needs (goal: under 5% more), each in a fresh
    interpreter, alternating, the fastest of several (a neighbour's build
    only ever adds time, and an import's cost is what remains without it);
  - the book's own measurements in each framework: the scripts config.ini
    [bench] in_framework names, each a table's rows;
  - a clean build of the four tabs plus HTML against the plain d2lbook flow
    (`d2lbook build eval --tab X` for every tab, side by side as the old
    driver ran them, then `d2lbook build html --tab all`), each in its own
    throw-away copy of the book (goal: at most half the time); and a
    rebuild of each with nothing changed;
  - the first cell of each framework's Colab notebook on a fresh host that
    already has the book's versions of the framework (only d2l installs;
    goal: 15 s or less) against a bare host, where pip brings the framework
    too (testing/learner_hosts.py; needs `make notebooks dist` first and the
    package index, or pip's cache).

The table is printed and written to _build/bench.md. A benchmark is never a
test: nothing fails on a number. The figures come from per_framework.py,
builds.py, author_loop.py and at_scale.py; runs.py is what they share.
"""

import datetime
import os
import subprocess
import tempfile

from ..files import write_atomic
from ..frameworks import framework
from ..report import BuildError
from .at_scale import SCALES, scale_tables, scale_times
from .author_loop import author_loop_times
from .builds import build_times
from .per_framework import book_benchmark_rows, book_benchmarks, import_times, module_name
from .runs import bench_page, bench_says, row


def first_cell_times(project):
    """{tab: (seconds with the framework preinstalled, seconds on a bare host)}."""
    from ..testing import learner_hosts

    return learner_hosts.first_cell_seconds(project)


def main(project, only=None, scales=None):
    """`book bench`: the components against their references, then the
    book at scale (only: one of the two); the tables go to the terminal and
    _build/bench.md."""
    scales = sorted(set(scales or SCALES))
    if any(factor < 1 for factor in scales):
        raise BuildError(f'--scales takes whole factors ≥ 1, not {scales}')
    try:
        sections = []
        if only in (None, 'components'):
            sections.append(component_table(project))
        if only in (None, 'scale'):
            results = {}
            with tempfile.TemporaryDirectory(prefix='bench-scale-') as scratch:
                for factor in scales:
                    results[factor] = scale_times(project, factor, scratch)
                    # Each size's table as soon as it is measured.
                    print('\n' + scale_tables(results)[-1], flush=True)
            sections += [
                '## The book at scale',
                '',
                f'Copies of the book with 1 to {max(scales)} times its chapters '
                '(bench/scale.py), built with the same environments; growth is '
                f'each figure over the {min(scales)}× book\'s, per page is the '
                'figure over the pages config.ini names.',
                '',
                *scale_tables(results),
            ]
    except subprocess.CalledProcessError as error:
        raise BuildError(f'bench failed: {error}') from error
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


def component_table(project):
    """The components, each against its reference, side by side in this run."""
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
    bench_says('the author\'s loop: make with nothing changed, and make watch after an edit ...')
    loop = author_loop_times(project)
    clean, unchanged, weights = build_times(project)
    rows.append(
        row(
            '`make` with nothing changed (the set-up check, then `book html`), '
            'vs plain d2lbook\'s rebuild with nothing changed',
            loop['unchanged'],
            unchanged[1],
            's',
            '≤ 1.5 s',
        )
    )
    rows.append(
        row(
            'prose edit until the page reloads: `make watch` vs `make`',
            *loop['prose'],
            's',
            '≤ 2 s',
        )
    )
    rows.append(
        row(
            f'{project.default_tab} code edit, beyond the tab\'s own run: `make watch` vs `make`',
            *loop['code'],
            's',
            '≤ 2 s',
        )
    )
    rows.append(
        row(
            f'clean build, {len(project.tabs)} tabs + HTML, vs plain d2lbook', *clean, 's', '≤ 0.50'
        )
    )
    rows.append(
        row('`book html` with nothing changed, vs plain d2lbook', *unchanged, 's', 'a few seconds')
    )
    (ours_bytes, ours_seconds), (plain_bytes, plain_seconds) = weights['ours'], weights['plain']
    rows.append(
        f'| the page {bench_page(project)}: bytes it loads, vs plain d2lbook\'s | {ours_bytes / 1e6:.2f} MB '
        f'| {plain_bytes / 1e6:.2f} MB | {ours_bytes / plain_bytes:.2f} | ≤ 1.00 |'
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
    return '\n'.join(
        [
            '## The components, each against its reference',
            '',
            'Each pair was measured side by side in this run; ratio = this project / reference.',
            '',
            '| measure | this project | reference | ratio | goal |',
            '|---|---|---|---|---|',
            *rows,
            '',
        ]
    )
