"""What a file imports, and the files those imports name.

`parse_imports` reads a file's import statements into names bound to a module spec
(`from a.b import f as g` binds `g` to (`a.b`, `f`); `import numpy as np` binds `np` to
(`numpy`, "") — a module) and specs imported wholesale (`from x import *`, `export * from`,
`#include "x.h"`, `use x::*`). `Resolver` turns a spec into files under the workspace: Python
relative and absolute modules (packages' `__init__`), TS/JS relative specifiers, index
files and simple `tsconfig` paths, Go packages of the module in `go.mod`, Rust
`crate::`/`self::`/`super::` and `mod` files, Java/Kotlin package paths, C/C++ quoted
includes. It only stats the few candidate paths a spec can name; it never walks the tree.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_PACKAGE_FILES = 24  # Go / Java / Kotlin: files of one package directory considered


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


def _statements(text: str, family: str) -> list[str]:
    """Lines with bracketed continuations joined (`from x import (\\n a,\\n b)`)."""
    out: list[str] = []
    pending = ""
    for line in text.split("\n"):
        if len(line) > 400:
            continue
        line = pending + " " + line.strip() if pending else line
        opened = line.count("(") - line.count(")") + line.count("{") - line.count("}")
        starts = line.lstrip().startswith(("import", "from", "export", "use", "pub use"))
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


# ---- resolution -----------------------------------------------------------------------------
TS_EXTS = (".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".vue")
SOURCE_EXTS = {"go": (".go",), "java": (".java", ".kt"), "kotlin": (".kt", ".java")}


class Resolver:
    """Specs to files for one current file. `is_file` and `list_dir` are the only ways it
    looks at the disk (the workspace gives bounded, exclusion-checked versions)."""

    def __init__(
        self,
        path: str,
        family: str,
        root: str | None,
        is_file: Callable[[str], bool],
        list_dir: Callable[[str], list[str]],
        read_small: Callable[[str], str | None],
        package: str = "",
    ) -> None:
        self.path = path
        self.dir = os.path.dirname(path)
        self.family = family
        self.root = root
        self.is_file = is_file
        self.list_dir = list_dir
        self.read_small = read_small
        self.package = package
        self._marker: dict[str, str | None] = {}

    def files(self, spec: str, from_path: str | None = None) -> list[str]:
        """Files that spec names, best first (empty when it names none in the workspace)."""
        base = os.path.dirname(from_path) if from_path else self.dir
        method = getattr(self, "_" + self.family, None)
        found = method(spec, base, from_path or self.path) if method else []
        return [f for f in dict.fromkeys(found) if f != (from_path or self.path)]

    def same_package(self) -> list[str]:
        """Go, Java, Kotlin: the other files of the current file's package (directory)."""
        exts = SOURCE_EXTS.get(self.family)
        if not exts:
            return []
        test = self.path.endswith("_test.go")
        out = [
            os.path.join(self.dir, n)
            for n in self.list_dir(self.dir)
            if n.endswith(exts) and (test or not n.endswith("_test.go"))
        ]
        return [p for p in out if p != self.path][:MAX_PACKAGE_FILES]

    # -- per language --
    def _python(self, spec: str, base: str, _from: str) -> list[str]:
        dots = len(spec) - len(spec.lstrip("."))
        parts = [p for p in spec[dots:].split(".") if p]
        if dots:
            for _ in range(dots - 1):
                base = os.path.dirname(base)
            return self._py_module(base, parts)
        found: list[str] = []
        for top in self._python_bases(base):
            found += self._py_module(top, parts)
            if found:
                break
        return found

    def _py_module(self, base: str, parts: list[str]) -> list[str]:
        path = os.path.join(base, *parts)
        for candidate in (path + ".py", path + ".pyi", os.path.join(path, "__init__.py")):
            if (parts and self.is_file(candidate)) or (
                not parts and candidate.endswith("__init__.py") and self.is_file(candidate)
            ):
                return [candidate]
        return []

    def _python_bases(self, base: str) -> list[str]:
        """Where absolute imports may start: the root, root/src, and the folders from the
        current file up to the root (a package's parent)."""
        bases: list[str] = []
        here = base
        root = self.root or base
        while True:
            bases.append(here)
            if here == root or len(bases) > 12 or os.path.dirname(here) == here:
                break
            if self.root and not here.startswith(root):
                break
            here = os.path.dirname(here)
        if self.root:
            bases += [self.root, os.path.join(self.root, "src"), os.path.join(self.root, "lib")]
        return list(dict.fromkeys(bases))

    def _ts(self, spec: str, base: str, _from: str) -> list[str]:
        if spec.startswith("."):
            return self._ts_path(os.path.normpath(os.path.join(base, spec)))
        for target in self._ts_aliases(spec):
            found = self._ts_path(target)
            if found:
                return found
        return []

    def _ts_path(self, path: str) -> list[str]:
        stem = path[:-3] if path.endswith((".js", ".jsx")) else path
        if self.is_file(path) and not path.endswith((".js", ".jsx")):
            return [path]
        for ext in TS_EXTS:
            if self.is_file(stem + ext):
                return [stem + ext]
        for ext in TS_EXTS:
            index = os.path.join(path, "index" + ext)
            if self.is_file(index):
                return [index]
        return [path] if self.is_file(path) else []

    def _ts_aliases(self, spec: str) -> list[str]:
        config = self._tsconfig()
        if config is None:
            return []
        base, paths = config
        out: list[str] = []
        for pattern, targets in paths.items():
            if pattern.endswith("*") and spec.startswith(pattern[:-1]):
                rest = spec[len(pattern) - 1 :]
                out += [os.path.join(base, t.replace("*", rest)) for t in targets]
            elif pattern == spec:
                out += [os.path.join(base, t) for t in targets]
        if not paths or not out:
            out.append(os.path.join(base, spec))  # baseUrl-relative
        return out

    def _tsconfig(self) -> tuple[str, dict[str, list[str]]] | None:
        folder = self._nearest("tsconfig.json") or self._nearest("jsconfig.json")
        if folder is None:
            return None
        for name in ("tsconfig.json", "jsconfig.json"):
            text = self.read_small(os.path.join(folder, name))
            if text is None:
                continue
            try:
                data = json.loads(_strip_json_comments(text))
            except ValueError:
                return None
            options = data.get("compilerOptions") or {}
            base = os.path.normpath(os.path.join(folder, options.get("baseUrl") or "."))
            paths = options.get("paths") or {}
            if not isinstance(paths, dict):
                paths = {}
            clean = {
                k: [t for t in v if isinstance(t, str)]
                for k, v in paths.items()
                if isinstance(k, str) and isinstance(v, list)
            }
            if not clean and "baseUrl" not in options:
                return None
            return base, clean
        return None

    def _go(self, spec: str, _base: str, _from: str) -> list[str]:
        folder = self._nearest("go.mod")
        if folder is None:
            return []
        text = self.read_small(os.path.join(folder, "go.mod")) or ""
        match = re.search(r"^module\s+(\S+)", text, re.M)
        if not match or not (spec == match.group(1) or spec.startswith(match.group(1) + "/")):
            return []
        target = os.path.join(folder, spec[len(match.group(1)) :].lstrip("/"))
        names = sorted(
            n for n in self.list_dir(target) if n.endswith(".go") and not n.endswith("_test.go")
        )
        return [os.path.join(target, n) for n in names][:MAX_PACKAGE_FILES]

    def _rust(self, spec: str, base: str, from_path: str) -> list[str]:
        parts = spec.split("::")
        folder = self._nearest("Cargo.toml")
        crate = os.path.join(folder, "src") if folder else None
        here = _rust_module_dir(from_path)
        if parts[0] == "crate":
            start, parts = crate, parts[1:]
        elif parts[0] == "self":
            start, parts = here, parts[1:]
        elif parts[0] == "super":
            start = os.path.dirname(here)
            parts = parts[1:]
            while parts and parts[0] == "super":
                start, parts = os.path.dirname(start), parts[1:]
        else:
            start = here
        if start is None:
            return []
        found = self._rust_module(start, parts)
        if not found and parts and crate and start != crate:
            found = self._rust_module(crate, parts)  # a 2015-style path from the crate root
        return found

    def _rust_module(self, start: str, parts: list[str]) -> list[str]:
        for count in range(len(parts), 0, -1):  # the longest prefix that is a module file
            path = os.path.join(start, *parts[:count])
            for candidate in (path + ".rs", os.path.join(path, "mod.rs")):
                if self.is_file(candidate):
                    return [candidate]
        for name in ("lib.rs", "main.rs", "mod.rs"):
            if not parts and self.is_file(os.path.join(start, name)):
                return [os.path.join(start, name)]
        return []

    def _java(self, spec: str, _base: str, _from: str) -> list[str]:
        source_root = self._source_root()
        if source_root is None:
            return []
        folder = os.path.join(source_root, *spec.split("."))
        return [
            os.path.join(folder, n)
            for n in sorted(self.list_dir(folder))
            if n.endswith(SOURCE_EXTS[self.family])
        ][:MAX_PACKAGE_FILES]

    _kotlin = _java

    def java_class_file(self, spec: str, name: str) -> list[str]:
        """The file a Java class is in (`a.b` + `C` -> a/b/C.java), when it exists."""
        source_root = self._source_root()
        if source_root is None:
            return []
        for ext in SOURCE_EXTS[self.family]:
            path = os.path.join(source_root, *spec.split("."), name + ext)
            if self.is_file(path):
                return [path]
        return []

    def _source_root(self) -> str | None:
        if not self.package:
            return self.dir
        parts = self.package.split(".")
        folder = self.dir
        for part in reversed(parts):
            if os.path.basename(folder) != part:
                return None
            folder = os.path.dirname(folder)
        return folder

    def _c(self, spec: str, base: str, _from: str) -> list[str]:
        roots = [base]
        if self.root:
            roots += [self.root, os.path.join(self.root, "include"), os.path.join(self.root, "src")]
        for folder in roots:
            path = os.path.normpath(os.path.join(folder, spec))
            if self.is_file(path):
                return [path]
        return []

    def _nearest(self, marker: str) -> str | None:
        """The closest folder from the current file up to the root holding `marker`."""
        if marker in self._marker:
            return self._marker[marker]
        here, found = self.dir, None
        for _ in range(12):
            if self.is_file(os.path.join(here, marker)):
                found = here
                break
            if (self.root and here == self.root) or os.path.dirname(here) == here:
                break
            here = os.path.dirname(here)
        self._marker[marker] = found
        return found


def _rust_module_dir(path: str) -> str:
    """Folder of a Rust file's own submodules: `src/a.rs` -> `src/a`, `src/a/mod.rs` ->
    `src/a`, `src/main.rs` -> `src`."""
    folder, name = os.path.split(path)
    if name in ("mod.rs", "lib.rs", "main.rs"):
        return folder
    return os.path.join(folder, name[:-3])


def _strip_json_comments(text: str) -> str:
    text = re.sub(
        r'("(?:[^"\\]|\\.)*")|//[^\n]*|/\*.*?\*/', lambda m: m.group(1) or "", text, flags=re.S
    )
    return re.sub(r",(\s*[}\]])", r"\1", text)
