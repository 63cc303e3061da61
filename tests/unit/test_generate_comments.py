"""The instruction of ds-lsp.generateCodeBlock: comment blocks of each language, selections."""

from __future__ import annotations

import pytest

from ds_lsp.generate.comments import CommentBlock, comment_block, meaningful_selection


def block(text: str, line: int, language: str = "python", head: str = "") -> CommentBlock | None:
    lines = text.split("\n")
    return comment_block(lambda i: lines[i], len(lines), line, head, language)


CASES = [
    # (id, language, text, cursor line, head, expected text, first, last)
    (
        "hash-below",
        "python",
        "# add two numbers\n# and return it\n",
        2,
        "",
        "add two numbers\nand return it",
        0,
        1,
    ),
    (
        "hash-indented",
        "python",
        "def f():\n    # sum the list\n    ",
        2,
        "    ",
        "sum the list",
        1,
        1,
    ),
    ("hash-gap-two-blank", "python", "# make x\n\n\n", 3, "", "make x", 0, 0),
    ("hash-on-comment", "python", "x = 1\n# print x\ny = 2\n", 1, "# pri", "print x", 1, 1),
    ("hash-cursor-in-block", "ruby", "# one\n# two\n# three\n", 1, "", "one\ntwo\nthree", 0, 2),
    (
        "docstring-one-line",
        "python",
        'def f():\n    """Return 42."""\n    ',
        2,
        "    ",
        "Return 42.",
        1,
        1,
    ),
    (
        "docstring-multi",
        "python",
        'def f():\n    """\n    Parse it.\n    Fast.\n    """\n',
        5,
        "",
        "Parse it.\nFast.",
        1,
        4,
    ),
    ("docstring-raw-prefix", "python", 'r"""Match a date."""\n', 1, "", "Match a date.", 0, 0),
    (
        "slashes",
        "rust",
        "/// Adds two numbers.\n/// Returns the sum.\n",
        2,
        "",
        "Adds two numbers.\nReturns the sum.",
        0,
        1,
    ),
    ("slashes-bang", "rust", "//! Crate docs here\n", 1, "", "Crate docs here", 0, 0),
    (
        "c-block-jsdoc",
        "javascript",
        "/**\n * Sort the list.\n * Stable.\n */\n",
        4,
        "",
        "Sort the list.\nStable.",
        0,
        3,
    ),
    ("c-block-one-line", "c", "int x;\n/* swap a and b */\n", 2, "", "swap a and b", 1, 1),
    ("c-block-cursor-inside", "java", "/*\n  make a loop\n  */\n", 1, "", "make a loop", 0, 2),
    ("dashes-sql", "sql", "-- users older than 30\n", 1, "", "users older than 30", 0, 0),
    ("dashes-haskell-block", "haskell", "{- map and sum -}\n", 1, "", "map and sum", 0, 0),
    (
        "lua-block",
        "lua",
        "--[[ build a table\n of squares ]]\n",
        2,
        "",
        "build a table\nof squares",
        0,
        1,
    ),
    ("lua-line", "lua", "-- read the file\n", 1, "", "read the file", 0, 0),
    ("semicolons", "clojure", ";; fold the seq\n", 1, "", "fold the seq", 0, 0),
    ("percent", "erlang", "% start a process\n", 1, "", "start a process", 0, 0),
    ("html", "html", "<!-- a nav bar -->\n", 1, "", "a nav bar", 0, 0),
    ("php-hash", "php", "<?php\n# connect to db\n", 2, "", "connect to db", 1, 1),
    ("unknown-language", "zzz", "// write main\n", 1, "", "write main", 0, 0),
]


@pytest.mark.parametrize(
    ("language", "text", "line", "head", "expected", "first", "last"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_comment_block(language, text, line, head, expected, first, last):
    assert block(text, line, language, head) == CommentBlock(expected, first, last)


NONE_CASES = [
    ("no-comment", "python", "x = 1\n", 1, ""),
    ("code-before-cursor", "python", "# make x\nx = ", 1, "x = "),
    ("gap-too-large", "python", "# make x\n\n\n\n", 4, ""),
    ("shebang", "shellscript", "#!/bin/sh\n", 1, ""),
    ("comment-then-code-above", "python", "# make x\ny = 2\n", 2, ""),
    ("c-hash-is-not-comment", "c", "#include <stdio.h>\n", 1, ""),
    ("python-slashes-not-comment", "python", "// nope\n", 1, ""),
    ("empty-comment", "python", "#\n", 1, ""),
    ("closed-block-above-code", "c", "/* a */\nint x;\n", 2, ""),
    ("string-not-docstring", "python", 'x = """text"""\n', 1, ""),
]


@pytest.mark.parametrize(
    ("language", "text", "line", "head"), [pytest.param(*c[1:], id=c[0]) for c in NONE_CASES]
)
def test_no_comment_block(language, text, line, head):
    assert block(text, line, language, head) is None


@pytest.mark.parametrize(
    ("text", "meaningful"),
    [
        ("\n", False),
        ("   ", False),
        ("x", False),
        (" x\n", False),
        ("xs", True),
        ("sum the list", True),
    ],
    ids=["newline", "blanks", "one-char", "one-char-padded", "two-chars", "sentence"],
)
def test_meaningful_selection(text, meaningful):
    assert meaningful_selection(text) is meaningful
