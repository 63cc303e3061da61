"""Assignments of files read from disk, shown without their string values.

A file the user never opened (an imported `settings.py`) may hold `SECRET_KEY = "…"`: its
outline keeps the name and the type, never a string literal's value. `SECRET_KEY = "x"`
becomes `SECRET_KEY: str = ...`, `export const TOKEN = "x";` `export const TOKEN: string;`,
Go `const Password = "x"` `const Password string`; a value that merely holds a string
(`DATABASES = {"default": ...}`) keeps only its name (`DATABASES = ...`). Type aliases
(`type Method = "get" | "post"`) and arrow functions' parameters are declarations, kept.
"""

from __future__ import annotations

import re

_QUOTES = "\"'`"
_STRING_START = re.compile(r"""(?:[rRbBuUfF]{1,2})?["'`]""")
_TYPE_ALIAS = re.compile(r"(?:export\s+)?(?:declare\s+)?(?:pub\s+)?(?:type|typealias)\s")
_FUNCTION_VALUE = re.compile(r"(?:async\s*)?(?:function\b|<[^=()]*>\s*\(|\(|[$\w]+\s*=>)")
STRING_TYPE = {"python": "str", "ts": "string", "go": "string", "kotlin": "String"}


def without_string_value(text: str, family: str) -> str:
    """`text` (one assignment or constant) with a value that holds a string dropped."""
    body = text.strip()
    if _TYPE_ALIAS.match(body) or body.endswith("=>") or body.startswith("#"):
        return _macro(text) if body.startswith("#") else text
    at = _assignment(text)
    if at < 0 or not any(q in text[at:] for q in _QUOTES):
        return text
    head, value = text[:at].rstrip(), text[at + 1 :].strip().rstrip(";,").strip()
    if _FUNCTION_VALUE.match(value):
        return text  # `const f = <T>(x: T) => x.kind === "a"`: a function, its body not a value
    head = head.rstrip(":").rstrip()  # Go's `:=`
    plain = _STRING_START.match(value) is not None and value[-1:] in _QUOTES
    typed = _annotated(head, family)
    if not typed and plain and family in STRING_TYPE:
        head += (" " if family == "go" else ": ") + STRING_TYPE[family]
    if family == "python":
        return head + " = ..."
    return head + (";" if family in ("ts", "rust", "java", "c") else "")


def _assignment(text: str) -> int:
    """Offset of the first `=` that assigns (not `==`, `=>`, `<=`, `!=`), outside
    brackets and strings; -1 when there is none."""
    depth = 0
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
        elif ch in _QUOTES:
            quote = ch
        elif ch in "([{<":
            depth += 1
        elif ch in ")]}>" and depth:
            depth -= 1
        elif ch == "=" and depth == 0:
            after = text[i + 1 : i + 2]
            before = text[i - 1 : i]
            if after not in ("=", ">") and before not in ("=", "!", "<", ">"):
                return i
    return -1


def _annotated(head: str, family: str) -> bool:
    """Whether the name already carries its type (`X: int`, `const X: T`, Go `var X T`)."""
    if family == "go":
        return len(head.split()) >= 3
    name_part = re.sub(r"^\s*(?:[\w$]+\s+)*", "", head) if family != "python" else head
    return ":" in name_part


def _macro(text: str) -> str:
    """C `#define NAME "value"` -> `#define NAME`."""
    match = re.match(r"(\s*#\s*define\s+\w+)\s+(.*)$", text)
    if match and any(q in match.group(2) for q in _QUOTES):
        return match.group(1)
    return text
