"""What each evaluated tab ran with: _build/eval_versions/<tab>.json, the
Python version and {distribution: version}, read by the notebooks' zips
(forms/notebooks/zips.py: their requirements.txt), by the tests that compare the
learners' hosts with the build, and by `outputs_line`: the line on each page
(render/postprocess.py) and in each notebook's header (forms/notebooks/) that
says which versions made the outputs, and when, in the edition's language
(languages.py).

Standard library only: render/postprocess.py reads it."""

import json
import subprocess
from pathlib import Path

from ..files import read_json, write_atomic
from ..frameworks import framework
from ..identity import env_stamp
from ..report import BuildError

# Run in a framework's environment: the versions of what the d2l package's
# extra for the tab names (the editable install there carries the extras)
# and of the requirements file's pins, by distribution name; the build's
# own tools (ipykernel, pytest, this package) are left out.
VERSIONS_SCRIPT = """
import importlib.metadata as metadata, json, sys
from packaging.requirements import Requirement
package, tab, requirements_file = sys.argv[1:]
names = [
    Requirement(line).name
    for line in metadata.requires(package)
    if Requirement(line).marker and Requirement(line).marker.evaluate({'extra': tab})
]
with open(requirements_file) as lines:
    for line in lines:
        line = line.split('#')[0].strip()
        if line and not line.startswith('-'):
            name = Requirement(line).name
            if name not in {'ipykernel', 'pytest'}:
                names.append(name)
versions = {}
for name in names:
    for distribution in (name, name + '-cpu'):
        try:
            versions[distribution] = metadata.version(distribution)
            break
        except metadata.PackageNotFoundError:
            pass
    else:
        sys.exit(f'{name} is not installed in this environment')
python = '.'.join(map(str, sys.version_info[:3]))
print(json.dumps({'python': python, 'distributions': versions}, sort_keys=True))
"""


def record_versions(project, selected):
    """Write what each evaluated tab ran with. A tab whose environment is
    not on this machine, as in the hosted render job, keeps the record its
    evaluation job made; one made since the environment was last installed
    is kept as it is, unless it is from before the records named Python."""
    for tab in selected:
        path = project.versions_file(tab)
        stamp = env_stamp(project, tab).path
        if not project.env_python(tab).exists() or (
            path.exists()
            and stamp.exists()
            and path.stat().st_mtime > stamp.stat().st_mtime
            and 'python' in json.loads(path.read_text())
        ):
            continue
        result = subprocess.run(
            [
                str(project.env_python(tab)),
                '-c',
                VERSIONS_SCRIPT,
                project.d2l_package,
                tab,
                str(project.requirements_file(tab)),
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BuildError(f'could not read the versions of .venv/{tab}: {result.stderr.strip()}')
        write_atomic(path, result.stdout)


def read_versions(project, tab):
    """{'python': '3.11.7', 'distributions': {name: version}}: what the tab's
    notebooks ran with, as the evaluation recorded it (in the hosted
    workflow, the framework's job; its environment is not where the forms
    are made)."""
    path = project.versions_file(tab)
    record = read_json(path) if path.exists() else {}
    if 'python' not in record:
        raise BuildError(
            f'{project.relative(path)} is missing or from an older build: evaluate the '
            f'{tab} notebooks (make eval TABS={tab})'
        )
    return record


def evaluation_date(project, page, tab):
    """The date the outputs of a page's notebook in one tab were made (the
    evaluation's record), or None when that notebook has no code."""
    path = project.eval_record(project.root / f'{page}.md', tab)
    if not path.exists():
        return None
    return read_json(path).get('evaluated')


def framework_version(record, tab):
    """The framework's release, without a local label such as torch's +cpu."""
    entry = framework(tab)
    found = record['distributions']
    version = next((found[name] for name in entry.distribution_names if name in found), None)
    if version is None:
        raise BuildError(f'the versions record of {tab} has no {entry.distribution}')
    return version.split('+')[0]


def outputs_line(edition, page, tab):
    """'Outputs from PyTorch 2.13.0 (CPU), Python 3.11, 2026-12-01' for a
    page's notebook in one tab (None when it has no code, so no outputs).
    The date is the evaluation's, so that rendering again without
    evaluating writes the same bytes. In the edition's language; the
    versions are the English book's, which made every edition's outputs."""
    project = edition.project
    date = evaluation_date(project, page, tab)
    if date is None:
        return None
    record = read_versions(project, tab)
    return edition.language.outputs_line.format(
        framework=framework(tab).title,
        version=framework_version(record, tab),
        python='.'.join(record['python'].split('.')[:2]),
        date=date,
    )


def book_outputs_line(edition, tab):
    """The outputs line of a whole tab (its PDF's): the versions record's,
    with the date of its latest evaluation of any page; None when no page
    has code in that tab."""
    project = edition.project
    dated = [
        (date, page)
        for page in (
            Path(project.relative(source)).with_suffix('').as_posix()
            for source in project.notebook_sources()
        )
        if (date := evaluation_date(project, page, tab))
    ]
    if not dated:
        return None
    return outputs_line(edition, max(dated)[1], tab)
