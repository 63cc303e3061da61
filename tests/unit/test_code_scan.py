"""The one bracket and string scanner (ds_lsp/code_scan.py): brackets outside strings and
comments, what is open at a point, and a scan carried from line to line."""

from __future__ import annotations

import time

import pytest

from ds_lsp.code_scan import (
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
