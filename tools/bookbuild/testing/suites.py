"""Run every test suite in its own environment and sum up the results.

tests/build runs in the d2lbook environment (it reads the built notebooks and
site), and so does tests/build_behaviour (it builds throw-away copies of the
book to show how the build reacts to changes and failures);
tests/framework_<tab> runs in that framework's environment, so that each
tab's helpers and layers are tested with the framework versions the book
uses. tests/learners runs the learners' notebooks on fresh hosts that install
from the package index; with BOOK_TESTS_OFFLINE set (`make offline-check`),
those hosts are left out and the run says so.

The suites but the learners' run two at a time (processes.at_once, heavy):
the build's browser tests wait on Chromium while the build_behaviour suite
waits on kernels, so together they take less than one after the other. The
learners' suite runs last and alone: its hosts install several GB each and
already run two at a time. Each line a suite prints carries its name.

tests/unit is not among them: `make unit` runs it before anything is built
(`make test` starts with it), so it runs once, in seconds. The summary gives
each suite's count and time, the figures the closing note of a change reports, in a table after the
steps `make test` ran before the suites (timings.py).
"""

import concurrent.futures
import os
import tempfile
import time
import xml.etree.ElementTree as ET

from ..identity import KERNEL_ENV
from ..processes import at_once, run_streamed
from ..progress import duration
from ..timings import first_start, print_table, steps_rows


def suites(project):
    return [('build', 'book'), ('build_behaviour', 'book'), ('learners', 'book')] + [
        (f'framework_{tab}', tab) for tab in project.tabs
    ]


# Needs the package index: a fresh host installs its framework from there.
NEEDS_PACKAGE_INDEX = 'tests/learners/test_as_delivered.py'


def run_suite(project, suite, env_name, report):
    """Run one pytest suite; returns (passed, failed, skipped)."""
    # The suites' builds start no build server (build_server.py); a test of
    # the server turns it back on for its own copies.
    env = dict(os.environ, **KERNEL_ENV, BOOK_BUILD_SERVER='0')
    cmd = [
        str(project.env_python(env_name)),
        '-m',
        'pytest',
        f'tests/{suite}',
        '-p',
        'no:cacheprovider',
        f'--junitxml={report}',
        '-q',
    ]
    if os.environ.get('BOOK_TESTS_OFFLINE') and NEEDS_PACKAGE_INDEX.startswith(f'tests/{suite}/'):
        cmd.append(f'--ignore={NEEDS_PACKAGE_INDEX}')
        print(
            f'[test] offline: not running {NEEDS_PACKAGE_INDEX}, whose hosts install from '
            'the package index',
            flush=True,
        )
    print(f'[test] {suite} starts (in .venv/{env_name})', flush=True)
    run_streamed(cmd, env, f'[{suite}]', project.repository)
    if not os.path.exists(report):
        return 0, 1, 0  # pytest did not even start: count the suite as failed
    counts = {'tests': 0, 'failures': 0, 'errors': 0, 'skipped': 0}
    for suite_node in ET.parse(report).getroot().iter('testsuite'):
        for key in counts:
            counts[key] += int(suite_node.get(key, 0))
    failed = counts['failures'] + counts['errors']
    skipped = counts['skipped']
    return counts['tests'] - failed - skipped, failed, skipped


# The suite that runs after the others, on its own.
LAST_ALONE = 'learners'


def main(project):
    totals = [0, 0, 0]
    problems = []
    # Each step `make test` ran before (timings.py), then each suite: its
    # time and its counts.
    rows = steps_rows()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:

        def timed_suite(suite, env_name):
            start = time.perf_counter()
            counts = run_suite(project, suite, env_name, os.path.join(tmp, f'{suite}.xml'))
            return counts, time.perf_counter() - start

        planned = suites(project)
        together = [entry for entry in planned if entry[0] != LAST_ALONE]
        with concurrent.futures.ThreadPoolExecutor(max_workers=at_once(heavy=True)) as pool:
            results = dict(zip(together, pool.map(lambda entry: timed_suite(*entry), together)))
        for entry in planned:
            if entry not in results:
                results[entry] = timed_suite(*entry)
    for suite, env_name in planned:
        (passed, failed, skipped), seconds = results[(suite, env_name)]
        rows.append(
            (f'suite {suite}', seconds, f'{passed} passed, {failed} failed, {skipped} skipped')
        )
        totals = [t + n for t, n in zip(totals, (passed, failed, skipped))]
        if failed:
            problems.append(f'{suite}: {failed} failed')
        if skipped:
            # A skipped test proves nothing; the book's tests never skip.
            problems.append(f'{suite}: {skipped} skipped')
        if passed + failed + skipped == 0:
            problems.append(f'{suite}: no test ran')
    passed, failed, skipped = totals
    print()
    began = first_start()
    print_table(rows, time.time() - began if began else time.perf_counter() - started)
    for problem in problems:
        print(f'[test] problem: {problem}')
    print(
        f'{passed} passed, {failed} failed, {skipped} skipped '
        f'in {duration(time.perf_counter() - started)}'
    )
    return 1 if problems else 0
