"""Requirements files read one way by every test: lines of requirements,
with comment lines and blank lines left out (packaging parses each)."""

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def requirements_in(text):
    return [
        Requirement(line) for line in text.splitlines() if line.strip() and not line.startswith('#')
    ]


def pinned_versions(path):
    """{distribution: the version after ==} of a file of pins."""
    return {
        canonicalize_name(r.name): str(r.specifier).lstrip('=')
        for r in requirements_in(path.read_text())
    }
