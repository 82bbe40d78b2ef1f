"""Every module of the build package and of the d2l helpers reads in one
sitting: none is longer than MOST_LINES. A module that grows past it is
split along its seams (see docs/maintainers.md), not granted an exception."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ('tools/bookbuild', 'd2l')
MOST_LINES = 450


def line_counts(root, folders=FOLDERS):
    """{path relative to root: its number of lines} of every Python module."""
    return {
        path.relative_to(root).as_posix(): len(path.read_text(encoding='utf-8').splitlines())
        for folder in folders
        for path in sorted((root / folder).rglob('*.py'))
    }


def too_long(counts, most=MOST_LINES):
    return [f'{path} ({lines} lines)' for path, lines in counts.items() if lines > most]


def test_no_module_is_longer_than_the_cap():
    counts = line_counts(ROOT)
    assert counts, f'no Python modules found under {FOLDERS} in {ROOT}'
    offenders = too_long(counts)
    assert not offenders, (
        f'modules over {MOST_LINES} lines; split them along their seams: ' + ', '.join(offenders)
    )


def test_a_long_module_is_named_with_its_length(tmp_path):
    """The check above finds a module one line over the cap, in a package
    made up for the test, and names it with its count; one at the cap passes."""
    package = tmp_path / 'tools' / 'bookbuild' / 'forms'
    package.mkdir(parents=True)
    (tmp_path / 'd2l').mkdir()
    (package / 'long.py').write_text('x = 1\n' * (MOST_LINES + 1))
    (package / 'at_cap.py').write_text('x = 1\n' * MOST_LINES)
    (tmp_path / 'd2l' / 'torch.py').write_text('x = 1\n')
    counts = line_counts(tmp_path)
    assert too_long(counts) == [f'tools/bookbuild/forms/long.py ({MOST_LINES + 1} lines)']
