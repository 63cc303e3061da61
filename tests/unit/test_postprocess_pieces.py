"""The pieces of `postprocess` that others call: the engine's refit of cached text, the
streamed early stop, hostile input, and the small scanners the rules stand on."""

from __future__ import annotations

import pytest

from ds_lsp.completion.ask import should_complete
from ds_lsp.completion.postprocess import (
    Cleaned,
    Mode,
    block_complete,
    brackets,
    clean,
    ends_in_loop,
    fit_line,
    imbalance,
    open_quote,
)
from tests.unit.test_postprocess_corpus import CORPUS, Case, accept, run, split


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_refitting_the_cleaned_text_gives_the_same_item(case: Case) -> None:
    """The engine caches only the text and refits it to the cursor's line."""
    _, suffix, line_prefix = split(case.doc)
    cleaned = run(case.doc, case.raw)
    if cleaned.text:
        assert fit_line(cleaned.text, line_prefix, suffix.split("\n", 1)[0]) == cleaned


def _first_stop(case: Case) -> int | None:
    """Where the streamed early stop would end the answer, or None."""
    _, suffix, line_prefix = split(case.doc)
    for end in range(1, len(case.raw) + 1):
        if block_complete(case.raw[:end], line_prefix, suffix, 12):
            return end
    return None


STREAMED = [c for c in CORPUS if "\n" in c.raw.strip("\n")]


@pytest.mark.parametrize("case", STREAMED, ids=[c.id for c in STREAMED])
def test_stopping_the_stream_early_changes_nothing(case: Case) -> None:
    prefix, suffix, line_prefix = split(case.doc)
    mode = should_complete(line_prefix, suffix.split("\n", 1)[0], "auto")
    stop = _first_stop(case)
    if mode is Mode.SINGLE or stop is None:
        return
    early = clean(case.raw[:stop], prefix, suffix, line_prefix, mode, 12)
    assert accept(case.doc, early) == case.after


HOSTILE = [
    ("a = " * 2500, "x = ", "\n"),
    ("(" * 10000, "f(", ")\n"),
    (")" * 10000, "f(", ")" * 5000 + "\n"),
    ("ab" * 5000, "x = ", "ab" * 5000 + "\n"),
    ("x" * 10000, "y = foo(", ", " + "x" * 9000 + ")\n"),
    ("\n".join(["    x = 1"] * 2000), "def f():\n    ", "\n"),
    ("\n".join(["{"] * 3000), "f() {", "\n}\n"),
    ('"' + "\\" * 9999, 's = "', '"\n'),
]


@pytest.mark.parametrize(("raw", "prefix", "suffix"), HOSTILE, ids=[str(i) for i in range(8)])
@pytest.mark.parametrize("mode", [Mode.SINGLE, Mode.MULTI])
def test_hostile_answers_give_a_bounded_item(
    raw: str, prefix: str, suffix: str, mode: Mode
) -> None:
    line_prefix = prefix.rsplit("\n", 1)[-1]
    cleaned = clean(raw, prefix, suffix, line_prefix, mode, 12)
    assert isinstance(cleaned, Cleaned)
    assert cleaned.text.count("\n") < 12
    assert 0 <= cleaned.replace <= len(suffix.split("\n", 1)[0])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("f(a, [b])", "([])"),
        ('s = "(" + x', ""),
        ("x = ')' # (", ""),
        ("// { in a comment\n}", "}"),
        ("fn f<'a>(s: &'a str) {", "(){"),
        ("c = '{'", ""),
        ('"""doc (\nstill"""(', "("),
    ],
    ids=["plain", "string", "comment", "line-comment", "lifetime", "char", "triple-quotes"],
)
def test_brackets_skip_strings_and_comments(text: str, found: str) -> None:
    assert "".join(ch for _, ch in brackets(text)) == found


@pytest.mark.parametrize(
    ("line_prefix", "quote"),
    [
        ('x = "abc', '"'),
        ("x = 'it", "'"),
        ('x = "a" + "', '"'),
        ("x = f(", ""),
        ("s = `${a}", "`"),
        ('x = 1  # "', ""),
    ],
)
def test_open_quote_at_the_cursor(line_prefix: str, quote: str) -> None:
    assert open_quote(line_prefix) == quote


@pytest.mark.parametrize(
    ("line", "loops"),
    [
        ("foo = foo = foo = foo = foo = foo = foo =", True),
        ("x = 1" + "0" * 40, True),
        ("x = 1000000000000", False),
        ("# " + "-" * 60, False),
        ("abcdefghij" * 4, True),
        ("return a + b", False),
    ],
    ids=["assignment", "digits", "few-digits", "divider", "long-unit", "plain"],
)
def test_ends_in_loop(line: str, loops: bool) -> None:
    assert ends_in_loop(line) is loops


def test_imbalance_counts_unmatched_brackets() -> None:
    assert imbalance("f(a[1]) {") == 1
    assert imbalance("f(a]) }") == 2
    assert imbalance("'(' + \")\"") == 0
