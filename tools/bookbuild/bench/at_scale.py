"""The book at scale, timed by `make bench`: copies of the book grown to
several sizes (scale.py), each built clean, edited in the author's loop and
made into notebooks and PDFs; a table per size, and the goals at the
largest."""

import json
import shutil
from pathlib import Path

from ..processes import at_once
from . import scale
from .author_loop import loop_times
from .runs import BOOK_COMMAND, bench_page, bench_says, quiet, this_build, timed

# The sizes of the books the bench grows (bench/scale.py), in chapters.
SCALES = (1, 4, 16)


def book_step(copy, command):
    """The seconds of `book <command>` on a copy."""
    return timed(lambda: quiet([str(BOOK_COMMAND), command, '--project', str(copy)], copy))


def scale_times(project, factor, scratch):
    """{measure: seconds} of a book `factor` times this one's size, and
    {'pages', 'notebooks', 'kernel', 'watch steps'} about it."""
    copy = scale.grow(project.root, Path(scratch) / f'book-{factor}x', factor)
    bench_says(f'{factor}× book: clean evaluation ...')
    times = {'clean: evaluation': book_step(copy, 'eval')}
    report = json.loads((copy / '_build' / 'eval_report.json').read_text())
    pages = len({job['source'] for job in report['notebooks']})
    executed = [job for job in report['notebooks'] if job['action'] == 'executed']
    kernel = sum(job['seconds'] for job in executed)
    bench_says(f'{factor}× book: render ...')
    times['clean: render'] = timed(lambda: this_build(copy))
    times['clean build'] = times['clean: evaluation'] + times['clean: render']
    bench_says(f'{factor}× book: the author\'s loop ...')
    loop = loop_times(copy, bench_page(project), project.default_tab)
    watch_steps = loop['watch steps']
    times.update(
        {
            'make, nothing changed': loop['unchanged'],
            'prose edit, make': loop['prose make'],
            'prose edit, make watch': loop['prose watch'],
            'code edit of one page-tab, make (beyond its run)': loop['code make'],
            'code edit of one page-tab, make watch (beyond its run)': loop['code watch'],
        }
    )
    bench_says(f'{factor}× book: make notebooks ...')
    times['make notebooks'] = book_step(copy, 'notebooks')
    bench_says(f'{factor}× book: make pdf ...')
    times['make pdf'] = book_step(copy, 'pdf')
    shutil.rmtree(copy)
    about = {
        'pages': pages,
        'notebooks': len(executed),
        'kernel': kernel,
        'cores': at_once(),
        'watch steps': watch_steps,
    }
    return times, about


def scale_goals(times, about):
    """{measure: (goal, met)} at the largest size."""
    ideal = about['kernel'] / about['cores'] + times['clean: render']
    return {
        'make, nothing changed': ('≤ 0.5 s', times['make, nothing changed'] <= 0.5),
        'prose edit, make watch': ('≤ 2 s', times['prose edit, make watch'] <= 2),
        'code edit of one page-tab, make watch (beyond its run)': (
            '≤ 2 s',
            times['code edit of one page-tab, make watch (beyond its run)'] <= 2,
        ),
        'clean build': (
            f'≤ 1.2 × (kernel ÷ cores + render) = {1.2 * ideal:.0f} s',
            times['clean build'] <= 1.2 * ideal,
        ),
    }


def scale_tables(results):
    """A markdown table per size: each measure's seconds, per page, and
    its growth over the smallest size; the goals at the largest."""
    smallest = min(results)
    largest = max(results)
    tables = []
    for factor, (times, about) in sorted(results.items()):
        goals = scale_goals(times, about) if factor == largest else {}
        rows = [
            f'### {factor}× the book: {about["pages"]} pages, {about["notebooks"]} notebooks run, '
            f'{about["kernel"]:.0f} s of kernel time on {about["cores"]} kernels at once',
            '',
            f'| measure | seconds | per page | × the {smallest}× book | goal |',
            '|---|---|---|---|---|',
        ]
        for measure, seconds in times.items():
            base = results[smallest][0][measure]
            goal, met = goals.get(measure, ('', None))
            verdict = '' if met is None else (' ✓' if met else ' ✗ not met')
            rows.append(
                f'| {measure} | {seconds:.2f} | {seconds / about["pages"]:.3f} '
                f'| {seconds / base if base > 0 else float("nan"):.2f} | {goal}{verdict} |'
            )
        rows.append('')
        for edit_name, steps in about['watch steps'].items():
            rows.append(f'- `make watch`\'s steps for the {edit_name} edit: {steps}')
        rows.append('')
        tables.append('\n'.join(rows))
    return tables
