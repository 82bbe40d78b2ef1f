"""The book at scale, timed by `make bench`: copies of the book grown to
several sizes (scale.py), each built clean, edited in the author's loop and
(unless only the loop is asked for) made into notebooks and PDFs; a table
per size, each goal of that size met or missed (goals.py)."""

import os
import shutil
from pathlib import Path

from . import goals, scale
from .author_loop import loop_times
from .runs import BOOK_COMMAND, bench_page, bench_says, clean_build, quiet, timed

# The sizes of the books the bench grows (bench/scale.py), in chapters.
SCALES = (1, 4, 16)


def book_step(copy, command):
    """The seconds of `book <command>` on a copy."""
    return timed(lambda: quiet([str(BOOK_COMMAND), command, '--project', str(copy)], copy))


def scale_times(project, factor, scratch, forms=True):
    """{measure: seconds} of a book `factor` times this one's size, and
    {'pages', 'notebooks', 'kernel', 'cores', 'watch steps'} about it.
    forms: also time `make notebooks` and `make pdf`."""
    copy = scale.grow(project.root, Path(scratch) / f'book-{factor}x', factor)
    bench_says(f'{factor}× book: clean build ...')
    built = clean_build(copy)
    times = {goals.CLEAN: built['seconds']}
    times.update({f'clean: {name}': seconds for name, seconds in (built['split'] or {}).items()})
    bench_says(f'{factor}× book: the author\'s loop ...')
    loop = loop_times(copy, bench_page(project), project.default_tab)
    times.update(
        {
            goals.UNCHANGED_MAKE: loop['unchanged'],
            goals.PROSE_MAKE: loop['prose make'],
            goals.PROSE_WATCH: loop['prose watch'],
            'code edit of one page-tab, make (beyond its run)': loop['code make'],
            goals.CODE_WATCH: loop['code watch'],
        }
    )
    if forms:
        bench_says(f'{factor}× book: make notebooks ...')
        times['make notebooks'] = book_step(copy, 'notebooks')
        bench_says(f'{factor}× book: make pdf ...')
        times['make pdf'] = book_step(copy, 'pdf')
    shutil.rmtree(copy)
    about = {
        'pages': built['pages'],
        'notebooks': built['notebooks'],
        'kernel': built['kernel'],
        'cores': os.cpu_count() or 1,
        'watch steps': loop['watch steps'],
    }
    return times, about


def scale_tables(results):
    """A markdown table per size: each measure's seconds, per page, and
    its growth over the smallest size; each goal of that size, met or missed."""
    smallest = min(results)
    largest = max(results)
    tables = []
    for factor, (times, about) in sorted(results.items()):
        size_goals = goals.size_goals(factor, largest, times, about)
        rows = [
            f'### {factor}× the book: {about["pages"]} pages, {about["notebooks"]} notebooks run, '
            f'{about["kernel"]:.0f} s of kernel time on {about["cores"]} cores',
            '',
            f'| measure | seconds | per page | × the {smallest}× book | goal |',
            '|---|---|---|---|---|',
        ]
        for measure, seconds in times.items():
            base = results[smallest][0].get(measure, float('nan'))
            goal = size_goals.get(measure)
            rows.append(
                f'| {measure} | {seconds:.2f} | {seconds / about["pages"]:.3f} '
                f'| {goals.ratio(seconds, base):.2f} | {goal.cell() if goal else ""} |'
            )
        rows.append('')
        for edit_name, steps in about['watch steps'].items():
            rows.append(f'- `make watch`\'s steps for the {edit_name} edit: {steps}')
        rows += ['', goals.MAKE_AS_TIMED, '']
        tables.append('\n'.join(rows))
    return tables
