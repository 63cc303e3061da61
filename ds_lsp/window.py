"""The prompt window around the cursor: prefix and suffix within a character budget.

The prefix is cut on line boundaries and its first line is snapped to a multiple of
`block_lines`, so that while the user types, consecutive prompts start with the same text
(DeepSeek bills a repeated opening at the cache-hit price). The suffix runs from the cursor
to the end of the last whole line that fits its budget. A line longer than the budget is
cut around the cursor, never inside a token (a key cut in half would not be recognized, and
masked, as one), and so are the cursor line's two halves the cleaning looks at
(`line_prefix`, `line_suffix`, at most LINE_CAP characters or the budget). Work is
proportional to the window, never to the file or to a minified file's one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ds_lsp.documents import Document, Text

LINE_CAP = 1000  # characters of the cursor line kept on each side, when the budget is smaller
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/=.~")
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_\-+/=.~]{0,4096}+")  # a longer run is no key: kept


@dataclass(frozen=True)
class Window:
    """What is sent: text before and after the cursor, and where the prefix starts."""

    prefix: str
    suffix: str
    start_line: int
    line_prefix: str  # the cursor line up to the cursor (its last LINE_CAP or more chars)
    line_suffix: str  # the cursor line after the cursor (its first LINE_CAP or more chars)


def first_fitting_line(text: Text, line: int, room: int) -> int:
    """The earliest line L such that lines L..line-1 fit in `room` characters."""
    end = text.offset(line)
    low, high = 0, line  # the answer is in [low, high]
    while low < high:
        middle = (low + high) // 2
        if end - text.offset(middle) <= room:
            high = middle
        else:
            low = middle + 1
    return low


def prefix_window(doc: Document, line: int, index: int, budget: int, block: int) -> tuple[str, int]:
    """Text before the cursor: whole lines from a block-aligned start, within `budget`."""
    text = doc.text
    cursor = text.offset(line) + index
    if index >= budget:
        head = text.slice(cursor - budget, cursor)
        if budget and text.slice(cursor - budget - 1, cursor - budget) in TOKEN_CHARS:
            head = head[_run_length(head) :]  # the start of a token cut in two
        return head, line
    first = first_fitting_line(text, line, budget - index)
    start = first if first == 0 else min(line, -(-first // block) * block)
    return text.slice(text.offset(start), cursor), start


def suffix_window(doc: Document, line: int, index: int, budget: int) -> str:
    """Text after the cursor: the rest of its line and the following whole lines in budget."""
    text = doc.text
    cursor = text.offset(line) + index
    if text.offset(line + 1) - cursor >= budget:
        tail = text.slice(cursor, cursor + budget)
        if budget and text.slice(cursor + budget, cursor + budget + 1) in TOKEN_CHARS:
            tail = tail[: len(tail) - _run_length(tail[::-1])]  # the end of a cut token
        return tail
    low, high = line + 1, text.line_count  # the last line end within budget, in [low, high]
    while low < high:
        middle = (low + high + 1) // 2
        if text.offset(middle) - cursor <= budget:
            low = middle
        else:
            high = middle - 1
    return text.slice(cursor, text.offset(low))  # past the last line: the text's end


def _run_length(text: str) -> int:
    """Characters of the token run `text` opens with (0 when it runs past 4096)."""
    match = _TOKEN_RUN.match(text)
    end = match.end() if match else 0
    return end if end < 4096 or end == len(text) else 0


def cursor_line(doc: Document, line: int, index: int, before: int, after: int) -> tuple[str, str]:
    """The cursor line's text before and after the cursor, at most `before`/`after` chars."""
    text = doc.text
    start = text.offset(line)
    cursor = start + index
    end = start + text.line_length(line)
    return (
        text.slice(max(start, cursor - before), cursor),
        text.slice(cursor, min(end, cursor + after)),
    )


def build_window(
    doc: Document, line: int, index: int, prefix_budget: int, suffix_budget: int, block: int
) -> Window:
    """The full window at (line, Python index) of `doc`."""
    prefix, start = prefix_window(doc, line, index, prefix_budget, block)
    suffix = suffix_window(doc, line, index, suffix_budget)
    head, tail = cursor_line(
        doc, line, index, max(prefix_budget, LINE_CAP), max(suffix_budget, LINE_CAP)
    )
    return Window(prefix, suffix, start, head, tail)
