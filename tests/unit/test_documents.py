"""Chunked text and position encodings, checked against a plain string model: LSP's line
breaks (`\\r\\n`, `\\n`, a lone `\\r`), every encoding, lines longer than a chunk."""

from __future__ import annotations

import random
import re

import pytest

from ds_lsp import documents, masking
from ds_lsp.documents import (
    UTF8,
    UTF16,
    UTF32,
    Document,
    DocumentStore,
    Text,
    column_to_index,
    index_to_column,
)

LSP_BREAK = re.compile(r"\r\n|\r|\n")


def _lines(text: str) -> list[str]:
    return LSP_BREAK.split(text)


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in LSP_BREAK.finditer(text))]


def _units(ch: str, encoding: str) -> int:
    if encoding == UTF32:
        return 1
    if encoding == UTF16:
        return 2 if ord(ch) > 0xFFFF else 1
    return len(ch.encode("utf-8", "surrogatepass"))


def _index(line: str, column: int, encoding: str) -> int:
    """The plain model: walk the characters (a column inside one means after it)."""
    units = 0
    for i, ch in enumerate(line):
        if units >= column:
            return i
        units += _units(ch, encoding)
    return len(line)


@pytest.fixture(params=["tiny-chunks", "real-chunks"])
def chunking(request, monkeypatch):
    if request.param == "tiny-chunks":  # every line spans chunks, every edit crosses them
        monkeypatch.setattr(documents, "CHUNK_CHARS", 7)
        monkeypatch.setattr(documents, "CHUNK_LINES", 3)


@pytest.mark.parametrize("encoding", [UTF16, UTF8, UTF32])
@pytest.mark.parametrize("seed", range(6))
def test_random_edits_match_a_plain_string(chunking, seed, encoding):
    rnd = random.Random(seed)
    alphabet = ["a", "b", " ", "\n", "\r\n", "\r", "é", "😀"]
    ref = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 900)))
    doc = Document("file:///r.py", "python", 1, Text(ref), encoding)
    for _ in range(150):
        lines = _lines(ref)
        l1 = rnd.randrange(len(lines))
        l2 = min(len(lines) - 1, l1 + rnd.choice([0, 0, 1, 2, 40]))
        c1 = sum(_units(ch, encoding) for ch in lines[l1][: rnd.randint(0, len(lines[l1]))])
        c2 = sum(_units(ch, encoding) for ch in lines[l2][: rnd.randint(0, len(lines[l2]))])
        if (l2, c2) < (l1, c1):
            c2 = c1
        new = "".join(rnd.choice(alphabet) for _ in range(rnd.choice([0, 1, 3, 60])))
        starts = _line_starts(ref)
        a = starts[l1] + _index(lines[l1], c1, encoding)
        b = starts[l2] + _index(lines[l2], c2, encoding)
        ref = ref[:a] + new + ref[max(a, b) :]
        doc.apply_change(
            {
                "range": {
                    "start": {"line": l1, "character": c1},
                    "end": {"line": l2, "character": c2},
                },
                "text": new,
            }
        )
        assert doc.text.full() == ref
    lines = _lines(ref)
    assert doc.text.line_count == len(lines) and len(doc.text) == len(ref)
    assert [doc.line_text(i) for i in range(len(lines))] == lines
    assert [doc.text.line_length(i) for i in range(len(lines))] == list(map(len, lines))
    starts = [*_line_starts(ref), len(ref)]
    first, last = sorted(rnd.sample(range(len(lines) + 2), 2))
    assert (
        doc.text.lines(first, last)
        == ref[starts[min(first, len(lines))] : starts[min(last, len(lines))]]
    )
    for n, line in enumerate(lines):
        column = rnd.randint(0, sum(_units(ch, encoding) for ch in line) + 2)
        index = _index(line, column, encoding)
        assert doc.clamp(n, column) == (n, index)
        assert doc.column(n, index) == index_to_column(line, index, encoding)


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("a\rb\rc", ["a", "b", "c"]),
        ("a\r\nb\nc\r", ["a", "b", "c", ""]),
        ("\r\r\n\n", ["", "", "", ""]),
    ],
    ids=["lone-cr", "mixed", "only-breaks"],
)
def test_every_lsp_line_break_ends_a_line(text, lines):
    doc = Text(text)
    assert doc.line_count == len(lines)
    assert [doc.line(i) for i in range(len(lines))] == lines


def test_an_edit_after_a_lone_cr_lands_on_the_line_the_editor_means():
    doc = Document("file:///m.txt", "plaintext", 1, Text("first\rsecond\rthird"))
    doc.apply_change(
        {
            "range": {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 0}},
            "text": "the ",
        }
    )
    assert doc.text.full() == "first\rsecond\rthe third"
    assert doc.last_edit == (2, 2)


def test_joining_cr_and_lf_makes_one_line_break(chunking):
    doc = Document("file:///j.txt", "plaintext", 1, Text("ab\r" + "x" * 30 + "\ncd"))
    assert doc.text.line_count == 3
    doc.apply_change(
        {
            "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 30}},
            "text": "",
        }
    )
    assert doc.text.full() == "ab\r\ncd"
    assert doc.text.line_count == 2 and doc.line_text(1) == "cd"


@pytest.mark.parametrize(
    "encoding, column, index",
    [
        (UTF16, 3, 2),
        (UTF16, 1, 1),
        (UTF16, 2, 2),
        (UTF8, 5, 2),
        (UTF8, 1, 1),
        (UTF8, 3, 2),
        (UTF32, 2, 2),
        (UTF16, 99, 3),
    ],
    ids=[
        "utf16-after-emoji",
        "utf16-before",
        "utf16-inside-the-pair-means-after",
        "utf8-after-emoji",
        "utf8-before",
        "utf8-inside-the-bytes-means-after",
        "utf32",
        "clamped",
    ],
)
def test_columns_in_every_encoding(encoding, column, index):
    line = "a😀b"
    assert column_to_index(line, column, encoding) == index
    assert column_to_index(line, index_to_column(line, index, encoding), encoding) == index


def test_a_lone_surrogate_in_a_line_converts_without_error():
    line = "a\ud800b😀c"
    assert column_to_index(line, 3, UTF16) == 3
    assert column_to_index(line, 5, UTF16) == 4
    assert index_to_column(line, 4, UTF16) == 5
    assert index_to_column(line, 4, UTF8) == 9


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

    docs = DocumentStore()
    docs.open("file:///w.py", "python", 1, "old")
    docs.change("file:///w.py", 2, [types.TextDocumentContentChangeWholeDocument(text="new")])
    assert docs.get("file:///w.py").text.full() == "new"


def test_a_minified_line_is_held_in_many_small_chunks():
    doc = Text("é" * 1_000_000)
    assert doc.line_count == 1 and len(doc._chunks) > 50
    assert max(map(len, doc._chunks)) <= documents.CHUNK_CHARS
    assert doc.index_of(0, 600_000, UTF8) == 300_000


KEY_BLOCK = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi6Z1n5bXjFeEd1n2TJ9sVz\n"
)


@pytest.mark.parametrize("seed", range(4))
def test_a_private_key_is_seen_however_the_edits_cut_the_chunks(chunking, seed):
    rnd = random.Random(seed)
    doc = Document("file:///k.txt", "plaintext", 1, Text("x = 1\n" * 30))
    for _ in range(40):
        text = doc.text.full()
        at = rnd.randint(0, len(text))
        line = text.count("\n", 0, at)
        column = at - (text.rfind("\n", 0, at) + 1)
        if KEY_BLOCK in text and rnd.random() < 0.5:  # take the key out again
            start = text.index(KEY_BLOCK)
            s_line = text.count("\n", 0, start)
            s_col = start - (text.rfind("\n", 0, start) + 1)
            end = (s_line + 2, 0)
            change = {"start": {"line": s_line, "character": s_col}}
            change["end"] = {"line": end[0], "character": end[1]}
            doc.apply_change({"range": change, "text": ""})
        else:
            new = KEY_BLOCK if rnd.random() < 0.3 else "y"
            point = {"line": line, "character": column}
            doc.apply_change({"range": {"start": point, "end": point}, "text": new})
        assert doc.holds_private_key() == masking.holds_private_key(doc.text.full())
