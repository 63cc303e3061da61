"""Open documents with incremental edits and position-encoding conversion.

Serves the data side of textDocument/didOpen, didChange and didClose. A document's text is
kept as a list of chunks, each holding up to a few dozen whole lines, with the number of line
breaks before each chunk. An edit touches only the chunks it spans, so the cost of a keystroke
does not grow with the file, and the text costs little more memory than its characters.

LSP positions count characters in the negotiated encoding (UTF-16 code units by default,
UTF-8 bytes or UTF-32 code points when negotiated); `Document` converts to Python indices.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

log = logging.getLogger(__name__)

CHUNK_LINES = 48
UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def _split_chunks(text: str, size: int = CHUNK_LINES) -> list[str]:
    """Split text into pieces of `size` whole lines (only the last may lack a final newline)."""
    if text.count("\n") <= 2 * size:
        return [text]
    pieces: list[str] = []
    start = 0
    while True:
        end = start
        for _ in range(size):
            end = text.find("\n", end) + 1
            if end == 0:
                break
        if end == 0 or end >= len(text):
            pieces.append(text[start:])
            return pieces
        pieces.append(text[start:end])
        start = end


def column_to_index(line: str, column: int, encoding: str) -> int:
    """Python index in `line` of an LSP character offset (clamped to the line)."""
    if column <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(column, len(line))
    units = 0
    for i, ch in enumerate(line):
        if units >= column:
            return i
        code = ord(ch)
        if encoding == UTF16:
            units += 2 if code > 0xFFFF else 1
        else:
            units += 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    return len(line)


def index_to_column(line: str, index: int, encoding: str) -> int:
    """LSP character offset of Python index `index` in `line`."""
    head = line[:index]
    if encoding == UTF32 or head.isascii():
        return len(head)
    if encoding == UTF16:
        return len(head) + sum(1 for ch in head if ord(ch) > 0xFFFF)
    return len(head.encode("utf-8", "surrogatepass"))


class Text:
    """Chunked text with line lookups in O(log chunks) and edits in O(chunk)."""

    def __init__(self, text: str = "") -> None:
        self._chunks = _split_chunks(text)
        self._reindex()

    def _reindex(self) -> None:
        self._breaks = [c.count("\n") for c in self._chunks]
        self._starts = [0, *accumulate(self._breaks)][:-1]

    @property
    def line_count(self) -> int:
        return self._starts[-1] + self._breaks[-1] + 1

    def __len__(self) -> int:
        return sum(map(len, self._chunks))

    def full(self) -> str:
        return "".join(self._chunks)

    def _chunk_of(self, line: int) -> int:
        return bisect_right(self._starts, line) - 1

    def lines(self, first: int, last: int) -> str:
        """Text of lines first..last-1 with their line breaks (clamped)."""
        first, last = max(first, 0), min(last, self.line_count)
        if first >= last:
            return ""
        out: list[str] = []
        c = self._chunk_of(first)
        line = first
        while line < last and c < len(self._chunks):
            chunk, base = self._chunks[c], self._starts[c]
            own = self._breaks[c] + (c == len(self._chunks) - 1)  # last chunk: +1 open line
            stop_line = min(last, base + own)
            begin = _nth_line_start(chunk, line - base)
            out.append(chunk[begin : _nth_line_start(chunk, stop_line - base)])
            line = stop_line
            c += 1
        return "".join(out)

    def line(self, n: int) -> str:
        """Line n without its line break ('' past the end)."""
        text = self.lines(n, n + 1)
        return text[:-1] if text.endswith("\n") else text

    def replace(self, start: tuple[int, int], end: tuple[int, int], new: str) -> None:
        """Replace the text between two (line, index) points; indices are Python offsets."""
        c1, c2 = self._chunk_of(start[0]), self._chunk_of(end[0])
        local = "".join(self._chunks[c1 : c2 + 1])
        base = self._starts[c1]
        a = _nth_line_start(local, start[0] - base) + start[1]
        b = _nth_line_start(local, end[0] - base) + end[1]
        local = local[:a] + new + local[b:]
        pieces = _split_chunks(local)
        self._chunks[c1 : c2 + 1] = pieces
        if "\n" in new or start[0] != end[0] or len(pieces) != c2 - c1 + 1:
            # recount only the replaced chunks; the line starts are a cheap running sum
            self._breaks[c1 : c2 + 1] = [p.count("\n") for p in pieces]
            self._starts = [0, *accumulate(self._breaks)][:-1]


def _nth_line_start(text: str, n: int) -> int:
    """Offset where line n (0-based) of `text` starts."""
    pos = 0
    for _ in range(n):
        pos = text.find("\n", pos) + 1
        if pos == 0:
            return len(text)
    return pos


@dataclass
class Document:
    """One open text document."""

    uri: str
    language_id: str
    version: int
    text: Text
    encoding: str = UTF16
    last_edit: tuple[int, int] | None = None  # first and last line of the latest edit

    def line_text(self, line: int) -> str:
        text = self.text.line(line)
        return text[:-1] if text.endswith("\r") else text

    def clamp(self, line: int, column: int) -> tuple[int, int]:
        """(line, Python index) for an LSP position, clamped into the document."""
        if line < 0:
            return 0, 0
        last = self.text.line_count - 1
        if line > last:
            return last, len(self.line_text(last))
        return line, column_to_index(self.line_text(line), column, self.encoding)

    def is_valid(self, line: int, column: int) -> bool:
        return 0 <= line < self.text.line_count and column >= 0

    def apply_change(self, change: dict | object) -> None:
        """Apply one contentChanges entry (ranged or whole-document)."""
        rng = _get(change, "range")
        new = _get(change, "text") or ""
        if rng is None:
            self.text = Text(new)
            return
        s, e = _get(rng, "start"), _get(rng, "end")
        start = self.clamp(_get(s, "line"), _get(s, "character"))
        end = self.clamp(_get(e, "line"), _get(e, "character"))
        if end < start:
            start, end = end, start
        self.text.replace(start, end, new)
        self.last_edit = (start[0], start[0] + new.count("\n"))

    def column(self, line: int, index: int) -> int:
        return index_to_column(self.line_text(line), index, self.encoding)


def _get(obj: dict | object, name: str):
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


class DocumentStore:
    """The open documents by URI. `before_change` hooks see each content change before the
    document applies it (the next-edit history keeps the lines it replaces)."""

    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}
        self.encoding = UTF16
        self.before_change: list[Callable[[Document, Any], None]] = []

    def open(self, uri: str, language_id: str, version: int, text: str) -> Document:
        doc = Document(uri, language_id, version, Text(text), self.encoding)
        self._docs[uri] = doc
        return doc

    def change(self, uri: str, version: int, changes: list) -> Document | None:
        doc = self._docs.get(uri)
        if doc is None:
            return None
        for change in changes:
            for hook in self.before_change:
                try:
                    hook(doc, change)
                except Exception:  # a watcher's bug never loses the user's text
                    log.exception("a document watcher failed")
            doc.apply_change(change)
        doc.version = version
        return doc

    def close(self, uri: str) -> None:
        self._docs.pop(uri, None)

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def __iter__(self):
        return iter(list(self._docs.values()))
