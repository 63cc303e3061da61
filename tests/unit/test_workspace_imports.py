"""Import statements to bound names and wholesale imports, per language."""

from __future__ import annotations

from pathlib import Path

import pytest

from ds_lsp.workspace.files import FileReader
from ds_lsp.workspace.imports import Resolver, parse_imports
from ds_lsp.workspace.jsonc import parse_jsonc

BOUND = [
    pytest.param("python", "import numpy as np", "np", ("numpy", ""), id="py-import-as"),
    pytest.param("python", "from x.y import z as w", "w", ("x.y", "z"), id="py-from-as"),
    pytest.param(
        "python",
        "from ..pkg import (\n    a,\n    b as c,\n)",
        "c",
        ("..pkg", "b"),
        id="py-parenthesised-relative",
    ),
    pytest.param("python", "import a.b.c", "a.b.c", ("a.b.c", ""), id="py-dotted"),
    pytest.param(
        "ts", 'import { foo as bar } from "./m";', "bar", ("./m", "foo"), id="ts-named-as"
    ),
    pytest.param("ts", 'import * as ns from "@/lib";', "ns", ("@/lib", ""), id="ts-namespace"),
    pytest.param("ts", 'import D, { e } from "./m";', "D", ("./m", "default"), id="ts-default"),
    pytest.param(
        "ts",
        'import {\n  $fetch,\n  b,\n} from "./api";',
        "$fetch",
        ("./api", "$fetch"),
        id="ts-multiline-dollar",
    ),
    pytest.param(
        "ts", 'const { a: x, b } = require("./r");', "b", ("./r", "b"), id="js-require-destructure"
    ),
    pytest.param(
        "go",
        'import (\n\t"fmt"\n\tst "example.com/m/store"\n)',
        "st",
        ("example.com/m/store", ""),
        id="go-alias",
    ),
    pytest.param(
        "rust",
        "use crate::net::{client::Client, Retry as R};",
        "R",
        ("crate::net", "Retry"),
        id="rust-use-tree-alias",
    ),
    pytest.param("rust", "mod config;", "config", ("self::config", ""), id="rust-mod"),
    pytest.param(
        "java",
        "import com.acme.util.Strings;",
        "Strings",
        ("com.acme.util", "Strings"),
        id="java-class",
    ),
    pytest.param(
        "kotlin", "import com.acme.Repo as R", "R", ("com.acme", "Repo"), id="kotlin-alias"
    ),
]


@pytest.mark.parametrize(("family", "source", "local", "expected"), BOUND)
def test_bound_names(family: str, source: str, local: str, expected: tuple[str, str]) -> None:
    assert parse_imports(source, family).bound[local] == expected


STARS = [
    pytest.param("python", "from .models import *", ".models", id="py-star"),
    pytest.param("ts", 'export * from "./client";', "./client", id="ts-export-star"),
    pytest.param("c", '#include "vec.h"\n#include <stdio.h>', "vec.h", id="c-quoted-include"),
    pytest.param("java", "import com.acme.util.*;", "com.acme.util", id="java-wildcard"),
    pytest.param("rust", "use crate::prelude::*;", "crate::prelude", id="rust-glob"),
]


@pytest.mark.parametrize(("family", "source", "spec"), STARS)
def test_wholesale_imports(family: str, source: str, spec: str) -> None:
    assert parse_imports(source, family).stars == [spec]


JSONC = [
    pytest.param('{"a": 1, // c\n"b": 2}', {"a": 1, "b": 2}, id="line-comment"),
    pytest.param('{"a": /* c */ 1}', {"a": 1}, id="block-comment"),
    pytest.param(
        '{"a": "//not a comment", "b": "/*x*/"}',
        {"a": "//not a comment", "b": "/*x*/"},
        id="markers-in-strings",
    ),
    pytest.param(
        '{"a": "q\\"//", "b": [1, 2,],}',
        {"a": 'q"//', "b": [1, 2]},
        id="escaped-quote-trailing-commas",
    ),
    pytest.param('{"a": 1}\n/* never closed /* /*', {"a": 1}, id="unterminated-comment"),
    pytest.param("[1, 2]", None, id="not-an-object"),
]


@pytest.mark.parametrize(("text", "expected"), JSONC)
def test_jsonc(text: str, expected: dict | None) -> None:
    assert parse_jsonc(text) == expected


def _resolver(root: Path, current: str) -> Resolver:
    files = FileReader([str(root)], lambda path: False)
    return Resolver(
        str(root / current),
        "ts",
        str(root),
        files.is_file,
        files.list_dir,
        files.read_small,
        read_json=files.read_json,
    )


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


NODE = [
    pytest.param(
        {
            "tsconfig.base.json": '{"compilerOptions": {"paths": {"~/*": ["./src/*"]}}}',
            "tsconfig.json": '{"extends": "./tsconfig.base.json"}',
            "src/util/date.ts": "",
        },
        "src/app.ts",
        "~/util/date",
        "src/util/date.ts",
        id="tsconfig-extends-paths",
    ),
    pytest.param(
        {
            "node_modules/@acme/config/tsconfig.json": (
                '{"compilerOptions": {"baseUrl": "../../../lib"}}'
            ),
            "tsconfig.json": '{"extends": "@acme/config/tsconfig.json"}',
            "lib/format.ts": "",
        },
        "src/app.ts",
        "format",
        "lib/format.ts",
        id="tsconfig-extends-package-baseurl",
    ),
    pytest.param(
        {
            "package.json": (
                '{"name": "ky", "exports": {"types": "./distribution/index.d.ts",'
                ' "default": "./distribution/index.js"}}'
            ),
            "source/index.ts": "",
        },
        "test/main.ts",
        "ky",
        "source/index.ts",
        id="self-reference-unbuilt-goes-to-sources",
    ),
    pytest.param(
        {
            "node_modules/semver/package.json": '{"name": "semver", "main": "index.js"}',
            "node_modules/semver/index.js": "",
        },
        "src/app.ts",
        "semver",
        "node_modules/semver/index.js",
        id="package-main",
    ),
    pytest.param(
        {
            "node_modules/lib/package.json": (
                '{"exports": {".": {"import": "./esm/index.js"},'
                ' "./utils/*": {"types": "./types/utils/*.d.ts"}}}'
            ),
            "node_modules/lib/types/utils/strings.d.ts": "",
        },
        "src/app.ts",
        "lib/utils/strings",
        "node_modules/lib/types/utils/strings.d.ts",
        id="package-exports-pattern-types-first",
    ),
    pytest.param(
        {"src/errors.ts": ""},
        "src/app.ts",
        "./errors.js",
        "src/errors.ts",
        id="js-specifier-to-ts-source",
    ),
]


@pytest.mark.parametrize(("files", "current", "spec", "expected"), NODE)
def test_node_resolution(
    tmp_path: Path, files: dict[str, str], current: str, spec: str, expected: str
) -> None:
    _write(tmp_path, files)
    assert _resolver(tmp_path, current).files(spec) == [str(tmp_path / expected)]


def test_a_long_re_export_list_is_read_whole() -> None:
    names = ", ".join(f"_n{i} as n{i}" for i in range(60))  # one joined line of ~900 chars
    imports = parse_imports(f'export {{{names}}} from "../core/index.js";', "ts")
    assert imports.bound["n59"] == ("../core/index.js", "_n59")
