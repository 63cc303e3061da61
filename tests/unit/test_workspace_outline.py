"""Outlines: whole signatures, constructors, and only top-level / member definitions."""

from __future__ import annotations

import time

import pytest

from ds_lsp.workspace.outline import outline

CASES = [
    pytest.param(
        "python",
        "def url_for(\n    endpoint,\n    **values\n) -> str:\n    return ''\n",
        "url_for",
        "def url_for(endpoint, **values) -> str:",
        id="python-multiline-def-joined",
    ),
    pytest.param(
        "python",
        "class Foo(Base):\n    '''A foo.'''\n    def __init__(self, a,\n                 b=2):\n"
        "        self.a = a\n",
        "Foo",
        'class Foo(Base):\n    """A foo."""\n    def __init__(self, a, b=2):',
        id="python-class-with-init",
    ),
    pytest.param(
        "python",
        "@dataclass\nclass P:\n    x: int\n    y: int = 0\n",
        "P",
        "class P:\n    x: int\n    y: int = 0",
        id="python-dataclass-fields",
    ),
    pytest.param(
        "ts",
        "export class Api {\n  constructor(\n    private base: string,\n    t = 5,\n  ) {}\n}\n",
        "Api",
        "export class Api\n  constructor(private base: string, t = 5)",
        id="ts-constructor",
    ),
    pytest.param(
        "ts",
        "export function $fetch(\n  url: string,\n): Promise<R> {\n  return f(url);\n}\n",
        "$fetch",
        "export function $fetch(url: string): Promise<R>",
        id="ts-dollar-name",
    ),
    pytest.param(
        "ts",
        "export const toIso = (d: Date): string => d.toISOString();\n",
        "toIso",
        "export const toIso = (d: Date): string =>",
        id="ts-arrow-const",
    ),
    pytest.param(
        "go",
        "// NewFoo makes one.\nfunc NewFoo(a int,\n\tb string,\n) *Foo {\n\treturn nil\n}\n",
        "NewFoo",
        "// NewFoo makes one.\nfunc NewFoo(a int, b string) *Foo",
        id="go-func-doc",
    ),
    pytest.param(
        "go",
        "type Item struct {\n\tID string\n\tPrice int64\n}\n",
        "Item",
        "type Item struct\n\tID string\n\tPrice int64",
        id="go-struct-fields",
    ),
    pytest.param(
        "rust",
        "pub struct C {\n    a: u8,\n}\nimpl C {\n    pub fn new(a: u8,\n        b: &str) -> Self"
        " {\n        let c = '{';\n        C { a }\n    }\n}\n",
        "C",
        "pub struct C\n    a: u8,\n    pub fn new(a: u8, b: &str) -> Self",
        id="rust-impl-new-attached",
    ),
    pytest.param(
        "java",
        "public class G {\n    public G(String n,\n             int t) {\n    }\n}\n",
        "G",
        "public class G\n    public G(String n, int t)",
        id="java-constructor",
    ),
    pytest.param(
        "kotlin",
        "data class Repo(val name: String, val stars: Int = 0)\n",
        "Repo",
        "data class Repo(val name: String, val stars: Int = 0)",
        id="kotlin-primary-constructor",
    ),
    pytest.param(
        "java",
        "public class Job {\n    public void run(int times) {\n    }\n}\n",
        "run",
        "    public void run(int times)",
        id="java-void-method",
    ),
    pytest.param(
        "c",
        "static void vec_free(vec_t *v)\n{\n}\n",
        "vec_free",
        "static void vec_free(vec_t *v)",
        id="c-void-function",
    ),
    pytest.param(
        "c",
        "int vec_push(vec_t *v,\n             void *item);\n",
        "vec_push",
        "int vec_push(vec_t *v, void *item);",
        id="c-prototype",
    ),
]


@pytest.mark.parametrize(("family", "source", "name", "expected"), CASES)
def test_definition_text(family: str, source: str, name: str, expected: str) -> None:
    found = outline(source, family).find(name)
    assert found is not None
    assert found.text == expected


LOCALS = [
    pytest.param(
        "python",
        "def handle(env):\n    request = env\n    def app():\n        pass\n",
        ("request", "app"),
        id="python-locals-and-nested-def",
    ),
    pytest.param(
        "ts",
        "export function setup() {\n  const x = 1;\n  function inner() {}\n}\n",
        ("x", "inner"),
        id="ts-local-const-and-nested-function",
    ),
    pytest.param("go", "func f() {\n\tvar y = 2\n\tconst z = 3\n}\n", ("y", "z"), id="go-locals"),
    pytest.param(
        "java",
        "class A {\n  void m() {\n    if (x) { run(); }\n  }\n}\n",
        ("run",),
        id="java-call-in-body",
    ),
    pytest.param(
        "ts", 'const s = "{ not a body";\nfunction after(a) {}\n', ("not",), id="ts-brace-in-string"
    ),
]


@pytest.mark.parametrize(("family", "source", "absent"), LOCALS)
def test_locals_are_not_definitions(family: str, source: str, absent: tuple[str, ...]) -> None:
    found = outline(source, family)
    for name in absent:
        assert found.find(name) is None


def test_brace_in_string_does_not_hide_the_next_definition() -> None:
    found = outline('const s = "{ not a body";\nexport function after(a) {}\n', "ts")
    assert found.find("after") is not None


def test_methods_are_members_with_their_class() -> None:
    found = outline("class A:\n    def run(self, n: int) -> None:\n        pass\n", "python")
    method = found.find("run")
    assert method is not None and method.parent == "A"
    assert method.text == "    def run(self, n: int) -> None:"


def test_outline_is_compact_strings() -> None:
    source = "\n".join(f"def f_{i}(a, b=1):\n    return a" for i in range(2500))
    found = outline(source, "python")
    assert isinstance(found.top, str) and len(found.members) == 0
    assert found.size < 120_000
    assert found.find("f_2499") is not None


def test_a_name_declared_as_a_type_and_a_function_finds_the_function() -> None:
    source = (
        "export interface $constructor<T> {\n  new (def: D): T;\n}\n"
        "export function $constructor<T>(name: string, init: (i: T) => void): T {\n"
        "  return x;\n}\n"
    )
    found = outline(source, "ts").find("$constructor")
    assert found is not None
    assert found.text == "export function $constructor<T>(name: string, init: (i: T) => void): T"


FUNCTIONS_FROM_DISK = [
    pytest.param(
        'export const isValid = <T>(x: R<T>): x is OK<T> => (x as any).status === "valid";\n',
        "isValid",
        "export const isValid = <T>(x: R<T>): x is OK<T> =>",
        id="generic-arrow-with-a-string-in-its-body",
    ),
    pytest.param(
        "export function pipe<\n  const A extends T,\n  B extends T = T,\n"
        ">(in_: A, out: B): P<A, B> {\n  return x;\n}\n",
        "pipe",
        "export function pipe<const A extends T, B extends T = T>(in_: A, out: B): P<A, B>",
        id="multi-line-type-parameters",
    ),
]


@pytest.mark.parametrize(("source", "name", "expected"), FUNCTIONS_FROM_DISK)
def test_functions_of_a_file_on_disk_keep_their_signature(
    source: str, name: str, expected: str
) -> None:
    found = outline(source, "ts", values=False).find(name)
    assert found is not None and found.text == expected


BODIES_THAT_HID_WHAT_FOLLOWS = [
    pytest.param(
        'export function esc(s: string): string {\n  return s.replace(/\\//g, "~1")\n}\n'
        "export function eachItem<T>(xs: T[], f: (x: T) => void): void {\n}\n",
        "ts",
        "eachItem",
        "export function eachItem<T>(xs: T[], f: (x: T) => void): void",
        id="ts-regex-literal-with-slashes",
    ),
    pytest.param(
        "export /*@__NO_SIDE_EFFECTS__*/ function make(name: string): T {\n  return x;\n}\n",
        "ts",
        "make",
        "export /*@__NO_SIDE_EFFECTS__*/ function make(name: string): T",
        id="ts-comment-between-modifiers",
    ),
    pytest.param(
        "var root = `C:\\`\nfunc After(a int) {\n}\n",
        "go",
        "After",
        "func After(a int)",
        id="go-raw-string-ending-in-a-backslash",
    ),
    pytest.param(
        'const HELP: &str = "usage:\n  run (fast\n";\npub fn after(a: u8) -> u8 {\n    a\n}\n',
        "rust",
        "after",
        "pub fn after(a: u8) -> u8",
        id="rust-string-over-lines-with-a-paren",
    ),
    pytest.param(
        "fn f() {\n    'outer: loop { break 'outer; }\n}\npub fn after(a: u8) {\n}\n",
        "rust",
        "after",
        "pub fn after(a: u8)",
        id="rust-loop-label",
    ),
    pytest.param(
        'static const char *usage = "\\\nUsage: run [OPTION] (\\\n";\nint after(int a);\n',
        "c",
        "after",
        "int after(int a);",
        id="c-string-continued-over-lines",
    ),
    pytest.param(
        "'\\\\!\"#$%&\\'()*+,./:;<=>?@[]^_`{|}~-'.split('')\n"
        "export default function escape(state, silent) {\n}\n",
        "ts",
        "escape",
        "export default function escape(state, silent)",
        id="ts-escaped-quote-in-a-string",
    ),
    pytest.param(
        'class A {\n  String s = """\n    { (\n    """;\n  int after(int a) {}\n}\n',
        "java",
        "after",
        "  int after(int a)",
        id="java-text-block",
    ),
    pytest.param(
        'fun describe(r: Repo): String = "${r.name} (${r.stars})"\n',
        "kotlin",
        "describe",
        'fun describe(r: Repo): String = "${r.name} (${r.stars})"',
        id="kotlin-expression-body-with-a-template",
    ),
]


@pytest.mark.parametrize(("source", "family", "name", "expected"), BODIES_THAT_HID_WHAT_FOLLOWS)
def test_definitions_after_tricky_lines(source: str, family: str, name: str, expected: str) -> None:
    found = outline(source, family).find(name)
    assert found is not None and found.text == expected


def test_comments_inside_a_python_import_list_are_dropped() -> None:
    source = "from typing import (Callable,  # Replaced\n    Generic,\n    cast)\n"
    assert outline(source, "python").import_lines() == [
        (0, "from typing import (Callable, Generic, cast)")
    ]


def test_a_big_file_is_outlined_around_the_definition_not_its_mentions() -> None:
    from ds_lsp.workspace.outline import outline_around

    mentions = "".join(f'def f{i}():\n    """Uses attrs like attrs does."""\n' for i in range(40))
    source = mentions + "def attrs(maybe_cls=None, these=None):\n    pass\n"
    found = outline_around(source, "attrs", "python")
    assert found is not None
    definition = found.find("attrs")
    assert definition is not None and definition.text == "def attrs(maybe_cls=None, these=None):"


def test_a_local_export_alias_names_its_definition() -> None:
    source = (
        "function _catch(innerType: T, catchValue: C): ZodCatch {\n  return x;\n}\n"
        "export { _catch as catch };\nexport {\n  _null as null,\n};\n"
        "function _null(params?: string): ZodNull {\n}\n"
    )
    found = outline(source, "ts")
    for name, text in (
        ("catch", "function _catch(innerType: T, catchValue: C): ZodCatch"),
        ("null", "function _null(params?: string): ZodNull"),
    ):
        definition = found.find(name)
        assert definition is not None and definition.text == text


HEADERS = {
    "ts": "export function f(a,",
    "go": "func F(a int,",
    "rust": "pub fn f(a: u8,",
    "java": "class A {\n  int f(int a,",
    "kotlin": "fun f(a: Int,",
    "c": "int f(int a,",
}


@pytest.mark.parametrize("family", sorted(HEADERS))
def test_a_hostile_line_in_a_signature_is_read_in_one_pass(family: str) -> None:
    """A 60,000-character line inside a definition's header (the header is read whatever
    its length): slashes, quotes, templates, raw strings cost one pass each."""
    started = time.perf_counter()
    for hostile in ("/" * 60_000, "= /" * 20_000, "'" * 60_000, '"${' * 20_000, 'r#"' * 20_000):
        outline(f"{HEADERS[family]}\n{hostile}\n) {{\n}}\n", family)
    assert time.perf_counter() - started < 10
