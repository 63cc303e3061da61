"""A corpus of real-world completions: a document with a cursor, the model's raw text, and
the document the user wants after accepting the suggestion.

Each case runs through `postprocess.clean` exactly as the engine does: the prefix and suffix
are the text before and after the cursor (█), `line_prefix` the cursor's line up to it, the
mode comes from `should_complete(..., "auto")`, at most 12 lines. What is compared is the
document after accept, `prefix + text + suffix[replace:]`, the same for an inline item (its
range ends `replace` characters after the cursor) and for the completion-item fallback.
`I(...)` states the expected insertion (nothing replaced), `D(...)` the whole document after.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from ds_lsp.postprocess import Cleaned, Mode, clean, imbalance, should_complete

CURSOR = "█"
MAX_LINES = 12


class Case(NamedTuple):
    """A document with one cursor, the model's raw text, and the document after accept."""

    id: str
    doc: str
    raw: str
    after: str


def I(id: str, doc: str, raw: str, text: str) -> Case:  # noqa: E743, N802
    """A case whose answer is `text` inserted at the cursor ('' = nothing shown)."""
    return Case(id, doc, raw, doc.replace(CURSOR, text))


def D(id: str, doc: str, raw: str, after: str) -> Case:  # noqa: N802
    """A case whose answer is the whole document after accept."""
    return Case(id, doc, raw, after)


def split(doc: str) -> tuple[str, str, str]:
    """(prefix, suffix, line_prefix) of a document with a cursor."""
    prefix, suffix = doc.split(CURSOR)
    return prefix, suffix, prefix.rsplit("\n", 1)[-1]


def run(doc: str, raw: str) -> Cleaned:
    """Clean `raw` for the cursor in `doc` the way the engine does."""
    prefix, suffix, line_prefix = split(doc)
    line_suffix = suffix.split("\n", 1)[0]
    mode = should_complete(line_prefix, line_suffix, "auto")
    return clean(raw, prefix, suffix, line_prefix, mode, MAX_LINES)


def accept(doc: str, cleaned: Cleaned) -> str:
    """The document after the user accepts: the text over the item's range."""
    prefix, suffix, _ = split(doc)
    return prefix + cleaned.text + suffix[cleaned.replace :]


PYTHON = [
    I("py-body-of-empty-function",
         "def add(a, b):\n    █\n\nprint(add(1, 2))\n", "return a + b", "return a + b"),
    I("py-closing-paren-already-there", "print(█)\n", "'hello')", "'hello'"),
    I("py-closing-quote-already-there", 'name = "█"\n', 'world"', "world"),
    I("py-docstring-closing-quotes-there", 'def f():\n    """█"""\n',
         'Return the answer."""', "Return the answer."),
    I("py-fstring-closers-there", 'print(f"{name█}")\n', '.upper()}")', ".upper()"),
    I("py-block-stops-at-dedent",
         "def total(xs):\n    █\n",
         "t = 0\n    for x in xs:\n        t += x\n    return t\n\ndef mean(xs):\n    pass",
         "t = 0\n    for x in xs:\n        t += x\n    return t"),
    I("py-stops-before-the-next-lines", "def f(x):\n    █\n    return x\n",
         "x = x * 2\n    return x", "x = x * 2"),
    I("py-body-after-def-line", "def greet(name):█\n",
         "\n    return f'Hello, {name}'", "\n    return f'Hello, {name}'"),
    I("py-mid-line-argument", "result = compute(█, verbose=True)\n",
         "data, verbose=True)", "data"),
    I("py-dict-closing-brace-on-next-line", "config = {█\n}\n",
         '\n    "debug": True,\n    "port": 8080,\n}', '\n    "debug": True,\n    "port": 8080,'),
    I("py-looping-model", "for i in range(10):\n    █\n",
         "print(i)\n    print(i)\n    print(i)", "print(i)"),
    I("py-end-of-file-imports", "import os\nimport sys\n█", "import json\nimport re",
         "import json\nimport re"),
    I("py-echo-of-next-line-is-nothing", "def f():\n    █\n    return 1\n", "return 1", ""),
    I("py-copy-of-line-above-is-nothing", "x = compute()\n█\n", "x = compute()", ""),
    I("py-list-comprehension-bracket-there", "squares = [█]\n",
         "x * x for x in range(10)]", "x * x for x in range(10)"),
    I("py-method-stops-at-next-method",
         "class A:\n    def f(self):\n        █\n\n    def g(self):\n        pass\n",
         "return 1\n\n    def g(self):\n        pass", "return 1"),
    I("py-if-body-stops-at-else", "if x:\n    █\n", "y = 1\nelse:\n    y = 2", "y = 1"),
    I("py-crlf-and-trailing-space", "def f(x):\n    █\n", "return x   \r\n", "return x"),
    I("py-open-string-at-end-of-line", 'print("Hello, █\n', 'world!")', 'world!")'),
    I("py-kwarg-then-next-statement", "plt.plot(x, y, █)\n",
         "color='red')\nplt.show()", "color='red'"),
    I("py-new-line-inside-block", "def f():\n    x = 1█\n    return x\n",
         "\n    y = 2", "\n    y = 2"),
    I("py-if-opened-at-end-of-file", "if ok:█", "\n    run()\n\nprint('done')",
         "\n    run()"),
    I("py-main-guard-at-end-of-file", 'if __name__ == "__main__":\n    █', "main()\n",
         "main()"),
    I("py-indent-written-twice", "def f(x):\n    █\n", "    return x * 2", "return x * 2"),
    I("py-indent-after-leading-newline", "def f(x):\n    █\n",
         "\n    y = x + 1\n    return y", "y = x + 1\n    return y"),
    I("py-only-the-closer-is-nothing", "print(█)\n", ")", ""),
    I("py-single-line-cut-mid-line", "x = foo(█, 2)\n", "1\nbar()", "1"),
    I("py-return-value", "def f(a):\n    return █\n", "a * 2", "a * 2"),
    I("py-space-written-twice", "total = █\n", " price * qty", "price * qty"),
    I("py-space-inside-string-kept", 'print("a █\n', ' b")', ' b")'),
    I("py-call-split-over-lines", "foo(█)\n", "a,\n    b)", "a,\n    b"),
    I("py-new-function-between-functions",
         "def a():\n    pass\n\n█\n\ndef b():\n    pass\n",
         "def c():\n    return 3\n\ndef b():", "def c():\n    return 3"),
    I("py-whitespace-only-is-nothing", "def f():\n    █\n", "\n\n  \n", ""),
    I("py-max-lines",
         "data = [\n    █\n",
         "\n".join(f"    {i}," for i in range(1, 21)).lstrip(),
         "\n".join(f"    {i}," for i in range(1, 13)).lstrip()),
]

TYPESCRIPT = [
    I("ts-arrow-function-body", "const add = (a: number, b: number) => {\n  █\n};\n",
         "return a + b;\n};", "return a + b;"),
    I("ts-object-literal-keeps-space", "const p = { x: 1, █};\n", "y: 2 };", "y: 2 "),
    I("ts-template-literal", "const msg = `Hello, ${█}`;\n", "name}`;", "name"),
    I("ts-import-names", "import { useState█ } from 'react';\n",
         ", useEffect } from 'react';", ", useEffect"),
    I("ts-interface-fields", "interface User {\n  █\n}\n",
         "id: number;\n  name: string;\n}", "id: number;\n  name: string;"),
    I("ts-if-condition", "if (█) {\n", "user && user.isAdmin) {", "user && user.isAdmin"),
    I("ts-async-function", "async function load(url: string) {\n  █\n}\n",
         "const res = await fetch(url);\n  return res.json();\n}",
         "const res = await fetch(url);\n  return res.json();"),
    I("ts-method-after-dot", "const ids = users.█\n", "map((u) => u.id);",
         "map((u) => u.id);"),
    I("ts-string-argument", "console.log('█');\n", "done');", "done"),
    I("ts-condition-mid-line", "if (x█) {\n", " > 0) {", " > 0"),
    I("ts-call-arguments", "const x = foo(█);\n", "a, b);", "a, b"),
    I("ts-class-method-stops-at-class-end",
         "class Stack<T> {\n  private items: T[] = [];\n  █\n}\n",
         "push(item: T): void {\n    this.items.push(item);\n  }\n}",
         "push(item: T): void {\n    this.items.push(item);\n  }"),
]

GO = [
    I("go-if-err", "func f() error {\n\terr := g()\n\t█\n}\n",
         "if err != nil {\n\t\treturn err\n\t}\n\treturn nil\n}",
         "if err != nil {\n\t\treturn err\n\t}\n\treturn nil"),
    I("go-struct-fields", "type Point struct {\n\t█\n}\n", "X int\n\tY int\n}",
         "X int\n\tY int"),
    I("go-println-argument", "fmt.Println(█)\n", '"hello")', '"hello"'),
    I("go-errorf-string", 'return fmt.Errorf("█")\n', 'invalid input")', "invalid input"),
    I("go-map-literal", "m := map[string]int{█}\n", '"a": 1, "b": 2}', '"a": 1, "b": 2'),
    I("go-func-stops-at-next-func", "func a() int {\n\t█\n}\n\nfunc b() {}\n",
         "return 1\n}\n\nfunc b() {}", "return 1"),
    I("go-for-at-end-of-file", "for i := 0; i < n; i++ {█", "\n\tsum += i\n}",
         "\n\tsum += i\n}"),
    I("go-brace-opened-closer-below", "func main() {█\n}\n",
         '\n\tfmt.Println("hi")\n}', '\n\tfmt.Println("hi")'),
]

RUST = [
    I("rs-match-arms", "match opt {\n    █\n}\n", "Some(v) => v,\n    None => 0,\n}",
         "Some(v) => v,\n    None => 0,"),
    I("rs-closure-mid-line", "let v: Vec<i32> = xs.iter().map(|x| █).collect();\n",
         "x * 2).collect();", "x * 2"),
    I("rs-fn-body", "fn area(w: f64, h: f64) -> f64 {\n    █\n}\n", "w * h\n}", "w * h"),
    I("rs-println-argument", 'println!("{}", █);\n', "name);", "name"),
    I("rs-impl-stops-at-item-end",
         "impl Point {\n    fn new(x: i32, y: i32) -> Self {\n        █\n    }\n}\n",
         "Self { x, y }\n    }\n}", "Self { x, y }"),
    I("rs-nested-fn-in-impl",
         "impl fmt::Display for P {\n    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {"
         "\n        █\n    }\n}\n",
         'write!(f, "({}, {})", self.x, self.y)\n    }\n}',
         'write!(f, "({}, {})", self.x, self.y)'),
    I("rs-vec-macro", "let v = vec![█];\n", "1, 2, 3];", "1, 2, 3"),
    I("rs-char-literal", "let c = '█';\n", "a';", "a"),
    I("rs-let-then-next-statement", "let x = █;\n", "compute();\nlet y = 2;", "compute()"),
]

C = [
    I("c-for-body", "for (int i = 0; i < n; i++) {\n    █\n}\n", "sum += a[i];\n}",
         "sum += a[i];"),
    I("c-printf-argument", 'printf("%d\\n", █);\n', "count);", "count"),
    I("c-include-angle", "#include <█>\n", "stdlib.h>", "stdlib.h"),
    I("c-function-stops-at-next-function",
         "int max(int a, int b) {\n    █\n}\n\nint min(int a, int b) {\n    return a;\n}\n",
         "return a > b ? a : b;\n}\n\nint min(int a, int b) {", "return a > b ? a : b;"),
    I("c-designated-initializer", "struct point p = {█};\n", ".x = 1, .y = 2};",
         ".x = 1, .y = 2"),
    I("c-brace-at-end-of-file", "if (ptr == NULL) {█\n", "\n    return -1;\n}",
         "\n    return -1;\n}"),
    I("c-else-branch", "if (a) {\n    x = 1;\n} else {█\n", "\n    x = 2;\n}",
         "\n    x = 2;\n}"),
]

LUA = [
    I("lua-function-body", "local function add(a, b)\n  █\nend\n", "return a + b\nend",
         "return a + b"),
    I("lua-if-then-at-end-of-file", "if x > 0 then█\n", "\n  print(x)\nend",
         "\n  print(x)\nend"),
    I("lua-table", "local t = {█}\n", "1, 2, 3}", "1, 2, 3"),
    I("lua-for-do", "for i = 1, 10 do\n  █\nend\n", "print(i)\nend", "print(i)"),
    I("lua-concat-argument", 'print("hello " .. █)\n', "name)", "name"),
    I("lua-format-mid-line", "local s = string.format(█, name)\n", '"%s!", name)', '"%s!"'),
    I("lua-module-function", "function M.setup(opts)█",
         "\n  opts = opts or {}\nend", "\n  opts = opts or {}\nend"),
]

CORPUS = PYTHON + TYPESCRIPT + GO + RUST + C + LUA


def test_corpus_is_large_and_ids_unique() -> None:
    assert len(CORPUS) >= 200
    assert len({c.id for c in CORPUS}) == len(CORPUS)
    assert all(c.doc.count(CURSOR) == 1 for c in CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_document_after_accept_is_what_a_user_wants(case: Case) -> None:
    assert accept(case.doc, run(case.doc, case.raw)) == case.after


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_replace_stays_on_the_cursor_line(case: Case) -> None:
    _, suffix, _ = split(case.doc)
    cleaned = run(case.doc, case.raw)
    line_suffix = suffix.split("\n", 1)[0].rstrip("\r")
    assert 0 <= cleaned.replace <= len(line_suffix)
    assert cleaned.replace == 0 or cleaned.text


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_never_worse_brackets_than_before_or_the_raw_text(case: Case) -> None:
    """Unmatched brackets after accept: no more than the document had before, or than
    pasting the model's raw text would give."""
    prefix, suffix, _ = split(case.doc)
    before = imbalance(prefix + suffix)
    raw = imbalance(prefix + case.raw.replace("\r\n", "\n") + suffix)
    assert imbalance(accept(case.doc, run(case.doc, case.raw))) <= max(before, raw)


@pytest.mark.parametrize(("doc", "mode"), [
    ("print(█)\n", Mode.MULTI),
    ("x = foo(█, 2)\n", Mode.SINGLE),
    ("def f():\n    █\n", Mode.MULTI),
], ids=["closers-only", "code-after", "empty-line"])
def test_mode_follows_what_is_after_the_cursor(doc: str, mode: Mode) -> None:
    _, suffix, line_prefix = split(doc)
    assert should_complete(line_prefix, suffix.split("\n", 1)[0], "auto") is mode
