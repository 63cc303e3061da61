"""Shaping a chat answer: fences and prose stripped, re-indented, glued into its line."""

from __future__ import annotations

import pytest

from ds_lsp.generate.answer import extract_code, fit, reindent


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        pytest.param("x = 1\n", "x = 1", id="plain"),
        pytest.param("x = 1\n```", "x = 1", id="closing-fence"),
        pytest.param("x = 1\n```\nThis sets x.\n", "x = 1", id="prose-after-fence"),
        pytest.param("```python\nx = 1\n```", "x = 1", id="own-opening-fence"),
        pytest.param("Here is the code:\n```python\nx = 1\n```", "x = 1", id="intro-and-fence"),
        pytest.param("Sure, here you go:\n\nx = 1", "x = 1", id="intro-prose"),
        pytest.param("x = 1\n\nThis sets x to one.", "x = 1", id="trailing-sentence"),
        pytest.param(
            "x = 1\n\nNote: it is one.\n\nThe code above is short.",
            "x = 1",
            id="two-trailing-paragraphs",
        ),
        pytest.param("x = 1\r\ny = 2\r\n", "x = 1\ny = 2", id="crlf"),
        pytest.param("\n\nx = 1  \n\n", "x = 1", id="blank-edges"),
        pytest.param("~~~\nx = 1\n~~~", "x = 1", id="tilde-fence"),
        pytest.param("def f():\n    pass\n\nf()", "def f():\n    pass\n\nf()", id="code-kept"),
        pytest.param("SELECT name FROM users;", "SELECT name FROM users;", id="sql-kept"),
        pytest.param("", "", id="empty"),
    ],
)
def test_extract_code(answer, code):
    assert extract_code(answer) == code


@pytest.mark.parametrize(
    ("code", "indent", "expected"),
    [
        pytest.param("x = 1\ny = 2", "    ", "    x = 1\n    y = 2", id="flat"),
        pytest.param("if a:\n    b()\n\nc()", "  ", "  if a:\n      b()\n\n  c()", id="nested"),
        pytest.param(
            "        x = 1\n        y = 2", "    ", "    x = 1\n    y = 2", id="over-indented"
        ),
        pytest.param(
            "x = 1\n    y = 2\n    z = 3",
            "    ",
            "    x = 1\n    y = 2\n    z = 3",
            id="hanging-first-line",
        ),
        pytest.param("def f():\n    return 1", "", "def f():\n    return 1", id="opener-kept"),
        pytest.param("if x {\n    y()\n}", "\t", "\tif x {\n\t\ty()\n\t}", id="tabs"),
        pytest.param("a\n  \nb", "  ", "  a\n\n  b", id="blank-lines-empty"),
    ],
)
def test_reindent(code, indent, expected):
    assert reindent(code, indent) == expected


@pytest.mark.parametrize(
    ("block", "head", "tail", "indent", "replacing", "keep", "expected"),
    [
        pytest.param(
            "    x = 1\n    y = 2",
            "    ",
            "",
            "    ",
            False,
            False,
            "x = 1\n    y = 2",
            id="blank-line-at-indent",
        ),
        pytest.param("    x = 1", "", "", "    ", False, False, "    x = 1", id="column-zero"),
        pytest.param("    x = 1", "  ", "", "    ", False, False, "  x = 1", id="half-indent"),
        pytest.param(
            "    x = 1", "    # c", "", "    ", False, False, "\n    x = 1", id="after-text"
        ),
        pytest.param(
            "    x = 1", "    ", "return x", "    ", False, False, "x = 1\n    ", id="before-code"
        ),
        pytest.param(
            "    x = 1",
            "",
            "    return x",
            "    ",
            False,
            False,
            "    x = 1\n",
            id="line-start-before-code",
        ),
        pytest.param(
            "    x = 1", "    y = ", "", "    ", True, False, "x = 1", id="replace-mid-line"
        ),
        pytest.param(
            "    x = 1\n    y = 2",
            "",
            "",
            "    ",
            True,
            True,
            "    x = 1\n    y = 2\n",
            id="replace-whole-lines",
        ),
    ],
)
def test_fit(block, head, tail, indent, replacing, keep, expected):
    assert fit(block, head, tail, indent, replacing, keep) == expected
