"""Whether the cursor is inside a comment or a string, for the `quietIn` setting.

Decided on every automatic request, so it must be cheap: it reads only the prompt's prefix
window (bounded by `maxPrefixChars`), with the language's comment syntax from `languages`.
A block comment (or docstring) is open when its last opener has no closer after it; the
cursor's line is scanned once, jumping from quote to quote and comment marker by regex
search. Linear in the window, no backtracking. A heuristic: a marker inside a string on an
earlier line can fool it, and then one suggestion is held back or shown.
"""

from __future__ import annotations

import functools
import re

from ds_lsp.languages import C_BLOCK, LANGUAGES, Language

COMMENTS, STRINGS = "comments", "strings"
QUOTES = ('"""', "'''", '"', "'", "`")
LIFETIME = re.compile(r"'[A-Za-z_]\w*(?!['\w])")  # Rust's `&'a str`: no quote
OTHER = Language("", (), ("//", "#"), C_BLOCK)  # a language not in the table


def place(prefix: str, language_id: str) -> str | None:
    """COMMENTS or STRINGS when the end of `prefix` (the cursor) is inside one, else None."""
    lang = LANGUAGES.get(language_id.lower()) or OTHER
    line_start = prefix.rfind("\n") + 1
    if _in_block_comment(prefix, line_start, lang):
        return COMMENTS
    return line_place(prefix[line_start:], lang)


def _in_block_comment(prefix: str, line_start: int, lang: Language) -> bool:
    for opener, closer in lang.block_comments:
        if opener == closer:  # a docstring: open after an odd number of delimiters
            if prefix.count(opener) % 2:
                return True
            continue
        start = prefix.rfind(opener)
        if start < 0 or prefix.find(closer, start + len(opener)) >= 0:
            continue
        opener_line = prefix.rfind("\n", 0, start) + 1
        if line_place(prefix[opener_line:start], lang) is None:  # not in a comment or string
            return True
    return False


def line_place(line: str, lang: Language) -> str | None:
    """COMMENTS or STRINGS when the end of `line` (one line, from its start) is inside a
    line comment or an unclosed string, else None."""
    marks, apostrophe_quotes = _marks(lang.line_comments), ";" not in lang.line_comments
    quote, i = "", 0
    while True:
        if quote:
            m = _closing(quote).search(line, i)
            if m is None:
                return STRINGS
            i = m.end() + (1 if m.group() == "\\" else 0)
            quote = "" if m.group() != "\\" else quote
            continue
        m = marks.search(line, i)
        if m is None:
            return None
        token, i = m.group(), m.end()
        if token not in QUOTES:
            if token != "#" or m.start() == 0 or line[m.start() - 1] in " \t":
                return COMMENTS
            continue
        if token == "'" and not _quote_at(line, m.start(), apostrophe_quotes):
            continue
        quote = token


def _quote_at(line: str, at: int, apostrophe_quotes: bool) -> bool:
    """Whether the `'` at `at` opens a string: not in Lisps (`'symbol`), not after a letter
    (`it's`), not a Rust lifetime."""
    if not apostrophe_quotes or (at and (line[at - 1].isalnum() or line[at - 1] == "_")):
        return False
    return not (LIFETIME.match(line, at) and (at and line[at - 1] in "&<"))


@functools.cache
def _marks(line_comments: tuple[str, ...]) -> re.Pattern[str]:
    """Quotes and the language's line-comment markers, longest first."""
    tokens = sorted({*QUOTES, *line_comments}, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in tokens))


@functools.cache
def _closing(quote: str) -> re.Pattern[str]:
    """What ends or escapes inside a string opened by `quote`."""
    return re.compile(r"\\|" + re.escape(quote))
