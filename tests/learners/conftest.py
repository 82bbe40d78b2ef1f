"""The learners' hosts run once per test session, as many at once as the
build's heavy work may, and every test reads their reports
(bookbuild/testing/learner_hosts.py)."""

import json
import re

import nbformat
import pytest

from book_paths import BUILD
from bookbuild.testing import learner_hosts

HOSTS = BUILD / 'learner-hosts'


def pip_fails_plan(folder):
    """The jax Colab notebook with a release of d2l that does not exist: its
    first cell must stop the notebook with pip's message."""
    notebook = nbformat.read(
        learner_hosts.NOTEBOOKS / 'jax' / 'colab' / learner_hosts.SECTION, as_version=4
    )
    first = next(cell for cell in notebook.cells if cell.cell_type == 'code')
    first.source, replaced = re.subn(r"(requirement = '[^=]+)==[^']+'", r"\1==0.0.0'", first.source)
    assert replaced == 1, first.source
    path = folder / 'pip-fails.ipynb'
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return learner_hosts.HostPlan('pip-fails', 'jax', learner_hosts.sys_python(), (path,))


@pytest.fixture(scope='session')
def host_reports():
    plans = learner_hosts.plans() + learner_hosts.selected([pip_fails_plan(HOSTS / 'notebooks')])
    reports = learner_hosts.run_plans(plans, HOSTS)
    # How long each host took, for the README's figures and the bench.
    (HOSTS / 'summary.json').write_text(
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
