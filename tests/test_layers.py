"""Dependencies point down (docs/architecture.md): a room imports only the rooms below it,
and never hides an import of another room inside a function to get around that."""

import ast
import pathlib

import thiqa

ROOT = pathlib.Path(thiqa.__file__).parent

# Lowest first. A room imports rooms of lower layers; within a layer, only the pairs named
# in SAME_LAYER (users and their audit trail are one foundation). The project's top level
# (urls, api, settings) mounts every room.
LAYERS = [
    {"lib"},
    {"scheduler"},
    {"accounts", "audit"},
    {"mail"},
    {"operations"},
    {"catalogue"},
    {"library"},
    {"directory"},
    {"checks", "messaging"},
    {"incidents"},
    {"taxii"},
    {"reporting", "partnerships", "capacity", "activities", "glossary"},
    {"profiles"},
]
SAME_LAYER = {("accounts", "audit"), ("audit", "accounts")}
LAYER = {room: level for level, rooms in enumerate(LAYERS) for room in rooms}


def _imports() -> list[tuple[pathlib.Path, ast.ImportFrom, str]]:
    found = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("thiqa."):
                found.append((path, node, parts[0]))
    return found


def test_every_room_has_a_layer():
    rooms = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()} | {"lib"}
    assert rooms <= set(LAYER), rooms - set(LAYER)


def test_no_room_imports_a_room_above_it():
    upward = []
    for path, node, room in _imports():
        target = node.module.split(".")[1]
        if target == room or (room, target) in SAME_LAYER or room not in LAYER:
            continue
        if target not in LAYER or LAYER[target] >= LAYER[room]:
            upward.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}")
    assert not upward, upward


def test_no_import_of_another_room_inside_a_function():
    """The room's ``apps.py`` imports its own modules when the app is ready; nothing else
    defers an import of another room."""
    hidden = [
        f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}"
        for path, node, room in _imports()
        if node.col_offset > 0 and node.module.split(".")[1] != room
    ]
    assert not hidden, hidden
