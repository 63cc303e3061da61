"""Definition recall of the workspace context on real repositories nobody here wrote, per
family of import (issue 22), measured from outside: the ground truth comes from Python's
`ast` and from the TypeScript compiler (`bench/context_sites_ts.js`), never from ds-lsp.

    python bench/context_recall_real.py [--sites 40] [--go DIR ...] [--ts DIR ...]

Corpora: Python packages installed in site-packages, each copied into a `src/` layout
workspace with a test app that imports the package by name; TypeScript/JavaScript from the
extension's `node_modules` (vscode-jsonrpc, vscode-languageclient, semver, ...) and any
source trees given with `--ts`; Go from `--go` trees (a module with several packages). For
each call site `X(` / `mod.X(` / `new X(` whose callee is defined in another file, the
cursor line is cut after the `(` (the lines below stay, as in a file being edited) and
`Workspace.context_block` (budget 1,500 characters) gives the prompt's opening, in three
scenarios: the defining file open; 15 other files of the repository open (not the defining
one); nothing else open (disk only). A site is recalled when the opening holds the callee's
definition line; its parameters when every parameter name is there too. Families: python
named / module-member / inherited-init / by-name; ts named / barrel / namespace / cjs /
inherited-ctor; go same-package / package-member.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ds_lsp.completion.other_files import render
from ds_lsp.documents import DocumentStore
from ds_lsp.window import build_window
from ds_lsp.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
PYTHON = (
    "httpx",
    "httpcore",
    "anyio",
    "cattrs",
    "click",
    "flask",
    "werkzeug",
    "jinja2",
    "requests",
    "urllib3",
    "pygls",
    "attr",
    "pathspec",
    "filelock",
)
NODE = (
    "vscode-jsonrpc",
    "vscode-languageclient",
    "vscode-languageserver-protocol",
    "semver",
    "minimatch",
    "glob",
    "commander",
    "ajv",
    "js-yaml",
)
BUDGET = 1500
LANGUAGE = {".py": "python", ".ts": "typescript", ".js": "javascript", ".go": "go"}
SCENARIOS = ("defining file open", "15 other tabs", "disk only")


@dataclass(frozen=True)
class Site:
    family: str
    root: Path
    path: Path
    line: int  # 0-based
    col: int  # after the `(`
    name: str
    params: tuple[str, ...]
    defined_in: Path


# ---- Python ground truth ----------------------------------------------------------------------
class PyPackage:
    """Top-level definitions of a package's modules, with imports followed (ast only)."""

    def __init__(self, src: Path, name: str) -> None:
        self.src, self.name = src, name
        self.trees: dict[Path, ast.Module] = {}

    def tree(self, path: Path) -> ast.Module | None:
        if path not in self.trees:
            try:
                self.trees[path] = ast.parse(path.read_text(encoding="utf-8"))
            except (SyntaxError, UnicodeDecodeError, OSError):
                return None
        return self.trees[path]

    def module(self, importer: Path, level: int, dotted: str | None) -> Path | None:
        if level:
            base = importer.parent
            for _ in range(level - 1):
                base = base.parent
        else:
            if not dotted or dotted.split(".")[0] != self.name:
                return None
            base = self.src
        target = base.joinpath(*(dotted or "").split(".")) if dotted else base
        for candidate in (target.with_suffix(".py"), target / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    def define(self, path: Path, name: str, hops: int = 0) -> tuple[Path, ast.AST] | None:
        """Where `name` of module `path` is defined (following `from x import name`)."""
        tree = self.tree(path)
        if tree is None or hops > 3:
            return None
        for node in tree.body:
            if (
                isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and node.name == name
            ):
                return path, node
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        target = self.module(path, node.level, node.module)
                        if target is not None:
                            return self.define(target, alias.name, hops + 1)
        return None

    def params(
        self, path: Path, node: ast.AST, depth: int = 0
    ) -> tuple[tuple[str, ...], bool] | None:
        """(parameters, inherited) of a function, or of a class's (inherited) `__init__`."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            return tuple(a.arg for a in args if a.arg not in ("self", "cls")), False
        if not isinstance(node, ast.ClassDef) or depth > 3:
            return None
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                found = self.params(path, item)
                return (found[0], depth > 0) if found else None
        for base in node.bases:
            if isinstance(base, ast.Name):
                where = self.define(path, base.id)
                if where is not None:
                    found = self.params(where[0], where[1], depth + 1)
                    if found is not None:
                        return found[0], True
        return None


def python_sites(pkg: PyPackage, root: Path) -> list[Site]:
    out: list[Site] = []
    for path in sorted((pkg.src / pkg.name).rglob("*.py")):
        tree = pkg.tree(path)
        if tree is None:
            continue
        names: dict[str, tuple[str, Path]] = {}  # local -> ("def", module) | ("module", file)
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    local = alias.asname or alias.name
                    sub = pkg.module(
                        path,
                        node.level,
                        f"{node.module}.{alias.name}" if node.module else alias.name,
                    )
                    target = pkg.module(path, node.level, node.module)
                    if sub is not None and sub != target:
                        names[local] = ("module", sub)
                    elif target is not None:
                        names[local] = ("def", target)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname and (target := pkg.module(path, 0, alias.name)) is not None:
                        names[alias.asname] = ("module", target)
        lines = path.read_text(encoding="utf-8").split("\n")
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or node.func.end_col_offset is None:
                continue
            func = node.func
            if isinstance(func, ast.Name) and names.get(func.id, ("",))[0] == "def":
                where = pkg.define(names[func.id][1], func.id)
                family = "python named"
            elif (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and names.get(func.value.id, ("",))[0] == "module"
            ):
                where = pkg.define(names[func.value.id][1], func.attr)
                family = "python module-member"
            else:
                continue
            if where is None or where[0] == path:
                continue
            found = pkg.params(*where)
            row, col = func.end_lineno - 1, func.end_col_offset
            if not found or not found[0] or lines[row][col : col + 1] != "(":
                continue
            if found[1]:
                family = "python inherited-init"
            name = func.id if isinstance(func, ast.Name) else func.attr
            defined = getattr(where[1], "name", name)
            out.append(Site(family, root, path, row, col + 1, defined, found[0], where[0]))
    return out


def python_by_name(pkg: PyPackage, root: Path, rng: random.Random) -> list[Site]:
    """A test app importing the package by name: `from pkg import Name` then `Name(`."""
    init = pkg.src / pkg.name / "__init__.py"
    tree = pkg.tree(init)
    if tree is None:
        return []
    exported = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            exported += [a.asname or a.name for a in node.names if a.name != "*"]
    chosen = []
    for name in exported:
        where = pkg.define(init, name)
        found = pkg.params(*where) if where else None
        if where and found and found[0] and where[0] != init:
            chosen.append((name, where, found[0]))
    rng.shuffle(chosen)
    chosen = chosen[:12]
    tests = root / "tests"
    tests.mkdir(exist_ok=True)
    path = tests / f"test_{pkg.name}_app.py"
    head = [f"from {pkg.name} import {name}" for name, _, _ in chosen] + ["", "", "def test_app():"]
    body = [f"    value_{i} = {name}(" for i, (name, _, _) in enumerate(chosen)]
    path.write_text("\n".join(head + [b + ")" for b in body]) + "\n")
    return [
        Site(
            "python by-name",
            root,
            path,
            len(head) + i,
            len(body[i]),
            getattr(where[1], "name", name),
            params,
            where[0],
        )
        for i, (name, where, params) in enumerate(chosen)
    ]


def python_corpus(base: Path, packages: tuple[str, ...], rng: random.Random) -> list[Site]:
    sites: list[Site] = []
    for name in packages:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        root = base / f"py-{name}"
        shutil.copytree(
            Path(spec.origin).parent,
            root / "src" / name,
            ignore=shutil.ignore_patterns("__pycache__", "*.so"),
        )
        (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n')
        pkg = PyPackage(root / "src", name)
        sites += python_sites(pkg, root) + python_by_name(pkg, root, rng)
    return sites


# ---- TypeScript / JavaScript ground truth ----------------------------------------------------
def typescript_module() -> Path | None:
    for folder in (ROOT, Path("/work/main")):
        candidate = folder / "vscode-extension" / "node_modules" / "typescript"
        if candidate.is_dir():
            return candidate
    return None


def ts_corpus(base: Path, trees: list[Path], rng: random.Random) -> list[Site]:
    ts = typescript_module()
    if ts is None or shutil.which("node") is None:
        return []
    sites: list[Site] = []
    for tree in trees:
        root = base / f"ts-{tree.name}"
        shutil.copytree(tree, root, ignore=shutil.ignore_patterns("node_modules", ".git", "dist"))
        files = [
            str(p)
            for p in sorted(root.rglob("*"))
            if p.suffix in (".ts", ".js", ".cjs", ".mts")
            and p.is_file()
            and p.stat().st_size < 200_000
        ]
        rng.shuffle(files)
        files = files[:300]
        result = subprocess.run(
            ["node", str(ROOT / "bench" / "context_sites_ts.js"), str(ts), str(root), *files],
            capture_output=True,
            text=True,
            timeout=600,
        )
        for line in result.stdout.splitlines():
            s = json.loads(line)
            if (
                s["defFile"].endswith(".d.ts")
                and not s["file"].endswith(".d.ts")
                and "node_modules" in s["defFile"]
            ):
                continue
            sites.append(
                Site(
                    f"ts {s['kind']}",
                    root,
                    Path(s["file"]),
                    s["line"],
                    s["col"],
                    s["name"],
                    tuple(p.lstrip(".") for p in s["params"]),
                    Path(s["defFile"]),
                )
            )
    return sites


# ---- Go ground truth (the language's definitions are unambiguous by name) --------------------
GO_FUNC = re.compile(r"^func (\w+)(?:\[[^\]]*\])?\(([^)]*)\)", re.M)


def go_params(text: str) -> tuple[str, ...]:
    names = []
    for part in text.split(","):
        words = part.split()
        if len(words) >= 2 or (len(words) == 1 and not names) or len(words) == 1:
            names.append(words[0])
    return tuple(n for n in names if n)


def go_corpus(base: Path, trees: list[Path]) -> list[Site]:
    sites: list[Site] = []
    for tree in trees:
        root = base / f"go-{tree.name}"
        shutil.copytree(tree, root, ignore=shutil.ignore_patterns(".git"))
        module = re.search(r"^module\s+(\S+)", (root / "go.mod").read_text(), re.M)
        funcs: dict[tuple[Path, str], tuple[Path, tuple[str, ...]]] = {}  # (package dir, name)
        for path in root.rglob("*.go"):
            if path.name.endswith("_test.go"):
                continue
            for m in GO_FUNC.finditer(path.read_text()):
                params = go_params(m.group(2))
                if params:
                    funcs[(path.parent, m.group(1))] = (path, params)
        for path in sorted(root.rglob("*.go")):
            text = path.read_text()
            imports = {}
            for m in re.finditer(
                r'^\s*(?:(\w+)\s+)?"' + re.escape(module.group(1)) + r'(/[\w/]*)?"', text, re.M
            ):
                folder = root / (m.group(2) or "/").lstrip("/")
                imports[m.group(1) or folder.name if m.group(2) else (m.group(1) or tree.name)] = (
                    folder
                )
            for row, line in enumerate(text.split("\n")):
                if line.startswith("func "):
                    continue
                for m in re.finditer(r"(?<![\w.])(?:(\w+)\.)?([A-Za-z_]\w*)\(", line):
                    pkg, name = m.groups()
                    folder = imports.get(pkg) if pkg else path.parent
                    if folder is None or (pkg and pkg not in imports):
                        continue
                    found = funcs.get((folder, name))
                    if found is None or found[0] == path:
                        continue
                    family = "go package-member" if pkg else "go same-package"
                    sites.append(Site(family, root, path, row, m.end(), name, found[1], found[0]))
    return sites


# ---- measuring ------------------------------------------------------------------------------
def opening(site: Site, scenario: str, others: list[Path]) -> str:
    store = DocumentStore()
    if scenario == "defining file open":
        store.open(
            site.defined_in.as_uri(),
            LANGUAGE.get(site.defined_in.suffix, "typescript"),
            1,
            site.defined_in.read_text(encoding="utf-8", errors="replace"),
        )
    elif scenario == "15 other tabs":
        for path in others:
            store.open(
                path.as_uri(),
                LANGUAGE.get(path.suffix, "typescript"),
                1,
                path.read_text(encoding="utf-8", errors="replace"),
            )
    lines = site.path.read_text(encoding="utf-8", errors="replace").split("\n")
    # the user is typing the call in an existing file: its rest is there, the line is cut
    text = "\n".join([*lines[: site.line], lines[site.line][: site.col], *lines[site.line + 1 :]])
    language = LANGUAGE.get(site.path.suffix, "typescript")
    doc = store.open(site.path.as_uri(), language, 1, text)
    workspace = Workspace([str(site.root)], lambda path: False)
    window = build_window(doc, site.line, site.col, 6000, 2000, 64)
    return render(
        workspace.context_block(doc, window, [d for d in store if d.uri != doc.uri], BUDGET),
        language,
    )


def judged(site: Site, text: str) -> tuple[bool, bool]:
    """(the callee's definition line is there, and every parameter name too)."""
    name = re.escape(site.name)
    keyword = (
        r"\b(?:def|class|function\*?|func(?:\s*\([^)]*\))?|interface|struct|type|fn|const|let|var)"
        rf"\s+\$?{name}(?![\w$])"
    )
    member = (
        r"^\s*(?:(?:export|public|private|protected|static|async|abstract|declare|readonly)\s+)*"
        rf"\$?{name}\s*(?:<[^>]*>)?\s*\("
    )
    if not re.search(keyword, text) and not re.search(member, text, re.M):
        return False, False
    flat = " ".join(text.split())
    return True, all(re.search(rf"(?<![\w$]){re.escape(p)}(?![\w$])", flat) for p in site.params)


def measure(sites: list[Site], rng: random.Random) -> dict[str, dict[str, list[tuple[bool, bool]]]]:
    results: dict[str, dict[str, list[tuple[bool, bool]]]] = defaultdict(lambda: defaultdict(list))
    pool: dict[Path, list[Path]] = {}
    for site in sites:
        if site.root not in pool:
            pool[site.root] = sorted(
                p for p in site.root.rglob("*") if p.suffix in LANGUAGE and p.is_file()
            )
        candidates = [p for p in pool[site.root] if p not in (site.path, site.defined_in)]
        others = rng.sample(candidates, min(15, len(candidates)))
        for scenario in SCENARIOS:
            results[site.family][scenario].append(judged(site, opening(site, scenario, others)))
    return results


def _shares(got: list[tuple[bool, bool]]) -> str:
    return f"{sum(d for d, _ in got) / len(got):.2f} / {sum(p for _, p in got) / len(got):.2f}"


def report(results: dict[str, dict[str, list[tuple[bool, bool]]]]) -> str:
    head = " | ".join(f"{s}: definition / parameters" for s in SCENARIOS)
    rows = [f"| family | sites | {head} |", "|---|---|" + "---|" * len(SCENARIOS)]
    totals: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for family in sorted(results):
        for scenario in SCENARIOS:
            totals[scenario] += results[family][scenario]
        cells = " | ".join(_shares(results[family][s]) for s in SCENARIOS)
        rows.append(f"| {family} | {len(results[family][SCENARIOS[0]])} | {cells} |")
    cells = " | ".join(_shares(totals[s]) for s in SCENARIOS)
    rows.append(f"| **all** | {len(totals[SCENARIOS[0]])} | {cells} |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=40, help="per family and corpus")
    parser.add_argument("--ts", nargs="*", default=[], help="TS/JS source trees")
    parser.add_argument("--go", nargs="*", default=[], help="Go module trees")
    parser.add_argument("--python", nargs="*", default=list(PYTHON), help="installed packages")
    parser.add_argument("--node", nargs="*", default=list(NODE), help="node_modules packages")
    parser.add_argument("--show-misses", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(22)
    base = Path(tempfile.mkdtemp(prefix="ds-recall-real-"))
    try:
        sites = python_corpus(base, tuple(args.python), rng)
        modules = typescript_module()
        node_trees = [
            modules.parent / n for n in args.node if modules and (modules.parent / n).is_dir()
        ]
        sites += ts_corpus(base, [*node_trees, *map(Path, args.ts)], rng)
        sites += go_corpus(base, [Path(g) for g in args.go])
        by_group: dict[tuple[str, Path], list[Site]] = defaultdict(list)
        for site in sites:
            by_group[(site.family, site.root)].append(site)
        chosen = []
        for group in sorted(by_group, key=str):
            rng.shuffle(by_group[group])
            chosen += by_group[group][: args.sites]
        results = measure(chosen, rng)
        print(f"{len(chosen)} call sites in {len({s.root for s in chosen})} repositories")
        print(report(results))
        if args.show_misses:
            misses = [s for s in chosen if not judged(s, opening(s, "disk only", []))[1]]
            for site in rng.sample(misses, min(args.show_misses, len(misses))):
                print(
                    "\nMISS",
                    site.family,
                    site.path.relative_to(site.root),
                    site.line + 1,
                    site.name,
                    site.params,
                    site.defined_in.relative_to(site.root),
                )
                print(opening(site, "disk only", [])[:600])
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
