"""The package's rooms and the one-way flow of imports between them, checked by folder.

cli -> lsp -> {completion, generate, nextedit} -> {upstream, workspace} -> the base modules
(config, documents, languages, exclusion, window, usage, redact). Only lsp/ imports pygls or
lsprotocol, so the core is tested with plain pytest; every module says what it is for.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ds_lsp"
MODULES = sorted(PACKAGE.rglob("*.py"))
PROTOCOL = {"pygls", "lsprotocol", "attrs", "cattrs"}
# which rooms each room may import (a room always may import itself)
ALLOWED = {
    "cli": {"lsp", "completion", "generate", "nextedit", "upstream", "workspace", "base"},
    "lsp": {"completion", "generate", "nextedit", "upstream", "base"},
    "nextedit": {"upstream", "base"},
    "completion": {"upstream", "workspace", "base"},
    "workspace": {"base"},
    "generate": {"base"},
    "upstream": {"base"},
    "base": {"base"},
}


def room(path: Path) -> str:
    """The folder a module lives in under ds_lsp/ ("base" for the top level; `python -m
    ds_lsp` is the command line)."""
    parts = path.relative_to(PACKAGE).parts
    if parts == ("__main__.py",):
        return "cli"
    return parts[0] if len(parts) > 1 else "base"


def imports(path: Path) -> set[str]:
    """Every module named by an import anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return names


def import_time_imports(path: Path) -> set[str]:
    """What importing the module imports at once: module-level imports, not those inside
    functions or under `if TYPE_CHECKING:`."""
    names: set[str] = set()
    todo = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):  # `from pkg import module` imports it too
            names |= {node.module or ""} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            todo += [
                n
                for field in ("body", "orelse", "finalbody", "handlers")
                for n in getattr(node, field, [])
            ]
    return names


def ids(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", MODULES, ids=ids)
def test_only_the_lsp_room_imports_the_protocol_libraries(path: Path) -> None:
    used = {name.split(".")[0] for name in imports(path)} & PROTOCOL
    assert room(path) == "lsp" or not used, f"{ids(path)} imports {used}"


@pytest.mark.parametrize("path", MODULES, ids=ids)
def test_imports_flow_one_way_between_rooms(path: Path) -> None:
    own = room(path)
    for name in imports(path):
        if not name.startswith("ds_lsp."):
            continue
        target = name.split(".")[1]
        target_room = target if (PACKAGE / target).is_dir() else "base"
        assert target_room == own or target_room in ALLOWED[own], f"{ids(path)} -> {name}"


@pytest.mark.parametrize("path", MODULES, ids=ids)
def test_every_module_says_what_it_is_for(path: Path) -> None:
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))


# what serves the initialize answer and the first completion: pygls is no part of it
HOT_PATH = (
    "serve.py",
    "transport.py",
    "initialize_answer.py",
    "pygls_internals.py",
    "hot_path.py",
    "client.py",
    "state.py",
    "completion_requests.py",
    "items.py",
    "code_action.py",
    "tail.py",
)


def _import_time_closure(paths: list[Path]) -> dict[Path, set[str]]:
    """Each module imported at import time from `paths`, through other ds_lsp modules too,
    with what it imports."""
    seen: dict[Path, set[str]] = {}
    todo = list(paths)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen[path] = import_time_imports(path)
        for name in seen[path]:
            if name.startswith("ds_lsp."):
                target = PACKAGE.joinpath(*name.split(".")[1:])
                todo += [
                    p for p in (target.with_suffix(".py"), target / "__init__.py") if p.exists()
                ]
    return seen


def test_the_hot_path_does_not_import_pygls() -> None:
    """The modules that answer initialize and serve the first completion import no protocol
    library at import time, even indirectly through other ds_lsp modules."""
    closure = _import_time_closure([PACKAGE / "lsp" / n for n in HOT_PATH])
    for path, names in closure.items():
        for name in names:
            assert name.split(".")[0] not in PROTOCOL, f"{ids(path)} imports {name}"


def test_pygls_side_modules_stay_off_the_hot_path() -> None:
    """server.py and generate_command.py (pygls's) are reached from the hot path only by an
    import inside a function (tail.py loads them when needed)."""
    closure = _import_time_closure([PACKAGE / "lsp" / n for n in HOT_PATH])
    pygls_side = {PACKAGE / "lsp" / "server.py", PACKAGE / "lsp" / "generate_command.py"}
    assert not pygls_side & set(closure)
    assert set(HOT_PATH) | {"__init__.py"} >= {
        p.name for p in (PACKAGE / "lsp").glob("*.py") if p not in pygls_side
    }, "a new lsp/ module: list it in HOT_PATH (no pygls) or with pygls's side"
