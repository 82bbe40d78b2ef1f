"""A malformed page stops the build with `file:line` before anything runs.
(The messages themselves are tested in tests/unit/test_source_problems.py.)"""

from bookbuild.project import Project
from throwaway_book import SECTION, build, copy_book, fence, tiny_section


def line_of(text, needle):
    return text.split('\n').index(needle) + 1


def test_a_bad_page_stops_the_build_before_any_kernel_starts(tmp_path):
    bad = tiny_section(fence('pytorch, mxnet, jax', 'u = 6') + '\nProse.\n')
    project = copy_book(tmp_path, bad)
    result = build(project)
    assert result.returncode != 0
    tail = result.stdout.strip().splitlines()[-1]
    assert tail.startswith(
        f'{SECTION}:{line_of(bad, "%%tab pytorch, mxnet, jax") - 1}: '
        'this code group has no tensorflow cell'
    ), tail
    assert not list(Project(project).build_dir.glob('eval*')), 'something was evaluated'
