"""The Python outliner: top-level defs, classes with their `__init__` (or dataclass fields),
methods, short module-level assignments, docstrings' first lines and import lines.

Logical lines are found by one pass that tracks strings, comments and brackets, so a
multi-line parameter list is joined into one signature line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ds_lsp.workspace.outline.record import (
    CONST_CHARS,
    FLD,
    MAX_FIELDS,
    MAX_LINE,
    REC,
    Builder,
    doc_line,
    join_signature,
)

_PY_SLOW = re.compile(r"[\"'#]")
_PY_TOKEN = re.compile(r"""[rRbBuUfF]{0,2}(?:'''|\"\"\"|'|")|#|[(\[{]|[)\]}]""")
_PY_DEF = re.compile(r"(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)")
_PY_ASSIGN = re.compile(r"([A-Za-z_]\w*)\s*(?::[^=]+)?=(?!=)")
_PY_FIELD = re.compile(r"([A-Za-z_]\w*)\s*:\s*[^=]")
_PY_IMPORT = re.compile(r"(?:from\s+\S+\s+import\b|import\s+\w)")


def _py_logical(lines: list[str]) -> Iterator[tuple[int, int, bool]]:
    """(first, last, opens_string) of each logical line; skips lines inside strings."""
    depth = 0
    quote: str | None = None
    start = 0
    continued = False  # the previous line ended with a backslash
    for number, line in enumerate(lines):
        if quote is None and depth == 0 and not continued:
            start = number
        continued = line.rstrip().endswith("\\")
        if len(line) > MAX_LINE and quote is None and depth == 0:
            yield start, number, False
            continue
        if quote is None and not _PY_SLOW.search(line):  # no string or comment: count
            depth = max(0, depth + sum(map(line.count, "([{")) - sum(map(line.count, ")]}")))
            if depth == 0 and not line.endswith("\\"):
                yield start, number, False
            continue
        pos = 0
        while True:
            if quote is not None:
                end = _close_quote(line, pos, quote)
                if end < 0:
                    break
                pos, quote = end, None
                continue
            match = _PY_TOKEN.search(line, pos)
            if match is None:
                break
            token = match.group()
            pos = match.end()
            if token == "#":
                break
            if token[-1] in "'\"":
                quote = token.lstrip("rRbBuUfF")
                if len(quote) == 1 and token[:-1].lower().count("r") == 0:
                    quote = "\\" + quote  # escapes count in a non-raw one-line string
                elif len(quote) == 1:
                    quote = "r" + quote
            elif token in "([{":
                depth += 1
            else:
                depth = max(0, depth - 1)
        if quote is not None and len(quote.lstrip("\\r")) == 1:
            quote = None  # an unterminated one-line string ends at the line's end
        if quote is None and depth == 0 and not line.rstrip().endswith("\\"):
            yield start, number, False


def _close_quote(line: str, pos: int, quote: str) -> int:
    """Offset after the closing quote of a string opened with `quote`, or -1."""
    raw = quote.startswith("r")
    mark = quote.lstrip("\\r")
    while True:
        at = line.find(mark, pos)
        if at < 0:
            return -1
        slashes = 0
        while at - slashes - 1 >= pos and line[at - slashes - 1] == "\\":
            slashes += 1
        if slashes % 2 == 0 or (raw and len(mark) == 3):
            return at + len(mark)
        pos = at + 1


def outline_python(lines: list[str], out: Builder) -> None:
    cls: str | None = None  # the top-level class whose body we are in
    member_indent = -1
    has_init = False
    fields: list[str] = []
    pending_doc: tuple[str, str] | None = None  # (kind, name) waiting for its docstring
    for first, last, _ in _py_logical(lines):
        head = lines[first]
        body = head.lstrip()
        if not body or body.startswith("#"):
            continue
        indent = len(head) - len(body)
        if pending_doc is not None:
            kind, name = pending_doc
            pending_doc = None
            if body[:1] in "\"'" or body[:2].lower() in ('r"', "r'"):
                doc = doc_line(body)
                if doc:
                    _append_doc(out, kind, name, " " * indent + f'"""{doc}"""')
                    continue
        if indent == 0:
            if cls is not None and not has_init and fields:
                for text in fields[:MAX_FIELDS]:
                    out.attach(cls, text)
            cls, member_indent, has_init, fields = None, -1, False, []
            if body.startswith("@"):
                continue
            match = _PY_DEF.match(body)
            if match:
                kind, name = match.groups()
                out.add(name, first, join_signature(_signature_lines(lines, first, last)))
                pending_doc = ("top", name)
                if kind == "class":
                    cls = name
                continue
            if _PY_IMPORT.match(body):
                statement = join_signature([_no_comment(ln) for ln in lines[first : last + 1]])
                out.imports.append(f"{first + out.offset}{FLD}{statement}")
                continue
            match = _PY_ASSIGN.match(body)
            if match and last - first < 3:
                text = join_signature(lines[first : last + 1])
                out.add(match.group(1), first, out.value(text[:CONST_CHARS]))
            continue
        if cls is None:
            continue
        if member_indent < 0:
            member_indent = indent
        if indent != member_indent or body.startswith("@"):
            continue
        match = _PY_DEF.match(body)
        if match and match.group(1) == "def":
            name = match.group(2)
            text = join_signature(_signature_lines(lines, first, last))
            if name == "__init__":
                has_init = True
                out.attach(cls, text)
            out.add(name, first, text, cls)
            pending_doc = ("member", name) if name != "__init__" else None
        elif not match:
            field = _PY_FIELD.match(body)
            if field and last == first and not has_init:
                fields.append(out.value(head.rstrip()[:CONST_CHARS]))
    if cls is not None and not has_init and fields:
        for text in fields[:MAX_FIELDS]:
            out.attach(cls, text)


def _signature_lines(lines: list[str], first: int, last: int) -> list[str]:
    """A def/class header's lines (a one-line body after the colon is cut off)."""
    parts = lines[first : last + 1]
    if len(parts) == 1:
        line = parts[0]
        match = re.search(r":\s*(?:#.*)?$", line) or re.search(r"\)\s*(?:->[^:]+)?:", line)
        if match and not line.rstrip().endswith(":"):
            return [line[: match.end()].rstrip()]
    return parts


def _append_doc(out: Builder, kind: str, name: str, doc: str) -> None:
    table = out.top if kind == "top" else out.members
    for i in range(len(table) - 1, -1, -1):
        if table[i].startswith(f"{REC}{name}{FLD}"):
            table[i] += "\n" + doc
            return


def _no_comment(line: str) -> str:
    """An import line without its comment (`AnyStr,  # Removed in 3.18.`)."""
    if "#" in line and not any(q in line for q in "'\""):
        line = line[: line.index("#")]
    return line.rstrip().rstrip("\\").rstrip()  # a backslash continuation too
