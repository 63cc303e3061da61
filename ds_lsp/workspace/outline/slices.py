"""Big files: a superset of the names they define, and outlines of the slice around one.

A big open document is never outlined whole: a regex gives the names it may define (the
filter that says whether to look in it), and a name looked up is outlined from the
top-level line above its definition to a few dozen lines below.
"""

from __future__ import annotations

import re

from ds_lsp.workspace.outline.build import outline
from ds_lsp.workspace.outline.record import Outline

_DEFINED = {
    "python": re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)|^(\w+)[ \t]*[:=]", re.M),
}
_DEFINED_BRACES = re.compile(
    r"^[ \t]{0,12}(?:[\w$*&<>,\[\]\"@:.]+[ \t]+){0,6}\(?\**([~$A-Za-z_][\w$]*)[ \t]*[(<{=:;]",
    re.M,
)
SLICE_BACK = 400  # lines searched upwards for the top-level line a definition belongs to
SLICE_AHEAD = 80
MAX_TRIES = 24  # occurrences of a name outlined before giving up
_PY_LEAD = re.compile(r"[ \t]*(?:(?:async[ \t]+)?(?:def|class)[ \t]+)?$")


def defined_names(text: str, family: str) -> set[str]:
    """Names that may be defined in `text` (a superset: the filter of a big document)."""
    pattern = _DEFINED.get(family, _DEFINED_BRACES)
    out: set[str] = set()
    for match in pattern.finditer(text):
        out.update(g for g in match.groups() if g)
    return out


def outline_around(text: str, name: str, family: str, values: bool = True) -> Outline | None:
    """The outline of the slice of a big file where `name` is defined: from the top-level
    line above it to a few dozen lines below, with the file's own line numbers."""
    tried = 0
    at = -1
    while True:
        at = text.find(name, at + 1)
        if at < 0:
            return None
        end_at = at + len(name)
        if (at and (text[at - 1].isalnum() or text[at - 1] in "_$")) or (
            end_at < len(text) and (text[end_at].isalnum() or text[end_at] in "_$")
        ):
            continue  # part of a longer word
        start = text.rfind("\n", 0, at) + 1
        lead = text[start:at]
        if re.search(r"[(=.,!]", lead) or (family == "python" and not _PY_LEAD.match(lead)):
            continue  # a use (or, in Python, a mention in a docstring), not a definition
        tried += 1
        if tried > MAX_TRIES:
            return None
        first, top = _top_line_above(text, start)
        end = start
        for _ in range(SLICE_AHEAD):
            nxt = text.find("\n", end)
            if nxt < 0:
                end = len(text)
                break
            end = nxt + 1
        found = outline(text[top:end], family, first, values)
        if found.find(name) is not None:
            return found


def _top_line_above(text: str, start: int) -> tuple[int, int]:
    """(line number, offset) of the nearest line at or above `start` that begins at column
    0 with code (a top-level definition's first line)."""
    pos = start
    for _ in range(SLICE_BACK):
        ch = text[pos : pos + 1]
        if ch and ch not in " \t\n}])#/*@":
            break
        if pos == 0:
            break
        pos = text.rfind("\n", 0, pos - 1) + 1
    while pos > 0:  # decorators and doc comments above it belong to it
        prev = text.rfind("\n", 0, pos - 1) + 1
        if not text[prev:pos].lstrip().startswith(("@", "///", "/**", "* ", "//", "#[")):
            break
        pos = prev
    return text.count("\n", 0, pos), pos
