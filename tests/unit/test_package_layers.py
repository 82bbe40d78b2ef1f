"""The build package's rooms (its top-level modules and subpackages: cli,
editions, forms, render, evaluate, source, project, ...) import one way,
and so do the modules inside each room; the package map (the docstring of
bookbuild/__init__.py) lists the rooms in that order.

Every import counts, those inside functions included: a room that imports
another lazily still depends on it. These tests read the package's source
with `ast`; they import nothing from it.
"""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / 'tools' / 'bookbuild'


def room_of(module):
    """'forms' for 'bookbuild.forms.notebooks', 'cli' for 'bookbuild.cli'."""
    parts = module.split('.')
    return parts[1] if len(parts) > 1 else None


def module_name(path, package=PACKAGE):
    relative = path.relative_to(package.parent).with_suffix('')
    parts = list(relative.parts)
    if parts[-1] == '__init__':
        parts.pop()
    return '.'.join(parts)


def imported_modules(path, package=PACKAGE):
    """(line, module) of every bookbuild module a file imports, at any depth."""
    name = module_name(path, package)
    here = name if path.name == '__init__.py' else name.rpartition('.')[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split('.')
                base = base[: len(base) - node.level + 1]
                target = '.'.join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            # `from . import editions` imports a module named by the alias.
            names = [f'{target}.{alias.name}' for alias in node.names]
            found += [
                (node.lineno, n if n.count('.') > target.count('.') else target) for n in names
            ]
    return [(line, module) for line, module in found if module.split('.')[0] == 'bookbuild']


def room_imports(package=PACKAGE):
    """{(room, room it imports): [file:line, ...]} across the package."""
    edges = {}
    for path in sorted(package.rglob('*.py')):
        source_room = room_of(module_name(path, package))
        for line, module in imported_modules(path, package):
            target_room = room_of(module)
            # `from . import forms` in a room's own __init__ and the package root
            # itself (`bookbuild`) are not rooms that depend on each other.
            if target_room in (None, source_room) or source_room is None:
                continue
            where = f'{path.relative_to(package.parent)}:{line}'
            edges.setdefault((source_room, target_room), []).append(where)
    return edges


def module_imports(package=PACKAGE):
    """{(module, module it imports): [file:line, ...]} between the modules of
    one room. `from .tracking import shown` imports the module tracking;
    importing a module only because it is a submodule's package does not
    count (Python runs the package first, whatever it imports)."""
    paths = {module_name(path, package): path for path in sorted(package.rglob('*.py'))}
    edges = {}
    for name, path in paths.items():
        for line, module in imported_modules(path, package):
            while module not in paths and '.' in module:
                module = module.rpartition('.')[0]  # a name inside a module
            if module == name or room_of(name) is None or room_of(module) != room_of(name):
                continue
            where = f'{path.relative_to(package.parent)}:{line}'
            if where not in edges.get((name, module), []):
                edges.setdefault((name, module), []).append(where)
    return edges


def cycles(edges):
    """Every cycle of rooms (or of modules), each as a list [a, b, ..., a],
    found by a depth-first search from each."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    found = set()

    def visit(room, path):
        for nxt in sorted(graph.get(room, ())):
            if nxt == path[0]:
                cycle = path + [nxt]
                # The same cycle started from its smallest room, once.
                start = cycle.index(min(cycle[:-1]))
                found.add(tuple(cycle[start:-1] + cycle[:start] + [cycle[start]]))
            elif nxt not in path and nxt > path[0]:
                visit(nxt, path + [nxt])

    for room in sorted(graph):
        visit(room, [room])
    return sorted(found)


def describe(cycle, edges):
    steps = []
    for a, b in zip(cycle, cycle[1:]):
        steps.append(f'{a} -> {b} ({", ".join(edges[(a, b)][:3])})')
    return '; '.join(steps)


def test_no_two_rooms_of_the_build_package_import_each_other():
    edges = room_imports()
    found = cycles(edges)
    assert not found, 'rooms that import each other: ' + ' | '.join(
        describe(cycle, edges) for cycle in found
    )


def test_no_two_modules_of_a_room_import_each_other():
    """Inside a room too: when two modules need each other, the shared piece
    moves into a third below both."""
    edges = module_imports()
    found = cycles(edges)
    assert not found, 'modules of one room that import each other: ' + ' | '.join(
        describe(cycle, edges) for cycle in found
    )


# The rooms from the bottom up (docs/maintainers.md, and the package map in
# bookbuild/__init__.py): each may import only rooms before it. What every step shares, then the installer,
# then the flow: source, evaluate, render, forms, editions, and what drives it.
ORDER = [
    'report',
    'progress',
    'timings',
    'files',
    'locks',
    'frameworks',
    'languages',
    'glossary',
    'project',
    'ci',
    'identity',
    'processes',
    'npm',
    'environments',
    'source',
    'evaluate',
    'render',
    'forms',
    'editions',
    'pipeline',
    'watch',
    'build_server',
    'testing',
    'bench',
    'hosted',
    'cli',
    '__main__',
]


def test_every_room_imports_only_the_rooms_below_it():
    rooms = {room_of(module_name(path)) for path in PACKAGE.rglob('*.py')} - {None}
    assert not rooms - set(ORDER), f'rooms with no place in ORDER: {sorted(rooms - set(ORDER))}'
    upward = [
        f'{a} imports {b}, which comes after it ({", ".join(where[:3])})'
        for (a, b), where in sorted(room_imports().items())
        if ORDER.index(b) > ORDER.index(a)
    ]
    assert not upward, '\n'.join(upward)


def test_the_import_walk_sees_function_level_imports_and_cycles(tmp_path):
    """The walk above finds an import inside a function, and a cycle made
    by two rooms, in a package made up for the test."""
    package = tmp_path / 'bookbuild'
    (package / 'forms').mkdir(parents=True)
    (package / '__init__.py').write_text('')
    (package / 'forms' / '__init__.py').write_text('')
    (package / 'forms' / 'notebooks.py').write_text(
        'def build():\n    from .. import editions\n    return editions\n'
    )
    (package / 'editions.py').write_text('from .forms import notebooks\n')
    edges = room_imports(package)
    assert edges == {
        ('forms', 'editions'): ['bookbuild/forms/notebooks.py:2'],
        ('editions', 'forms'): ['bookbuild/editions.py:1'],
    }
    assert cycles(edges) == [('editions', 'forms', 'editions')]


def test_the_module_walk_sees_a_cycle_inside_a_room(tmp_path):
    """A lazy import back from one module of a room to another is a cycle;
    a module that imports a name from its sibling's module counts as
    importing that module, and the room's own package as nothing."""
    package = tmp_path / 'bookbuild'
    room = package / 'evaluate'
    room.mkdir(parents=True)
    (package / '__init__.py').write_text('')
    (room / '__init__.py').write_text('from . import evaluator\n')
    (room / 'evaluator.py').write_text('from . import shards\nfrom ..report import log\n')
    (room / 'shards.py').write_text(
        'def key():\n    from .evaluator import plan\n    return plan\n'
    )
    (package / 'report.py').write_text('from .evaluate import shards\n')
    edges = module_imports(package)
    assert edges == {
        ('bookbuild.evaluate', 'bookbuild.evaluate.evaluator'): [
            'bookbuild/evaluate/__init__.py:1'
        ],
        ('bookbuild.evaluate.evaluator', 'bookbuild.evaluate.shards'): [
            'bookbuild/evaluate/evaluator.py:1'
        ],
        ('bookbuild.evaluate.shards', 'bookbuild.evaluate.evaluator'): [
            'bookbuild/evaluate/shards.py:2'
        ],
    }
    assert cycles(edges) == [
        (
            'bookbuild.evaluate.evaluator',
            'bookbuild.evaluate.shards',
            'bookbuild.evaluate.evaluator',
        )
    ]


def package_map(package=PACKAGE):
    """The rooms the package's docstring lists, in its order: each an
    indented line that starts with the room's name (a subpackage's with /)."""
    tree = ast.parse((package / '__init__.py').read_text(encoding='utf-8'))
    return [
        match[1]
        for line in (ast.get_docstring(tree) or '').splitlines()
        if (match := re.match(r'^  (\w+)/?(?:\s|$)', line))
    ]


def test_the_package_map_lists_every_room_in_the_layers_order():
    listed = package_map()
    missing = [room for room in ORDER if room not in listed]
    unknown = [room for room in listed if room not in ORDER]
    assert not missing and not unknown, (
        f'tools/bookbuild/__init__.py: the package map lacks {missing} and lists {unknown}, '
        'which are not rooms in ORDER'
    )
    assert listed == ORDER, (
        'tools/bookbuild/__init__.py: the package map lists the rooms in another order than '
        f'ORDER (bottom up): {listed}'
    )


def test_the_package_map_is_read_from_its_indented_lines(tmp_path):
    package = tmp_path / 'bookbuild'
    package.mkdir()
    (package / '__init__.py').write_text(
        '"""The build.\n\n  report    errors\n  forms/    the forms\n\n'
        'Not a room: prose.\n  cli\n"""\n'
    )
    assert package_map(package) == ['report', 'forms', 'cli']


def project_calls(path):
    """(line, name of the function around it, or None at import time) of
    every call that makes a Project in a file."""
    tree = ast.parse(path.read_text(encoding='utf-8'), str(path))
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = child.name
            if (
                isinstance(child, ast.Call)
                and getattr(child.func, 'id', getattr(child.func, 'attr', None)) == 'Project'
            ):
                found.append((child.lineno, function))
            visit(child, inner)

    visit(tree, None)
    return found


# The entry points, which make the project they were started for: a
# command's main, and the Sphinx extension's (Sphinx imports it by name).
# An Edition makes its staged book (Edition.d2lbook_project).
ENTRY_POINTS = {'main', 'book_project', 'd2lbook_project'}


@pytest.mark.parametrize(
    'path', sorted(PACKAGE.rglob('*.py')), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_only_an_entry_point_makes_a_project(path):
    """A module never makes a Project at import time, and a helper never
    makes its own instead of using the caller's: only an entry point."""
    misplaced = [
        f'{path.relative_to(PACKAGE.parent)}:{line} (in {function or "the module itself"})'
        for line, function in project_calls(path)
        if function not in ENTRY_POINTS
    ]
    assert not misplaced, 'a Project made outside an entry point: ' + ', '.join(misplaced)
