"""JSON with comments and trailing commas (tsconfig.json, jsconfig.json), in one pass.

A workspace's config file is untrusted input: an unterminated `/*` or string must cost
one pass over the text, never a rescan per comment opener.
"""

from __future__ import annotations

import json
import re
from typing import Any

_MARK = re.compile(r'"|//|/\*')
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def strip_jsonc(text: str) -> str:
    """`text` without comments and trailing commas; strings kept as they are."""
    out: list[str] = []
    pos = 0
    while (mark := _MARK.search(text, pos)) is not None:
        out.append(text[pos : mark.start()])
        token = mark.group()
        if token == '"':
            end = _string_end(text, mark.end())
            out.append(text[mark.start() : end])
            pos = end
        elif token == "//":
            newline = text.find("\n", mark.end())
            pos = len(text) if newline < 0 else newline
        else:
            close = text.find("*/", mark.end())
            pos = len(text) if close < 0 else close + 2
    out.append(text[pos:])
    return _TRAILING_COMMA.sub(r"\1", "".join(out))


def _string_end(text: str, start: int) -> int:
    """Offset after the quote closing the string whose text starts at `start` (the
    text's end when it is unterminated)."""
    pos = start
    while (at := text.find('"', pos)) >= 0:
        slashes = 0
        while at - slashes > start and text[at - slashes - 1] == "\\":
            slashes += 1
        if slashes % 2 == 0:
            return at + 1
        pos = at + 1
    return len(text)


def parse_jsonc(text: str) -> dict[str, Any] | None:
    """The object a JSONC file holds, or None when it is not one."""
    try:
        data = json.loads(strip_jsonc(text))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
