"""The one bracket and string scanner (ds_lsp/code_scan.py): brackets outside strings and
comments, what is open at a point, a scan carried from line to line, and each language
family's own strings and comments (`LANGUAGES`, what the workspace outliner reads with)."""

from __future__ import annotations

import time

import pytest

from ds_lsp.code_scan import (
    DEFAULT,
    LANGUAGES,
    Scanner,
    brackets,
    imbalance,
    open_quote,
    state_after,
    stray_closers,
)


@pytest.mark.parametrize(
    ("text", "state", "found"),
    [
        ("f(a, [b])", "", "([])"),
        ('s = "(" + x', "", ""),
        ("`a ${f(x)} b`", "", "{()}"),
        ("`a ${ {k: `(${v})`} } (`", "", "{{{}}}"),
        ("count} files`);", "`${", "}`)"),
        ("x)}} more`)", "`${{", ")}}`)"),
        ('r#"a "( b"# (', "", "("),
        ('"# + (1)', 'r#"', '"()'),
        ("a /* ( */ )", "", ")"),
        (" ) */ (", "/*", "("),
        ('still (" + f(x)', '"', '"()'),
        ("abc\n(", '"', "("),
        ('doc (\n""" (', '"""', '"('),
        ("x = ')' # (", "", ""),
        ("// { in a comment\n}", "", "}"),
        ("fn f<'a>(s: &'a str) {", "", "(){"),
        ("c = '{'", "", ""),
        ('"""doc (\nstill"""(', "", "("),
    ],
    ids=[
        "plain",
        "string",
        "template-code",
        "nested-templates",
        "from-inside-template-code",
        "from-inside-braces-in-template-code",
        "raw-string",
        "from-inside-raw-string",
        "block-comment",
        "from-inside-block-comment",
        "from-inside-string",
        "one-line-string-ends-with-its-line",
        "triple-quoted-string-goes-on",
        "hash-comment",
        "line-comment",
        "rust-lifetime",
        "char-literal",
        "triple-quotes",
    ],
)
def test_brackets_from_a_state(text: str, state: str, found: str) -> None:
    assert "".join(ch for _, ch in brackets(text, state)) == found


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("x = f(", ""),
        ('x = "ab', '"'),
        ("log(`loaded ${", "`${"),
        ("`a ${ {b: `c ${d", "`${{`${"),
        ("s = `${a}", "`"),
        ("x = 1 /* note", "/*"),
        ('x = r##"raw', 'r##"'),
        ('x = """doc', '"""'),
        ("x = 1  # it's", ""),
        ("let s: &'a str = ", ""),
    ],
)
def test_state_after(text: str, state: str) -> None:
    assert state_after(text) == state


@pytest.mark.parametrize(
    ("line_prefix", "quote"),
    [
        ("log(`a ${", ""),
        ("log(`a ${x} b", "`"),
        ('x = r#"a', '"'),
        ("x = 1 /* (", ""),
        ('x = "abc', '"'),
        ("x = 'it", "'"),
        ('x = "a" + "', '"'),
        ('x = 1  # "', ""),
    ],
    ids=[
        "template-code-is-code",
        "template-text",
        "raw-string",
        "comment",
        "string",
        "apostrophe-after-quote",
        "second-string",
        "quote-in-comment",
    ],
)
def test_open_quote_is_a_string_only(line_prefix: str, quote: str) -> None:
    assert open_quote(line_prefix) == quote


def test_a_scanner_carries_strings_and_comments_from_line_to_line() -> None:
    scanner = Scanner()
    lines = ["const a = `x ${", "  f(1)", "} y`; /* (", "  still */ g(2)"]
    seen = ["".join(ch for _, ch in scanner.brackets(line)) for line in lines]
    assert seen == ["{", "()", "}", "()"]
    assert scanner.state == ""


def test_a_state_round_trips() -> None:
    for text in ("`a ${ {b: `c ${d", 'x = r##"raw', "/* a", 'f("""'):
        state = state_after(text)
        assert Scanner(state).state == state


def test_imbalance_counts_unmatched_brackets_outside_strings() -> None:
    assert imbalance("f(a[1]) {") == 1
    assert imbalance("f(a]) }") == 2
    assert imbalance("`${a}` + '(' + \")\"") == 0
    assert stray_closers("f(a]) } {") == 2


@pytest.mark.parametrize(
    "text",
    [
        "(" * 60_000,
        '"' * 60_000,
        "`${" * 20_000,
        "/*" * 30_000,
        "'a" * 30_000,
        "\\" * 60_000,
        'r#"' * 20_000,
        "x = f(a, b); " * 5_000,
    ],
    ids=["openers", "quotes", "templates", "comments", "apostrophes", "backslashes", "raw", "code"],
)
def test_a_scan_is_linear_in_the_text(text: str) -> None:
    """60,000 characters of hostile text: a quadratic scan would take minutes, a linear one
    takes well under a second even on a loaded machine."""
    started = time.perf_counter()
    state_after(text)
    imbalance(text)
    assert time.perf_counter() - started < 10


def scan_lines(language: str, text: str, interpolations: bool = True) -> tuple[str, str]:
    """(the brackets, the state at the end) of `text` fed line by line, each with its
    newline, as the outliner feeds a file; `language` "default" is what cleaning reads with."""
    scanner = Scanner(syntax=DEFAULT if language == "default" else LANGUAGES[language])
    found = ""
    for line in text.split("\n"):
        found += "".join(
            ch for _, ch in scanner.brackets(line + "\n", interpolations=interpolations)
        )
    return found, scanner.state


# (language, text, brackets, state at the end); each language's case next to what the
# default reading makes of the same text where they differ
LANGUAGE_CASES = [
    pytest.param("c", "#  define TWICE(a) ((a) * 2)", "()(())", "", id="c-spaced-define-is-code"),
    pytest.param("default", "#  define TWICE(a) ((a) * 2)", "", "", id="default-hash-comment"),
    pytest.param("c", "#\n{", "{", "", id="c-null-directive"),
    pytest.param("c", "char c = '{'; int w = L'('; f('\\'')", "()", "", id="c-char-literals"),
    pytest.param("c", 'f("a\\\n(still the string", x)', "()", "", id="c-string-continued"),
    pytest.param("java", 'String s = """\n  { no code\n  """; f()', "()", "", id="java-text-block"),
    pytest.param("java", 'String s = """\n  {', "", '"""', id="java-text-block-goes-on"),
    pytest.param("java", "char c = '\"'; g(c)", "()", "", id="java-char-quote"),
    pytest.param("kotlin", 'val s = "${m["k"]} {"', "{[]}", "", id="kotlin-string-template"),
    pytest.param("kotlin", 'val s = "a ${ g(', "{(", '"${', id="kotlin-open-template-code"),
    pytest.param("kotlin", 'val s = """\n  ${ f(1) }\n"""', "{()}", "", id="kotlin-raw-template"),
    pytest.param("kotlin", 'val p = """C:\\"""; f()', "()", "", id="kotlin-raw-no-escapes"),
    pytest.param("default", 'val p = """C:\\"""; f()', "", '"""', id="default-escapes-in-triple"),
    pytest.param("rust", "'outer: loop {", "{", "", id="rust-label"),
    pytest.param("default", "'outer: loop {", "", "", id="default-label-is-a-quote"),
    pytest.param("rust", "fn f<T>() where T: 'static {", "(){", "", id="rust-static-bound"),
    pytest.param("rust", "impl<'a> S<'a> {", "{", "", id="rust-lifetimes"),
    pytest.param(
        "rust", "let c = '{'; let b = b'('; let e = '\\u{1F600}';", "", "", id="rust-chars"
    ),
    pytest.param("rust", 'let p = r"C:\\"; f(p)', "()", "", id="rust-raw-no-hashes"),
    pytest.param("default", 'let p = r"C:\\"; f(p)', "", "", id="default-r-quote-escapes"),
    pytest.param("rust", 'let s = r#"a "{" b"#; g()', "()", "", id="rust-raw-hashes"),
    pytest.param("rust", 'let b = br"\\"; h()', "()", "", id="rust-raw-bytes"),
    pytest.param("rust", 'let s = r"abc', "", 'r"', id="rust-raw-goes-on"),
    pytest.param("rust", 'let s = "use: (\n  more\n"; f()', "()", "", id="rust-string-over-lines"),
    pytest.param("default", 'let s = "use: (\n  more\n"; f()', "", "", id="default-one-line"),
    pytest.param("rust", "#[derive(Debug)]\n#![allow(x)]", "[()][()]", "", id="rust-attributes"),
    pytest.param("default", "#[derive(Debug)]\n#![allow(x)]", "[()]", "", id="default-shebang"),
    pytest.param("go", "x := `C:\\`; f()", "()", "", id="go-raw-no-escapes"),
    pytest.param("default", "x := `C:\\`; f()", "", "`", id="default-template-escapes"),
    pytest.param("go", "s := `\n{\n`; g()", "()", "", id="go-raw-over-lines"),
    pytest.param("go", "s := `${`; f()", "()", "", id="go-raw-no-templates"),
    pytest.param("go", "r := '{'", "", "", id="go-rune"),
    pytest.param("ts", 's.replace(/\\//g, "~1")', "()", "", id="ts-regex-with-slashes"),
    pytest.param("default", 's.replace(/\\//g, "~1")', "(", "", id="default-no-regex"),
    pytest.param("ts", "x = /[/(]/.test(y)", "()", "", id="ts-regex-class"),
    pytest.param("ts", "return /{/.test(s)", "()", "", id="ts-regex-after-return"),
    pytest.param("ts", "/\\(/.exec(x)", "()", "", id="ts-regex-at-line-start"),
    pytest.param("ts", "a = b / c / (d)", "()", "", id="ts-division"),
    pytest.param("ts", "x = a */ (b)", "()", "", id="ts-stray-comment-end"),
    pytest.param("ts", "const re = /a(\\\nf()", "()", "", id="ts-regex-ends-with-its-line"),
    pytest.param("ts", "case'{': f()", "()", "", id="ts-quote-after-a-word"),
    pytest.param("default", "case'{': f()", "{", "", id="default-apostrophe-after-a-word"),
    pytest.param("ts", "`a ${f(x)} b`", "{()}", "", id="ts-template"),
]


@pytest.mark.parametrize(("language", "text", "found", "state"), LANGUAGE_CASES)
def test_each_language_reads_its_own_strings_and_comments(
    language: str, text: str, found: str, state: str
) -> None:
    assert scan_lines(language, text) == (found, state)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ts", "`a ${f(x)} b` + `${ {k: 1} }`"),
        ("kotlin", 'val s = "${m["k"]} (${n})"'),
        ("kotlin", 'val s = """\n  ${ f(1) }\n"""'),
    ],
)
def test_template_code_can_be_left_to_its_string(language: str, text: str) -> None:
    """The outliner asks for no bracket of a template's `${...}`: a Kotlin expression body
    `= "${a.b}"` is no block."""
    assert scan_lines(language, text, interpolations=False) == ("", "")


@pytest.mark.parametrize(("language", "state"), [("rust", 'r"'), ("kotlin", '"${{')])
def test_a_language_state_round_trips(language: str, state: str) -> None:
    assert Scanner(state, LANGUAGES[language]).state == state


HOSTILE = [
    "/" * 60_000,
    "= /" * 20_000,
    "x /" * 20_000,
    " " * 60_000 + "/",
    "/[" * 30_000,
    "'" * 60_000,
    "'\\" * 30_000,
    'r"' * 30_000,
    '"${' * 20_000,
    "`${" * 20_000,
    "#" * 60_000,
    "a" * 60_000 + "'",
]


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_language_scans_in_linear_time(language: str) -> None:
    """Hostile lines of 60,000 characters for each language's own rules (regex literals,
    character literals, raw strings, templates): well under a second each when linear."""
    started = time.perf_counter()
    for text in HOSTILE:
        scanner = Scanner(syntax=LANGUAGES[language])
        for _ in scanner.brackets(text + "\n"):
            pass
    assert time.perf_counter() - started < 10
