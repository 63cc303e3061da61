"""Where the instruction of ds-lsp.generateCodeBlock comes from, when none is given.

A selection (more than one non-blank character: Helix always sends at least one character,
often a lone newline) or else the comment block at or right above the cursor, in the comment
syntax of the document's language (ds_lsp/languages.py): line comments (`#`, `//`, `--`,
`;`, `%`), block comments (`/* */`, `{- -}`, `--[[ ]]`, `<!-- -->`) and Python docstrings.
Pure functions: a document is seen through a `line_at(n)` callable, and scans are bounded,
never the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ds_lsp.languages import language

LineAt = Callable[[int], str]
MAX_BLOCK_LINES = 200
MAX_GAP_LINES = 2  # blank lines allowed between a comment and the cursor


@dataclass(frozen=True)
class CommentSyntax:
    """Line-comment markers and (open, close) block delimiters of a language."""

    line: tuple[str, ...] = ()
    blocks: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CommentBlock:
    """A comment block: its text without markers and its first and last lines."""

    text: str
    first: int
    last: int


_STRING_PREFIX = re.compile(r"^[rRuUbBfF]{0,2}")


def syntax_for(language_id: str) -> CommentSyntax:
    """The comment markers of a language (every common one for an unknown language)."""
    lang = language(language_id)
    return CommentSyntax(lang.line_comments, lang.block_comments)


def meaningful_selection(text: str) -> bool:
    """A selection worth reading as an instruction: more than one non-blank character."""
    return len(text.strip()) > 1


def leading_ws(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


# ---- line comments ---------------------------------------------------------------------------
def line_marker(line: str, syntax: CommentSyntax, number: int = -1) -> str | None:
    """The line-comment marker that starts this line, if any (a shebang is no comment)."""
    stripped = line.strip()
    if number == 0 and stripped.startswith("#!"):
        return None
    for marker in syntax.line:
        if stripped.startswith(marker) and not _opens_block(stripped, syntax):
            return marker
    return None


def _opens_block(stripped: str, syntax: CommentSyntax) -> bool:
    return any(stripped.startswith(opener) for opener, _ in syntax.blocks)


def _line_comment_block(
    line_at: LineAt, count: int, n: int, syntax: CommentSyntax
) -> CommentBlock | None:
    marker = line_marker(line_at(n), syntax, n)
    if marker is None:
        return None
    first = last = n
    while (
        first > 0
        and n - first < MAX_BLOCK_LINES
        and line_marker(line_at(first - 1), syntax, first - 1) == marker
    ):
        first -= 1
    while (
        last + 1 < count
        and last - n < MAX_BLOCK_LINES
        and line_marker(line_at(last + 1), syntax, last + 1) == marker
    ):
        last += 1
    texts = [_strip_line_marker(line_at(i), marker) for i in range(first, last + 1)]
    return CommentBlock(_join(texts), first, last)


def _strip_line_marker(line: str, marker: str) -> str:
    body = line.strip()[len(marker) :]
    body = body.lstrip(marker[-1])  # ///, ##, ;;, ---
    if marker == "//" and body.startswith("!"):  # //! doc comments
        body = body[1:]
    return body[1:] if body.startswith(" ") else body


# ---- block comments and docstrings -----------------------------------------------------------
def _delimited_block(
    line_at: LineAt, count: int, n: int, syntax: CommentSyntax
) -> CommentBlock | None:
    for opener, closer in syntax.blocks:
        span = _span_around(line_at, count, n, opener, closer)
        if span is not None:
            first, last = span
            lines = [line_at(i) for i in range(first, last + 1)]
            return CommentBlock(_block_text(lines, opener, closer), first, last)
    return None


def _starts_with(stripped: str, opener: str) -> bool:
    if opener in ('"""', "'''"):
        stripped = _STRING_PREFIX.sub("", stripped, count=1)
    return stripped.startswith(opener)


def _span_around(
    line_at: LineAt, count: int, n: int, opener: str, closer: str
) -> tuple[int, int] | None:
    """(first, last) lines of the opener..closer block that contains line n."""
    if opener == closer:  # docstrings: only a block that ends on line n
        return _quoted_span(line_at, n, opener)
    first = None
    for i in range(n, max(-1, n - MAX_BLOCK_LINES), -1):
        stripped = line_at(i).strip()
        if i < n and closer in stripped:
            return None  # a block closed above n: n is outside it
        if _starts_with(stripped, opener):
            first = i
            break
    if first is None:
        return None
    for j in range(first, min(count, first + MAX_BLOCK_LINES)):
        text = line_at(j).strip()
        rest = text[len(opener) :] if j == first else text
        if closer in rest:
            return (first, j) if j >= n else None
    return None


def _quoted_span(line_at: LineAt, n: int, quote: str) -> tuple[int, int] | None:
    stripped = line_at(n).strip()
    if not stripped.endswith(quote):
        return None
    if _starts_with(stripped, quote) and stripped.count(quote) >= 2:
        return n, n
    for i in range(n - 1, max(-1, n - MAX_BLOCK_LINES), -1):
        text = line_at(i).strip()
        if quote in text:
            return (i, n) if _starts_with(text, quote) and text.count(quote) == 1 else None
    return None


def _block_text(lines: list[str], opener: str, closer: str) -> str:
    text = "\n".join(line.strip() for line in lines)
    text = _STRING_PREFIX.sub("", text, count=1) if opener in ('"""', "'''") else text
    text = text[len(opener) :] if text.startswith(opener) else text
    text = text[: text.rfind(closer)] if closer in text else text
    if opener == "/*":
        text = text.lstrip("*")
        text = "\n".join(re.sub(r"^\*(?!/) ?", "", line) for line in text.split("\n"))
    return _join(text.split("\n"))


def _join(texts: list[str]) -> str:
    return "\n".join(t.rstrip() for t in texts).strip()


# ---- the entry point ---------------------------------------------------------------------------
def block_at(line_at: LineAt, count: int, n: int, language_id: str) -> CommentBlock | None:
    """The comment block (any syntax of the language) that contains line n."""
    if not 0 <= n < count:
        return None
    syntax = syntax_for(language_id)
    block = _delimited_block(line_at, count, n, syntax)
    if block is None:
        block = _line_comment_block(line_at, count, n, syntax)
    return block if block is not None and block.text else None


def comment_block(
    line_at: LineAt, count: int, line: int, head: str, language_id: str
) -> CommentBlock | None:
    """The comment block at the cursor's line, or right above it when the cursor starts a line.

    `head` is the cursor line up to the cursor. Up to MAX_GAP_LINES blank lines may separate
    the block from the cursor line.
    """
    here = block_at(line_at, count, line, language_id)
    if here is not None or head.strip():
        return here
    above = line - 1
    while above >= 0 and line - above <= MAX_GAP_LINES and not line_at(above).strip():
        above -= 1
    if above < 0 or line - above > MAX_GAP_LINES + 1:
        return None
    block = block_at(line_at, count, above, language_id)
    return block if block is not None and block.last == above else None
