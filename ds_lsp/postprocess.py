"""Cleaning the model's text before it is shown: pure functions, table-tested.

`should_complete` decides single-line or multi-line from what follows the cursor; `clean`
runs the whole pipeline: line endings, single-line cut, block cut (dedent past the cursor's
block, blank-line pairs), repeated lines, text repeating the suffix or the next lines, closing
brackets and quotes already present after the cursor, trailing whitespace.
"""

from __future__ import annotations

from enum import StrEnum

CLOSERS = set(")]}>\"'`;,: \t")
OPENERS = ("(", "[", "{", ":", "=>", " do", " then")


class Mode(StrEnum):
    """How much a suggestion may hold."""

    NONE = "none"
    SINGLE = "single"
    MULTI = "multi"


def only_closers(text: str) -> bool:
    return all(ch in CLOSERS for ch in text)


def should_complete(line_prefix: str, line_suffix: str, policy: str = "auto") -> Mode:
    """single-line when code other than closers follows the cursor; else multi-line."""
    if policy == "never":
        return Mode.SINGLE
    if policy == "always":
        return Mode.MULTI
    return Mode.MULTI if only_closers(line_suffix.rstrip("\r\n")) else Mode.SINGLE


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def opens_block(line: str) -> bool:
    """Whether a line ends by opening a block (`:`, `{`, `(`, `[`, `=>`, `do`, `then`)."""
    return line.rstrip().endswith(OPENERS)


def cut_block(text: str, line_prefix: str, max_lines: int) -> str:
    """Keep the lines that belong to the cursor's block.

    Stop at a line indented less than the cursor's line; when the cursor's line opens a
    block, stop once the text comes back to the cursor line's level (keeping a closer
    such as `}` or `end`). Two blank lines in a row end the suggestion too.
    """
    lines = text.split("\n")
    base = indent_of(line_prefix) if line_prefix.strip() else len(line_prefix)
    opened = opens_block(line_prefix + lines[0])
    kept = [lines[0]]
    blank_run = 0
    for line in lines[1:]:
        if not line.strip():
            blank_run += 1
            if blank_run >= 2:
                break
            kept.append(line)
            continue
        blank_run = 0
        level = indent_of(line)
        if level < base:
            break
        if level == base and opened:
            if only_closers(line.strip()) or line.strip() in ("end", "fi", "done", "esac"):
                kept.append(line)
            break
        kept.append(line)
        if len(kept) >= max_lines:
            break
    return "\n".join(kept).rstrip("\n ") if len(kept) > 1 else kept[0]


def drop_repeated_lines(text: str) -> str:
    """Stop at a line that repeats the line before it (models loop)."""
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].strip() and lines[i] == lines[i - 1] and len(lines[i].strip()) > 1:
            return "\n".join(lines[:i])
    return text


def cut_at_suffix_lines(text: str, suffix: str) -> str:
    """Stop where the suggestion starts repeating the code that follows the cursor."""
    following = [s.strip() for s in suffix.split("\n")[1:] if s.strip()]
    if not following:
        return text
    lines = text.split("\n")
    first = following[0]
    for i in range(1, len(lines)):
        if lines[i].strip() == first and (len(first) > 2 or _next_match(lines, i, following)):
            return "\n".join(lines[:i])
    return text


def _next_match(lines: list[str], i: int, following: list[str]) -> bool:
    """A short line (like `}`) counts as a repeat only if the line after it repeats too."""
    if len(following) < 2 or i + 1 >= len(lines):
        return len(following) < 2 and i == len(lines) - 1
    return lines[i + 1].strip() == following[1]


PAIRS = {")": "(", "]": "[", "}": "{"}


def _unmatched(text: str, closers: str) -> bool:
    """Every bracket or quote in `closers` closes something `text` left open."""
    for ch in set(closers):
        if ch in PAIRS:
            excess = text.count(ch) - text.count(PAIRS[ch])
            if excess < closers.count(ch):
                return False
        elif ch in "\"'`" and text.count(ch) % 2 == 0:
            return False
    return True


def trim_suffix_overlap(text: str, line_suffix: str) -> str:
    """Drop the end of the suggestion that is already written after the cursor."""
    head = line_suffix.rstrip("\r\n")
    if not head.strip():
        return text
    for k in range(min(len(head), len(text)), 0, -1):
        overlap = head[:k]
        if not text.endswith(overlap):
            continue
        if only_closers(overlap) and _unmatched(text, overlap):
            return text[:-k]
        if not only_closers(overlap) and len(overlap.strip()) >= 3:
            return text[:-k]
    return text


def strip_trailing_space(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n")


def clean(raw: str, prefix: str, suffix: str, line_prefix: str, mode: Mode,
          max_lines: int = 12) -> str:
    """The text to insert at the cursor, or '' when nothing useful is left."""
    if mode is Mode.NONE or not raw:
        return ""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    line_suffix = suffix.split("\n", 1)[0]
    if mode is Mode.SINGLE:
        text = text.split("\n", 1)[0]
    elif not line_prefix.strip() and text.startswith("\n"):
        text = text.lstrip("\n")  # already on a fresh line
    if mode is Mode.MULTI and "\n" in text and line_suffix.strip():
        first = text.split("\n", 1)[0]
        if trim_suffix_overlap(first.rstrip(), line_suffix) != first.rstrip():
            text = first  # the first line already closes what follows the cursor
    if mode is Mode.MULTI:
        text = cut_block(text, line_prefix, max_lines)
        text = cut_at_suffix_lines(text, suffix)
        text = drop_repeated_lines(text)
    text = strip_trailing_space(text)
    text = trim_suffix_overlap(text, line_suffix)
    if not text.strip() or _echoes_suffix(text, suffix) or _repeats_line_above(text, prefix):
        return ""
    return text


def _echoes_suffix(text: str, suffix: str) -> bool:
    """The model only wrote what already follows the cursor."""
    return suffix.lstrip().startswith(text.strip()) and len(text.strip()) > 0


def _repeats_line_above(text: str, prefix: str) -> bool:
    """A suggestion on a fresh line that copies the line above it."""
    if not prefix.endswith("\n") and prefix.rsplit("\n", 1)[-1].strip():
        return False
    above = [s for s in prefix.split("\n")[-3:] if s.strip()]
    first = text.split("\n", 1)[0].strip()
    return bool(above) and len(first) >= 8 and above[-1].strip() == first
