"""A role the notebooks cannot show stops `make notebooks` with its file and
line, before anything runs. (What the notebooks make of each role, and the
messages, are tested in tests/unit/test_roles_in_notebooks.py.)"""

from throwaway_book import ROOT, SECTION, build, copy_book


def test_make_notebooks_stops_at_the_role_before_running_anything(tmp_path):
    project = copy_book(tmp_path)
    section = project / SECTION
    lines = section.read_text(encoding='utf-8').split('\n')
    at = lines.index('') + 1  # just after the section's first blank line
    lines.insert(at, 'See :doc:`../index`.')
    section.write_text('\n'.join(lines), encoding='utf-8')
    result = build(project, 'notebooks')
    assert result.returncode != 0
    assert f'{SECTION}:{at + 1}: the role :doc: has no form in the notebooks' in result.stdout, (
        result.stdout[-2000:]
    )
    # The check keeps what it read in _build/read_cache/; nothing else may exist.
    made = sorted(
        path.relative_to(project / '_build')
        for path in (project / '_build').rglob('*')
        if path.is_file() and 'read_cache' not in path.parts
    )
    assert not made, f'the build went on: {made}'
    assert (ROOT / SECTION).read_text(encoding='utf-8').count(':doc:') == 0
