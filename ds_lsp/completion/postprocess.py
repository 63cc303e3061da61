"""Cleaning the model's text before it is shown: pure functions, table-tested.

`should_complete` decides single-line or multi-line from what follows the cursor; `clean`
runs the whole pipeline: line endings, single-line cut, indentation or a space the model
wrote again in front of the cursor, block cut (dedent past the cursor's block, blank-line
pairs), repeated lines, text repeating the suffix or the next lines, closing brackets and
quotes already present after the cursor, trailing whitespace. tests/unit/
test_postprocess_corpus.py holds the real-world cases these rules answer.
"""

from __future__ import annotations

from enum import StrEnum

CLOSERS = set(")]}>\"'`;,: \t")
OPENERS = ("(", "[", "{", ":", "=>", " do", " then")


class Mode(StrEnum):
    """How much a suggestion may hold."""

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

    Stop at a line indented less than the cursor's line, at two blank lines in a row, and
    after `max_lines`. When the suggestion's first line opens a block, what comes back to
    the cursor line's level is judged by `_at_block_level`.
    """
    lines = text.split("\n")
    base = indent_of(line_prefix) if line_prefix.strip() else len(line_prefix)
    opened = opens_block(line_prefix + lines[0])
    own_line = bool(line_prefix.strip())  # the block opened on the cursor's own line
    kept = [lines[0]]
    blank_run = 0
    for line in lines[1:]:
        blank_run = 0 if line.strip() else blank_run + 1
        if len(kept) >= max_lines or blank_run >= 2:
            break
        if line.strip() and indent_of(line) < base:
            break
        keep, go_on = True, True
        if opened and line.strip() and indent_of(line) == base:
            keep, go_on = _at_block_level(line, own_line)
        if keep:
            kept.append(line)
        if not go_on:
            break
    return "\n".join(kept).rstrip("\n ") if len(kept) > 1 else kept[0]


def _at_block_level(line: str, own_line: bool) -> tuple[bool, bool]:
    """(keep the line, go on) for a line back at the level of a block the suggestion opened.

    A closer (`}`, `end`) is kept. A block opened on the cursor's own line (`def f():|`)
    ends there. On a blank cursor line the suggestion is a statement in a body: a plain
    statement after it belongs to the same body (`if err != nil {...}` then `return nil`),
    a sibling that opens a new block (the next function) does not.
    """
    if _closes_block(line):
        return True, not own_line
    if own_line or opens_block(line):
        return False, False
    return True, True


def _closes_block(line: str) -> bool:
    """`}`, `});`, `end`, `fi`: a line that only closes a block."""
    return only_closers(line.strip()) or line.strip() in ("end", "fi", "done", "esac")


def drop_repeated_lines(text: str, line_prefix: str = "") -> str:
    """Stop at a line that repeats the line before it (models loop).

    The first line is compared as it will stand in the file, after `line_prefix`.
    """
    lines = text.split("\n")
    whole = [line_prefix + lines[0], *lines[1:]]
    for i in range(1, len(lines)):
        if lines[i].strip() and whole[i] == whole[i - 1] and len(lines[i].strip()) > 1:
            return "\n".join(lines[:i])
    return text


def drop_doubled_indent(text: str, prefix: str, line_prefix: str) -> str:
    """Drop indentation the model wrote again in front of a cursor that is already indented.

    Kept when the line above opens a block that the cursor is not yet inside (the model is
    right to indent further).
    """
    if not line_prefix or line_prefix.strip() or text[:1] not in (" ", "\t"):
        return text
    above = [s for s in prefix.split("\n")[:-1] if s.strip()]
    if above and opens_block(above[-1]) and indent_of(above[-1]) >= len(line_prefix):
        return text
    return text.lstrip(" \t")


def cut_at_suffix_lines(text: str, suffix: str) -> str:
    """Stop where the suggestion starts repeating the code that follows the cursor."""
    following = [s.rstrip() for s in suffix.split("\n")[1:] if s.strip()]
    if not following:
        return text
    lines = [s.rstrip() for s in text.split("\n")]
    first = following[0]
    for i in range(1, len(lines)):
        # indentation counts: an inner `  }` does not repeat the outer `}` below the cursor
        if lines[i] == first and (len(first.strip()) > 2 or _next_match(lines, i, following)):
            return "\n".join(text.split("\n")[:i])
    return text


def _next_match(lines: list[str], i: int, following: list[str]) -> bool:
    """A short line (like `}`) counts as a repeat only if the line after it repeats too."""
    if len(following) < 2 or i + 1 >= len(lines):
        return len(following) < 2 and i == len(lines) - 1
    return lines[i + 1] == following[1]


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


def drop_doubled_space(text: str, line_prefix: str) -> str:
    """`x = ` + ` 1` would read `x =  1`: drop the space the model wrote again.

    Only in code: inside an open string literal two spaces may be meant.
    """
    if not (line_prefix.strip() and line_prefix.endswith(" ") and text.startswith(" ")):
        return text
    if any(line_prefix.count(q) % 2 for q in "\"'`"):
        return text
    return text[1:] if not text.startswith("  ") else text


def strip_trailing_space(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n")


def clean(
    raw: str, prefix: str, suffix: str, line_prefix: str, mode: Mode, max_lines: int = 12
) -> str:
    """The text to insert at the cursor, or '' when nothing useful is left."""
    if not raw:
        return ""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    line_suffix = suffix.split("\n", 1)[0]
    if mode is Mode.SINGLE:
        text = text.split("\n", 1)[0]
    elif line_prefix.strip() == "" and line_prefix and text.startswith("\n"):
        text = text.lstrip("\n")  # already on a fresh, indented line
    text = drop_doubled_indent(text, prefix, line_prefix)
    text = drop_doubled_space(text, line_prefix)
    if mode is Mode.MULTI and "\n" in text and line_suffix.strip():
        first = text.split("\n", 1)[0]
        if trim_suffix_overlap(first.rstrip(), line_suffix) != first.rstrip():
            text = first  # the first line already closes what follows the cursor
    if mode is Mode.MULTI:
        text = cut_block(text, line_prefix, max_lines)
        text = cut_at_suffix_lines(text, suffix)
        text = drop_repeated_lines(text, line_prefix)
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
