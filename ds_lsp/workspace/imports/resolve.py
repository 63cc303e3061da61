"""The files an import names: module specs to files under the workspace.

`Resolver` turns a spec into files: Python relative and absolute modules (packages'
`__init__`), TS/JS specifiers as Node and `tsc` resolve them (`node.py`), Go packages
of the module in `go.mod`, Rust `crate::`/`self::`/`super::` and `mod` files, Java/Kotlin
package paths, C/C++ quoted includes. It only stats the few candidate paths a spec can
name; it never walks the tree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from ds_lsp.workspace.imports.node import NodeResolver

MAX_PACKAGE_FILES = 24  # Go / Java / Kotlin: files of one package directory considered

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
        read_json: Callable[[str], dict[str, Any] | None] = lambda path: None,
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
        self.node = NodeResolver(self.dir, root, is_file, read_json)

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
        return self.node.files(spec, base)

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
