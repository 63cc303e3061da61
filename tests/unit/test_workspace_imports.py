"""Import statements to bound names and wholesale imports, per language."""

from __future__ import annotations

import pytest

from ds_lsp.workspace.imports import parse_imports

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
