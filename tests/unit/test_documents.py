"""Chunked text and position encodings, checked against a plain string model."""

from __future__ import annotations

import random

import pytest

from ds_lsp.documents import (
    UTF8,
    UTF16,
    UTF32,
    Document,
    Text,
    column_to_index,
    index_to_column,
)


def _offset(lines: list[str], line: int, col: int) -> int:
    return sum(len(x) + 1 for x in lines[:line]) + col


@pytest.mark.parametrize("seed", range(8))
def test_random_edits_match_a_plain_string(seed):
    rnd = random.Random(seed)
    ref = "\n".join(
        "".join(rnd.choice("ab \n") for _ in range(rnd.randint(0, 6)))
        for _ in range(rnd.randint(0, 400))
    )
    text = Text(ref)
    for _ in range(200):
        lines = ref.split("\n")
        l1 = rnd.randrange(len(lines))
        c1 = rnd.randint(0, len(lines[l1]))
        l2 = min(len(lines) - 1, l1 + rnd.choice([0, 0, 1, 2, 70]))
        c2 = rnd.randint(0, len(lines[l2])) if l2 > l1 else rnd.randint(c1, len(lines[l1]))
        new = "".join(rnd.choice("xy\n") for _ in range(rnd.choice([0, 1, 3, 120])))
        a, b = _offset(lines, l1, c1), _offset(lines, l2, c2)
        ref = ref[:a] + new + ref[b:]
        text.replace((l1, c1), (l2, c2), new)
    assert text.full() == ref
    lines = ref.split("\n")
    assert text.line_count == len(lines)
    assert [text.line(i) for i in range(len(lines))] == lines
    first, last = sorted(rnd.sample(range(len(lines) + 2), 2))
    expected = "".join(
        lines[i] + ("\n" if i < len(lines) - 1 else "") for i in range(first, min(last, len(lines)))
    )
    assert text.lines(first, last) == expected


@pytest.mark.parametrize(
    "encoding, column, index",
    [
        (UTF16, 3, 2),
        (UTF16, 1, 1),
        (UTF8, 5, 2),
        (UTF8, 1, 1),
        (UTF32, 2, 2),
        (UTF16, 99, 3),
    ],
    ids=[
        "utf16-after-emoji",
        "utf16-before",
        "utf8-after-emoji",
        "utf8-before",
        "utf32",
        "clamped",
    ],
)
def test_columns_in_every_encoding(encoding, column, index):
    line = "a😀b"
    assert column_to_index(line, column, encoding) == index
    if column < 99:
        assert index_to_column(line, index, encoding) == column


def test_document_changes_and_crlf_lines():
    doc = Document("file:///a.py", "python", 1, Text("one\r\ntwo\r\n"))
    assert doc.line_text(0) == "one"
    doc.apply_change(
        {
            "range": {"start": {"line": 1, "character": 3}, "end": {"line": 1, "character": 3}},
            "text": "!",
        }
    )
    assert doc.text.full() == "one\r\ntwo!\r\n"
    doc.apply_change({"text": "whole"})
    assert doc.text.full() == "whole"
    assert doc.clamp(9, 0) == (0, 5)


def test_typed_whole_document_change():
    from lsprotocol import types

    from ds_lsp.documents import DocumentStore

    docs = DocumentStore()
    docs.open("file:///w.py", "python", 1, "old")
    docs.change("file:///w.py", 2, [types.TextDocumentContentChangeWholeDocument(text="new")])
    assert docs.get("file:///w.py").text.full() == "new"
