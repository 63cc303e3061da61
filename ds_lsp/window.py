"""The prompt window around the cursor: prefix and suffix within a character budget.

The prefix is cut on line boundaries and its first line is snapped to a multiple of
`block_lines`, so that while the user types, consecutive prompts start with the same text
(DeepSeek bills a repeated opening at the cache-hit price). The suffix runs from the cursor
to the end of the last whole line that fits its budget. A line longer than the budget is
cut around the cursor, and so are the cursor line's two halves the cleaning looks at
(`line_prefix`, `line_suffix`, at most LINE_CAP characters or the budget). Work is
proportional to the window, never to the file or to a minified file's one line.
"""

from __future__ import annotations

from dataclasses import dataclass

from ds_lsp.documents import Document, Text

LINE_CAP = 1000  # characters of the cursor line kept on each side, when the budget is smaller


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
        return text.slice(cursor - budget, cursor), line
    first = first_fitting_line(text, line, budget - index)
    start = first if first == 0 else min(line, -(-first // block) * block)
    return text.slice(text.offset(start), cursor), start


def suffix_window(doc: Document, line: int, index: int, budget: int) -> str:
    """Text after the cursor: the rest of its line and the following whole lines in budget."""
    text = doc.text
    cursor = text.offset(line) + index
    if text.offset(line + 1) - cursor >= budget:
        return text.slice(cursor, cursor + budget)
    low, high = line + 1, text.line_count  # the last line end within budget, in [low, high]
    while low < high:
        middle = (low + high + 1) // 2
        if text.offset(middle) - cursor <= budget:
            low = middle
        else:
            high = middle - 1
    return text.slice(cursor, text.offset(low))  # past the last line: the text's end


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
