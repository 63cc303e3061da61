"""What a file imports: its import statements to bound names and wholesale imports.

`parse_imports` reads a file's import statements into names bound to a module spec
(`from a.b import f as g` binds `g` to (`a.b`, `f`); `import numpy as np` binds `np` to
(`numpy`, "") — a module) and specs imported wholesale (`from x import *`, `export * from`,
`#include "x.h"`, `use x::*`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Imports:
    """Names a file binds by importing, and specs it imports wholesale."""

    bound: dict[str, tuple[str, str]] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)

    def bind(self, local: str, spec: str, original: str = "") -> None:
        if local and local not in self.bound:
            self.bound[local] = (spec, original)


# ---- parsing --------------------------------------------------------------------------------
_PY_FROM = re.compile(r"^\s*from\s+(\.*[\w.]*)\s+import\s+(.+)$")
_PY_IMPORT = re.compile(r"^\s*import\s+(.+)$")
_TS_FROM = re.compile(r"""^\s*(import|export)\s+(type\s+)?(.*?)\s*from\s*["']([^"']+)["']""", re.S)
_TS_REQUIRE = re.compile(
    r"""(?:const|let|var)\s+(\{[^}]*\}|[$\w]+)\s*=\s*require\(\s*["']"""
    r"""([^"']+)["']\s*\)"""
)
_GO_SPEC = re.compile(r"""^\s*(?:import\s+)?(?:([\w.]+)\s+)?"([^"]+)"\s*$""")
_RUST_USE = re.compile(r"^\s*(?:pub(?:\([\w:]+\))?\s+)?use\s+(.+?);")
_RUST_MOD = re.compile(r"^\s*(?:pub(?:\([\w:]+\))?\s+)?mod\s+(\w+)\s*;")
_JAVA_IMPORT = re.compile(r"^\s*import\s+(?:static\s+)?([\w.]+?)(\.\*)?\s*;?\s*(?:as\s+(\w+))?\s*$")
_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)")
_INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def parse_imports(text: str, family: str) -> Imports:
    """The imports of a file's text (its first few hundred lines are enough)."""
    out = Imports()
    parse = _PARSERS.get(family)
    if parse is not None:
        parse(_statements(text, family), out)
    return out


_STATEMENT = ("import", "from", "export", "use", "pub use")


def _statements(text: str, family: str) -> list[str]:
    """Lines with bracketed continuations joined (`from x import (\\n a,\\n b)`)."""
    out: list[str] = []
    pending = ""
    for line in text.split("\n"):
        if len(line) > 400 and (len(line) > 4000 or not line.lstrip().startswith(_STATEMENT)):
            continue  # minified code or data; a long import list (joined) is read
        if family == "python" and "#" in line and not any(q in line for q in "'\""):
            line = line[: line.index("#")]  # a comment inside `from x import (a,  # note`
        line = pending + " " + line.strip() if pending else line
        opened = line.count("(") - line.count(")") + line.count("{") - line.count("}")
        starts = line.lstrip().startswith(_STATEMENT)
        if opened > 0 and starts and len(line) < 4000 and family != "go":
            pending = line
            continue
        pending = ""
        out.append(line)
    return out


def _python(lines: list[str], out: Imports) -> None:
    for line in lines:
        match = _PY_FROM.match(line)
        if match:
            spec, names = match.group(1), match.group(2).split("#")[0]
            names = names.replace("(", " ").replace(")", " ").replace("\\", " ")
            for item in names.split(","):
                parts = item.split()
                if not parts:
                    continue
                if parts[0] == "*":
                    out.stars.append(spec)
                elif len(parts) == 3 and parts[1] == "as":
                    out.bind(parts[2], spec, parts[0])
                else:
                    out.bind(parts[0], spec, parts[0])
            continue
        match = _PY_IMPORT.match(line)
        if match:
            for item in match.group(1).split("#")[0].split(","):
                parts = item.split()
                if len(parts) == 3 and parts[1] == "as":
                    out.bind(parts[2], parts[0])
                elif parts:
                    out.bind(parts[0], parts[0])  # `import a.b` — used as `a.b.f(`
                    out.bind(parts[0].split(".")[0], parts[0].split(".")[0])


def _typescript(lines: list[str], out: Imports) -> None:
    for line in lines:
        match = _TS_FROM.match(line)
        if match:
            verb, _, what, spec = match.groups()
            _ts_clause(what.strip(), spec, verb, out)
            continue
        for req in _TS_REQUIRE.finditer(line):
            what, spec = req.groups()
            if what.startswith("{"):
                _ts_clause(what, spec, "import", out)
            else:
                out.bind(what, spec)
        bare = re.match(r"""^\s*import\s*["']([^"']+)["']""", line)
        if bare:
            out.stars.append(bare.group(1))


def _ts_clause(what: str, spec: str, verb: str, out: Imports) -> None:
    if verb == "export" and what.startswith("*"):
        alias = re.match(r"\*\s+as\s+([$\w]+)", what)
        if alias:
            out.bind(alias.group(1), spec)
        else:
            out.stars.append(spec)
        return
    brace = re.search(r"\{([^}]*)\}", what)
    if brace:
        for item in brace.group(1).split(","):
            parts = item.replace("type ", "").split()
            if len(parts) == 3 and parts[1] == "as":
                out.bind(parts[2], spec, parts[0])
            elif parts:
                out.bind(parts[0], spec, parts[0])
        what = what[: brace.start()] + what[brace.end() :]
    star = re.search(r"\*\s+as\s+([$\w]+)", what)
    if star:
        out.bind(star.group(1), spec)
        what = what[: star.start()] + what[star.end() :]
    default = what.strip(" ,")
    if re.fullmatch(r"[$\w]+", default):
        out.bind(default, spec, "default")


def _go(lines: list[str], out: Imports) -> None:
    inside = False
    for line in lines:
        body = line.strip()
        if body.startswith("import ("):
            inside = True
            continue
        if inside and body.startswith(")"):
            inside = False
            continue
        if inside or body.startswith("import "):
            match = _GO_SPEC.match(body.split("//")[0])
            if match:
                alias, spec = match.groups()
                local = alias or spec.rstrip("/").split("/")[-1]
                if local == ".":
                    out.stars.append(spec)
                elif local != "_":
                    out.bind(local, spec)
        elif body.startswith(("func ", "type ", "var ", "const ")):
            break


def _rust(lines: list[str], out: Imports) -> None:
    for line in lines:
        match = _RUST_MOD.match(line)
        if match:
            out.bind(match.group(1), "self::" + match.group(1))
            continue
        match = _RUST_USE.match(line)
        if match:
            for path, local in _rust_tree(match.group(1).replace(" ", "")):
                spec, _, last = path.rpartition("::")
                if last == "*":
                    out.stars.append(spec)
                elif last == "self":
                    out.bind(local or spec.rsplit("::", 1)[-1], spec)
                elif spec:
                    out.bind(local or last, spec, last)  # an item, or a module: resolved later
                else:
                    out.bind(local or last, last)


def _rust_tree(text: str, base: str = "") -> list[tuple[str, str]]:
    """`a::{b::C, d as e}` -> [("a::b::C", ""), ("a::d", "e")]."""
    brace = text.find("{")
    if brace < 0:
        path, _, alias = text.partition("as")
        path = path if not alias else text[: text.index("as")]
        return [(base + path.strip(":"), alias)]
    head = base + text[:brace]
    inner = text[brace + 1 : text.rfind("}")]
    items, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            items.append(inner[start:i])
            start = i + 1
    items.append(inner[start:])
    out: list[tuple[str, str]] = []
    for item in items:
        if item:
            out += _rust_tree(item, head)
    return out


def _java(lines: list[str], out: Imports) -> None:
    for line in lines:
        match = _PACKAGE.match(line)
        if match:
            out.bind("\x00package", match.group(1).rstrip(";"))
            continue
        match = _JAVA_IMPORT.match(line)
        if match:
            path, star, alias = match.groups()
            if star:
                out.stars.append(path)
            else:
                spec, _, name = path.rpartition(".")
                out.bind(alias or name, spec, name)


def _c(lines: list[str], out: Imports) -> None:
    for line in lines:
        match = _INCLUDE.match(line)
        if match:
            out.stars.append(match.group(1))


_PARSERS: dict[str, Callable[[list[str], Imports], None]] = {
    "python": _python,
    "ts": _typescript,
    "go": _go,
    "rust": _rust,
    "java": _java,
    "kotlin": _java,
    "c": _c,
}
