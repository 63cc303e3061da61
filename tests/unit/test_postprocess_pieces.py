"""The pieces of `postprocess` that others call: the engine's refit of cached text, the
streamed early stop, hostile input, and the small scanners the rules stand on."""

from __future__ import annotations

import time

import pytest

from ds_lsp.completion.ask import should_complete
from ds_lsp.completion.postprocess import (
    Cleaned,
    Mode,
    block_complete,
    clean,
    ends_in_loop,
    fit_line,
)
from ds_lsp.completion.postprocess.lines import indent_unit, unclosed
from tests.unit.test_postprocess_corpus import CORPUS, Case, accept, run, split


@pytest.mark.parametrize("case", CORPUS, ids=[c.id for c in CORPUS])
def test_refitting_the_cleaned_text_gives_the_same_item(case: Case) -> None:
    """The engine caches only the text and refits it to the cursor's line."""
    _, suffix, line_prefix = split(case.doc)
    cleaned = run(case.doc, case.raw)
    if cleaned.text:
        assert fit_line(cleaned.text, line_prefix, suffix.split("\n", 1)[0]) == cleaned


def first_stop(doc: str, raw: str, with_prefix: bool) -> int | None:
    """Where the streamed early stop would end the answer, or None."""
    prefix, suffix, line_prefix = split(doc)
    for end in range(1, len(raw) + 1):
        if block_complete(raw[:end], line_prefix, suffix, 12, prefix if with_prefix else None):
            return end
    return None


STREAMED = [c for c in CORPUS if "\n" in c.raw.strip("\n")]


def early_stop_changes_nothing(doc: str, raw: str, after: str, with_prefix: bool) -> bool:
    """The answer cut where the streamed early stop ends it gives the same document."""
    prefix, suffix, line_prefix = split(doc)
    mode = should_complete(line_prefix, suffix.split("\n", 1)[0], "auto")
    stop = first_stop(doc, raw, with_prefix)
    if mode is Mode.SINGLE or stop is None:
        return True
    early = clean(raw[:stop], prefix, suffix, line_prefix, mode, 12)
    return accept(doc, early) == after


@pytest.mark.parametrize("with_prefix", [True, False], ids=["with-prefix", "line-prefix-only"])
@pytest.mark.parametrize("case", STREAMED, ids=[c.id for c in STREAMED])
def test_stopping_the_stream_early_changes_nothing(case: Case, with_prefix: bool) -> None:
    assert early_stop_changes_nothing(case.doc, case.raw, case.after, with_prefix)


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


INVISIBLE = {
    "nul": "\x00",
    "bell": "\x07",
    "backspace": "\x08",
    "vertical-tab": "\x0b",
    "form-feed": "\x0c",
    "escape": "\x1b",
    "delete": "\x7f",
    "c1-csi": "\x9b",
    "next-line": "\x85",
    "lre": "\u202a",
    "rle": "\u202b",
    "pdf": "\u202c",
    "lro": "\u202d",
    "rlo": "\u202e",
    "lri": "\u2066",
    "rli": "\u2067",
    "fsi": "\u2068",
    "pdi": "\u2069",
    "lrm": "\u200e",
    "rlm": "\u200f",
    "alm": "\u061c",
    "zero-width-space": "\u200b",
    "word-joiner": "\u2060",
    "byte-order-mark": "\ufeff",
}


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
@pytest.mark.parametrize("mode", [Mode.SINGLE, Mode.MULTI])
def test_control_and_bidi_characters_never_reach_the_editor(char: str, mode: Mode) -> None:
    """Trojan Source: what the model sends hidden inside the code is not shown."""
    raw = f'{char}if access_level != "user{char}": # Check if admin{char}\n    grant(){char}'
    prefix = "def check(access_level):\n    "
    cleaned = clean(raw, prefix, "\n", "    ", mode, 12)
    assert char not in cleaned.text
    assert cleaned.text.startswith('if access_level != "user": # Check if admin')


def test_tabs_line_breaks_and_joiners_in_text_are_kept() -> None:
    raw = 'names = ["👨\u200d👩\u200d👧", "\tx", "a\u2028b"]\nprint(names)'
    cleaned = clean(raw, "", "", "", Mode.MULTI, 12)
    assert cleaned.text == raw


MINIFIED = 'function a(b,c){return b.map(function(d){return d+`${c}`})}var x={k:"v",l:[1,2]};'
ANSWERS = [
    "x.l.length",
    "x.l.length);\nfoo()",
    "(" * 10_000,
    ")" * 10_000,
    '"' * 10_000,
    "function(){\n" * 300,
    "a = " * 2500,
    "x" * 10_000 + "\n" + "{" * 3000,
]


@pytest.mark.parametrize("raw", ANSWERS, ids=[f"answer-{i}" for i in range(len(ANSWERS))])
@pytest.mark.parametrize("mode", [Mode.SINGLE, Mode.MULTI])
def test_a_5_mb_minified_line_costs_what_a_short_one_does(raw: str, mode: Mode) -> None:
    """The cursor in the middle of a 5 MB one-line file, hostile 10,000-character answers:
    reading the whole line would take seconds, quadratic work hours."""
    line = MINIFIED * (5_000_000 // len(MINIFIED))
    line_prefix, line_suffix = line[: len(line) // 2], line[len(line) // 2 :]
    prefix, suffix = line_prefix[-6000:], line_suffix[:2000]  # the prompt window
    started = time.perf_counter()
    cleaned = clean(raw, prefix, suffix, line_prefix, mode, 12)
    block_complete(raw, line_prefix, suffix, 12, prefix)
    assert time.perf_counter() - started < 2.0
    assert cleaned.text.count("\n") < 12 and cleaned.replace <= len(line_suffix)


def test_ten_thousand_character_lines_everywhere_stay_cheap() -> None:
    """A 10,000-character line above, at and below the cursor, and in the answer."""
    long_line = "value = compute(" + ", ".join(f"a{i}" for i in range(1500)) + ")"
    prefix = f"def f():\n    {long_line}\n    {long_line[:5000]}"
    suffix = f"{long_line[5000:]}\n    {long_line}\n"
    started = time.perf_counter()
    for raw in (long_line, f"{long_line}\n    {long_line}", "x, " * 3000 + ")"):
        for mode in (Mode.SINGLE, Mode.MULTI):
            clean(raw, prefix, suffix, prefix.rsplit("\n", 1)[-1], mode, 12)
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize(
    ("text", "open_blocks"),
    [
        ('def f():\n    """Docs: if you want (the open paren\n    for all of it\n    """\n', 0),
        ("    def update(self) -> None:  # type: ignore\n        pass\n", 0),
        ("if (a &&\n    b) {\n  run();\n}\n", 0),
        ("rows = [\n    x\n    for x in xs\n    if x\n]\n", 0),
        ("const s = `a (\n${f(\n1)} b`;\nfunction g() {\n", 1),
        ("if x then\n  y()\n", 1),
    ],
    ids=[
        "docstring",
        "comment-after-colon",
        "condition-over-lines",
        "comprehension",
        "template",
        "lua",
    ],
)
def test_nesting_is_read_across_lines(text: str, open_blocks: int) -> None:
    """Brackets and `end` keywords in docstrings, comments, templates and comprehensions are
    no blocks (they once made a rewritten closer look needed)."""
    assert unclosed(text) == open_blocks


def test_the_indentation_step_comes_from_blocks_not_alignment() -> None:
    prefix = (
        "def progressbar(\n    *,\n    length: int,\n)\nresult = compute(a,\n"
        "  b)\nif x:\n    y()\n    for z in y:\n        w()\n"
    )
    assert indent_unit(prefix) == "    "
