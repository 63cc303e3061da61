"""Open documents with incremental edits and position-encoding conversion.

Serves the data side of textDocument/didOpen, didChange and didClose. A document's text is
kept as a list of chunks of at most CHUNK_LINES line breaks and CHUNK_CHARS characters (a
longer line spans several chunks), with the line breaks and characters before each chunk.
An edit touches only the chunks it spans, and finding a position walks only the chunks of
its line, so the cost of a keystroke grows neither with the file nor with a minified file's
one enormous line.

Line breaks are LSP's: `\\r\\n`, `\\n` and a lone `\\r` each end a line (a chunk never
splits `\\r\\n`). LSP positions count characters in the negotiated encoding (UTF-16 code
units by default, UTF-8 bytes or UTF-32 code points when negotiated); `Document` converts
them to Python indices in C-speed passes, never a Python loop over a line.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from ds_lsp import masking

log = logging.getLogger(__name__)

CHUNK_LINES = 48
CHUNK_CHARS = 16_384
_SEAM = 64  # `may_hold` finds needles shorter than this across chunk ends
UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_BREAK = re.compile(r"\r\n?|\n")
_CONTINUATION = bytes(range(0x80, 0xC0))  # UTF-8 bytes that do not start a character


def break_count(text: str) -> int:
    """Line breaks in `text` as LSP counts them (`\\r\\n` is one)."""
    count = text.count("\n")
    if "\r" in text:
        count += text.count("\r") - text.count("\r\n")
    return count


def _break_ends(text: str, start: int = 0, stop: int | None = None) -> Iterator[int]:
    """Offsets just after each line break in text[start:stop]."""
    stop = len(text) if stop is None else stop
    if text.find("\r", start, stop) < 0:  # the common case: "\n" only, found in C
        pos = text.find("\n", start, stop)
        while pos >= 0:
            yield pos + 1
            pos = text.find("\n", pos + 1, stop)
        return
    for match in _BREAK.finditer(text, start, stop):
        yield match.end()


def _nth_break_end(text: str, n: int, start: int = 0, stop: int | None = None) -> int:
    """Offset just after the n-th (1-based) line break in text[start:stop], else -1."""
    stop = len(text) if stop is None else stop
    if text.find("\r", start, stop) < 0:  # "\n" only: a tight loop of C searches
        pos = start
        for _ in range(n):
            pos = text.find("\n", pos, stop) + 1
            if pos == 0:
                return -1
        return pos
    for i, end in enumerate(_break_ends(text, start, stop), 1):
        if i == n:
            return end
    return -1


def _first_break(text: str, start: int) -> int:
    """Offset of the first line-break character at or after `start`, else len(text)."""
    newline = text.find("\n", start)
    stop = len(text) if newline < 0 else newline
    ret = text.find("\r", start, stop)
    return ret if ret >= 0 else stop


def _split_chunks(text: str) -> list[str]:
    """Pieces of at most CHUNK_LINES breaks and CHUNK_CHARS characters, cut after a line
    break where one is near, never inside `\\r\\n`; linear in the text."""
    if len(text) <= CHUNK_CHARS and break_count(text) <= 2 * CHUNK_LINES:
        return [text]
    pieces: list[str] = []
    start, size = 0, len(text)
    while start < size:
        stop = min(size, start + CHUNK_CHARS)
        end = _nth_break_end(text, CHUNK_LINES, start, stop)
        if end < 0 and stop < size:  # no CHUNK_LINES breaks: cut at the last one, if any
            last = max(text.rfind("\n", start, stop), text.rfind("\r", start, stop))
            end = last + 1 if last >= start + CHUNK_CHARS // 2 else stop
        elif end < 0:
            end = size
        if text[end - 1] == "\r" and end < size and text[end] == "\n":
            end += 1  # keep "\r\n" in one piece
        pieces.append(text[start:end])
        start = end
    return pieces


def column_to_index(line: str, column: int, encoding: str) -> int:
    """Python index in `line` of an LSP character offset (clamped to the line); a column
    inside a character (half a surrogate pair, a byte of a UTF-8 sequence) means after it."""
    if column <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(column, len(line))
    head = line[:column]  # every character is at least one unit
    if encoding == UTF16:
        units = head.encode("utf-16-le", "surrogatepass")[: 2 * column]
        return len(units.decode("utf-16-le", "surrogatepass"))
    data = head.encode("utf-8", "surrogatepass")[:column]
    return len(data.translate(None, _CONTINUATION))  # characters started in `column` bytes


def index_to_column(line: str, index: int, encoding: str) -> int:
    """LSP character offset of Python index `index` in `line`."""
    return units_of(line[:index], encoding)


def units_of(text: str, encoding: str) -> int:
    """The length of `text` in the encoding's units."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    return len(text.encode("utf-8", "surrogatepass"))


Span = tuple[int, int, int]  # (chunk, start, stop): a piece of one line inside one chunk


class Text:
    """Chunked text: line lookups in O(log chunks + the line's chunks), edits in O(chunk)."""

    def __init__(self, text: str = "") -> None:
        self._chunks = _split_chunks(text)
        self._reindex()

    def _reindex(self) -> None:
        self._breaks = [break_count(c) for c in self._chunks]
        self._recount()
        self._units: dict[str, list[int | None]] = {}
        self._holds: dict[tuple[str, ...], list[bool | None]] = {}
        self._line_ends: list[list[int] | None] = [None] * len(self._chunks)

    def _recount(self) -> None:
        self._ends = list(accumulate(self._breaks))  # breaks up to and including chunk c
        self._offsets = [0]  # characters before chunk c, made up to date when read
        self._offsets_valid = 0  # offsets[0..valid] are right

    def _ensure_offsets(self) -> list[int]:
        """The character offsets of the chunks, brought up to date from the first chunk a
        keystroke changed (once per read, not per keystroke)."""
        valid = self._offsets_valid
        if valid < len(self._chunks):
            del self._offsets[valid + 1 :]
            self._offsets += accumulate(
                map(len, self._chunks[valid:]), initial=self._offsets[valid]
            )
            del self._offsets[valid + 1]  # `initial` repeated the known one
            self._offsets_valid = len(self._chunks)
        return self._offsets

    @property
    def line_count(self) -> int:
        return self._ends[-1] + 1

    def __len__(self) -> int:
        return self._ensure_offsets()[-1]

    def full(self) -> str:
        return "".join(self._chunks)

    # ---- where lines are -----------------------------------------------------------------
    def _line_start(self, line: int) -> tuple[int, int]:
        """(chunk, offset) where `line` starts; (last chunk, its end) past the end."""
        if line <= 0:
            return 0, 0
        if line > self._ends[-1]:
            return len(self._chunks) - 1, len(self._chunks[-1])
        c = bisect_left(self._ends, line)  # the chunk holding the line-th break
        end = self._chunk_line_ends(c)[line - (self._ends[c] - self._breaks[c]) - 1]
        if end == len(self._chunks[c]) and c + 1 < len(self._chunks):
            return c + 1, 0
        return c, end

    def _chunk_line_ends(self, c: int) -> list[int]:
        """The offsets just after each line break of chunk c, found once per change of the
        chunk (a window's line lookups then cost a bisect each, not a search)."""
        ends = self._line_ends[c]
        if ends is None:
            ends = self._line_ends[c] = list(_break_ends(self._chunks[c]))
        return ends

    def offset(self, line: int) -> int:
        """Characters before `line` (the text's length past the last line)."""
        c, off = self._line_start(line)
        return self._ensure_offsets()[c] + off

    def _spans(self, line: int) -> Iterator[Span]:
        """The pieces of `line` (without its break), chunk by chunk."""
        c, off = self._line_start(line)
        while True:
            chunk = self._chunks[c]
            stop = _first_break(chunk, off) if off or self._breaks[c] else len(chunk)
            yield c, off, stop
            if stop < len(chunk) or c + 1 >= len(self._chunks):
                return
            c, off = c + 1, 0

    def slice(self, start: int, stop: int) -> str:
        """Characters start..stop-1 of the whole text (clamped)."""
        start, stop = max(start, 0), min(stop, len(self))
        if start >= stop:
            return ""
        offsets = self._ensure_offsets()
        c1 = bisect_right(offsets, start) - 1
        c2 = bisect_left(offsets, stop) - 1
        if c1 == c2:
            base = offsets[c1]
            return self._chunks[c1][start - base : stop - base]
        out = [self._chunks[c1][start - offsets[c1] :]]
        out += self._chunks[c1 + 1 : c2]
        out.append(self._chunks[c2][: stop - offsets[c2]])
        return "".join(out)

    def lines(self, first: int, last: int) -> str:
        """Text of lines first..last-1 with their line breaks (clamped)."""
        first, last = max(first, 0), min(last, self.line_count)
        if first >= last:
            return ""
        return self.slice(self.offset(first), self.offset(last))

    def line(self, n: int) -> str:
        """Line n without its line break ('' past the end)."""
        if not 0 <= n < self.line_count:
            return ""
        return "".join(self._chunks[c][a:b] for c, a, b in self._spans(n))

    def line_length(self, n: int) -> int:
        """Characters of line n without its break."""
        if not 0 <= n < self.line_count:
            return 0
        return sum(b - a for _, a, b in self._spans(n))

    def may_hold(self, needles: tuple[str, ...]) -> bool:
        """Whether any of `needles` (each shorter than 64 characters) occurs in the text;
        per chunk (with its seam to the next) and remembered until the chunk changes, so
        after a keystroke only the edited chunks are looked at again."""
        cache = self._holds.setdefault(needles, [None] * len(self._chunks))
        for i, known in enumerate(cache):
            if known is None:
                known = cache[i] = self._chunk_holds(i, needles)
            if known:
                return True
        return False

    def _chunk_holds(self, i: int, needles: tuple[str, ...]) -> bool:
        """A needle starting in chunk i: inside it, or across its end (its seam)."""
        chunk, after, j = self._chunks[i], "", i + 1
        while j < len(self._chunks) and len(after) < _SEAM:
            after += self._chunks[j][:_SEAM]
            j += 1
        seam = chunk[-_SEAM:] + after
        return any(n in chunk or n in seam for n in needles)

    def _seam_reach(self, c1: int) -> int:
        """The first chunk whose seam reaches into chunk c1 (chunks are small at times)."""
        i, between = c1 - 1, 0
        while i > 0 and between + len(self._chunks[i]) < _SEAM:
            between += len(self._chunks[i])
            i -= 1
        return max(i, 0)

    # ---- positions -----------------------------------------------------------------------
    def _chunk_units(self, c: int, encoding: str) -> int:
        cache = self._units.setdefault(encoding, [None] * len(self._chunks))
        known = cache[c]
        if known is None:
            known = cache[c] = units_of(self._chunks[c], encoding)
        return known

    def index_of(self, line: int, column: int, encoding: str) -> int:
        """Python index in `line` of an LSP column (clamped to the line)."""
        index, units = 0, 0
        for c, a, b in self._spans(line):
            chunk = self._chunks[c]
            whole = a == 0 and b == len(chunk)
            size = self._chunk_units(c, encoding) if whole else units_of(chunk[a:b], encoding)
            if units + size >= column:
                return index + column_to_index(chunk[a:b], column - units, encoding)
            index, units = index + b - a, units + size
        return index

    def column_of(self, line: int, index: int, encoding: str) -> int:
        """LSP column of Python index `index` in `line`."""
        units = 0
        for c, a, b in self._spans(line):
            if index <= b - a:
                return units + units_of(self._chunks[c][a : a + index], encoding)
            units += units_of(self._chunks[c][a:b], encoding)
            index -= b - a
        return units

    def _locate(self, line: int, index: int) -> tuple[int, int]:
        """(chunk, offset) of Python index `index` in `line` (clamped to the line)."""
        last = (0, 0)
        for c, a, b in self._spans(line):
            if index <= b - a:
                return c, a + index
            index -= b - a
            last = (c, b)
        return last

    # ---- edits ---------------------------------------------------------------------------
    def replace(self, start: tuple[int, int], end: tuple[int, int], new: str) -> None:
        """Replace the text between two (line, index) points; indices are Python offsets."""
        c1, a = self._locate(*start)
        c2, b = (c1, a) if end == start else self._locate(*end)
        chunks = self._chunks
        local = chunks[c1][:a] + new + chunks[c2][b:]  # the chunks between go whole
        c1, c2, local = self._widen(c1, c2, local)
        pieces = _split_chunks(local) if local else []
        if not pieces and len(chunks) == c2 - c1 + 1:
            pieces = [""]
        counts = [break_count(p) for p in pieces]
        same_shape = len(pieces) == c2 - c1 + 1 and counts == self._breaks[c1 : c2 + 1]
        chunks[c1 : c2 + 1] = pieces
        self._breaks[c1 : c2 + 1] = counts
        for cache in self._units.values():
            cache[c1 : c2 + 1] = [None] * len(pieces)
        self._line_ends[c1 : c2 + 1] = [None] * len(pieces)
        reach = self._seam_reach(c1)  # the chunks before whose seams see the edit
        for holds in self._holds.values():
            holds[reach : c2 + 1] = [None] * (len(pieces) + c1 - reach)
        if not same_shape:  # a line break came or went: the line index moves
            self._ends[c1:] = accumulate(self._breaks[c1:], initial=self._ends[c1 - 1] if c1 else 0)
            del self._ends[c1]  # `initial` repeated the known one (or the 0 before all)
        self._offsets_valid = min(self._offsets_valid, c1)  # the usual keystroke: O(1)

    def _widen(self, c1: int, c2: int, local: str) -> tuple[int, int, str]:
        """Take in neighbouring chunks so that `\\r\\n` is never split between two chunks
        and a small remainder joins its neighbour (chunks do not crumble under edits)."""
        chunks = self._chunks
        while True:
            if c1 > 0 and local[:1] in ("", "\n") and chunks[c1 - 1].endswith("\r"):
                c1 -= 1
                local = chunks[c1] + local
            elif c2 + 1 < len(chunks) and _joins(local, chunks[c2 + 1]):
                c2 += 1
                local += chunks[c2]
            else:
                return c1, c2, local


def _joins(local: str, following: str) -> bool:
    """Whether the next chunk must join the edited text: it opens with the "\n" of a
    "\r\n" the edit ends, or both are small."""
    if local[-1:] in ("", "\r") and following[:1] == "\n":
        return True
    return _small(local) and _small(following)


def _small(text: str) -> bool:
    return len(text) < CHUNK_CHARS // 4 and text.count("\n") < CHUNK_LINES // 4


@dataclass
class Document:
    """One open text document."""

    uri: str
    language_id: str
    version: int
    text: Text
    encoding: str = UTF16
    last_edit: tuple[int, int] | None = None  # first and last line of the latest edit
    _private_key: bool | None = field(default=None, init=False, repr=False, compare=False)

    def line_text(self, line: int) -> str:
        """Line `line` without its break."""
        return self.text.line(line)

    def clamp(self, line: int, column: int) -> tuple[int, int]:
        """(line, Python index) for an LSP position, clamped into the document."""
        if line < 0:
            return 0, 0
        last = self.text.line_count - 1
        if line > last:
            return last, self.text.line_length(last)
        return line, self.text.index_of(line, column, self.encoding)

    def is_valid(self, line: int, column: int) -> bool:
        return 0 <= line < self.text.line_count and column >= 0

    def apply_change(self, change: Any) -> None:
        """Apply one contentChanges entry (ranged or whole-document)."""
        self._private_key = None
        rng = _get(change, "range")
        new = _get(change, "text") or ""
        if rng is None:
            self.text = Text(new)
            return
        s, e = _get(rng, "start"), _get(rng, "end")
        start = self.clamp(_get(s, "line"), _get(s, "character"))
        same = (_get(e, "line"), _get(e, "character")) == (_get(s, "line"), _get(s, "character"))
        end = start if same else self.clamp(_get(e, "line"), _get(e, "character"))
        if end < start:
            start, end = end, start
        self.text.replace(start, end, new)
        self.last_edit = (start[0], start[0] + break_count(new))

    def column(self, line: int, index: int) -> int:
        """The LSP column of Python index `index` in `line`."""
        return self.text.column_of(line, index, self.encoding)

    def holds_private_key(self) -> bool:
        """Whether the text holds a private key, so none of it may go upstream (decided
        once per edit; a chunk-by-chunk look first, the whole text only when it may)."""
        if self._private_key is None:
            self._private_key = self.text.may_hold(masking.KEY_HINTS) and (
                masking.holds_private_key(self.text.full())
            )
        return self._private_key


def _get(obj: Any, name: str) -> Any:
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

    def change(self, uri: str, version: int, changes: list[Any]) -> Document | None:
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

    def __iter__(self) -> Iterator[Document]:
        return iter(list(self._docs.values()))
