"""The framework stacks of the hosts learners use, as data.

requirements/hosts/<name>.txt holds what one host preinstalls, copied from
the host's own published manifest: a pip requirements file of exact pins,
whose header carries what the replica needs besides the packages, one
`# key: value` line each:

    # Colab, runtime 2025.07: the frameworks it preinstalls, from its own manifest.
    # host: Colab, runtime 2025.07
    # python: 3.11
    # variant: colab
    # source: https://github.com/googlecolab/backend-info/blob/<commit>/pip-freeze.txt
    # date: 2025-07-14
    numpy==2.0.2
    torch==2.6.0

`variant` is the hosted notebook variant learners on that host open; `date` is the
date of the manifest's commit. Other comment lines are notes for people.
host_plans.py plans a host from each file (`hosts(folder)`), and host_envs.py
builds its replica.

Colab publishes its runtime as pip's freeze (googlecolab/backend-info); the
weekly job turns today's into a host file:

    .venv/book/bin/python -m bookbuild.testing.host_manifest colab pip-freeze.txt \\
        --name colab-current --source URL --date YYYY-MM-DD --python 3.13

(or `--os-info os-info.txt`, the file beside it that names the Python).

Runs in .venv/book (it uses `packaging`).
"""

import argparse
import datetime
import re
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from ..frameworks import FRAMEWORKS
from ..project import Project

# The packages a replica preinstalls, in the order a host file written here
# lists them (by name, as pip's freeze does): what the first cells of the
# frameworks in the registry keep at the runtime's version (frameworks.py's
# kept: each framework, what its extra adds, such as Keras, and NumPy, which
# they all stand on), and the host's packages that pin a framework's version
# exactly (its pinned_by, such as torchvision for torch), so that pip on a
# replica is held by the same pins as on the host. Nothing else of a host's
# manifest matters to the notebooks' first cells.
STACK = tuple(
    sorted({name for entry in FRAMEWORKS.values() for name in (*entry.kept, *entry.pinned_by)})
)
# The hosted notebook variants (forms/notebooks' VARIANTS but `plain`; a
# test keeps the two equal).
HOSTED_VARIANTS = ('colab', 'sagemaker')
# The header's keys, in the order a written file has them.
KEYS = ('host', 'python', 'variant', 'source', 'date')
HEADER_LINE = re.compile(r'#\s*(?P<key>[a-z]+):\s*(?P<value>.*?)\s*$')


class ManifestError(ValueError):
    """A host file or a host's manifest that cannot be read; the message
    names the file and, where there is one, the line."""


@dataclass(frozen=True)
class HostManifest:
    """One host file: its name is the file's stem (`colab-2025.07`), its
    title the header's `host`."""

    name: str
    title: str
    python: str
    variant: str
    source: str
    date: str
    # Requirement strings, `name==version`, in the file's order.
    requirements: list = field(hash=False)


# ------------------------------------------------------ reading a file ----


def check_value(key, value):
    """The problem with a header value, or None."""
    if not value:
        return 'has no value'
    if key == 'python' and not re.fullmatch(r'3\.\d+', value):
        return f'must be a minor version such as 3.12, not {value!r}'
    if key == 'variant' and value not in HOSTED_VARIANTS:
        return f'must be one of {", ".join(HOSTED_VARIANTS)}, not {value!r}'
    if key == 'source' and not value.startswith('https://'):
        return f'must be an https:// address, not {value!r}'
    if key == 'date':
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return f'must be a date YYYY-MM-DD, not {value!r}'
        if len(value) != 10:
            return f'must be a date YYYY-MM-DD, not {value!r}'
    return None


def check_pin(text):
    """The problem with one requirement line of a host file, or None."""
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        return f'not a requirement ({error})'
    specifiers = list(requirement.specifier)
    if requirement.url or requirement.extras or requirement.marker or len(specifiers) != 1:
        return f'{text!r} must be an exact pin, name==version'
    [specifier] = specifiers
    if specifier.operator != '==' or '*' in specifier.version:
        return f'{text!r} must be an exact pin, name==version'
    if canonicalize_name(requirement.name) not in STACK:
        return (
            f'{requirement.name} is not one of the frameworks a replica keeps ({", ".join(STACK)})'
        )
    try:
        version = Version(specifier.version)
    except InvalidVersion:
        return f'{text!r} has no valid version'
    if version.local:
        return f'{text!r} has a local label; a replica installs the package index release'
    return None


def read_host(path):
    """The host file at path as a HostManifest; ManifestError names the file
    and line of anything missing or malformed."""
    path = Path(path)
    header, requirements, names = {}, [], set()
    end_of_header = None
    lines = path.read_text(encoding='utf-8').splitlines()
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        match = HEADER_LINE.fullmatch(line) if line.startswith('#') else None
        if match and match['key'] in KEYS:
            key, value = match['key'], match['value']
            if end_of_header is not None:
                raise ManifestError(
                    f'{path}:{number}: `{key}` belongs in the header, above the packages'
                )
            if key in header:
                raise ManifestError(f'{path}:{number}: a second `{key}` line')
            problem = check_value(key, value)
            if problem:
                raise ManifestError(f'{path}:{number}: `{key}` {problem}')
            header[key] = value
            continue
        if line.startswith('#'):
            continue  # a note for people
        end_of_header = end_of_header or number
        problem = check_pin(line)
        if problem:
            raise ManifestError(f'{path}:{number}: {problem}')
        name = canonicalize_name(Requirement(line).name)
        if name in names:
            raise ManifestError(f'{path}:{number}: {name} is listed twice')
        names.add(name)
        requirements.append(line)
    where = f'{path}:{end_of_header or len(lines) + 1}'
    for key in KEYS:
        if key not in header:
            raise ManifestError(f'{where}: the header ends without a `# {key}: ...` line')
    if not requirements:
        raise ManifestError(f'{where}: no packages: a host file pins its frameworks')
    return HostManifest(
        name=path.stem,
        title=header['host'],
        python=header['python'],
        variant=header['variant'],
        source=header['source'],
        date=header['date'],
        requirements=requirements,
    )


def hosts(folder):
    """Every host file in folder (*.txt), sorted by name."""
    return sorted((read_host(path) for path in Path(folder).glob('*.txt')), key=lambda h: h.name)


# ------------------------------------------- a host's manifest to a file ----


def version_in_url(url):
    """The version a wheel's address names (torch-2.11.0%2Bcpu-...whl), or None."""
    filename = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit('/', 1)[-1])
    try:
        return parse_wheel_filename(filename)[1]
    except InvalidWheelFilename:
        return None


def stack_of_pip_freeze(text, origin='the freeze'):
    """{package: Version} of STACK in pip's freeze output: lines of
    `name==version` and, for packages installed from an address (Colab's
    torch), `name @ https://.../name-version-...whl`."""
    found = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        start = re.match(r'[A-Za-z0-9][A-Za-z0-9._-]*', line)
        if not start or canonicalize_name(start[0]) not in STACK:
            continue  # comments, options and every other package
        where = f'{origin}:{number}'
        try:
            requirement = Requirement(line)
        except InvalidRequirement as error:
            raise ManifestError(f'{where}: cannot read {line!r} ({error})') from None
        pins = [s.version for s in requirement.specifier if s.operator in ('==', '===')]
        version = version_in_url(requirement.url) if requirement.url else None
        if pins:
            try:
                version = Version(pins[0])
            except InvalidVersion:
                version = None
        if version is None:
            raise ManifestError(f'{where}: no version in {line!r}')
        name = canonicalize_name(requirement.name)
        if name in found:
            raise ManifestError(f'{where}: {name} appears twice')
        found[name] = version
    return found


def python_of_os_info(text, origin='os-info.txt'):
    """The minor version of Python that Colab's os-info.txt names
    (`Python 3.13.15` -> '3.13')."""
    match = re.search(r'^Python (3\.\d+)\.\d+\s*$', text, re.MULTILINE)
    if not match:
        raise ManifestError(f'{origin}: no line `Python 3.X.Y`')
    return match[1]


# The kinds of manifest the converter reads: {kind: (variant learners on that
# host open, the host's name in a title, reader of the manifest's text)}.
KINDS = {'colab': ('colab', 'Colab', stack_of_pip_freeze)}


def host_file_text(stack, *, title, python, variant, source, date):
    """A host file: the header, a note on local labels, and the stack's pins
    in STACK's order. ManifestError if a value does not fit the header."""
    header = {'host': title, 'python': python, 'variant': variant, 'source': source, 'date': date}
    for key in KEYS:
        problem = check_value(key, header[key])
        if problem:
            raise ManifestError(f'--{"title" if key == "host" else key} {problem}')
    if not stack:
        raise ManifestError(f'{source}: none of {", ".join(STACK)} is in the manifest')
    lines = [
        f'# {title}: the frameworks it preinstalls, from its own manifest.',
        '# Written by python -m bookbuild.testing.host_manifest; do not edit.',
        *(f'# {key}: {header[key]}' for key in KEYS),
    ]
    local = [f'{name} {version}' for name, version in stack.items() if version.local]
    if local:
        lines += [
            '#',
            f'# The manifest has local builds ({", ".join(local)}); a replica installs',
            "# the package index's release of the same version.",
        ]
    return '\n'.join(lines + pins(stack)) + '\n'


def pins(stack):
    """The stack as `name==version` lines in STACK's order, local labels
    stripped."""
    return [f'{name}=={stack[name].public}' for name in STACK if name in stack]


def parser():
    parser = argparse.ArgumentParser(
        prog='python -m bookbuild.testing.host_manifest',
        description="Write a host file of requirements/hosts/ from a host's own manifest.",
    )
    parser.add_argument('kind', choices=sorted(KINDS), help='whose manifest it is')
    parser.add_argument('manifest', type=Path, help="the manifest (Colab's pip-freeze.txt)")
    parser.add_argument('--name', required=True, help='the host file is <name>.txt')
    parser.add_argument('--source', required=True, help="the manifest's permalink")
    parser.add_argument('--date', required=True, help="its commit's date, YYYY-MM-DD")
    python = parser.add_mutually_exclusive_group(required=True)
    python.add_argument('--python', help="the host's Python, such as 3.13")
    python.add_argument(
        '--os-info', type=Path, help="or the manifest's os-info.txt, which names it"
    )
    parser.add_argument(
        '--title', help='the header\'s `host` (default: "Colab, runtime of <date>")'
    )
    parser.add_argument(
        '--output', type=Path, help='where to write it (default: requirements/hosts/<name>.txt)'
    )
    return parser


def main(argv=None, project=None):
    """The command line; the host file goes to the project's
    requirements/hosts/ unless --output says where (the repository's
    project when none is passed)."""
    args = parser().parse_args(argv)
    variant, host, read = KINDS[args.kind]
    output = args.output
    if output is None:
        output = (project or Project()).requirements / 'hosts' / f'{args.name}.txt'
    try:
        python = args.python or python_of_os_info(
            args.os_info.read_text(encoding='utf-8'), str(args.os_info)
        )
        stack = read(args.manifest.read_text(encoding='utf-8'), str(args.manifest))
        text = host_file_text(
            stack,
            title=args.title or f'{host}, runtime of {args.date}',
            python=python,
            variant=variant,
            source=args.source,
            date=args.date,
        )
    except ManifestError as error:
        print(f'host_manifest: {error}', file=sys.stderr)
        return 1
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding='utf-8')
    read_host(output)  # what was written reads back
    print(f'{output}: {" ".join(pins(stack))}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
