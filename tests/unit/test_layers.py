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


# what is imported before the initialize answer: pygls and the LSP glue, not the core
BEFORE_INITIALIZE = ("serve.py", "server.py", "connection.py", "frames.py", "commands.py")
CORE = ("ds_lsp.completion", "ds_lsp.upstream", "ds_lsp.workspace", "ds_lsp.generate", "httpx")


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


def test_the_core_loads_after_the_initialize_answer() -> None:
    """What answers initialize imports no completion, upstream, workspace or generate module
    (nor httpx) at import time, even indirectly: server.py loads them once the answer is out."""
    closure = _import_time_closure([PACKAGE / "lsp" / n for n in BEFORE_INITIALIZE])
    for path, names in closure.items():
        for name in names:
            assert not name.startswith(CORE), f"{ids(path)} imports {name} at import time"


def _defined_names() -> set[str]:
    """Every function, class, attribute and variable name ds_lsp itself defines."""
    names: set[str] = set()
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return names


@pytest.mark.parametrize("path", sorted((PACKAGE / "lsp").glob("*.py")), ids=ids)
def test_no_private_pygls_name_is_used(path: Path) -> None:
    """pygls's public API only: every `_name` the LSP side reads or imports is one ds_lsp
    defines itself (pygls's private attributes change between releases)."""
    ours = _defined_names()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            private = node.attr
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pygls"):
            private = next((a.name for a in node.names if a.name.startswith("_")), "")
        else:
            continue
        if private and not private.startswith("__"):
            assert private in ours, f"{ids(path)} uses {private}, not ds_lsp's own"
