"""Definition recall of the other-file context, and the cost of the index (issue 12, 15).

    python bench/context_recall.py [--sites 200] [--files 2000] [--before]

Builds a corpus of its own in a temporary folder (small multi-file projects in Python,
TypeScript and Go, written from templates with seeded random names: multi-line signatures,
classes with constructors, dataclasses and structs, short and `$` names, aliased, module,
re-exported and same-package imports, distractor files whose locals reuse the names), then
cuts each consumer file at a call `X(` whose X is defined in another file and asks the
context function for the prompt's opening. Recall = share of call sites whose opening holds
X's whole parameter list (a class's constructor, a dataclass's fields), for:

- open + 3: the defining file and 3 other project files open;
- open + 15: the defining file and 15 others open;
- disk only: nothing else open, the project folder is the workspace root;
- the open rows again with reading from disk turned off (open documents only).

`--before` adds the same figures for `ds_lsp.context_files.build_parts` (today's
open-files-only packer). Then, on a 2,000-file Python workspace on disk: time of a cold
and a warm context block, time to outline every file (what a full index would cost), and
the index's memory (tracemalloc, after completions at 200 sites across the workspace).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import baseline_context as context_files
from ds_lsp.documents import Document, DocumentStore
from ds_lsp.window import build_window
from ds_lsp.workspace import Workspace
from ds_lsp.workspace.outline import outline

VERBS = [
    "load",
    "save",
    "parse",
    "render",
    "fetch",
    "build",
    "compute",
    "merge",
    "split",
    "validate",
    "resolve",
    "encode",
    "decode",
    "publish",
    "schedule",
    "normalize",
    "format",
    "connect",
    "sync",
    "index",
]
NOUNS = [
    "user",
    "order",
    "invoice",
    "token",
    "session",
    "report",
    "config",
    "record",
    "item",
    "cart",
    "payment",
    "message",
    "event",
    "query",
    "page",
    "image",
    "route",
    "cache",
    "job",
    "account",
]
PY_PARAMS = [
    ("user_id", "int"),
    ("payload", "dict[str, Any]"),
    ("timeout", "float", "10.0"),
    ("retries", "int", "3"),
    ("strict", "bool", "False"),
    ("name", "str"),
    ("items", "list[str]"),
    ("limit", "int | None", "None"),
    ("tag", "str", '"x"'),
]
TS_PARAMS = [
    ("userId", "number"),
    ("payload", "Record<string, unknown>"),
    ("timeoutMs", "number", "5000"),
    ("retries", "number", "3"),
    ("strict", "boolean", "false"),
    ("name", "string"),
    ("items", "string[]"),
    ("signal?", "AbortSignal"),
]
GO_PARAMS = [
    ("ctx", "context.Context"),
    ("id", "string"),
    ("limit", "int"),
    ("strict", "bool"),
    ("names", "[]string"),
    ("timeout", "time.Duration"),
]
LANGUAGE = {"py": "python", "ts": "typescript", "go": "go"}


@dataclass
class Site:
    """A call site: a consumer file cut at the `(` of a call to a definition elsewhere."""

    root: Path
    rel: str
    line: int
    col: int
    defined_in: str
    expected: str
    lang: str


def _pick_params(
    rng: random.Random, pool: list[tuple[str, ...]], lo: int, hi: int
) -> list[tuple[str, ...]]:
    chosen = rng.sample(pool, rng.randint(lo, hi))
    return sorted(chosen, key=lambda p: len(p) == 3)  # defaults last


def _py_param(p: tuple[str, ...]) -> str:
    return f"{p[0]}: {p[1]}" + (f" = {p[2]}" if len(p) == 3 else "")


def _sig(head: str, params: list[str], tail: str, multiline: bool, indent: str = "") -> str:
    if not multiline:
        return f"{indent}{head}({', '.join(params)}){tail}"
    inner = "".join(f"{indent}    {p},\n" for p in params)
    return f"{indent}{head}(\n{inner}{indent}){tail}"


# ---- Python ---------------------------------------------------------------------------------
def python_project(
    root: Path, rng: random.Random, modules: int = 8, consumers: int = 4
) -> list[Site]:
    pkg = root / "app"
    pkg.mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "app"\n')
    defs: list[tuple[str, str, str, str]] = []  # (module, name, kind, expected)
    nouns = rng.sample(NOUNS, modules)
    for noun in nouns:
        lines = ["from dataclasses import dataclass", "from typing import Any", "", ""]
        for verb in rng.sample(VERBS, 3):
            params = [_py_param(p) for p in _pick_params(rng, PY_PARAMS, 2, 5)]
            name = f"{verb}_{noun}"
            lines += [
                _sig(f"def {name}", params, " -> dict:", rng.random() < 0.5),
                f'    """{verb.title()} a {noun}."""',
                f"    {noun} = {{}}",
                f"    return {noun}",
                "",
                "",
            ]
            defs.append((noun + "s", name, "def", "(" + ", ".join(params) + ")"))
        cls = f"{noun.title()}Service"
        params = ["self", *[_py_param(p) for p in _pick_params(rng, PY_PARAMS, 1, 4)]]
        lines += [
            f"class {cls}:",
            f'    """Works on {noun}s."""',
            "",
            _sig("def __init__", params, " -> None:", rng.random() < 0.5, "    "),
            "        self.ready = True",
            "",
            f"    def run(self, {noun}_id: int) -> None:",
            "        pass",
            "",
            "",
        ]
        defs.append((noun + "s", cls, "class", "(" + ", ".join(params) + ")"))
        rec = f"{noun.title()}Record"
        lines += [
            "@dataclass",
            f"class {rec}:",
            "    id: int",
            f"    {noun}_name: str",
            "    active: bool = True",
            "",
            "",
        ]
        defs.append((noun + "s", rec, "class", f"    {noun}_name: str"))
        if noun == nouns[0]:
            lines += ["def db(url: str, pool_size: int = 5):", "    return url", "", ""]
            defs.append((noun + "s", "db", "def", "(url: str, pool_size: int = 5)"))
        (pkg / f"{noun}s.py").write_text("\n".join(lines))
    reexported = rng.sample(defs, len(defs) // 3)
    (pkg / "__init__.py").write_text(
        "".join(f"from .{m} import {n}\n" for m, n, _, _ in reexported)
    )
    # a distractor that sorts first: every name as a local or a nested function
    local_lines = ["def setup(env):"]
    for _, name, _, _ in defs:
        local_lines += [f"    {name} = env.get('{name}')"]
    local_lines += ["    def db(x):", "        return x", "    return db", ""]
    (pkg / "aaa_setup.py").write_text("\n".join(local_lines))
    sites: list[Site] = []
    for k in range(consumers):
        chosen = rng.sample(defs, 7)
        imports, calls = [], []
        for module, name, _, expected in chosen:
            style = rng.randrange(5)
            if style == 0:
                imports.append(f"from app.{module} import {name}")
                call = name
            elif style == 1:
                alias = f"{name}_x" if name != "db" else "dbx"
                imports.append(f"from .{module} import {name} as {alias}")
                call = alias
            elif (style == 2 and (module, name, "def", expected) in reexported) or (
                style == 2 and any(n == name for _, n, _, _ in reexported)
            ):
                imports.append(f"from app import {name}")
                call = name
            elif style == 3:
                imports.append(f"from . import {module}")
                call = f"{module}.{name}"
            else:
                imports.append(f"import app.{module} as {module}_mod")
                call = f"{module}_mod.{name}"
            calls.append((call, module, expected))
        body = [
            *dict.fromkeys(imports),
            "",
            "",
            f"def handler_{k}(request, item_id):",
            "    session = request.session",
        ]
        offset = len(body)
        rel = f"app/views_{k}.py"
        for i, (call, module, expected) in enumerate(calls):
            text = f"    result_{i} = {call}(session, item_id)"
            body.append(text)
            sites.append(
                Site(
                    root,
                    rel,
                    offset + i,
                    text.index("(") + 1,
                    f"app/{module}.py",
                    expected,
                    "python",
                )
            )
        body += ["    return result_0", ""]
        (root / rel).write_text("\n".join(body))
    return sites


# ---- TypeScript -----------------------------------------------------------------------------
def _ts_param(p: tuple[str, ...]) -> str:
    return f"{p[0]}: {p[1]}" if len(p) == 2 else f"{p[0]} = {p[2]}"


def ts_project(root: Path, rng: random.Random, modules: int = 8, consumers: int = 4) -> list[Site]:
    lib = root / "src" / "lib"
    lib.mkdir(parents=True)
    (root / "package.json").write_text('{"name": "web"}\n')
    (root / "tsconfig.json").write_text(
        '{\n  // aliases\n  "compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}}\n}\n'
    )
    defs: list[tuple[str, str, str]] = []
    for noun in rng.sample(NOUNS, modules):
        lines: list[str] = []
        for j, verb in enumerate(rng.sample(VERBS, 3)):
            params = [_ts_param(p) for p in _pick_params(rng, TS_PARAMS, 2, 4)]
            name = f"{verb}{noun.title()}"
            if j == 2:
                name = "$" + name
                lines += [
                    f"export const {name} = ({', '.join(params)}): string => {{",
                    "  const local = 1;",
                    "  return String(local);",
                    "};",
                    "",
                ]
            else:
                lines += [
                    _sig(f"export function {name}", params, ": string {", rng.random() < 0.5),
                    "  const request = {};",
                    "  return JSON.stringify(request);",
                    "}",
                    "",
                ]
            defs.append((noun, name, "(" + ", ".join(params) + ")"))
        cls = f"{noun.title()}Client"
        params = [
            ("private readonly " if rng.random() < 0.5 else "") + _ts_param(p)
            for p in _pick_params(rng, TS_PARAMS, 1, 3)
        ]
        lines += [
            f"export class {cls} {{",
            "  private cache = new Map<string, string>();",
            "",
            _sig("  constructor", params, " {}", rng.random() < 0.5, ""),
            "",
            "  get(key: string): string | undefined {",
            "    return this.cache.get(key);",
            "  }",
            "}",
            "",
        ]
        defs.append((noun, cls, "constructor(" + ", ".join(params) + ")"))
        (lib / f"{noun}.ts").write_text("\n".join(lines))
    (lib / "index.ts").write_text(
        "".join(f'export * from "./{n}";\n' for n in sorted({d[0] for d in defs}))
    )
    (root / "src" / "aaa.ts").write_text(
        "export function setup() {\n"
        + "".join(f"  const {name.lstrip('$')} = null;\n" for _, name, _ in defs)
        + "  return 0;\n}\n"
    )
    sites: list[Site] = []
    pages = root / "src" / "pages"
    pages.mkdir()
    for k in range(consumers):
        chosen = rng.sample(defs, 7)
        imports, calls = [], []
        for noun, name, expected in chosen:
            style = rng.randrange(4)
            ctor = name.endswith("Client")
            if style == 0:
                imports.append(f'import {{ {name} }} from "../lib/{noun}";')
                call = name
            elif style == 1:
                alias = name.lstrip("$") + "Fn"
                imports.append(f'import {{ {name} as {alias} }} from "@/lib/{noun}";')
                call = alias
            elif style == 2:
                imports.append(f'import {{ {name} }} from "../lib";')
                call = name
            else:
                imports.append(f'import * as {noun}Lib from "../lib/{noun}";')
                call = f"{noun}Lib.{name}"
            calls.append((("new " if ctor else "") + call, noun, expected))
        body = [
            *dict.fromkeys(imports),
            "",
            f"export async function page{k}(req: Request) {{",
            "  const session = req.headers;",
        ]
        offset = len(body)
        rel = f"src/pages/page{k}.ts"
        for i, (call, noun, expected) in enumerate(calls):
            text = f"  const r{i} = {call}(session, 1);"
            body.append(text)
            sites.append(
                Site(
                    root,
                    rel,
                    offset + i,
                    text.index("(") + 1,
                    f"src/lib/{noun}.ts",
                    expected,
                    "typescript",
                )
            )
        body += ["  return r0;", "}", ""]
        (root / rel).write_text("\n".join(body))
    return sites


# ---- Go -------------------------------------------------------------------------------------
def go_project(root: Path, rng: random.Random, modules: int = 6, consumers: int = 3) -> list[Site]:
    root.mkdir(parents=True)
    module = f"example.com/p{rng.randrange(1000)}"
    (root / "go.mod").write_text(f"module {module}\n\ngo 1.22\n")
    defs: list[tuple[str, str, str]] = []
    for noun in rng.sample(NOUNS, modules):
        folder = root / "internal" / noun
        folder.mkdir(parents=True)
        lines = [f"package {noun}", "", "import (", '\t"context"', '\t"time"', ")", ""]
        typ = noun.title()
        lines += [
            f"// {typ} is one {noun}.",
            f"type {typ} struct {{",
            "\tID string",
            "\tCreated time.Time",
            "}",
            "",
        ]
        for verb in rng.sample(VERBS, 3):
            params = [f"{p[0]} {p[1]}" for p in rng.sample(GO_PARAMS, rng.randint(2, 4))]
            name = f"{verb.title()}{typ}"
            lines += [
                f"// {name} does it.",
                _sig(f"func {name}", params, f" (*{typ}, error) {{", rng.random() < 0.5).replace(
                    "    ", "\t"
                ),
                "\tvar request = 1",
                "\t_ = request",
                "\treturn nil, nil",
                "}",
                "",
            ]
            defs.append((noun, name, "(" + ", ".join(params) + ")"))
        params = [f"{p[0]} {p[1]}" for p in rng.sample(GO_PARAMS, 2)]
        lines += [f"func New{typ}Store({', '.join(params)}) *{typ} {{", "\treturn nil", "}", ""]
        defs.append((noun, f"New{typ}Store", "(" + ", ".join(params) + ")"))
        (folder / f"{noun}.go").write_text("\n".join(lines))
    app = root / "cmd" / "app"
    app.mkdir(parents=True)
    helpers = []
    lines = ["package main", ""]
    for i in range(4):
        params = [f"{p[0]} {p[1]}" for p in rng.sample(GO_PARAMS, 3)]
        lines += [
            _sig(f"func helper{i}", params, " error {", rng.random() < 0.5).replace("    ", "\t"),
            "\treturn nil",
            "}",
            "",
        ]
        helpers.append((f"helper{i}", "(" + ", ".join(params) + ")"))
    (app / "helpers.go").write_text("\n".join(lines))
    sites: list[Site] = []
    for k in range(consumers):
        chosen = rng.sample(defs, 5)
        nouns = sorted({n for n, _, _ in chosen})
        body = [
            "package main",
            "",
            "import (",
            *[f'\t"{module}/internal/{n}"' for n in nouns],
            ")",
            "",
            f"func handle{k}() {{",
        ]
        offset = len(body)
        rel = f"cmd/app/handle{k}.go"
        calls = [(f"{n}.{name}", f"internal/{n}/{n}.go", e) for n, name, e in chosen]
        calls += [(h, "cmd/app/helpers.go", e) for h, e in rng.sample(helpers, 2)]
        for i, (call, defined, expected) in enumerate(calls):
            text = f"\tr{i}, _ := {call}(nil, 1)"
            body.append(text)
            sites.append(Site(root, rel, offset + i, text.index("(") + 1, defined, expected, "go"))
        body += ["}", ""]
        (root / rel).write_text("\n".join(body))
    return sites


# ---- measuring ------------------------------------------------------------------------------
def corpus(base: Path, seed: int, sites_wanted: int) -> list[Site]:
    rng = random.Random(seed)
    sites: list[Site] = []
    makers = (python_project, ts_project, go_project)
    n = 0
    while len(sites) < sites_wanted:
        maker = makers[n % 3]
        sites += maker(base / f"{maker.__name__}_{n}", rng)
        n += 1
    return sites


def _open_cut(store: DocumentStore, site: Site) -> tuple[Document, object]:
    lines = (site.root / site.rel).read_text().split("\n")
    text = "\n".join([*lines[: site.line], lines[site.line][: site.col]])
    doc = store.open((site.root / site.rel).as_uri(), site.lang, 1, text)
    return doc, build_window(doc, site.line, site.col, 6000, 2000, 16)


def _others(site: Site, count: int, rng: random.Random) -> list[Path]:
    files = sorted(
        p
        for p in site.root.rglob("*")
        if p.is_file()
        and p.suffix in (".py", ".ts", ".go")
        and p.relative_to(site.root).as_posix() != site.rel
    )
    defining = site.root / site.defined_in
    rest = [p for p in files if p != defining]
    return [defining, *rng.sample(rest, min(count, len(rest)))]


def recall(
    sites: list[Site],
    open_count: int | None,
    before: bool,
    budget: int = 1500,
    read_disk: bool = True,
) -> dict[str, float]:
    """Share of sites whose context holds the expected parameter list, per language."""
    rng = random.Random(5)
    hits: dict[str, list[bool]] = {}
    workspaces: dict[Path, Workspace] = {}
    for site in sites:
        store = DocumentStore()
        if open_count is not None:
            for path in _others(site, open_count, rng):
                store.open(
                    path.as_uri(),
                    {"py": "python", "ts": "typescript", "go": "go"}[path.suffix[1:]],
                    1,
                    path.read_text(),
                )
        doc, window = _open_cut(store, site)
        others = [d for d in store if d.uri != doc.uri]
        if before:
            indexed = [
                (d.uri.rsplit("/", 1)[-1], d, context_files.index_signatures(d))
                for d in others
                if d.language_id == doc.language_id
            ]
            parts = context_files.build_parts(indexed, window.prefix, window.suffix, budget)
        else:
            ws = workspaces.setdefault(
                site.root, Workspace([str(site.root)], lambda p: False, read_disk=read_disk)
            )
            parts = ws.context_block(doc, window, others, budget)
        text = context_files.render(parts, site.lang)
        hits.setdefault(site.lang, []).append(site.expected in text)
    out = {lang: sum(v) / len(v) for lang, v in hits.items()}
    every = [h for v in hits.values() for h in v]
    out["all"] = sum(every) / len(every)
    return out


def big_workspace(base: Path, files: int, sites: int) -> dict[str, float]:
    """A Python workspace of `files` modules in packages of 10, each importing from two
    neighbours; cold/warm context block time, full-outline time, index memory."""
    rng = random.Random(3)
    packages = files // 10
    for p in range(packages):
        pkg = base / "src" / f"pkg{p}"
        pkg.mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        for m in range(10):
            q, n = (p + 1) % packages, (m + 3) % 10
            lines = [
                f"from pkg{q}.mod{n} import work_{q}_{n}_0",
                f"from .mod{(m + 1) % 10} import work_{p}_{(m + 1) % 10}_1",
                "",
            ]
            for f in range(40):
                lines += [
                    _sig(
                        f"def work_{p}_{m}_{f}",
                        ["records: list[int]", "factor: int = 2", f"label: str = 'p{p}'"],
                        " -> int:",
                        f % 3 == 0,
                    ),
                    f"    return work_{q}_{n}_0(records) * factor",
                    "",
                ]
            (pkg / f"mod{m}.py").write_text("\n".join(lines))
    (base / "pyproject.toml").write_text("")
    all_files = sorted((base / "src").rglob("mod*.py"))
    t0 = time.perf_counter()
    for path in all_files:
        outline(path.read_text(), "python")
    full = time.perf_counter() - t0
    tracemalloc.start()
    ws = Workspace([str(base)], lambda p: False)
    cold, warm = [], []
    for path in rng.sample(all_files, sites):
        lines = path.read_text().split("\n")
        row = 4
        store = DocumentStore()
        doc = store.open(path.as_uri(), "python", 1, "\n".join([*lines[:row], "    x = work_"]))
        window = build_window(doc, row, len("    x = work_"), 6000, 2000, 16)
        t = time.perf_counter()
        ws.context_block(doc, window, [], 1500)
        cold.append(time.perf_counter() - t)
        ws.forget(doc.uri)
        t = time.perf_counter()
        ws.context_block(doc, window, [], 1500)
        warm.append(time.perf_counter() - t)
        ws.forget(doc.uri)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "files": len(all_files),
        "full_outline_s": full,
        "cold_ms": statistics.median(cold) * 1000,
        "warm_ms": statistics.median(warm) * 1000,
        "cold_p95_ms": sorted(cold)[int(len(cold) * 0.95)] * 1000,
        "index_kb": ws.index_bytes / 1024,
        "traced_kb": current / 1024,
        "traced_peak_kb": peak / 1024,
        "files_read": ws.files.reads,
    }


TREE_SITTER_PROBE = """
import sys, time
sys.path.insert(0, sys.argv[1])
def rss():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) / 1024 for l in f if l.startswith("VmRSS"))
from bench.workload import python_source
from ds_lsp.workspace.outline import outline
src = python_source(5000, "a")
r0 = rss(); t0 = time.perf_counter()
import tree_sitter
names = ["python", "typescript", "javascript", "go", "rust", "java", "c", "cpp"]
mods = [__import__("tree_sitter_" + n) for n in names]
langs = [tree_sitter.Language(m.language_typescript() if n == "typescript" else m.language())
         for n, m in zip(names, mods)]
parser = tree_sitter.Parser(langs[0])
t1 = time.perf_counter(); r1 = rss()
ts, ours = [], []
for _ in range(5):
    t = time.perf_counter(); tree = parser.parse(src.encode()); ts.append(time.perf_counter() - t)
    t = time.perf_counter(); outline(src, "python"); ours.append(time.perf_counter() - t)
r2 = rss()
print(f"{(t1 - t0) * 1000:.1f} {r1 - r0:.1f} {sorted(ts)[2] * 1000:.1f} {r2 - r1:.1f} "
      f"{sorted(ours)[2] * 1000:.1f}")
"""


def tree_sitter_figures() -> str:
    """Import time and RSS of tree-sitter with 8 grammars, parse time of a 5,000-line Python
    file, against this package's outline of the same file (in a fresh process)."""
    import subprocess

    root = str(Path(__file__).resolve().parents[1])
    out = subprocess.run(
        [sys.executable, "-c", TREE_SITTER_PROBE, root],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=root,
    )
    if out.returncode != 0:
        return "tree-sitter: not installed (pip install tree-sitter tree-sitter-python ...)"
    imp, rss, parse, parse_rss, ours = out.stdout.split()
    return (
        f"tree-sitter + 8 grammars: import {imp} ms, +{rss} MB RSS; parse of a 5,000-line "
        f"Python file {parse} ms (+{parse_rss} MB RSS after parsing, kept by the "
        f"allocator); ds_lsp.workspace outline of the same file {ours} ms (signatures "
        f"joined, records built)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--before", action="store_true", help="also today's context_files")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--tree-sitter", action="store_true", help="also measure tree-sitter")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="ds-recall-"))
    try:
        sites = corpus(base / "corpus", args.seed, args.sites)
        print(f"{len(sites)} call sites in {len({s.root for s in sites})} projects")
        rows = [
            ("open + 3", 3, True),
            ("open + 15", 15, True),
            ("disk only", None, True),
            ("open + 3, disk reading off", 3, False),
            ("open + 15, disk reading off", 15, False),
        ]
        print("| scenario | build | python | typescript | go | all |")
        print("|---|---|---|---|---|---|")
        for label, count, disk in rows:
            for before in (True, False) if args.before and disk else (False,):
                r = recall(sites, count, before, read_disk=disk)
                name = "before (context_files)" if before else "after (workspace)"
                print(
                    f"| {label} | {name} | "
                    + " | ".join(
                        f"{r.get(k, float('nan')):.0%}"
                        for k in ("python", "typescript", "go", "all")
                    )
                    + " |"
                )
        big = big_workspace(base / "big", args.files, 200)
        print(
            f"\n{big['files']}-file workspace: context block cold {big['cold_ms']:.1f} ms "
            f"(p95 {big['cold_p95_ms']:.1f}), warm {big['warm_ms']:.2f} ms; outlining every "
            f"file would take {big['full_outline_s']:.2f} s; index {big['index_kb']:.0f} KB "
            f"(traced {big['traced_kb']:.0f} KB, peak {big['traced_peak_kb']:.0f} KB); "
            f"{big['files_read']} files read for 200 sites"
        )
        if args.tree_sitter:
            print(tree_sitter_figures())
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
