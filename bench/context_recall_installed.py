"""Definition recall of the workspace context on real code we did not write: installed
packages (httpx, httpcore, cattrs, anyio, pathspec, platformdirs by default).

For up to 40 call sites `X(` per package, where X comes from a relative import of a module
of the same package and is a function (or a class with `__init__`) with parameters, the
file is cut at the `(` and `Workspace.context_block` (budget 1,500 characters; nothing else
open, so the definition can only come from disk) gives the prompt's opening. A site counts
when the opening holds X's `def`/`class` line and every parameter name.

    python bench/context_recall_installed.py [PACKAGE ...]
"""

from __future__ import annotations

import ast
import importlib.util
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ds_lsp.completion.other_files import render
from ds_lsp.documents import DocumentStore
from ds_lsp.window import build_window
from ds_lsp.workspace import Workspace

DEFAULT = ("httpx", "httpcore", "cattrs", "anyio", "pathspec", "platformdirs")
SITES_PER_PACKAGE = 40
BUDGET = 1500


@dataclass(frozen=True)
class Site:
    path: Path
    line: int  # 0-based
    column: int  # just after the `(`
    name: str
    params: tuple[str, ...]


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{name} is not installed")
    return Path(spec.origin).parent


def parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, OSError):
        return None


def parameters(node: ast.AST) -> tuple[str, ...]:
    """A function's parameters, or a class's `__init__` ones (self and cls left out)."""
    if isinstance(node, ast.ClassDef):
        init = [n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"]
        if not init:
            return ()
        node = init[0]
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return ()
    args = node.args.args + node.args.kwonlyargs
    return tuple(a.arg for a in args if a.arg not in ("self", "cls"))


def top_level(path: Path) -> dict[str, tuple[str, ...]]:
    tree = parse(path)
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    found = {n.name: parameters(n) for n in (tree.body if tree else []) if isinstance(n, kinds)}
    return {name: params for name, params in found.items() if params}


def module_file(importer: Path, level: int, module: str) -> Path | None:
    base = importer.parent
    for _ in range(level - 1):
        base = base.parent
    target = base.joinpath(*module.split("."))
    for candidate in (target.with_suffix(".py"), target / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def imported_names(path: Path, tree: ast.Module) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Local name -> (defined name, its parameters) for relative imports of definitions."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for node in tree.body:
        if not (isinstance(node, ast.ImportFrom) and node.level and node.module):
            continue
        target = module_file(path, node.level, node.module)
        defined = top_level(target) if target else {}
        for alias in node.names:
            if alias.name in defined:
                out[alias.asname or alias.name] = (alias.name, defined[alias.name])
    return out


def sites(root: Path) -> list[Site]:
    out: list[Site] = []
    for path in sorted(root.rglob("*.py")):
        tree = parse(path)
        if tree is None:
            continue
        imported = imported_names(path, tree)
        lines = path.read_text(encoding="utf-8").split("\n")
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in imported or node.func.end_col_offset is None:
                continue
            row, col = node.func.lineno - 1, node.func.end_col_offset
            if lines[row][col : col + 1] == "(":
                name, params = imported[node.func.id]
                out.append(Site(path, row, col + 1, name, params))
    return out


def found(site: Site, root: Path) -> bool:
    lines = site.path.read_text(encoding="utf-8").split("\n")
    text = "\n".join([*lines[: site.line], lines[site.line][: site.column]])
    doc = DocumentStore().open(site.path.as_uri(), "python", 1, text)
    workspace = Workspace([str(root.parent)], lambda path: False)
    window = build_window(doc, site.line, site.column, 6000, 2000, 64)
    block = render(workspace.context_block(doc, window, [], BUDGET), "python")
    flat = " ".join(block.split())
    defined = re.search(rf"\b(def|class) {re.escape(site.name)}\b", block)
    return bool(defined) and all(p in flat for p in site.params)


def main(packages: list[str]) -> int:
    random.seed(3)
    total = hits = 0
    for name in packages or DEFAULT:
        root = package_dir(name)
        chosen = sites(root)
        random.shuffle(chosen)
        chosen = chosen[:SITES_PER_PACKAGE]
        ok = sum(found(site, root) for site in chosen)
        print(f"{name}: {ok}/{len(chosen)}")
        total, hits = total + len(chosen), hits + ok
    print(f"all: {hits}/{total} = {hits / max(total, 1):.0%} (definition on disk only)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
