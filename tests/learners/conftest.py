"""The learners' hosts run once per test session, as many at once as the
build's heavy work may, and every test reads their reports
(bookbuild/testing/learner_hosts.py). The hosts and their notebooks come
from the project: its pages, its tabs and its hosts' manifests."""

import contextlib
import json
import threading

import pytest

from book_paths import PROJECT
from bookbuild.testing import host_plans, host_worker, learner_hosts


@pytest.fixture(scope='session')
def project():
    return PROJECT


@pytest.fixture(scope='session')
def host_reports(project, pytestconfig):
    folder = project.build_dir / 'learner-hosts'
    # The hosts' lines reach the terminal as they come: pytest would hold
    # them until the session ends, and the hosts take minutes.
    capture = pytestconfig.pluginmanager.getplugin('capturemanager')  # None with -s
    one_at_a_time = threading.Lock()

    def log(line):
        with one_at_a_time:
            with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
                print(line, flush=True)

    reports = learner_hosts.run_plans(project, host_plans.plans(project), folder, log=log)
    # How long each host took, for docs/publishing.md's figures and the bench;
    # and how the first cells' output arrived (host_worker.output_figures).
    (folder / 'summary.json').write_text(
        json.dumps(
            {
                name: {
                    'replica_seconds': report.get('replica_seconds'),
                    'setup_seconds': report.get('setup_seconds'),
                    'notebooks': [
                        (n['notebook'], n['seconds'], n['first_cell_seconds'])
                        for n in report.get('notebooks', [])
                    ],
                    'first_cells': [
                        {
                            'notebook': n['notebook'],
                            'cell_seconds': n['first_cell_seconds'],
                            **host_worker.output_figures(n['first_cell_output']),
                        }
                        for n in host_worker.runs_in_order(report)
                    ],
                }
                for name, report in reports.items()
            },
            indent=1,
        )
    )
    return reports
