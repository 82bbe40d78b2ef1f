"""The learners' hosts run once per test session, as many at once as the
build's heavy work may, and every test reads their reports
(bookbuild/testing/learner_hosts.py). The hosts and their notebooks come
from the project: its pages, its tabs and its hosts' manifests."""

import json

import pytest

from book_paths import PROJECT
from bookbuild.testing import learner_hosts


@pytest.fixture(scope='session')
def project():
    return PROJECT


@pytest.fixture(scope='session')
def host_reports(project):
    folder = project.build_dir / 'learner-hosts'
    reports = learner_hosts.run_plans(project, learner_hosts.plans(project), folder)
    # How long each host took, for the README's figures and the bench.
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
                }
                for name, report in reports.items()
            },
            indent=1,
        )
    )
    return reports
