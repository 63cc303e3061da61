"""TypeScript/JavaScript specifiers to files, as Node and `tsc` resolve them.

Relative paths (with the extension swaps TypeScript allows: `./x.js` may be `./x.ts`),
folders' index files, `tsconfig.json`/`jsconfig.json` `paths` and `baseUrl` (following
`extends`, a relative file or a package's config), and packages: the package itself by its
name (a test importing its own package), or one under `node_modules`, entered through its
`package.json` `exports` (subpaths, conditions, `*` patterns), `types`, `module` or `main`;
a build folder that is not there (`dist/`) is looked for in the sources (`src/`). Every
look at the disk is a stat of a candidate or a cached, size-capped read of a config file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

TS_EXTS = (".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".vue")
CONDITIONS = ("types", "typings", "import", "module", "default", "require", "node")
SOURCE_DIRS = ("src", "source", "lib", "")
MAX_EXTENDS = 5


class NodeResolver:
    """Specifiers to files for one current file (`root`: its workspace folder)."""

    def __init__(
        self,
        here: str,
        root: str | None,
        is_file: Callable[[str], bool],
        read_json: Callable[[str], dict[str, Any] | None],
    ) -> None:
        self.here = here
        self.root = root
        self.is_file = is_file
        self.read_json = read_json
        self._config: tuple[str, dict[str, list[str]], bool] | None = None
        self._config_read = False

    def files(self, spec: str, base: str) -> list[str]:
        if spec.startswith((".", "/")):
            return self.path(os.path.normpath(os.path.join(base, spec)))
        for target in self.aliases(spec):
            found = self.path(target)
            if found:
                return found
        return self.package(spec, base)

    # -- paths --
    def path(self, path: str) -> list[str]:
        """The file a path names: itself, a TypeScript file for a `.js` name, another
        extension, or the folder's index file."""
        stem = (
            path[: -len(os.path.splitext(path)[1])]
            if path.endswith((".js", ".jsx", ".mjs", ".cjs"))
            else path
        )
        if self.is_file(path) and not path.endswith((".js", ".jsx", ".mjs", ".cjs")):
            return [path]
        for ext in TS_EXTS:
            if self.is_file(stem + ext):
                return [stem + ext]
        for ext in TS_EXTS:
            index = os.path.join(path, "index" + ext)
            if self.is_file(index):
                return [index]
        return [path] if self.is_file(path) else []

    # -- tsconfig --
    def aliases(self, spec: str) -> list[str]:
        """Where `paths` (or `baseUrl`) of the nearest tsconfig/jsconfig map `spec`."""
        config = self._tsconfig()
        if config is None:
            return []
        base, paths, has_base_url = config
        out: list[str] = []
        for pattern, targets in paths.items():
            if pattern.endswith("*") and spec.startswith(pattern[:-1]):
                rest = spec[len(pattern) - 1 :]
                out += [os.path.normpath(os.path.join(base, t.replace("*", rest))) for t in targets]
            elif pattern == spec:
                out += [os.path.normpath(os.path.join(base, t)) for t in targets]
        if has_base_url or not out:
            out.append(os.path.normpath(os.path.join(base, spec)))  # baseUrl-relative
        return out

    def _tsconfig(self) -> tuple[str, dict[str, list[str]], bool] | None:
        if not self._config_read:
            self._config_read = True
            for name in ("tsconfig.json", "jsconfig.json"):
                folder = self.nearest(name)
                if folder is None:
                    continue
                options = self._options(os.path.join(folder, name), 0)
                base = options.get("baseUrl") or options.get("pathsBase")
                if base is not None:
                    self._config = (base, options.get("paths") or {}, "baseUrl" in options)
                break
        return self._config

    def _options(self, path: str, depth: int) -> dict[str, Any]:
        """`baseUrl` and `paths` of a config and the configs it extends (later wins)."""
        data = self.read_json(path)
        if data is None:
            return {}
        folder = os.path.dirname(path)
        out: dict[str, Any] = {}
        parents = data.get("extends")
        for parent in parents if isinstance(parents, list) else [parents]:
            if isinstance(parent, str) and depth < MAX_EXTENDS:
                found = self._extended(parent, folder)
                if found:
                    out.update(self._options(found, depth + 1))
        options = data.get("compilerOptions")
        if not isinstance(options, dict):
            return out
        if isinstance(options.get("baseUrl"), str):
            out["baseUrl"] = os.path.normpath(os.path.join(folder, options["baseUrl"]))
        paths = options.get("paths")
        if isinstance(paths, dict):
            out["paths"] = {
                k: [t for t in v if isinstance(t, str)]
                for k, v in paths.items()
                if isinstance(k, str) and isinstance(v, list)
            }
            out["pathsBase"] = folder
        return out

    def _extended(self, spec: str, folder: str) -> str | None:
        if spec.startswith((".", "/")):
            path = os.path.normpath(os.path.join(folder, spec))
            candidates = [path, path + ".json", os.path.join(path, "tsconfig.json")]
        else:
            candidates = []
            for modules in self._node_modules(folder):
                path = os.path.join(modules, spec)
                candidates += [path, path + ".json", os.path.join(path, "tsconfig.json")]
        return next((c for c in candidates if c.endswith(".json") and self.is_file(c)), None)

    # -- packages --
    def package(self, spec: str, base: str) -> list[str]:
        """A package by name: the current package itself, or one in `node_modules`."""
        parts = spec.split("/")
        size = 2 if spec.startswith("@") else 1
        name, sub = "/".join(parts[:size]), "/".join(parts[size:])
        for folder in self._package_folders(name, base):
            found = self._entry(folder, sub)
            if found:
                return found
        return []

    def _package_folders(self, name: str, base: str) -> list[str]:
        out = []
        own = self.nearest("package.json")
        if (
            own is not None
            and (self.read_json(os.path.join(own, "package.json")) or {}).get("name") == name
        ):
            out.append(own)
        for modules in self._node_modules(base):
            if self.is_file(os.path.join(modules, name, "package.json")):
                out.append(os.path.join(modules, name))
        return out

    def _entry(self, folder: str, sub: str) -> list[str]:
        manifest = self.read_json(os.path.join(folder, "package.json")) or {}
        targets: list[str] = []
        exports = manifest.get("exports")
        if exports is not None:
            targets += _exported(exports, "./" + sub if sub else ".")
        if not sub:
            targets += [
                t
                for k in ("types", "typings", "module", "main")
                if isinstance(t := manifest.get(k), str)
            ]
            targets.append("index")
        else:
            targets.append(sub)
        for target in targets:
            for candidate in _source_twins(target):
                found = self.path(os.path.normpath(os.path.join(folder, candidate)))
                if found:
                    return found
        return []

    def _node_modules(self, folder: str) -> list[str]:
        out = []
        here = folder
        for _ in range(12):
            out.append(os.path.join(here, "node_modules"))
            if (self.root and here == self.root) or os.path.dirname(here) == here:
                break
            here = os.path.dirname(here)
        return out

    def nearest(self, marker: str) -> str | None:
        """The closest folder from the current file up to the root holding `marker`."""
        here = self.here
        for _ in range(12):
            if self.is_file(os.path.join(here, marker)):
                return here
            if (self.root and here == self.root) or os.path.dirname(here) == here:
                return None
            here = os.path.dirname(here)
        return None


def _exported(exports: Any, subpath: str) -> list[str]:
    """Targets `exports` gives a subpath: `"./x"`, `{".": ...}`, `{"./*": "./src/*.ts"}`,
    condition objects (types first) and arrays."""
    if isinstance(exports, (str, list)) or (
        isinstance(exports, dict) and not any(k.startswith(".") for k in exports)
    ):
        return _conditions(exports) if subpath == "." else []
    if not isinstance(exports, dict):
        return []
    if subpath in exports:
        return _conditions(exports[subpath])
    for pattern, value in exports.items():
        if "*" in pattern:
            head, _, tail = pattern.partition("*")
            if (
                subpath.startswith(head)
                and subpath.endswith(tail)
                and len(subpath) >= len(pattern) - 1
            ):
                middle = subpath[len(head) : len(subpath) - len(tail)]
                return [t.replace("*", middle) for t in _conditions(value)]
    return []


def _conditions(value: Any, depth: int = 0) -> list[str]:
    if isinstance(value, str):
        return [value]
    if depth > 4:
        return []
    if isinstance(value, list):
        return [t for item in value for t in _conditions(item, depth + 1)]
    if isinstance(value, dict):
        keys = [k for k in CONDITIONS if k in value] + [k for k in value if k not in CONDITIONS]
        return [t for k in keys for t in _conditions(value[k], depth + 1)]
    return []


def _source_twins(target: str) -> list[str]:
    """A package's entry, then the same file in its sources when the build folder is
    missing (a checkout that was never built): `./dist/index.js` -> `src/index`, ..."""
    clean = target[2:] if target.startswith("./") else target
    head, _, rest = clean.partition("/")
    out = [clean]
    if rest:
        stem = (
            rest[: -len(os.path.splitext(rest)[1])]
            if rest.endswith((".js", ".mjs", ".cjs"))
            else rest
        )
        stem = stem[:-2] if stem.endswith(".d") else stem
        out += [os.path.join(d, stem) if d else stem for d in SOURCE_DIRS if d != head]
    return out
