"""What each evaluated tab ran with: _build/eval_versions/<tab>.json, read by
the notebooks' zips (forms/notebooks.py: their requirements.txt) and by the
tests that compare the learners' hosts with the build."""

import subprocess

from .. import environments
from ..files import write_atomic
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
print(json.dumps(versions, sort_keys=True))
"""


def record_versions(project, selected):
    """Write what each evaluated tab ran with. A tab whose environment is
    not on this machine, as in the hosted render job, keeps the record its
    evaluation job made; one made since the environment was last installed
    is kept as it is."""
    for tab in selected:
        path = project.versions_file(tab)
        stamp = environments.stamp(tab).path
        if not project.env_python(tab).exists() or (
            path.exists() and stamp.exists() and path.stat().st_mtime > stamp.stat().st_mtime
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
