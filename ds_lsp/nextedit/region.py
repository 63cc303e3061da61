"""The editable region of a next-edit request: whole lines around the cursor, marked.

`editable_region` takes `half` lines above and below the cursor's line (fewer when the lines
are long: at most `MAX_REGION_CHARS`), the cursor, the document's line break and some whole
lines of context above and below. `Region.marked` writes it exactly as CONTRACT.md says:
`<|editable_region_start|>` on its own line, the region with `<|user_cursor_is_here|>` at the
cursor, `<|editable_region_end|>` on its own line. A region whose text holds one of the
markers itself is refused (the answer could not be read back); context lines holding one are
left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from ds_lsp.documents import Document
from ds_lsp.nextedit.history import LINE_BREAK
from ds_lsp.window import first_fitting_line, suffix_window

START = "<|editable_region_start|>"
CURSOR = "<|user_cursor_is_here|>"
END = "<|editable_region_end|>"
MARKERS = (START, CURSOR, END)
MAX_REGION_CHARS = 6000
CONTEXT_ABOVE_CHARS = 2000
CONTEXT_BELOW_CHARS = 1000


@dataclass(frozen=True)
class Region:
    """Lines `first`.. of one document version, the cursor in it, and context around."""

    uri: str
    version: int
    first: int  # document line of lines[0]
    lines: tuple[str, ...]  # without line breaks
    cursor: tuple[int, int]  # (document line, Python index)
    eol: str  # the document's line break: "\n" or "\r\n"
    at_eof: bool  # lines[-1] is the document's last line
    encoding: str  # the negotiated position encoding
    before: str = ""  # whole lines above the region, each ending "\n"
    after: str = ""  # whole lines below the region

    @property
    def last(self) -> int:
        return self.first + len(self.lines) - 1

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def marked(self) -> str:
        """The region between its markers, the cursor marked."""
        row, index = self.cursor[0] - self.first, self.cursor[1]
        lines = list(self.lines)
        lines[row] = lines[row][:index] + CURSOR + lines[row][index:]
        return f"{START}\n" + "\n".join(lines) + f"\n{END}"


def editable_region(doc: Document, line: int, character: int, half: int) -> Region | None:
    """The region around an LSP position, or None when there is none to offer (a cursor
    line longer than MAX_REGION_CHARS, or marker text in the region)."""
    row, index = doc.clamp(line, character)
    first, last = max(0, row - max(half, 0)), min(doc.text.line_count - 1, row + max(half, 0))
    lines = _lines(doc, first, last + 1)
    first, lines = _fit(first, lines, row)
    if not lines or any(m in text for m in MARKERS for text in lines):
        return None
    last = first + len(lines) - 1
    return Region(
        uri=doc.uri,
        version=doc.version,
        first=first,
        lines=tuple(lines),
        cursor=(row, index),
        eol=_line_break(doc, first),
        at_eof=last == doc.text.line_count - 1,
        encoding=doc.encoding,
        before=_context_above(doc, first),
        after=_context_below(doc, last + 1),
    )


def _lines(doc: Document, first: int, last: int) -> list[str]:
    """Lines first..last-1 without their breaks: one read, split in C."""
    first, last = max(first, 0), min(last, doc.text.line_count)
    if first >= last:
        return []
    return LINE_BREAK.split(doc.text.lines(first, last))[: last - first]


def _fit(first: int, lines: list[str], row: int) -> tuple[int, list[str]]:
    """Drop the lines farthest from the cursor until the region fits MAX_REGION_CHARS."""
    size = sum(len(t) + 1 for t in lines)
    while size > MAX_REGION_CHARS and len(lines) > 1:
        if row - first >= first + len(lines) - 1 - row:
            size -= len(lines.pop(0)) + 1
            first += 1
        else:
            size -= len(lines.pop()) + 1
    return (first, lines) if size <= MAX_REGION_CHARS else (first, [])


def _line_break(doc: Document, first: int) -> str:
    """The document's line break at the region: that of its first line with one (or of the
    line above, at the end of the document): "\n", "\r\n" or a lone "\r"."""
    n = first if first < doc.text.line_count - 1 else first - 1
    if n < 0:
        return "\n"
    return doc.text.lines(n, n + 1)[doc.text.line_length(n) :] or "\n"


def _context_above(doc: Document, first: int) -> str:
    start = first_fitting_line(doc.text, first, CONTEXT_ABOVE_CHARS)
    lines = _lines(doc, start, first)
    cut = max((i + 1 for i, t in enumerate(lines) if any(m in t for m in MARKERS)), default=0)
    return "".join(t + "\n" for t in lines[cut:])


def _context_below(doc: Document, line: int) -> str:
    if line >= doc.text.line_count:
        return ""
    text = LINE_BREAK.sub("\n", suffix_window(doc, line, 0, CONTEXT_BELOW_CHARS))
    lines = text.split("\n")
    cut = next((i for i, t in enumerate(lines) if any(m in t for m in MARKERS)), len(lines))
    return "\n".join(lines[:cut]) + ("\n" if cut < len(lines) else "")
