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

from ds_lsp.completion.ask import should_complete
from ds_lsp.completion.postprocess import Cleaned, Mode, clean, imbalance

CURSOR = "█"
MAX_LINES = 12


class Case(NamedTuple):
    """A document with one cursor, the model's raw text, and the document after accept."""

    id: str
    doc: str
    raw: str
    after: str


def I(id: str, doc: str, raw: str, text: str) -> Case:  # noqa: E743
    """A case whose answer is `text` inserted at the cursor ('' = nothing shown)."""
    return Case(id, doc, raw, doc.replace(CURSOR, text))


def D(id: str, doc: str, raw: str, after: str) -> Case:
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
    I(
        "py-body-of-empty-function",
        "def add(a, b):\n    █\n\nprint(add(1, 2))\n",
        "return a + b",
        "return a + b",
    ),
    I("py-closing-paren-already-there", "print(█)\n", "'hello')", "'hello'"),
    I("py-closing-quote-already-there", 'name = "█"\n', 'world"', "world"),
    I(
        "py-docstring-closing-quotes-there",
        'def f():\n    """█"""\n',
        'Return the answer."""',
        "Return the answer.",
    ),
    I("py-fstring-closers-there", 'print(f"{name█}")\n', '.upper()}")', ".upper()"),
    I(
        "py-block-stops-at-dedent",
        "def total(xs):\n    █\n",
        "t = 0\n    for x in xs:\n        t += x\n    return t\n\ndef mean(xs):\n    pass",
        "t = 0\n    for x in xs:\n        t += x\n    return t",
    ),
    I(
        "py-stops-before-the-next-lines",
        "def f(x):\n    █\n    return x\n",
        "x = x * 2\n    return x",
        "x = x * 2",
    ),
    I(
        "py-body-after-def-line",
        "def greet(name):█\n",
        "\n    return f'Hello, {name}'",
        "\n    return f'Hello, {name}'",
    ),
    I("py-mid-line-argument", "result = compute(█, verbose=True)\n", "data, verbose=True)", "data"),
    I(
        "py-dict-closing-brace-on-next-line",
        "config = {█\n}\n",
        '\n    "debug": True,\n    "port": 8080,\n}',
        '\n    "debug": True,\n    "port": 8080,',
    ),
    I(
        "py-looping-model",
        "for i in range(10):\n    █\n",
        "print(i)\n    print(i)\n    print(i)",
        "print(i)",
    ),
    I(
        "py-end-of-file-imports",
        "import os\nimport sys\n█",
        "import json\nimport re",
        "import json\nimport re",
    ),
    I("py-echo-of-next-line-is-nothing", "def f():\n    █\n    return 1\n", "return 1", ""),
    I("py-copy-of-line-above-is-nothing", "x = compute()\n█\n", "x = compute()", ""),
    I(
        "py-list-comprehension-bracket-there",
        "squares = [█]\n",
        "x * x for x in range(10)]",
        "x * x for x in range(10)",
    ),
    I(
        "py-method-stops-at-next-method",
        "class A:\n    def f(self):\n        █\n\n    def g(self):\n        pass\n",
        "return 1\n\n    def g(self):\n        pass",
        "return 1",
    ),
    I(  # issue 22: the rest of the if/else chain is kept
        "py-if-body-then-its-else-arm",
        "if x:\n    █\n",
        "y = 1\nelse:\n    y = 2",
        "y = 1\nelse:\n    y = 2",
    ),
    I("py-crlf-and-trailing-space", "def f(x):\n    █\n", "return x   \r\n", "return x"),
    I("py-open-string-at-end-of-line", 'print("Hello, █\n', 'world!")', 'world!")'),
    I(
        "py-kwarg-then-next-statement",
        "plt.plot(x, y, █)\n",
        "color='red')\nplt.show()",
        "color='red'",
    ),
    I(
        "py-new-line-inside-block",
        "def f():\n    x = 1█\n    return x\n",
        "\n    y = 2",
        "\n    y = 2",
    ),
    I("py-if-opened-at-end-of-file", "if ok:█", "\n    run()\n\nprint('done')", "\n    run()"),
    I("py-main-guard-at-end-of-file", 'if __name__ == "__main__":\n    █', "main()\n", "main()"),
    I("py-indent-written-twice", "def f(x):\n    █\n", "    return x * 2", "return x * 2"),
    I(
        "py-indent-after-leading-newline",
        "def f(x):\n    █\n",
        "\n    y = x + 1\n    return y",
        "y = x + 1\n    return y",
    ),
    I("py-only-the-closer-is-nothing", "print(█)\n", ")", ""),
    I("py-single-line-cut-mid-line", "x = foo(█, 2)\n", "1\nbar()", "1"),
    I("py-return-value", "def f(a):\n    return █\n", "a * 2", "a * 2"),
    I("py-space-written-twice", "total = █\n", " price * qty", "price * qty"),
    I("py-space-inside-string-kept", 'print("a █\n', ' b")', ' b")'),
    I("py-call-split-over-lines", "foo(█)\n", "a,\n    b)", "a,\n    b"),
    I(
        "py-new-function-between-functions",
        "def a():\n    pass\n\n█\n\ndef b():\n    pass\n",
        "def c():\n    return 3\n\ndef b():",
        "def c():\n    return 3",
    ),
    I("py-whitespace-only-is-nothing", "def f():\n    █\n", "\n\n  \n", ""),
    I(
        "py-max-lines",
        "data = [\n    █\n",
        "\n".join(f"    {i}," for i in range(1, 21)).lstrip(),
        "\n".join(f"    {i}," for i in range(1, 13)).lstrip(),
    ),
]

TYPESCRIPT = [
    I(
        "ts-arrow-function-body",
        "const add = (a: number, b: number) => {\n  █\n};\n",
        "return a + b;\n};",
        "return a + b;",
    ),
    I("ts-object-literal-keeps-space", "const p = { x: 1, █};\n", "y: 2 };", "y: 2 "),
    I("ts-template-literal", "const msg = `Hello, ${█}`;\n", "name}`;", "name"),
    I(
        "ts-import-names",
        "import { useState█ } from 'react';\n",
        ", useEffect } from 'react';",
        ", useEffect",
    ),
    I(
        "ts-interface-fields",
        "interface User {\n  █\n}\n",
        "id: number;\n  name: string;\n}",
        "id: number;\n  name: string;",
    ),
    I("ts-if-condition", "if (█) {\n", "user && user.isAdmin) {", "user && user.isAdmin"),
    I(
        "ts-async-function",
        "async function load(url: string) {\n  █\n}\n",
        "const res = await fetch(url);\n  return res.json();\n}",
        "const res = await fetch(url);\n  return res.json();",
    ),
    I("ts-method-after-dot", "const ids = users.█\n", "map((u) => u.id);", "map((u) => u.id);"),
    I("ts-string-argument", "console.log('█');\n", "done');", "done"),
    I("ts-condition-mid-line", "if (x█) {\n", " > 0) {", " > 0"),
    I("ts-call-arguments", "const x = foo(█);\n", "a, b);", "a, b"),
    I(
        "ts-class-method-stops-at-class-end",
        "class Stack<T> {\n  private items: T[] = [];\n  █\n}\n",
        "push(item: T): void {\n    this.items.push(item);\n  }\n}",
        "push(item: T): void {\n    this.items.push(item);\n  }",
    ),
]

GO = [
    I(
        "go-if-err",
        "func f() error {\n\terr := g()\n\t█\n}\n",
        "if err != nil {\n\t\treturn err\n\t}\n\treturn nil\n}",
        "if err != nil {\n\t\treturn err\n\t}\n\treturn nil",
    ),
    I("go-struct-fields", "type Point struct {\n\t█\n}\n", "X int\n\tY int\n}", "X int\n\tY int"),
    I("go-println-argument", "fmt.Println(█)\n", '"hello")', '"hello"'),
    I("go-errorf-string", 'return fmt.Errorf("█")\n', 'invalid input")', "invalid input"),
    I("go-map-literal", "m := map[string]int{█}\n", '"a": 1, "b": 2}', '"a": 1, "b": 2'),
    I(
        "go-func-stops-at-next-func",
        "func a() int {\n\t█\n}\n\nfunc b() {}\n",
        "return 1\n}\n\nfunc b() {}",
        "return 1",
    ),
    I("go-for-at-end-of-file", "for i := 0; i < n; i++ {█", "\n\tsum += i\n}", "\n\tsum += i\n}"),
    I(
        "go-brace-opened-closer-below",
        "func main() {█\n}\n",
        '\n\tfmt.Println("hi")\n}',
        '\n\tfmt.Println("hi")',
    ),
]

RUST = [
    I(
        "rs-match-arms",
        "match opt {\n    █\n}\n",
        "Some(v) => v,\n    None => 0,\n}",
        "Some(v) => v,\n    None => 0,",
    ),
    I(
        "rs-closure-mid-line",
        "let v: Vec<i32> = xs.iter().map(|x| █).collect();\n",
        "x * 2).collect();",
        "x * 2",
    ),
    I("rs-fn-body", "fn area(w: f64, h: f64) -> f64 {\n    █\n}\n", "w * h\n}", "w * h"),
    I("rs-println-argument", 'println!("{}", █);\n', "name);", "name"),
    I(
        "rs-impl-stops-at-item-end",
        "impl Point {\n    fn new(x: i32, y: i32) -> Self {\n        █\n    }\n}\n",
        "Self { x, y }\n    }\n}",
        "Self { x, y }",
    ),
    I(
        "rs-nested-fn-in-impl",
        "impl fmt::Display for P {\n    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {"
        "\n        █\n    }\n}\n",
        'write!(f, "({}, {})", self.x, self.y)\n    }\n}',
        'write!(f, "({}, {})", self.x, self.y)',
    ),
    I("rs-vec-macro", "let v = vec![█];\n", "1, 2, 3];", "1, 2, 3"),
    I("rs-char-literal", "let c = '█';\n", "a';", "a"),
    I("rs-let-then-next-statement", "let x = █;\n", "compute();\nlet y = 2;", "compute()"),
]

C = [
    I("c-for-body", "for (int i = 0; i < n; i++) {\n    █\n}\n", "sum += a[i];\n}", "sum += a[i];"),
    I("c-printf-argument", 'printf("%d\\n", █);\n', "count);", "count"),
    I("c-include-angle", "#include <█>\n", "stdlib.h>", "stdlib.h"),
    I(
        "c-function-stops-at-next-function",
        "int max(int a, int b) {\n    █\n}\n\nint min(int a, int b) {\n    return a;\n}\n",
        "return a > b ? a : b;\n}\n\nint min(int a, int b) {",
        "return a > b ? a : b;",
    ),
    I("c-designated-initializer", "struct point p = {█};\n", ".x = 1, .y = 2};", ".x = 1, .y = 2"),
    I(
        "c-brace-at-end-of-file",
        "if (ptr == NULL) {█\n",
        "\n    return -1;\n}",
        "\n    return -1;\n}",
    ),
    I("c-else-branch", "if (a) {\n    x = 1;\n} else {█\n", "\n    x = 2;\n}", "\n    x = 2;\n}"),
]

LUA = [
    I(
        "lua-function-body",
        "local function add(a, b)\n  █\nend\n",
        "return a + b\nend",
        "return a + b",
    ),
    I("lua-if-then-at-end-of-file", "if x > 0 then█\n", "\n  print(x)\nend", "\n  print(x)\nend"),
    I("lua-table", "local t = {█}\n", "1, 2, 3}", "1, 2, 3"),
    I("lua-for-do", "for i = 1, 10 do\n  █\nend\n", "print(i)\nend", "print(i)"),
    I("lua-concat-argument", 'print("hello " .. █)\n', "name)", "name"),
    I("lua-format-mid-line", "local s = string.format(█, name)\n", '"%s!", name)', '"%s!"'),
    I(
        "lua-module-function",
        "function M.setup(opts)█",
        "\n  opts = opts or {}\nend",
        "\n  opts = opts or {}\nend",
    ),
]

# ---- issue 11, rule by rule: ids are <language>-<rule>-<what> ------------------------------
CLOSERS_TYPED = [
    D(
        "js-closers-string-then-more-args",
        'console.log("x: █");\n',
        '", obj);',
        'console.log("x: ", obj);\n',
    ),
    D(
        "ts-closers-quote-then-semicolon",
        'const hello = "█"\n',
        'hello";',
        'const hello = "hello";\n',
    ),
    D(
        "ts-closers-template-literal",
        "let html = `█`\n",
        "<h1>${message}</h1>`;",
        "let html = `<h1>${message}</h1>`;\n",
    ),
    D(
        "js-closers-callback-on-last-line",
        "process.on('data', (data) => {█})\n",
        "\n  console.log(data);\n});",
        "process.on('data', (data) => {\n  console.log(data);\n});\n",
    ),
    D(
        "ts-closers-nested-arrays",
        "let mat: number[][][] = [[[█]]]\n",
        "1, 2], [3, 4]], [[5, 6], [7, 8]]];",
        "let mat: number[][][] = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]];\n",
    ),
    D(
        "js-closers-function-brace-same-line",
        "function findMax(arr) {█}\n",
        "\n  let max = arr[0];\n  for (const x of arr) {\n    if (x > max) max = x;\n  }\n"
        "  return max;\n}",
        "function findMax(arr) {\n  let max = arr[0];\n  for (const x of arr) {\n"
        "    if (x > max) max = x;\n  }\n  return max;\n}\n",
    ),
    D(
        "py-closers-call-then-operator",
        "result = max(█)\n",
        "a, b) + 1",
        "result = max(a, b) + 1\n",
    ),
    I("go-closers-map-index", "v := m[█]\n", '"key"]', '"key"'),
    I("rs-closers-macro-semicolon", 'println!("{}", █);\n', "x + 1);", "x + 1"),
    D(
        "java-closers-string-concat",
        'System.out.println("Sum: █");\n',
        '" + sum);',
        'System.out.println("Sum: " + sum);\n',
    ),
    I("c-closers-printf-more-args", 'printf("%d %d\\n", █);\n', "a, b);", "a, b"),
    I("cpp-closers-brace-init", "std::vector<int> v{█};\n", "1, 2, 3};", "1, 2, 3"),
    I("rb-closers-hash-with-spaces", "opts = { █ }\n", "verbose: true }", "verbose: true"),
    I("jsx-closers-tag-retyped", "<div>█</div>\n", "Hello</div>", "Hello"),
    I(
        "jsx-closers-attribute-brace",
        "<button onClick={█}>\n",
        "() => setOpen(true)}>",
        "() => setOpen(true)",
    ),
    I("js-closers-not-retyped-untouched", "foo(█)\n", "a, b", "a, b"),
    I("py-closers-inner-paren-once", "x = outer(inner(█))\n", "1)", "1"),
    I("py-closers-balanced-call-keeps-suffix-paren", "values = list(█)\n", "range(3)", "range(3)"),
    I("py-closers-apostrophe-inside-string", 'msg = "it\'s █"\n', 'fine"', "fine"),
    I("py-closers-quotes-around-next-arg", "print('█')\n", "a', 'b')", "a', 'b"),
    I("py-closers-crlf", "print(█)\r\nx = 1\r\n", '"hi")', '"hi"'),
    D(
        "js-closers-crlf-replaced",
        'console.log("█");\r\nnext();\r\n',
        'a", b);',
        'console.log("a", b);\r\nnext();\r\n',
    ),
    I("go-closers-tab-indented", "func main() {\n\tfmt.Println(█)\n}\n", '"hi")', '"hi"'),
    I("py-closers-first-line-of-multi-line", "foo(█)\nbar()\n", "a)\nbaz()", "a"),
    I("rb-closers-block-braces", "items.each { |x| █ }\n", "puts x }", "puts x"),
    I("php-closers-array-call", '$colors = array("Red", █);\n', '"Blue");', '"Blue"'),
    I("kt-closers-list-of", "val xs = listOf(█)\n", "1, 2, 3)", "1, 2, 3"),
    I("js-closers-semicolon-only", "let x = █;\n", "5;", "5"),
    I("css-closers-semicolon-after-value", "  border: 2px solid █;\n", "#4CAF50;", "#4CAF50"),
    I("py-closers-paren-that-does-not-match-stays", "x = (█)\n", "[1, 2]", "[1, 2]"),
    I("java-closers-unrelated-parens-untouched", "foo(bar(█), baz);\n", "x", "x"),
    I("c-closers-condition-untouched", "if (check(█)) {\n", "ptr", "ptr"),
]

CLOSING_LINES = [
    I(
        "js-closing-line-function",
        "function hello() {\n  █\n}\n",
        'console.log("hello");\n}',
        'console.log("hello");',
    ),
    I(
        "js-closing-line-else-below",
        "function check(condition) {\n  if (!condition) {\n    █\n  } else {\n    return;\n"
        "  }\n}\n",
        'throw new Error("check not passed");\n  }',
        'throw new Error("check not passed");',
    ),
    I(
        "js-closing-line-kept-when-block-unclosed",
        "function check(condition) {\n  if (!condition) {\n    █\n}\n",
        'throw new Error("no");\n  }',
        'throw new Error("no");\n  }',
    ),
    I(
        "ts-closing-line-brace-semicolon",
        "const f = () => {\n  █\n};\n",
        "return 1;\n};",
        "return 1;",
    ),
    I("ts-closing-line-semicolon-vs-brace", "const o = {\n  █\n}\n", "a: 1,\n};", "a: 1,"),
    I("py-closing-line-paren", "result = compute(\n    █\n)\n", "a,\n    b,\n)", "a,\n    b,"),
    I("js-closing-line-paren-vs-paren-semicolon", "foo(\n  █\n);\n", "a,\n  b\n)", "a,\n  b"),
    I(
        "go-closing-line-inner-block-stays",
        "func f() {\n\t█\n}\n",
        "for i := 0; i < 3; i++ {\n\t\tfmt.Println(i)\n\t}\n}",
        "for i := 0; i < 3; i++ {\n\t\tfmt.Println(i)\n\t}",
    ),
    I(
        "rs-closing-line-inner-match-stays",
        "fn f(x: u8) -> u8 {\n    █\n}\n",
        "match x {\n        0 => 1,\n        _ => 2,\n    }\n}",
        "match x {\n        0 => 1,\n        _ => 2,\n    }",
    ),
    I(
        "java-closing-line-method",
        "class A {\n    void f() {\n        █\n    }\n}\n",
        "int x = 1;\n        run(x);\n    }\n}",
        "int x = 1;\n        run(x);",
    ),
    I(
        "c-closing-line-kept-at-end-of-file",
        "int main(void) {\n    int x = 0;\n    █",
        "return x;\n}",
        "return x;\n}",
    ),
    I(
        "c-closing-line-missing-before-next-function",
        "double area(double r) {\n    return 3.14 * r * r;█\n\ndouble sq(double x) {\n"
        "    return x * x;\n}\n",
        "\n}",
        "\n}",
    ),
    I(
        "go-closing-line-missing-before-next-function",
        "func add(a int, b int) int {\n    return a + b█\n\nfunc mul(a int, b int) int {\n"
        "    return a * b\n}\n",
        "\n}",
        "\n}",
    ),
    I(
        "kt-closing-line-end-of-file",
        "fun area(w: Double, h: Double): Double {\n    █",
        "return w * h\n}",
        "return w * h\n}",
    ),
    I(
        "rb-closing-line-end-in-suffix",
        "def greet(name)\n  █\nend\n",
        'puts "Hello, #{name}"\nend',
        'puts "Hello, #{name}"',
    ),
    I("rb-closing-line-end-missing", "def greet(name)\n  █", "puts name\nend", "puts name\nend"),
    I(
        "rb-closing-line-inner-do-end-stays",
        "def each_item\n  █\nend\n",
        "items.each do |i|\n    puts i\n  end\nend",
        "items.each do |i|\n    puts i\n  end",
    ),
    I(
        "lua-closing-line-inner-if-stays",
        "function f(x)\n  █\nend\n",
        "if x then\n    return 1\n  end\nend",
        "if x then\n    return 1\n  end",
    ),
    I(
        "json-closing-line-nested-object",
        '{\n  "location": {\n    "coordinates": {\n      █\n    }\n  }\n}\n',
        '"lat": 34.1,\n      "lng": -117.3\n    }\n  },\n  "count": 2',
        '"lat": 34.1,\n      "lng": -117.3',
    ),
    I(
        "py-closing-line-dict-end-of-file",
        "config = {\n    █",
        '"debug": True,\n}',
        '"debug": True,\n}',
    ),
    I(
        "jsx-closing-line-return-paren",
        "function App() {\n  return (\n    █\n  );\n}\n",
        "<div>\n      <h1>Hi</h1>\n    </div>\n  );",
        "<div>\n      <h1>Hi</h1>\n    </div>",
    ),
    I(
        "js-closing-line-not-while-block-goes-on",
        'function hello() {\n  console.log("hello");█\n  console.log("world");\n}\n',
        "\n}",
        "",
    ),
    I(
        "js-closing-line-try-catch",
        "function safeParse(json) {\n  try {\n    █\n  }\n}\n",
        "return JSON.parse(json);\n  } catch (e) {\n    return null;\n  }\n}",
        "return JSON.parse(json);\n  } catch (e) {\n    return null;",
    ),
    I(
        "cpp-closing-line-class-semicolon",
        "class A {\npublic:\n    █\n};\n",
        "int x;\n};",
        "int x;",
    ),
    I(
        "js-closing-line-misindented-by-balance",
        "function f() {\n  █\n}\n",
        "return 1;\n  }",
        "return 1;",
    ),
    I(
        "java-closing-line-method-end-of-file",
        "public class Calc {\n    public void add(double n) {\n        result += n;\n█",
        "\n    }\n\n    public void sub(double n) {\n        result -= n;\n    }\n",
        "\n    }",
    ),
    I(
        "cpp-closing-line-namespace",
        "namespace util {\n█\n}\n",
        "int twice(int x) {\n    return 2 * x;\n}\n}",
        "int twice(int x) {\n    return 2 * x;\n}",
    ),
    I(
        "js-closing-line-inner-object-stays",
        "const cfg = {\n  █\n};\n",
        "server: {\n    port: 80,\n  },\n};",
        "server: {\n    port: 80,\n  },",
    ),
    I(
        "ts-closing-line-enum",
        "enum Color {\n  Red,\n  █\n}\n",
        "Green,\n  Blue,\n}",
        "Green,\n  Blue,",
    ),
    I(
        "kt-closing-line-when",
        "fun f(x: Int) = when (x) {\n    █\n}\n",
        '1 -> "one"\n    else -> "many"\n}',
        '1 -> "one"\n    else -> "many"',
    ),
    I(
        "lua-closing-line-table",
        "local cfg = {\n  █\n}\n",
        "debug = true,\n  port = 80,\n}",
        "debug = true,\n  port = 80,",
    ),
    I("ts-closing-line-crlf", "function f() {\r\n  █\r\n}\r\n", "return 1;\r\n}", "return 1;"),
    I(
        "jsx-closing-line-map-callback",
        "{items.map((item) => (\n  █\n))}\n",
        "<li key={item.id}>{item.name}</li>\n))}",
        "<li key={item.id}>{item.name}</li>",
    ),
]

LINES_BELOW = [
    I(
        "py-below-next-lines",
        "def f(x):\n    █\n    y = x + 1\n    return y\n",
        "z = x * 2\n    y = x + 1\n    return y",
        "z = x * 2",
    ),
    I(
        "py-below-skips-blank-lines",
        "def f(x):\n    █\n\n    return x\n",
        "x += 1\n\n    return x",
        "x += 1",
    ),
    I(
        "ts-below-not-only-the-next-line",
        "function f() {\n  █\n  const b = 2;\n  return a + b;\n}\n",
        "const a = 1;\n  const c = 3;\n  return a + b;\n}",
        "const a = 1;\n  const c = 3;",
    ),
    I(
        "js-below-indentation-ignored",
        "if (x) {\n    █\n    doThing();\n}\n",
        "prepare();\n  doThing();",
        "prepare();",
    ),
    I(
        "py-below-short-next-line",
        "nums = [\n    1,\n    2,\n    █\n    4,\n]\n",
        "3,\n    4,\n    5,",
        "3,",
    ),
    I(
        "py-below-short-line-only-when-next",
        "nums = [\n    █\n    9,\n    4,\n]\n",
        "1,\n    4,",
        "1,\n    4,",
    ),
    I(
        "go-below-return",
        "func f() error {\n\t█\n\treturn nil\n}\n",
        'log.Println("x")\n\treturn nil\n}',
        'log.Println("x")',
    ),
    I(
        "rs-below-third-line",
        'fn main() {\n    █\n    let b = 2;\n    let c = 3;\n    println!("{}", a + b + c);\n}\n',
        'let a = 1;\n    let d = 4;\n    println!("{}", a + b + c);\n}',
        "let a = 1;\n    let d = 4;",
    ),
    I("java-below-echo-is-nothing", "void f() {\n    █\n    int y = 2;\n}\n", "int y = 2;", ""),
    I("rb-below-line", 'def f\n  █\n  puts "done"\nend\n', 'x = 1\n  puts "done"\nend', "x = 1"),
    I(
        "ts-below-duplicated-signature",
        "async getContext(\n    filepath: string,\n█\n  ): Promise<string[]> {\n"
        "    const snippets = [];\n",
        "console.log('TEST');\n      ): Promise<string[]> {\n    const snippets = [];\n    ",
        "console.log('TEST');",
    ),
    I(
        "ts-below-only-duplicated-lines-is-nothing",
        "async getContext(\n    filepath: string,\n█\n  ): Promise<string[]> {\n"
        "    const snippets = [];\n",
        "  ): Promise<string[]> {\n    const snippets = [];\n    ",
        "",
    ),
    I(
        "jsx-below-effect-cleanup-is-nothing",
        "  useEffect(() => {\n    █;\n\n    return () => clearInterval(interval);\n  }, [s]);\n",
        "return () => clearInterval(interval);",
        "",
    ),
    I(
        "c-below-return",
        "int main() {\n    █\n    return 0;\n}\n",
        'printf("hi\\n");\n    return 0;\n}',
        'printf("hi\\n");',
    ),
    I(
        "py-below-crlf",
        "def f(x):\r\n    █\r\n    return x\r\n",
        "x += 1\r\n    return x",
        "x += 1",
    ),
    I(
        "py-below-try-except",
        "try:\n    █\nexcept ValueError:\n    pass\n",
        "x = int(s)\nexcept ValueError:\n    pass",
        "x = int(s)",
    ),
]

DEGENERATE = [
    I(
        "js-loop-assignment-repeats",
        "let foo = █\n",
        "foo = foo = foo = foo = foo = foo = foo =",
        "",
    ),
    I(
        "js-loop-digits-on-next-line",
        "let largeNumber = 1000000\nlet veryLargeNumber = █\n",
        "1000000000\nlet superLargeNumber = 1000000000000000000000000000000000000000000000",
        "1000000000",
    ),
    I("js-loop-few-digits-kept", "let veryLargeNumber = █\n", "1000000000000", "1000000000000"),
    I(
        "js-loop-repeated-calls",
        'function hello() {\n  console.log("hello");\n}\nhello();\nhello();\n█\n',
        "hello();\n" * 10,
        "hello();",
    ),
    I(
        "js-loop-near-identical-lines",
        "const a = 1;\n█\n",
        "const b = 1;\nconst c = 1;\nconst d = 1;\nconst e = 1;\nconst f = 1;\nconst g = 1;\n"
        "const h = 1;\nconst i = 1;\nconst j = 1;\nconst k =",
        "const b = 1;",
    ),
    I(
        "js-loop-repeated-functions",
        'function myFuncA() {\n  console.log("A");\n}\n\n█\n',
        "".join(f'function myFunc{c}() {{\n  console.log("{c}");\n}}\n\n' for c in "BCDEFG"),
        'function myFuncB() {\n  console.log("B");\n}',
    ),
    I("py-loop-divider-comment-kept", "import os\n█\n", "# " + "-" * 40, "# " + "-" * 40),
    I("py-loop-zeros", "zeros = [█]\n", "0, " * 30 + "0", ""),
    I(
        "go-loop-same-line-three-times",
        "func main() {\n\t█\n}\n",
        'fmt.Println("a")\n\tfmt.Println("a")\n\tfmt.Println("a")\n}',
        'fmt.Println("a")',
    ),
    I("rs-loop-runaway-digits", "let x: u64 = █;\n", "1234567890" * 6, ""),
    I("rb-loop-within-line", "puts █\n", '"ha" + ' * 8 + '"ha"', ""),
    I(
        "java-loop-repeated-statement-lines",
        "void f() {\n    █\n}\n",
        "count++;\n    count++;\n    count++;\n    count++;",
        "count++;",
    ),
]

MID_LINE = [
    I(
        "js-midline-whole-rest-retyped",
        'let error = new Error("Something went wrong");\nconsole.log(█message);\n',
        "message);\nthrow error;",
        "",
    ),
    I(
        "js-midline-new-part-kept",
        'let error = new Error("Something went wrong");\nconsole.log(█message);\n',
        "error, message);\nthrow error;",
        "error, ",
    ),
    I(
        "ts-midline-type-then-rest",
        "const log = ({ ok }: { ok:█ }) => {\n  console.log(ok);\n}\n",
        " boolean }) => {",
        " boolean",
    ),
    I(
        "js-midline-rest-retyped-differently",
        'console.log(█, "param1", )\n',
        '"Hello world!", "param1", param1);',
        '"Hello world!"',
    ),
    I("py-midline-rest-then-comment", "x = f(█, y)\n", "a, y)  # note", "a"),
    I("go-midline-rest-retyped", "if err := run(█); err != nil {\n", "ctx); err != nil {", "ctx"),
    I("rs-midline-rest-retyped", "let v = compute(█, 2);\n", "1, 2);", "1"),
    I("java-midline-for-condition", "for (int i = 0; █; i++) {\n", "i < n; i++) {", "i < n"),
    I("cpp-midline-for-increment", "for (int i = 0; i < 10; █) {\n", "i++", "i++"),
    I("rb-midline-interpolation", 'puts "Hello, #{█}!"\n', 'name}!"', "name"),
    I("kt-midline-operator-rest", "val total = price * █ + tax\n", "qty + tax", "qty"),
    I("py-midline-most-of-rest", "value = config.get(█, None)\n", '"key", None)', '"key"'),
    I("cpp-midline-stream", "std::cout << █ << std::endl;\n", "x << std::endl;", "x"),
    I(
        "jsx-midline-handler",
        "<button onClick={() => █}>Go</button>\n",
        "setOpen(!open)}>Go</button>",
        "setOpen(!open)",
    ),
    I("php-midline-string", 'echo "Hello, █";\n', '$name";', "$name"),
    I("py-midline-unbalanced-part-not-cut", "x = f(█, 1)\n", "g(a, 1), 2", "g(a, 1), 2"),
]

SPACES = [
    I("py-space-before-argument-kept", "total = sum(█baz)\n", "bar, ", "bar, "),
    I("go-space-before-argument-kept", "fmt.Println(█name)\n", '"Hello", ', '"Hello", '),
    I("rs-space-in-tuple-kept", "let t = (█b);\n", "a, ", "a, "),
    I("py-space-at-end-of-line-dropped", "x = █\n", "1   ", "1"),
    I("ts-space-operator-kept", "if (a && █b) {\n", "c && ", "c && "),
]

FENCES = [
    I("py-fence-both", "def add(a, b):\n    █\n", "```python\nreturn a + b\n```", "return a + b"),
    I("ts-fence-open-only", "function f() {\n  █\n}\n", "```typescript\nreturn 1;", "return 1;"),
    I(
        "js-fence-close-only",
        "█",
        "const y = 10;\nconsole.log(y);\n```",
        "const y = 10;\nconsole.log(y);",
    ),
    I(
        "go-fence-both-trailing-newline",
        "func main() {\n\t█\n}\n",
        "```go\nfmt.Println(1)\n```\n",
        "fmt.Println(1)",
    ),
    I(
        "js-fence-backticks-in-code-kept",
        "█",
        "const s = `t ${x}`;\nconsole.log(s);",
        "const s = `t ${x}`;\nconsole.log(s);",
    ),
    I("py-fence-indented", "█", "  ```python\ndef hello():\n  pass\n```", "def hello():\n  pass"),
    I("rb-fence", "def f\n  █\nend\n", "```ruby\nputs 1\n```", "puts 1"),
]

DEDENTED_START = [
    I(
        "js-dedent-closer-at-end-of-file",
        "function safeParse(json) {\n  try {\n    return JSON.parse(json);\n  } catch (e) {\n"
        "    return null;█",
        "\n  }\n}",
        "\n  }",
    ),
    I(
        "py-dedent-return",
        "def total(xs):\n    t = 0\n    for x in xs:\n        t += x█",
        "\n    return t",
        "\n    return t",
    ),
    I(
        "py-dedent-not-while-loop-goes-on",
        "def f(xs):\n    for x in xs:\n        a(x)█\n        b(x)\n",
        "\n    return 1",
        "",
    ),
    I(
        "go-dedent-closer-suffix-closes-outer",
        "func f() {\n\tif ok {\n\t\trun()█\n}\n",
        "\n\t}",
        "\n\t}",
    ),
    I(
        "c-dedent-closer-one-level",
        "int f(int x) {\n    if (x) {\n        return 1;█",
        "\n    }\n}",
        "\n    }",
    ),
    I("rb-dedent-end", "def f(x)\n  if x\n    puts x█", "\n  end", "\n  end"),
    I(
        "java-dedent-closer-before-next-method",
        "class A {\n    void f() {\n        x();█\n\n    void g() {}\n}\n",
        "\n    }",
        "\n    }",
    ),
    I("lua-dedent-end", "function f()\n  if x then\n    y()█", "\n  end", "\n  end"),
]

LONE_OPENERS = [
    I(
        "py-opener-body-written-flat",
        "def f(x):\n    █\n",
        "if x:\nreturn 1",
        "if x:\n        return 1",
    ),
    I(
        "js-opener-body-written-flat",
        "function f() {\n  █\n}\n",
        "if (x) {\nreturn 1;\n}",
        "if (x) {\n    return 1;\n  }",
    ),
    I("py-opener-body-already-below", "def f(x):\n    █\n        return x\n", "if x:", "if x:"),
    I("js-opener-without-body-is-shown", "function f() {\n  █\n}\n", "if (x) {", "if (x) {"),
    I(
        "js-opener-nested-openers-without-body-is-nothing",
        "function f() {\n  █\n}\n",
        "if (x) {\nif (y) {",
        "",
    ),
    D(
        "ts-opener-signature-replaces-paren",
        "function sort(█)\n",
        "array) {",
        "function sort(array) {\n",
    ),
    D(
        "ts-opener-signature-replaces-paren-and-blank",
        "function sort(█) \n",
        "array) {",
        "function sort(array) {\n",
    ),
    I("py-opener-without-body-is-shown", "x = 1\n█\n", "for i in range(3):", "for i in range(3):"),
    I(
        "rb-opener-do-without-body-is-shown",
        "items = [1]\n█\n",
        "items.each do |i|",
        "items.each do |i|",
    ),
    I(
        "go-opener-block-relative-to-column-0",
        "func f() {\n\t█\n}\n",
        "for i := 0; i < 3; i++ {\n\tfmt.Println(i)\n}",
        "for i := 0; i < 3; i++ {\n\t\tfmt.Println(i)\n\t}",
    ),
    I(
        "kt-opener-flat-body-at-end-of-file",
        "fun main() {\n    █",
        "if (ok) {\nrun()\n}",
        "if (ok) {\n        run()\n    }",
    ),
    I(
        "ts-opener-empty-block-is-fine",
        "class A {\n  █\n}\n",
        "constructor() {}",
        "constructor() {}",
    ),
    D(
        "rs-opener-fn-body-too-shallow",
        "impl Calc {\n    fn get(&self) -> f64 {\n        self.r\n    }\n\n    fn█\n}\n",
        " half(&self) -> f64 {\n    self.r / 2.0\n}",
        "impl Calc {\n    fn get(&self) -> f64 {\n        self.r\n    }\n\n"
        "    fn half(&self) -> f64 {\n        self.r / 2.0\n    }\n}\n",
    ),
]

CONTINUATION_INDENT = [
    I(
        "py-indent-stray-space",
        "class A:\n    def f(self):\n        █\n",
        "x = 1\n         return x",
        "x = 1\n        return x",
    ),
    I(
        "ts-indent-stray-space",
        "function f() {\n  if (a) {\n    █\n  }\n}\n",
        "b();\n     c();",
        "b();\n    c();",
    ),
    I(
        "go-indent-tab-then-space",
        "func f() {\n\tif ok {\n\t\t█\n\t}\n}\n",
        "a()\n\t\t b()",
        "a()\n\t\tb()",
    ),
    I(
        "java-indent-doc-comment-kept",
        "class A {\n    █\n}\n",
        "/**\n     * Adds.\n     */",
        "/**\n     * Adds.\n     */",
    ),
    I(
        "py-indent-aligned-under-paren-kept",
        "def f():\n    █\n",
        "x = call(a,\n             b)",
        "x = call(a,\n             b)",
    ),
    I(
        "java-indent-stray-space",
        "class A {\n    void f() {\n        █\n    }\n}\n",
        "int a = 1;\n         int b = 2;",
        "int a = 1;\n        int b = 2;",
    ),
]

SCOPE = [
    I("js-scope-statement-end", "let a =█\n", " 1;\nlet b = 2;", " 1;"),
    I(
        "js-scope-statement-end-in-block",
        "function safeParse(json) {\n  try {\n    console.log█\n  } catch (error) {\n"
        "    console.error(error);\n    return null;\n  }\n}\n",
        '("Parsing", { json });\n    return JSON.parse(json);\n  } catch (e) {\n'
        "    return null;\n  }\n}",
        '("Parsing", { json });',
    ),
    I(
        "js-scope-block-opened-on-the-line",
        "function findMax(arr) {\n  let max = arr[0];\n  for█\n}\n",
        " (let i = 1; i < arr.length; i++) {\n    if (arr[i] > max) {\n      max = arr[i];\n"
        "    }\n  }\n  return max;\n}\nconsole.log(findMax([1, 2, 3]));",
        " (let i = 1; i < arr.length; i++) {\n    if (arr[i] > max) {\n      max = arr[i];\n"
        "    }\n  }",
    ),
    I(
        "js-scope-new-lines-same-level",
        "function findMax(arr) {\n  let max = arr[0];█\n}\n",
        "\n  for (let i = 1; i < arr.length; i++) {\n    if (arr[i] > max) {\n"
        "      max = arr[i];\n    }\n  }\n  return max;\n}",
        "\n  for (let i = 1; i < arr.length; i++) {\n    if (arr[i] > max) {\n"
        "      max = arr[i];\n    }\n  }\n  return max;",
    ),
    I(
        "cs-scope-allman-brace-after-parameters",
        "public class Person\n{\n    public Person(string name, int █\n}\n",
        "age)\n    {\n        Name = name;\n    }",
        "age)\n    {\n        Name = name;\n    }",
    ),
    I(
        "go-scope-function-at-end-of-file",
        'func main() {\n\tfmt.Println("Hello")\n}\n\nfunc calculateArea█',
        "(length float64, width float64) float64 {\n    return length * width\n}",
        "(length float64, width float64) float64 {\n    return length * width\n}",
    ),
    I(
        "kt-scope-condition-then-block",
        "fun getMax(a: Int, b: Int): Int {\n    if (a > b█\n    } else {\n        return b\n"
        "    }\n}\n",
        ") {\n        return a",
        ") {\n        return a",
    ),
    I(
        "php-scope-method-name",
        "class User {\n    public function █\n\n    public function setEmail($email) {\n"
        "        $this->email = $email;\n    }\n}\n",
        'getDetails() {\n        return "Name: " . $this->name;\n    }',
        'getDetails() {\n        return "Name: " . $this->name;\n    }',
    ),
    I(
        "py-scope-multi-line-string",
        'multi = """█\nprint(multi)\n',
        'This is a multi-line message.\nIt continues across lines.\n"""\n',
        'This is a multi-line message.\nIt continues across lines.\n"""',
    ),
    I(
        "rb-scope-else-branch",
        'number = 10\n\nif number > 5\n  puts "big"\n█\nend\n',
        'else\n  puts "small"',
        'else\n  puts "small"',
    ),
    I(
        "css-scope-rule-block",
        "h1 {\n  font-size: 24px;\n}\n\nh4█\n\na {\n  color: red;\n}\n",
        " {\n  font-size: 18px;\n  color: #000;\n}",
        " {\n  font-size: 18px;\n  color: #000;\n}",
    ),
    I(
        "dart-scope-method-between-methods",
        "class Calculator {\n  double result = 0.0;\n\n  █\n\n  double getResult() {\n"
        "    return result;\n  }\n}\n",
        "void subtract(double n) {\n    result -= n;\n  }",
        "void subtract(double n) {\n    result -= n;\n  }",
    ),
    I(
        "js-scope-object-method",
        "  methods: {\n    resetCounter█\n  },\n",
        "() {\n      this.count = 0;\n    }",
        "() {\n      this.count = 0;\n    }",
    ),
    I(
        "java-scope-else-body-from-column-0",
        "            } else {\n█\n            }\n",
        '\n                System.out.println("Odd: " + i);\n',
        '\n                System.out.println("Odd: " + i);',
    ),
    I(
        "yaml-scope-list-item",
        "services:\n  - name: web\n    image: nginx\n  - name: app█\nvolumes:\n  - v1\n",
        "\n    image: node\n",
        "\n    image: node",
    ),
    I(
        "yaml-scope-repeated-key",
        "    environment:\n      POSTGRES_USER: user\n      POSTGRES_PASSWORD: pass█\n",
        "\n      POSTGRES_DB: mydb\n      POSTGRES_DB: mydb\n",
        "\n      POSTGRES_DB: mydb",
    ),
    I(
        "sql-scope-leading-space-on-indented-line",
        "SELECT u.id\n  FROM users u\n  WHERE u.active = 1\n  █",
        " AND u.age > 18",
        "AND u.age > 18",
    ),
    I(
        "ts-scope-return-after-space",
        "  multiply(n) {\n    this.result *= n;\n    return █\n  }\n",
        " this;",
        "this;",
    ),
    I("clj-scope-closing-parens", "(defn sum [a b]\n  (let [s (+ a b)]\n    s█", "))", "))"),
    I(
        "cpp-scope-declaration-in-one-line-class",
        "class Calculator { public: int add(int a, int b);█ };\n",
        " int multiply(int a, int b);",
        " int multiply(int a, int b);",
    ),
    I(
        "json-scope-object-in-array",
        '{\n  "users": [\n    { "id": 1 }\n    █\n  ]\n}\n',
        ', { "id": 2 }',
        ', { "id": 2 }',
    ),
    I("csv-scope-record", "Name, Age\nJane█", ", 25", ", 25"),
    I(  # issue 22: the fields the struct needs follow the finished line
        "go-scope-struct-fields-after-the-cursor-line",
        "type Address struct {\n    Street string\n    City   █\n}\n\nfunc main() {}\n",
        "string\n    State   string\n    Zip string\n}",
        "string\n    State   string\n    Zip string",
    ),
    I(  # issue 22: the switch's arms are siblings the block needs
        "go-scope-switch-keeps-its-arms",
        "switch x {\n█\n}\n",
        'case 1:\n\treturn "one"\ndefault:\n\treturn "other"\n}',
        'case 1:\n\treturn "one"\ndefault:\n\treturn "other"',
    ),
]

LANGUAGES = [
    I(
        "java-method-body",
        "public int add(int a, int b) {\n    █\n}\n",
        "return a + b;\n}",
        "return a + b;",
    ),
    I("java-println-string", 'System.out.println("█");\n', 'Hello");', "Hello"),
    I(
        "java-for-each-block",
        "void f(int[] xs) {\n    █\n}\n",
        "for (int x : xs) {\n        System.out.println(x);\n    }\n}",
        "for (int x : xs) {\n        System.out.println(x);\n    }",
    ),
    I("java-only-closers-is-nothing", "List<String> names = new ArrayList<█>();\n", ">();", ""),
    I(
        "jsx-component-child",
        "export function Card({ title }) {\n  return (\n"
        '    <div className="card">\n      █\n    </div>\n  );\n}\n',
        "<h2>{title}</h2>",
        "<h2>{title}</h2>",
    ),
    I("jsx-attribute-string", '<input type="█" />\n', 'text" />', "text"),
    I("jsx-use-state-argument", "const [count, setCount] = useState(█);\n", "0", "0"),
    I("rb-method-body", "def area(w, h)\n  █\nend\n", "w * h\nend", "w * h"),
    I("rb-each-do-body", "[1, 2].each do |n|\n  █\nend\n", "puts n\nend", "puts n"),
    I(
        "rb-string-interpolation-closes-string",
        'def greet\n  puts "Hello, █\nend\n',
        '#{@name}!"',
        '#{@name}!"',
    ),
    I("rb-array-map-block", "squared = numbers.█\n", "map { |n| n ** 2 }", "map { |n| n ** 2 }"),
    I(
        "rb-one-level-at-end-of-file",
        "class Dog\n  def bark\n    █",
        'puts "Woof"\n  end\nend',
        'puts "Woof"\n  end',
    ),
    I("cpp-include-angle", "#include <█>\n", "vector>", "vector"),
    I(
        "cpp-lambda-body",
        "auto add = [](int a, int b) {\n    █\n};\n",
        "return a + b;\n};",
        "return a + b;",
    ),
    I("c-struct-initializer-value", 'Person alice = {"Alice", 30, █};\n', "5.5", "5.5"),
    I("c-while-body", "while (n > 0) {\n    █\n}\n", "n--;\n}", "n--;"),
    I("go-if-err-at-end-of-file", "if err != nil {█", "\n\treturn err\n}", "\n\treturn err\n}"),
    I(
        "go-method-body",
        "func (s *Server) Start() error {\n\t█\n}\n",
        "return s.listen()\n}",
        "return s.listen()",
    ),
    I(
        "rs-struct-fields",
        "struct User {\n    id: u32,\n    █\n}\n",
        "name: String,\n    email: String,",
        "name: String,\n    email: String,",
    ),
    I(
        "rs-if-let-else",
        "fn f(o: Option<i32>) -> i32 {\n    █\n}\n",
        "if let Some(v) = o {\n        v\n    } else {\n        0\n    }\n}",
        "if let Some(v) = o {\n        v\n    } else {\n        0\n    }",
    ),
    I(
        "rs-lifetimes-in-signature",
        "fn first<'a>(s: &'a str) -> &'a str {█",
        "\n    &s[..1]\n}",
        "\n    &s[..1]\n}",
    ),
    I("rs-char-literal-braces", "let c = '{';\nlet d = █", "'}';", "'}';"),
    I(
        "py-decorated-function-body",
        '@app.route("/")\ndef index():\n    █',
        'return "hi"\n',
        'return "hi"',
    ),
    I(
        "py-with-block",
        "with open(p) as f:\n    █\n",
        "data = f.read()\n    print(data)",
        "data = f.read()\n    print(data)",
    ),
    I(
        "py-init-stops-at-next-method",
        "class P:\n    def __init__(self, x):\n        █\n",
        "self.x = x\n\n    def get(self):\n        return self.x",
        "self.x = x",
    ),
    I("py-lambda-argument", "sorted(xs, key=lambda x: █)\n", "x[1])", "x[1]"),
    I("py-fstring-expression", 'print(f"Foobar length: █")\n', "{len(foobar)}", "{len(foobar)}"),
    I(
        "py-list-comprehension-open",
        "odd = [█\nprint(odd)\n",
        "x for x in xs if x % 2]",
        "x for x in xs if x % 2]",
    ),
    I(
        "ts-interface-end-of-file",
        "interface A {\n  x: number;\n  █",
        "y: string;\n}",
        "y: string;\n}",
    ),
    I("ts-arrow-expression", "const double = (x: number) => █;\n", "x * 2;", "x * 2"),
    I(
        "ts-optional-chaining",
        "const n = user?.█\n",
        'profile?.name ?? "anon";',
        'profile?.name ?? "anon";',
    ),
    I(
        "kt-data-class-field",
        "data class User(\n    val id: Int,\n    █\n)\n",
        "val age: Int",
        "val age: Int",
    ),
    I(
        "php-function-body",
        "function area($l, $w) {\n    █\n}\n",
        "return $l * $w;",
        "return $l * $w;",
    ),
    I(
        "lua-local-function-at-end-of-file",
        "local function sq(x)█",
        "\n  return x * x\nend",
        "\n  return x * x\nend",
    ),
    I(
        "go-tabs-block-at-end-of-file",
        "func f() {\n\tif ok {█",
        "\n\t\trun()\n\t}",
        "\n\t\trun()\n\t}",
    ),
]

OTHER_ENGINES = [
    I("js-space-trailing-dropped-at-end", "let foo = new █\n", "Foo(); ", "Foo();"),
    I("js-space-trailing-dropped-before-space", "let foo = sum(█ baz)\n", "bar, ", "bar,"),
    I(
        "js-space-leading-kept-on-blank-column-0",
        "function sum(a, b) {\n█\n}\n",
        "  return a + b;",
        "  return a + b;",
    ),
    I("js-space-leading-dropped-after-space", "let foo = █\n", " sum(bar, baz);", "sum(bar, baz);"),
    I(
        "js-below-overlap-with-closer",
        "function sum(a, b) {\n  █\n  return value;\n}\n",
        "let value = a + b;\n  return value;\n}",
        "let value = a + b;",
    ),
    I(
        "js-midline-statement-already-there",
        "let sum = (a, b) => {\n  █return a + b;\n};\n",
        "return a + b;",
        "",
    ),
    I(
        "js-closing-line-closer-already-below",
        "let sum = (a, b) => {\n  return a + b;\n  █\n};\n",
        "}",
        "",
    ),
    I(
        "js-below-near-copy-of-next-lines",
        "var a, b;\n// swap a and b█\nlet z = a;\na = b;\nb = z;\n// something else\n",
        "\nlet c = a;\na = b;\nb = c;\nconsole.log({a, b});",
        "",
    ),
    I(
        "ts-below-similar-next-line",
        "function f() {\n  █\n  const x = 6;\n}\n",
        "console.log();\n  const y = () => {};\n  aconst x = 6;",
        "console.log();\n  const y = () => {};",
    ),
    I(
        "ts-below-bracket-line-is-not-similar",
        "█\n}\n",
        "if (x > 0) {\n  console.log(x);\n}",
        "if (x > 0) {\n  console.log(x);\n}",
    ),
    I(
        "js-loop-repeated-line-in-the-middle",
        "█",
        "const x = 5;\nlet y = 10;\nlet y = 10;\nlet y = 10;\nconst z = 15;",
        "const x = 5;\nlet y = 10;",
    ),
    I(
        "ts-path-line-skipped",
        "█",
        "// Path: src/index.ts\nconst x = 5;\n//\nconsole.log(x);",
        "const x = 5;\n//\nconsole.log(x);",
    ),
    I(
        "py-path-line-ends-the-suggestion",
        "import os\n█",
        "import re\n# Path: other.py (python)\nimport sys",
        "import re",
    ),
    I(
        "js-first-line-stray-indent",
        "█",
        "  const x = 5;\nlet y = 10;",
        "const x = 5;\nlet y = 10;",
    ),
    I("py-first-line-indent-kept-for-body", "def f():\n█", "    return 1\n", "    return 1"),
]


MORE_SHAPES = [
    I(
        "js-scope-comment-line-ends-there",
        "function check(obj) {\n  // if obj.a is defined, then return t█\n  return false;\n}\n",
        "rue\n  if (obj.a) {\n    return true;\n  }",
        "rue",
    ),
    I(
        "ts-scope-method-body-before-closer",
        "class Foo {\n  update(value): Foo {\n    █\n  }\n\n  get foo(): number {\n"
        "    return this._foo;\n  }\n}\n",
        "this._foo = value;\n    return this;",
        "this._foo = value;\n    return this;",
    ),
    I("css-scope-value-before-unit", "  border-radius: █px;\n", "8", "8"),
    I(
        "jsx-midline-self-closing-tag",
        "    <App █/>\n",
        "message={message} />",
        "message={message} ",
    ),
    D("py-closers-then-comment", "print(█)\n", "x) # comment", "print(x) # comment\n"),
    D(
        "js-closers-object-brace-same-line",
        "const x = {█}\n",
        "\n  a: 1,\n  b: 2,\n}",
        "const x = {\n  a: 1,\n  b: 2,\n}\n",
    ),
    D("js-closers-call-arguments-on-lines", "foo(█)\n", "\n  a,\n  b,\n)", "foo(\n  a,\n  b,\n)\n"),
    I(
        "py-closers-string-then-keyword-argument",
        'print("█")\n',
        'hello", end="")',
        'hello", end="',
    ),
    I("ts-closers-generic-angle", "let m: Map<█>\n", "string>", "string"),
    I("rs-closers-match-arm-comma", "match x {\n    1 => █,\n}\n", '"one",', '"one"'),
    I("py-closers-fstring-braces", "print(f'{█}')\n", "x}')", "x"),
    I(
        "js-scope-else-block-after-cursor",
        "if (a) {\n  b();\n} else █\n",
        "{\n  c();\n}",
        "{\n  c();\n}",
    ),
    I(
        "py-scope-expression-then-other-code",
        "def f(a, b):\n    return a█",
        " + b\n\nprint(f(1, 2))",
        " + b",
    ),
    I(
        "go-scope-printf-then-next-statement",
        'fmt.Printf("%s\\n", █)\n',
        'name)\nfmt.Println("done")',
        "name",
    ),
    I("c-closers-array-initializer", "int arr[] = {1, 2, █};\n", "3};", "3"),
    I("jsx-closers-class-name", '<div className="█">\n', 'container">', "container"),
]


RULES = (
    CLOSERS_TYPED
    + CLOSING_LINES
    + LINES_BELOW
    + DEGENERATE
    + MID_LINE
    + SPACES
    + FENCES
    + DEDENTED_START
    + LONE_OPENERS
    + CONTINUATION_INDENT
    + SCOPE
    + LANGUAGES
    + OTHER_ENGINES
    + MORE_SHAPES
)
CORPUS = PYTHON + TYPESCRIPT + GO + RUST + C + LUA + RULES


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


@pytest.mark.parametrize(
    ("doc", "mode"),
    [
        ("print(█)\n", Mode.MULTI),
        ("x = foo(█, 2)\n", Mode.SINGLE),
        ("def f():\n    █\n", Mode.MULTI),
        ("function f(█) {\n", Mode.MULTI),
        ("<li>█</li>\n", Mode.MULTI),
        ("function f(█) { return 1; }\n", Mode.SINGLE),
    ],
    ids=[
        "closers-only",
        "code-after",
        "empty-line",
        "closers-then-brace",
        "closing-tag",
        "body-after",
    ],
)
def test_mode_follows_what_is_after_the_cursor(doc: str, mode: Mode) -> None:
    _, suffix, line_prefix = split(doc)
    assert should_complete(line_prefix, suffix.split("\n", 1)[0], "auto") is mode
