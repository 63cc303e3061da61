"""Strings, comments and brackets of brace languages, tracked across lines.

The brace outliner asks a `Scanner` for the code brackets of each line; a `{` in a string,
a comment or a character literal is never a bracket.
"""

from __future__ import annotations

import re

_STRINGS = {
    "ts": re.compile(r"""//|/\*|\*/|["'`{}()]|\$\{|/"""),
    "go": re.compile(r"""//|/\*|\*/|["'`{}()]"""),
    "rust": re.compile(r"""//|/\*|\*/|r#*"|["'{}()]"""),
    "java": re.compile(r'''//|/\*|\*/|"""|["'{}()]'''),
    "kotlin": re.compile(r'''//|/\*|\*/|"""|["'{}()]|\$\{'''),
    "c": re.compile(r"""//|/\*|\*/|["'{}()]"""),
}
_CHAR = re.compile(r"'(?:[^'\\\n]|\\.[^'\n]{0,8})'")


class Scanner:
    """Tracks strings, comments and brackets across lines; reports the brackets of a line."""

    def __init__(self, family: str) -> None:
        self.family = family
        self.token = _STRINGS[family]
        self.close: str | None = None  # what ends the comment/string we are inside

    def brackets(self, line: str) -> list[tuple[int, str]]:
        """(offset, bracket) of the code brackets of `line` outside strings and comments."""
        out: list[tuple[int, str]] = []
        pos = 0
        n = len(line)
        while pos < n:
            if self.close is not None:
                pos = self._skip(line, pos)
                continue
            match = self.token.search(line, pos)
            if match is None:
                break
            token, pos = match.group(), match.end()
            if token == "/":  # a regex literal (`.replace(/\//g, ...)`), or a division
                pos = _regex_end(line, match.start()) if _starts_regex(line, match.start()) else pos
                continue
            if token == "//":
                break
            if token == "/*":
                self.close = "*/"
            elif token in ('"', "`", '"""') or token.startswith("r"):
                self.close = token if not token.startswith("r") else '"' + "#" * (len(token) - 2)
            elif token == "'":
                char = _CHAR.match(line, pos - 1)
                if char:
                    pos = char.end()  # a Rust lifetime or a stray quote is skipped
                elif self.family in ("ts", "c", "java", "kotlin", "go"):
                    self.close = "'"
            elif token == "${":
                out.append((match.start(), "{"))
            elif token in "{}()":
                out.append((match.start(), token))
        if self.close in ('"', "'"):
            self.close = None  # one-line strings end at the line's end
        return out

    def _skip(self, line: str, pos: int) -> int:
        close = self.close or ""
        while True:
            at = line.find(close, pos)
            if at < 0:
                return len(line)
            if close in ('"', "'", "`") and _escaped(line, at, pos):
                pos = at + 1
                continue
            if close == "`":
                dollar = line.find("${", pos, at)
                if dollar >= 0:  # a template's code: its braces are balanced, skip it
                    end = _balanced_end(line, dollar + 1)
                    if end < 0:
                        return len(line)
                    pos = end
                    continue
            self.close = None
            return at + len(close)


def _escaped(line: str, at: int, start: int) -> bool:
    slashes = 0
    while at - slashes - 1 >= start and line[at - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def _balanced_end(line: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(line)):
        if line[i] == "{":
            depth += 1
        elif line[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


_BEFORE_REGEX = frozenset("(,=:[!&|?{};+-*%<>~^")


def _starts_regex(line: str, at: int) -> bool:
    """Whether the `/` at `at` opens a regex literal: after an operator, an opening
    bracket, `return` or the line's start, not after a value (a division)."""
    before = line[:at].rstrip()
    if not before:
        return True
    return before[-1] in _BEFORE_REGEX or before.endswith(("return", "typeof", "case"))


def _regex_end(line: str, at: int) -> int:
    """Offset after a regex literal opened at `at` (escapes and `[...]` classes skipped);
    the line's end when it is not closed there."""
    in_class = False
    i = at + 1
    while i < len(line):
        ch = line[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "/" and not in_class:
            return i + 1
        i += 1
    return len(line)
