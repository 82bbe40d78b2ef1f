"""What the build's outputs depend on besides the pages: the environment
each kernel starts with, and digests of what each environment was made
from. The evaluation, the render, the tests and the bench ask here; the
installer (environments.py, npm.py) writes the stamps that record them.

Standard library only: the system Python that creates the environments
reads it too.
"""

import sys

from .files import Stamp, digest_of

# Environment variables every framework kernel starts with.
KERNEL_ENV = {
    # TensorFlow's C++ log lines go to stderr, which d2lbook turns into cell
    # output on the page. TF_CPP_MIN_LOG_LEVEL quiets most of them, but not
    # the "oneDNN custom operations are on" notice printed before logging is
    # set up (TF 2.21); that one goes only when the oneDNN rewrites are off,
    # which also keeps float results free of their reordered sums.
    'TF_CPP_MIN_LOG_LEVEL': '2',
    'TF_ENABLE_ONEDNN_OPTS': '0',
}


def requirements_digest(project, name):
    """What the packages of an environment are: its pins, setup.py for d2l
    (in the framework environments), and the Python that runs it. The
    evaluation re-runs a tab's notebooks when this changes."""
    files = [project.requirements_file(name)]
    if name != 'book':
        files.append(project.repository / 'setup.py')
    # By file name and contents, not by where the checkout is: notebooks
    # evaluated in one clone are current in another (a CI job that renders).
    return digest_of(
        *(path.name.encode() + b'\0' + path.read_bytes() for path in files), sys.version
    )


def install_digest(project, name):
    """What an installed environment was made from: its packages, and this
    build package's metadata (installed editable into every environment)."""
    return digest_of(
        requirements_digest(project, name), project.repository / 'tools' / 'pyproject.toml'
    )


def env_stamp(project, name):
    """The stamp the installer writes into .venv/<name> once it is complete."""
    return Stamp(project.env_dir(name) / '.requirements.sha256')


def env_is_current(project, name):
    return env_stamp(project, name).matches(install_digest(project, name))


# The npm packages' pins (requirements/npm/), copied into .venv/npm.
NPM_PIN_FILES = ('package.json', 'package-lock.json')


def npm_pins_digest(project):
    return digest_of(*(project.npm_pins / name for name in NPM_PIN_FILES))


def npm_stamp(project):
    return Stamp(project.npm_dir / '.pins.sha256')
