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
# packages that are split base modules, not rooms of their own (ds_lsp/config/ is config)
BASE_PACKAGES = {"config"}


def room(path: Path) -> str:
    """The folder a module lives in under ds_lsp/ ("base" for the top level; `python -m
    ds_lsp` is the command line)."""
    parts = path.relative_to(PACKAGE).parts
    if parts == ("__main__.py",):
        return "cli"
    return parts[0] if len(parts) > 1 and parts[0] not in BASE_PACKAGES else "base"


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
        is_room = (PACKAGE / target).is_dir() and target not in BASE_PACKAGES
        target_room = target if is_room else "base"
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


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Which ds_lsp modules each module imports (anywhere in it); `from pkg import module`
    is an edge to the module, not to the package."""
    names = {_module_name(p): p for p in MODULES}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        named = imports(path) & set(names)
        packages = {n.rpartition(".")[0] for n in named}
        graph[name] = {n for n in named if n not in packages or n in _plain_imports(path)}
        graph[name].discard(name)
    return graph


def _plain_imports(path: Path) -> set[str]:
    """Modules named as the module of an import (not only as the package of a submodule)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            submodules = {
                a.name
                for a in node.names
                if (PACKAGE.parent / node.module.replace(".", "/") / a.name)
                .with_suffix(".py")
                .exists()
            }
            if len(submodules) < len(node.names):
                names.add(node.module)
    return names


def test_no_two_modules_import_each_other() -> None:
    """No import cycle, even through functions' own imports (chat <-> deepseek was one)."""
    graph = _import_graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            assert state.get(target) != 1, " -> ".join([*path, name, target])
            if target not in state:
                visit(target, [*path, name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
