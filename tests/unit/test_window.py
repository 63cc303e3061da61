"""The prompt window: budgets, line boundaries, and an opening that stays put."""

from __future__ import annotations

import itertools

from ds_lsp.documents import Document, Text
from ds_lsp.window import LINE_CAP, build_window


def _doc(text: str) -> Document:
    return Document("file:///w.py", "python", 1, Text(text))


def test_small_file_is_sent_whole():
    doc = _doc("a = 1\nb = 2\nc = \nd = 4\n")
    w = build_window(doc, 2, 4, 6000, 2000, 64)
    assert (w.prefix, w.suffix) == ("a = 1\nb = 2\nc = ", "\nd = 4\n")
    assert (w.line_prefix, w.line_suffix) == ("c = ", "")


def test_budgets_cut_on_line_boundaries_and_prefix_is_larger():
    doc = _doc("".join(f"line {i:04d}\n" for i in range(5000)))
    w = build_window(doc, 2500, 0, 1000, 300, 8)
    assert len(w.prefix) <= 1000 and len(w.suffix) <= 300
    assert w.prefix.startswith("line ") and w.prefix.endswith("\n")
    assert w.suffix.endswith("\n") and w.suffix.startswith("line 2500")
    assert w.start_line % 8 == 0


def test_opening_is_stable_while_typing_down_the_file():
    text = "".join(f"existing_{i} = {i}\n" for i in range(3000))
    doc = _doc(text + "\n")
    starts, openings = [], []
    typed = "".join(f"new_value_{i} = compute({i})\n" for i in range(30))
    line, col = 3000, 0
    for ch in typed:
        doc.apply_change(
            {
                "range": {
                    "start": {"line": line, "character": col},
                    "end": {"line": line, "character": col},
                },
                "text": ch,
            }
        )
        line, col = (line + 1, 0) if ch == "\n" else (line, col + 1)
        w = build_window(doc, line, col, 6000, 2000, 64)
        starts.append(w.start_line)
        openings.append(w.prefix[:2000])
    changes = sum(1 for a, b in itertools.pairwise(openings) if a != b)
    assert changes <= 2
    assert len(set(starts)) <= 3


def test_one_enormous_line_is_cut_to_the_budget():
    doc = _doc("x" * 100_000 + "\n")
    w = build_window(doc, 0, 100_000, 6000, 2000, 64)
    assert len(w.prefix) == 6000 and w.suffix == "\n"


def test_form_feeds_and_line_separators_do_not_stretch_the_budget():
    for sep in ("\x0c", "\u2028", ""):
        doc = _doc("".join(f"l{i:03d}{sep}xx\n" for i in range(300)))
        w = build_window(doc, 299, 0, 1000, 300, 1)
        assert len(w.prefix) <= 1000 and len(w.suffix) <= 300
        assert w.suffix.endswith("\n")


def test_lone_carriage_returns_are_line_breaks_in_the_window():
    doc = _doc("a = 1\rb = 2\rc = \rd = 4\r")
    w = build_window(doc, 2, 4, 6000, 2000, 64)
    assert (w.prefix, w.suffix) == ("a = 1\rb = 2\rc = ", "\rd = 4\r")
    assert (w.line_prefix, w.line_suffix) == ("c = ", "")
    cut = build_window(doc, 3, 2, 9, 4, 1)
    assert (cut.prefix, cut.suffix, cut.start_line) == ("c = \rd ", "= 4\r", 2)


def test_a_minified_line_is_cut_around_the_cursor_on_both_sides():
    text = "".join(f"v{i}=f({i});" for i in range(400_000))  # ~4 MB, one line
    doc = _doc(text)
    cursor = len(text) // 2
    w = build_window(doc, 0, cursor, 6000, 2000, 64)
    assert text[:cursor].endswith(w.prefix) and text[cursor:].startswith(w.suffix)
    assert 5980 < len(w.prefix) <= 6000 and 1980 < len(w.suffix) <= 2000
    assert w.line_prefix.endswith(w.prefix) and w.line_suffix.startswith(w.suffix)
    small = build_window(doc, 0, cursor, 10, 10, 64)
    assert len(small.line_prefix) == LINE_CAP and len(small.line_suffix) == LINE_CAP


def test_a_long_line_is_never_cut_inside_a_token():
    token = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
    text = f"x={token};" + "y=1;" * 3000 + f"z={token};"
    doc = _doc(text)
    cursor = len(text) // 2
    for budget in range(cursor - 44, cursor - 2, 3):  # the cut falls inside the first token
        prefix = build_window(doc, 0, cursor, budget, 2000, 64).prefix
        assert prefix.startswith(("=", ";", "x=")), budget
    for budget in range(len(text) - cursor - 44, len(text) - cursor - 2, 3):
        suffix = build_window(doc, 0, cursor, 6000, budget, 64).suffix
        assert suffix.endswith(("=", ";", "y=1")), budget
