"""The editable region: whole lines around the cursor, marked exactly as the contract says."""

from __future__ import annotations

import pytest

from ds_lsp.documents import UTF8, UTF16, UTF32
from ds_lsp.nextedit import region as reg
from ds_lsp.nextedit.region import CURSOR, END, START, editable_region
from tests.unit.nextedit_helpers import open_doc

TEN = "".join(f"line {i}\n" for i in range(10))  # lines 0..9 and an empty line 10


@pytest.mark.parametrize(
    ("text", "line", "character", "half", "marked"),
    [
        pytest.param(
            TEN,
            5,
            3,
            2,
            f"{START}\nline 3\nline 4\nlin{CURSOR}e 5\nline 6\nline 7\n{END}",
            id="half lines above and below, cursor mid-line",
        ),
        pytest.param(
            TEN,
            1,
            0,
            3,
            f"{START}\nline 0\n{CURSOR}line 1\nline 2\nline 3\nline 4\n{END}",
            id="clamped at the top of the file",
        ),
        pytest.param(
            TEN,
            9,
            6,
            2,
            f"{START}\nline 7\nline 8\nline 9{CURSOR}\n\n{END}",
            id="clamped at the end: the empty last line is part of it",
        ),
        pytest.param(
            "only\n",
            0,
            4,
            0,
            f"{START}\nonly{CURSOR}\n{END}",
            id="half 0: the cursor's line alone",
        ),
        pytest.param(
            "",
            0,
            0,
            5,
            f"{START}\n{CURSOR}\n{END}",
            id="an empty document",
        ),
        pytest.param(
            TEN,
            40,
            9,
            1,
            f"{START}\nline 9\n{CURSOR}\n{END}",
            id="a position past the end is clamped",
        ),
    ],
)
def test_the_region_is_marked_exactly(
    text: str, line: int, character: int, half: int, marked: str
) -> None:
    region = editable_region(open_doc(text), line, character, half)
    assert region is not None
    assert region.marked() == marked


def test_context_above_and_below_is_whole_lines() -> None:
    region = editable_region(open_doc(TEN), 5, 0, 1)
    assert region is not None
    assert region.before == "line 0\nline 1\nline 2\nline 3\n"
    assert region.after == "line 7\nline 8\nline 9\n"
    assert (region.first, region.last, region.at_eof) == (4, 6, False)


def test_context_is_bounded() -> None:
    text = "".join(f"{i:04d} " + "x" * 95 + "\n" for i in range(200))
    region = editable_region(open_doc(text), 100, 0, 2)
    assert region is not None
    assert len(region.before) <= reg.CONTEXT_ABOVE_CHARS
    assert len(region.after) <= reg.CONTEXT_BELOW_CHARS
    assert region.before.endswith(text.split("\n")[97] + "\n")  # up to the region's first line
    assert region.after.startswith(text.split("\n")[103] + "\n")


@pytest.mark.parametrize(
    ("encoding", "character", "index"),
    [(UTF16, 7, 6), (UTF32, 6, 6), (UTF8, 9, 6)],
    ids=["utf-16: the emoji is two units", "utf-32: one", "utf-8: four bytes"],
)
def test_the_cursor_follows_the_negotiated_encoding(
    encoding: str, character: int, index: int
) -> None:
    doc = open_doc('s = "😀x"\n')
    doc.encoding = encoding
    region = editable_region(doc, 0, character, 1)
    assert region is not None
    assert region.cursor == (0, index)
    assert region.lines[0][: region.cursor[1]] == 's = "😀'


def test_crlf_documents_give_lines_without_carriage_returns_and_a_crlf_break() -> None:
    region = editable_region(open_doc(TEN.replace("\n", "\r\n")), 5, 2, 2)
    assert region is not None
    assert region.eol == "\r\n"
    assert "\r" not in region.marked() + region.before + region.after


def test_long_lines_shrink_the_region_from_the_far_side() -> None:
    long = "y" * (reg.MAX_REGION_CHARS // 3)
    text = "".join([f"{long}\n"] * 3 + ["short\n"] * 3 + [f"{long}\n"] * 3)
    region = editable_region(open_doc(text), 4, 0, 4)
    assert region is not None
    assert len(region.text) <= reg.MAX_REGION_CHARS
    assert region.cursor[0] in range(region.first, region.last + 1)
    assert "short" in region.lines


def test_a_cursor_line_longer_than_the_region_allows_gives_no_region() -> None:
    text = "a\n" + "z" * (reg.MAX_REGION_CHARS + 1) + "\nb\n"
    assert editable_region(open_doc(text), 1, 10, 3) is None


def test_marker_text_in_the_region_gives_no_region() -> None:
    text = f"x = 1\nmarker = '{END}'\ny = 2\n"
    assert editable_region(open_doc(text), 0, 0, 2) is None


def test_marker_text_in_the_context_is_left_out() -> None:
    lines = ["a = 1", f"s = '{START}'", "b = 2", "c = 3", "d = 4", "e = 5", "f = 6"]
    region = editable_region(open_doc("\n".join(lines) + "\n"), 4, 0, 1)
    assert region is not None
    assert region.before == "b = 2\n"
