"""Outline lines rendered as declarations the model has seen in real code.

An outline keeps each definition's header without its body: `def f(a: int) -> str:`,
`export class A extends B` over its `constructor(x: X)`, `type Command struct` over its
fields. Rendered in the prompt as they are, they are no language at all. Here a run of
definition lines becomes valid declaration syntax for its family: Python stubs
(`def f(a: int) -> str: ...`, `class A: ...`), TypeScript/Java/C declarations
(`export function f(a: T): R;`, `class A extends B {` members `}`), Go and Rust types with
their braces (`type Command struct {` fields `}`, a Rust type's `new` in an `impl` block),
a type whose members were left out as `{ /* … */ }`. Lines keep their order and indentation;
only suffixes and closing lines are added, so the budget barely moves.
"""

from __future__ import annotations

import re

_PY_DEF = re.compile(r"\s*(?:async\s+)?def\s")
_PY_CLASS = re.compile(r"\s*class\s")
_TYPE_HEAD = re.compile(
    r"\s*(?:(?:export|default|declare|public|private|protected|internal|static|abstract|final|"
    r"sealed|open|data|inner|pub(?:\([\w:]+\))?|unsafe|typedef)\s+)*"
    r"(?:enum\s+class|class|interface|struct|enum|trait|union|object|record|impl|namespace|module)"
    r"\b"
)
_GO_TYPE = re.compile(r"\s*type\s+\w+(?:\[[^\]]*\])?\s+(?:struct|interface)\s*$")
_RUST_FN = re.compile(r"\s*(?:pub(?:\([\w:]+\))?\s+)?(?:const\s+|async\s+|unsafe\s+)*fn\s")
_COMMENT = ("//", "/*", "*", "#", '"""', "'''", "@")
_SEMICOLON_FAMILIES = ("ts", "java", "c", "rust")


def as_declarations(lines: list[str], family: str) -> list[str]:
    """The lines of one file's definitions, as declarations of `family`."""
    if family == "python":
        return _python(lines)
    if family in ("ts", "go", "rust", "java", "kotlin", "c"):
        return _braces(lines, family)
    return lines


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _python(lines: list[str]) -> list[str]:
    out = []
    for i, line in enumerate(lines):
        deeper = i + 1 < len(lines) and _indent(lines[i + 1]) > _indent(line)
        if line.rstrip().endswith(":") and (
            _PY_DEF.match(line) or (_PY_CLASS.match(line) and not deeper)
        ):
            line = line.rstrip() + " ..."
        out.append(line)
    return out


def _braces(lines: list[str], family: str) -> list[str]:
    out: list[str] = []
    open_: list[tuple[int, str, str]] = []  # (indent, its text, name) of open type braces
    for i, line in enumerate(lines):
        indent = _indent(line)
        body = line.strip()
        while open_ and indent <= open_[-1][0] and body:
            out.append(open_.pop()[1] + "}")
        if not body or body.startswith(_COMMENT):
            out.append(line)
            continue
        following = next(
            (n for n in lines[i + 1 :] if n.strip() and not n.strip().startswith(_COMMENT)), ""
        )
        deeper = bool(following) and _indent(following) > indent
        if family == "rust" and open_ and _RUST_FN.match(line) and open_[-1][2] != "impl":
            depth, lead, name = open_.pop()  # a type's `new` attached under it: an impl block
            out += [lead + "}", lead + f"impl {name} {{"]
            open_.append((depth, lead, "impl"))
        if _is_type_head(line, family):
            if body.endswith(("{", ";", "}")) or (
                family == "kotlin" and "(" in body and not deeper
            ):
                out.append(line)
            elif deeper:
                out.append(line.rstrip() + " {")
                open_.append((indent, line[:indent], _type_name(body)))
            else:
                out.append(line.rstrip() + " { /* … */ }")
            continue
        out.append(_member(line, family))
    while open_:
        out.append(open_.pop()[1] + "}")
    return out


def _is_type_head(line: str, family: str) -> bool:
    if family == "go":
        return _GO_TYPE.match(line) is not None
    return _TYPE_HEAD.match(line) is not None


def _type_name(body: str) -> str:
    words = re.findall(r"[A-Za-z_]\w*", re.sub(r"<[^>]*>", "", body))
    keywords = {
        "export",
        "default",
        "declare",
        "public",
        "private",
        "protected",
        "internal",
        "static",
        "abstract",
        "final",
        "sealed",
        "open",
        "data",
        "inner",
        "pub",
        "unsafe",
        "typedef",
        "class",
        "interface",
        "struct",
        "enum",
        "trait",
        "union",
        "object",
        "record",
        "impl",
        "namespace",
        "module",
        "type",
        "for",
        "crate",
    }
    names = [w for w in words if w not in keywords]
    return names[0] if names else ""


def _member(line: str, family: str) -> str:
    """A signature or field line ended as its family ends a declaration."""
    body = line.rstrip()
    if family not in _SEMICOLON_FAMILIES or body.endswith((";", "{", "}", ",", "=>", "…", "(")):
        return body
    if family == "c" and body.lstrip().startswith("#"):
        return body
    return body + ";"
