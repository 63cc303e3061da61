"""The prompt window around the cursor: prefix and suffix within a character budget.

The prefix is cut on line boundaries and its first line is snapped to a multiple of
`block_lines`, so that while the user types, consecutive prompts start with the same text
(DeepSeek bills a repeated opening at the cache-hit price). The suffix runs from the cursor
to the end of the last whole line that fits its budget. Work is proportional to the window,
never to the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ds_lsp.documents import Document

_STEP_LINES = 64
_LINE = re.compile(r"[^\n]*\n|[^\n]+")


def _lines(text: str) -> list[str]:
    """Lines with their breaks, split on "\n" only (str.splitlines also splits on form
    feeds and U+2028, which the document's line index does not)."""
    return _LINE.findall(text)


@dataclass(frozen=True)
class Window:
    """What is sent: text before and after the cursor, and where the prefix starts."""

    prefix: str
    suffix: str
    start_line: int
    line_prefix: str  # the cursor line up to the cursor
    line_suffix: str  # the cursor line after the cursor


def first_fitting_line(doc: Document, line: int, used: int, budget: int) -> int:
    """The earliest line L such that lines L..line-1 fit in `budget - used` characters."""
    start = line
    while start > 0:
        piece = doc.text.lines(max(0, start - _STEP_LINES), start)
        if used + len(piece) <= budget:
            used += len(piece)
            start = max(0, start - _STEP_LINES)
            continue
        for text in reversed(_lines(piece)):
            if used + len(text) > budget:
                return start
            used += len(text)
            start -= 1
        return start
    return 0


def prefix_window(doc: Document, line: int, index: int, budget: int, block: int) -> tuple[str, int]:
    """Text before the cursor: whole lines from a block-aligned start, within `budget`."""
    head = doc.line_text(line)[:index]
    if len(head) >= budget:
        return head[len(head) - budget :] if budget else "", line
    first = first_fitting_line(doc, line, len(head), budget)
    start = first if first == 0 else min(line, -(-first // block) * block)
    return doc.text.lines(start, line) + head, start


def suffix_window(doc: Document, line: int, index: int, budget: int) -> str:
    """Text after the cursor: the rest of its line and the following whole lines in budget."""
    tail = doc.text.lines(line, line + 1)[index:]
    if len(tail) >= budget:
        return tail[:budget]
    out = [tail]
    used = len(tail)
    nxt = line + 1
    while nxt < doc.text.line_count:
        for text in _lines(doc.text.lines(nxt, nxt + _STEP_LINES)):
            if used + len(text) > budget:
                return "".join(out)
            out.append(text)
            used += len(text)
        nxt += _STEP_LINES
    return "".join(out)


def build_window(
    doc: Document, line: int, index: int, prefix_budget: int, suffix_budget: int, block: int
) -> Window:
    """The full window at (line, Python index) of `doc`."""
    text = doc.line_text(line)
    prefix, start = prefix_window(doc, line, index, prefix_budget, block)
    suffix = suffix_window(doc, line, index, suffix_budget)
    return Window(prefix, suffix, start, text[:index], text[index:])
