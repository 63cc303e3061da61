"""The next-edit corpus: what the user did, what the model wrote, and the document the user
should have after accepting the suggestion.

Each case: a document before the user's edits (`before`), the user's edits in order (each
`(old, new)` replaces the first `old`, typed key by key), the model's rewrite of the region
(`rewrite`: rules as tests/mock_deepseek.py applies them, every `old` becomes `new`, whole
words when `old` is one) and how the answer is dressed (`noise`), then `expect`: the changes
that the accepted edit makes to the document (each `old` occurs once), `[]` for no edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ds_lsp.languages import fence_tag
from ds_lsp.nextedit.region import CURSOR, END, START, Region

Rules = list[tuple[str, str]]


@dataclass(frozen=True)
class Case:
    id: str
    language: str
    path: str
    before: str
    edits: Rules
    rewrite: Rules
    expect: Rules
    noise: str = "plain"
    half: int = 8
    tags: tuple[str, ...] = field(default=())


# ---- how models dress their answer --------------------------------------------------------
Noise = Callable[[str, Region, str], tuple[str, bool]]  # (rewritten, region, language)


def _lines_through_last_change(rewritten: str, region: Region) -> list[str]:
    new, old = rewritten.split("\n"), list(region.lines)
    last = max((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), default=0)
    if len(new) != len(old):
        last = max(last, len(new) - (len(old) - len(new)) - 1)
    return new[: last + 2]


def _cursor_kept(rewritten: str, region: Region, language: str) -> tuple[str, bool]:
    row = region.cursor[0] - region.first
    lines = rewritten.split("\n")
    if row < len(lines):
        column = min(region.cursor[1], len(lines[row]))
        lines[row] = lines[row][:column] + CURSOR + lines[row][column:]
    return "\n".join(lines) + "\n", False


def _truncated(rewritten: str, region: Region, language: str) -> tuple[str, bool]:
    lines = _lines_through_last_change(rewritten, region)
    cut = [*lines[:-1], lines[-1][: len(lines[-1]) // 2]]
    return "\n".join(cut), True


def _context_echoed(rewritten: str, region: Region, language: str) -> tuple[str, bool]:
    above = region.before.split("\n")[:-1][-2:]
    return "".join(t + "\n" for t in above) + rewritten + "\n", False


NOISE: dict[str, Noise] = {
    "plain": lambda r, g, lang: (r + "\n", False),
    "end marker and fence": lambda r, g, lang: (f"{r}\n{END}\n```\n", False),
    "fenced": lambda r, g, lang: (f"```{fence_tag(lang)}\n{r}\n```", False),
    "start marker echoed": lambda r, g, lang: (f"{START}\n{r}\n{END}", False),
    "cursor marker kept": _cursor_kept,
    "prose around": lambda r, g, lang: (
        f"Here is the updated region:\n\n{r}\n\nThe edit carries the change through.",
        False,
    ),
    "crlf": lambda r, g, lang: (r.replace("\n", "\r\n") + "\r\n", False),
    "truncated by max_tokens": _truncated,
    "stopped early": lambda r, g, lang: ("\n".join(_lines_through_last_change(r, g)) + "\n", False),
    "context echoed": _context_echoed,
}


# ---- the cases ------------------------------------------------------------------------------
PY_TOTAL = '''\
def total(price, qty):
    """Return the total for qty items."""
    subtotal = price * qty
    if subtotal > 100:
        subtotal = subtotal * 0.9
    return subtotal + shipping(price)


print(total(10, 3))
'''

TS_PRICE = """\
export function formatPrice(amount: number, currency: string): string {
  const rounded = Math.round(amount * 100) / 100;
  return `${currency} ${rounded.toFixed(2)}`;
}
"""

GO_DISCOUNT = """\
package shop

func Discount(price float64, rate float64) float64 {
\tif rate <= 0 {
\t\treturn price
\t}
\treturn price * (1 - rate)
}
"""

CASES: list[Case] = [
    # ---- Python ----------------------------------------------------------------------------
    Case(
        "python: rename a parameter, then its uses",
        "python",
        "shop/total.py",
        PY_TOTAL,
        edits=[("total(price, qty)", "total(cost, qty)")],
        rewrite=[("price", "cost")],
        expect=[("price * qty", "cost * qty")],  # the nearest use; the next is a follow-up
    ),
    Case(
        "python: add an argument, then the call sites",
        "python",
        "rooms.py",
        """\
def area(width, height):
    return width * height


rooms = [area(3, 4), area(5, 2)]
total = area(10, 10)
""",
        edits=[
            ("area(width, height)", "area(width, height, floors)"),
            ("width * height\n", "width * height * floors\n"),
        ],
        rewrite=[
            ("area(3, 4)", "area(3, 4, 1)"),
            ("area(5, 2)", "area(5, 2, 1)"),
            ("area(10, 10)", "area(10, 10, 1)"),
        ],
        expect=[
            ("area(3, 4), area(5, 2)", "area(3, 4, 1), area(5, 2, 1)"),
            ("area(10, 10)", "area(10, 10, 1)"),
        ],
        noise="end marker and fence",
    ),
    Case(
        "python: add a parameter, then assign the field in the constructor",
        "python",
        "models/user.py",
        """\
class User:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"User({self.name!r})"
""",
        edits=[("(self, name)", "(self, name, email)")],
        rewrite=[
            ("        self.name = name\n", "        self.name = name\n        self.email = email\n")
        ],
        expect=[
            ("        self.name = name\n", "        self.name = name\n        self.email = email\n")
        ],
        noise="fenced",
    ),
    Case(
        "python: use a module, then import it",
        "python",
        "store.py",
        """\
import os


def save(data, path):
    with open(os.path.join(path, "out.json"), "w") as fh:
        fh.write(str(data))
""",
        edits=[("fh.write(str(data))", "fh.write(json.dumps(data))")],
        rewrite=[("import os\n", "import json\nimport os\n")],
        expect=[("import os\n", "import json\nimport os\n")],
    ),
    Case(
        "python: add a parameter, then document it",
        "python",
        "net.py",
        '''\
def fetch(url, timeout):
    """Fetch url.

    Args:
        url: the address to fetch.
        timeout: seconds to wait.
    """
    return http_get(url, timeout=timeout)
''',
        edits=[("fetch(url, timeout)", "fetch(url, timeout, retries)")],
        rewrite=[
            (
                "        timeout: seconds to wait.\n",
                "        timeout: seconds to wait.\n        retries: attempts before giving up.\n",
            )
        ],
        expect=[
            (
                "        timeout: seconds to wait.\n",
                "        timeout: seconds to wait.\n        retries: attempts before giving up.\n",
            )
        ],
        noise="prose around",
    ),
    Case(
        "python: change behaviour, then the string the test expects",
        "python",
        "test_greet.py",
        """\
def greet(name):
    return f"Hello, {name}!"


def test_greet():
    assert greet("Ann") == "Hello, Ann!"
""",
        edits=[('f"Hello, {name}!"', 'f"Hi, {name}!"')],
        rewrite=[('"Hello, Ann!"', '"Hi, Ann!"')],
        expect=[('"Hello, Ann!"', '"Hi, Ann!"')],
        noise="cursor marker kept",
    ),
    Case(
        "python: rename a local variable, then its uses",
        "python",
        "evens.py",
        """\
def evens(numbers):
    lst = []
    for n in numbers:
        if n % 2 == 0:
            lst.append(n)
    return lst
""",
        edits=[("lst = []", "result = []")],
        rewrite=[("lst", "result")],
        expect=[("lst.append(n)\n    return lst", "result.append(n)\n    return result")],
        noise="start marker echoed",
    ),
    Case(
        "python: change a field's type, then its default",
        "python",
        "config.py",
        """\
from dataclasses import dataclass


@dataclass
class Config:
    host: str = "localhost"
    port: int = 8080
    debug: bool = False
""",
        edits=[("port: int", "port: str")],
        rewrite=[("= 8080", '= "8080"')],
        expect=[("= 8080", '= "8080"')],
        noise="crlf",
    ),
    Case(
        "python: make a function async, then await its call",
        "python",
        "users.py",
        """\
def load_user(user_id):
    record = fetch_record(user_id)
    return User.from_record(record)
""",
        edits=[("def load_user", "async def load_user")],
        rewrite=[("record = fetch_record", "record = await fetch_record")],
        expect=[("record = fetch_record", "record = await fetch_record")],
        noise="context echoed",
    ),
    Case(
        "python: a CRLF file keeps its line breaks",
        "python",
        "win.py",
        PY_TOTAL.replace("\n", "\r\n"),
        edits=[("total(price, qty)", "total(cost, qty)")],
        rewrite=[("price", "cost")],
        expect=[("price * qty", "cost * qty")],  # the nearest use; the next is a follow-up
        noise="crlf",
    ),
    Case(
        "python: the model keeps the region as it is: no edit",
        "python",
        "shop/total.py",
        PY_TOTAL,
        edits=[("if subtotal > 100:", "if subtotal > 200:")],
        rewrite=[],
        expect=[],
        noise="fenced",
    ),
    Case(
        "python: the model undoes the user's rename: refused",
        "python",
        "shop/total.py",
        PY_TOTAL,
        edits=[("total(price, qty)", "total(cost, qty)")],
        rewrite=[("cost", "price")],
        expect=[],
    ),
    # ---- TypeScript ------------------------------------------------------------------------
    Case(
        "typescript: rename a parameter, then its uses",
        "typescript",
        "src/price.ts",
        TS_PRICE,
        edits=[("amount: number", "value: number")],
        rewrite=[("amount", "value")],
        expect=[("amount * 100", "value * 100")],
    ),
    Case(
        "typescript: add a property to an interface, then to the object",
        "typescript",
        "src/options.ts",
        """\
interface Options {
  retries: number;
  verbose: boolean;
}

const defaults: Options = {
  retries: 3,
  verbose: false,
};
""",
        edits=[("  verbose: boolean;\n", "  verbose: boolean;\n  timeoutMs: number;\n")],
        rewrite=[("  verbose: false,\n", "  verbose: false,\n  timeoutMs: 5000,\n")],
        expect=[("  verbose: false,\n", "  verbose: false,\n  timeoutMs: 5000,\n")],
        noise="end marker and fence",
    ),
    Case(
        "typescript: change a type, then the literal",
        "typescript",
        "src/retry.ts",
        """\
let retries: number = 3;
let label = "retry";

export function next(): string {
  return label + retries;
}
""",
        edits=[("retries: number", "retries: string")],
        rewrite=[("= 3;", '= "3";')],
        expect=[("= 3;", '= "3";')],
        noise="cursor marker kept",
    ),
    Case(
        "typescript: add an argument, then the call sites",
        "typescript",
        "src/log.ts",
        """\
function log(message: string) {
  console.log(message);
}

log("starting");
log("done");
""",
        edits=[
            ("log(message: string)", "log(message: string, level: string)"),
            ("console.log(message)", "console.log(level, message)"),
        ],
        rewrite=[
            ('log("starting")', 'log("starting", "info")'),
            ('log("done")', 'log("done", "info")'),
        ],
        expect=[('log("starting");\nlog("done")', 'log("starting", "info");\nlog("done", "info")')],
        noise="stopped early",
    ),
    Case(
        "typescript: use a hook, then import it",
        "typescriptreact",
        "src/Counter.tsx",
        """\
import { useState } from "react";

export function Counter() {
  const [count, setCount] = useState(0);
  return <button onClick={() => setCount(count + 1)}>{count}</button>;
}
""",
        edits=[
            (
                "  const [count, setCount] = useState(0);\n",
                "  const [count, setCount] = useState(0);\n"
                "  useEffect(() => { document.title = `${count}`; }, [count]);\n",
            )
        ],
        rewrite=[("import { useState }", "import { useEffect, useState }")],
        expect=[("import { useState }", "import { useEffect, useState }")],
        noise="fenced",
    ),
    Case(
        "typescript: add an enum member, then its switch case",
        "typescript",
        "src/level.ts",
        """\
enum Level {
  Low,
  High,
}

function color(level: Level): string {
  switch (level) {
    case Level.Low:
      return "green";
    case Level.High:
      return "red";
  }
}
""",
        edits=[("  High,\n}", "  High,\n  Critical,\n}")],
        rewrite=[
            (
                '      return "red";\n',
                '      return "red";\n    case Level.Critical:\n      return "purple";\n',
            )
        ],
        expect=[
            (
                '      return "red";\n',
                '      return "red";\n    case Level.Critical:\n      return "purple";\n',
            )
        ],
        noise="prose around",
    ),
    Case(
        "typescript: positions after an emoji count UTF-16 units",
        "typescript",
        "src/describe.ts",
        """\
function describe(item: Item): string {
  const label = "📦 " + item.name;
  return label + " (" + item.size + ")";
}
""",
        edits=[("describe(item: Item)", "describe(product: Item)")],
        rewrite=[("item", "product")],
        expect=[
            ('"📦 " + item.name', '"📦 " + product.name'),
            ('" (" + item.size', '" (" + product.size'),
        ],
        noise="truncated by max_tokens",
    ),
    # ---- Go --------------------------------------------------------------------------------
    Case(
        "go: rename a parameter, then its uses",
        "go",
        "shop/discount.go",
        GO_DISCOUNT,
        edits=[("price float64", "amount float64")],
        rewrite=[("price", "amount")],
        expect=[("return price\n", "return amount\n"), ("return price *", "return amount *")],
    ),
    Case(
        "go: add a struct field, then set it in the constructor",
        "go",
        "users/user.go",
        """\
package users

type User struct {
\tName string
}

func NewUser(name, email string) *User {
\treturn &User{Name: name}
}
""",
        edits=[("\tName string\n}", "\tName string\n\tEmail string\n}")],
        rewrite=[("&User{Name: name}", "&User{Name: name, Email: email}")],
        expect=[("&User{Name: name}", "&User{Name: name, Email: email}")],
        noise="end marker and fence",
    ),
    Case(
        "go: return an error, then handle it",
        "go",
        "conf/port.go",
        """\
package conf

import "strconv"

func Port(s string) int {
\tn, _ := strconv.Atoi(s)
\treturn n
}
""",
        edits=[
            ("func Port(s string) int {", "func Port(s string) (int, error) {"),
            ("n, _ :=", "n, err :="),
        ],
        rewrite=[("\treturn n\n", "\tif err != nil {\n\t\treturn 0, err\n\t}\n\treturn n, nil\n")],
        expect=[("\treturn n\n", "\tif err != nil {\n\t\treturn 0, err\n\t}\n\treturn n, nil\n")],
        noise="start marker echoed",
    ),
    Case(
        "go: change a field's type, then the literal",
        "go",
        "client/client.go",
        """\
package client

import "time"

type Client struct {
\tTimeout int
}

func New() *Client {
\treturn &Client{Timeout: 30}
}
""",
        edits=[("Timeout int", "Timeout time.Duration")],
        rewrite=[("Timeout: 30}", "Timeout: 30 * time.Second}")],
        expect=[("Timeout: 30}", "Timeout: 30 * time.Second}")],
        noise="context echoed",
    ),
    # ---- Rust ------------------------------------------------------------------------------
    Case(
        "rust: rename a parameter, then its use in a closure",
        "rust",
        "src/scale.rs",
        """\
fn scale(points: &[f64], factor: f64) -> Vec<f64> {
    points.iter().map(|p| p * factor).collect()
}
""",
        edits=[("factor: f64", "k: f64")],
        rewrite=[("factor", "k")],
        expect=[("p * factor", "p * k")],
        noise="fenced",
    ),
    Case(
        "rust: add an enum variant, then its match arm",
        "rust",
        "src/shape.rs",
        """\
enum Shape {
    Circle(f64),
    Square(f64),
}

fn area(shape: &Shape) -> f64 {
    match shape {
        Shape::Circle(r) => 3.14 * r * r,
        Shape::Square(s) => s * s,
    }
}
""",
        edits=[("    Square(f64),\n}", "    Square(f64),\n    Rect(f64, f64),\n}")],
        rewrite=[
            (
                "        Shape::Square(s) => s * s,\n",
                "        Shape::Square(s) => s * s,\n        Shape::Rect(w, h) => w * h,\n",
            )
        ],
        expect=[
            (
                "        Shape::Square(s) => s * s,\n",
                "        Shape::Square(s) => s * s,\n        Shape::Rect(w, h) => w * h,\n",
            )
        ],
    ),
    Case(
        "rust: change a type, then the literals",
        "rust",
        "src/main.rs",
        """\
fn main() {
    let ratio: i32 = 2;
    let scaled = 10 * ratio;
    println!("{}", scaled);
}
""",
        edits=[("ratio: i32", "ratio: f64")],
        rewrite=[("= 2;", "= 2.0;"), ("10 * ratio", "10.0 * ratio")],
        expect=[("= 2;", "= 2.0;"), ("10 * ratio", "10.0 * ratio")],
        noise="crlf",
    ),
    # ---- Java ------------------------------------------------------------------------------
    Case(
        "java: add a field, then the constructor parameter and assignment",
        "java",
        "src/Account.java",
        """\
public class Account {
    private final String owner;

    public Account(String owner) {
        this.owner = owner;
    }
}
""",
        edits=[
            (
                "    private final String owner;\n",
                "    private final String owner;\n    private final long balance;\n",
            )
        ],
        rewrite=[
            ("Account(String owner)", "Account(String owner, long balance)"),
            (
                "        this.owner = owner;\n",
                "        this.owner = owner;\n        this.balance = balance;\n",
            ),
        ],
        expect=[
            ("Account(String owner)", "Account(String owner, long balance)"),
            (
                "        this.owner = owner;\n",
                "        this.owner = owner;\n        this.balance = balance;\n",
            ),
        ],
        noise="end marker and fence",
    ),
    Case(
        "java: rename a method, then its call",
        "java",
        "src/Greeter.java",
        """\
class Greeter {
    String hello(String name) {
        return "Hello " + name;
    }

    void run() {
        System.out.println(hello("Ann"));
    }
}
""",
        edits=[("String hello(", "String greet(")],
        rewrite=[('hello("Ann")', 'greet("Ann")')],
        expect=[('hello("Ann")', 'greet("Ann")')],
        noise="prose around",
    ),
    # ---- C# --------------------------------------------------------------------------------
    Case(
        "csharp: add a property, then the constructor",
        "csharp",
        "Order.cs",
        """\
public class Order
{
    public int Id { get; }

    public Order(int id)
    {
        Id = id;
    }
}
""",
        edits=[
            (
                "    public int Id { get; }\n",
                "    public int Id { get; }\n    public string Customer { get; }\n",
            )
        ],
        rewrite=[
            ("Order(int id)", "Order(int id, string customer)"),
            ("        Id = id;\n", "        Id = id;\n        Customer = customer;\n"),
        ],
        expect=[("Order(int id)", "Order(int id, string customer)")],  # then the assignment
        noise="cursor marker kept",
    ),
    Case(
        "csharp: rename a parameter, then its uses",
        "csharp",
        "Tax.cs",
        """\
static decimal Tax(decimal net, decimal rate)
{
    var tax = net * rate;
    return Math.Round(tax, 2);
}
""",
        edits=[("decimal net,", "decimal amount,")],
        rewrite=[("net", "amount")],
        expect=[("net * rate", "amount * rate")],
        noise="stopped early",
    ),
    # ---- Ruby ------------------------------------------------------------------------------
    Case(
        "ruby: rename an argument, then its uses",
        "ruby",
        "lib/shipping.rb",
        """\
def shipping(weight, zone)
  base = weight * 1.5
  base += 10 if zone == :far
  base
end
""",
        edits=[("shipping(weight,", "shipping(kilos,")],
        rewrite=[("weight", "kilos")],
        expect=[("weight * 1.5", "kilos * 1.5")],
    ),
    Case(
        "ruby: add an attribute, then initialize it",
        "ruby",
        "lib/book.rb",
        """\
class Book
  attr_reader :title

  def initialize(title)
    @title = title
  end
end
""",
        edits=[("attr_reader :title", "attr_reader :title, :author")],
        rewrite=[
            ("initialize(title)", "initialize(title, author)"),
            ("    @title = title\n", "    @title = title\n    @author = author\n"),
        ],
        expect=[
            ("initialize(title)", "initialize(title, author)"),
            ("    @title = title\n", "    @title = title\n    @author = author\n"),
        ],
        noise="fenced",
    ),
    # ---- more languages --------------------------------------------------------------------
    Case(
        "c: widen a type, then the printf format",
        "c",
        "sum.c",
        """\
#include <stdio.h>

int main(void) {
    int count = 0;
    for (int i = 0; i < 10; i++) count += i;
    printf("%d\\n", count);
    return 0;
}
""",
        edits=[("int count", "long count")],
        rewrite=[('"%d\\n"', '"%ld\\n"')],
        expect=[('"%d\\n"', '"%ld\\n"')],
        noise="end marker and fence",
    ),
    Case(
        "kotlin: add a parameter, then the call",
        "kotlin",
        "Greet.kt",
        """\
fun greet(name: String): String {
    return "Hello, $name"
}

fun main() {
    println(greet("Ann"))
}
""",
        edits=[("greet(name: String)", "greet(name: String, excited: Boolean)")],
        rewrite=[('greet("Ann")', 'greet("Ann", excited = true)')],
        expect=[('greet("Ann")', 'greet("Ann", excited = true)')],
    ),
    Case(
        "php: rename a variable, then its uses",
        "php",
        "total.php",
        """\
<?php
function total(array $items): float {
    $sum = 0;
    foreach ($items as $item) {
        $sum += $item['price'];
    }
    return $sum;
}
""",
        edits=[("$sum = 0;", "$total = 0;")],
        rewrite=[("$sum", "$total")],
        expect=[("$sum += ", "$total += "), ("return $sum;", "return $total;")],
        noise="start marker echoed",
    ),
    Case(
        "javascript: rename a function, then its call",
        "javascript",
        "users.js",
        """\
function fetchUsers() {
  return fetch("/api/users").then((r) => r.json());
}

fetchUsers().then(render);
""",
        edits=[("function fetchUsers", "function loadUsers")],
        rewrite=[("fetchUsers", "loadUsers")],
        expect=[("fetchUsers().then", "loadUsers().then")],
        noise="context echoed",
    ),
    Case(
        "swift: add a property, then the initializer",
        "swift",
        "Point.swift",
        """\
struct Point {
    let x: Double

    init(x: Double) {
        self.x = x
    }
}
""",
        edits=[("    let x: Double\n", "    let x: Double\n    let y: Double\n")],
        rewrite=[
            ("init(x: Double)", "init(x: Double, y: Double)"),
            ("        self.x = x\n", "        self.x = x\n        self.y = y\n"),
        ],
        expect=[
            ("init(x: Double)", "init(x: Double, y: Double)"),
            ("        self.x = x\n", "        self.x = x\n        self.y = y\n"),
        ],
        noise="truncated by max_tokens",
    ),
]

# three base cases dressed in every kind of noise
BASE = [
    CASES[0],
    next(c for c in CASES if c.language == "typescript"),
    next(c for c in CASES if c.language == "go"),
]
