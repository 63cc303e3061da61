"""The outline's record format: definitions packed into two strings, unpacked on use.

The outline is compact on purpose (issue 15): records are packed into two strings
(`\\x1e`-separated, fields `\\x1f`-separated), looked up by `str.find`; no object per
definition survives the scan. `Builder` collects records while a family's outliner scans;
`join_signature` and `doc_line` are the helpers every outliner shares.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ds_lsp.workspace.outline.values import without_string_value

REC, FLD = "\x1e", "\x1f"
_TYPE_ONLY = re.compile(r"\s*(?:export\s+)?(?:declare\s+)?(?:interface|type)\s")
MAX_SIGNATURE_LINES = 30
MAX_LINE = 400  # longer source lines (minified code, data) are never definitions
MAX_FIELDS = 8  # dataclass fields / struct fields shown for a type without a constructor
DOC_CHARS = 100
CONST_CHARS = 160


@dataclass(frozen=True, slots=True)
class Outline:
    """Definitions of one file. `top` and `members` hold records
    `\\x1ename\\x1fline\\x1fparent\\x1ftext` (parent empty for top-level ones); `imports` the
    file's import lines as (line, text) strings "N\\x1ftext"."""

    top: str
    members: str
    imports: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.top) + len(self.members) + sum(map(len, self.imports)) + 100

    def find(self, name: str) -> Definition | None:
        """The definition of `name`: a top-level one first, else a class member; of a name
        declared twice (a TS interface and the function of the same name), the one that
        is not a type."""
        for table in (self.top, self.members):
            first: Definition | None = None
            at = table.find(f"{REC}{name}{FLD}")
            while at >= 0:
                end = table.find(REC, at + 1)
                found = Definition.parse(table[at + 1 : end if end >= 0 else len(table)])
                if not _TYPE_ONLY.match(found.code_line):
                    return found
                first = first or found
                at = table.find(f"{REC}{name}{FLD}", at + 1)
            if first is not None:
                return first
        return None

    def names(self) -> Iterator[str]:
        """Names of the top-level definitions, in source order."""
        for record in self.top.split(REC)[1:]:
            yield record.split(FLD, 1)[0]

    def import_lines(self) -> list[tuple[int, str]]:
        out = []
        for item in self.imports:
            line, text = item.split(FLD, 1)
            out.append((int(line), text))
        return out


@dataclass(frozen=True, slots=True)
class Definition:
    """One definition, unpacked only when it is about to be used."""

    name: str
    line: int
    parent: str
    text: str

    @property
    def code_line(self) -> str:
        """The first line that is not a doc comment."""
        return next(
            (r for r in self.text.split("\n") if not r.lstrip().startswith(("//", "/*", "*"))), ""
        )

    @staticmethod
    def parse(record: str) -> Definition:
        name, line, parent, text = record.split(FLD, 3)
        return Definition(name, int(line), parent, text)


class Builder:
    """Records of one file, collected while an outliner scans it."""

    def __init__(self, offset: int = 0, family: str = "", values: bool = True) -> None:
        self.offset = offset  # line number of the text's first line in its file
        self.family = family
        self.values = values  # False: assignments keep no string values (files on disk)
        self.top: list[str] = []
        self.members: list[str] = []
        self.imports: list[str] = []
        self.extra: dict[str, list[str]] = {}  # class name -> constructor / field lines
        self.aliases: dict[str, str] = {}  # exported name -> the definition it names

    def add(self, name: str, line: int, text: str, parent: str = "") -> None:
        if not name or FLD in text or REC in text:
            return
        record = f"{REC}{name}{FLD}{line + self.offset}{FLD}{parent}{FLD}{text}"
        (self.members if parent else self.top).append(record)

    def value(self, text: str) -> str:
        """An assignment's or field's text as the outline shows it."""
        return text if self.values else without_string_value(text, self.family)

    def attach(self, cls: str, text: str) -> None:
        """A constructor (or fields) shown under the class's own record."""
        self.extra.setdefault(cls, []).append(text)

    def alias(self, name: str, target: str) -> None:
        """`name` is another name of the definition `target` (`module.exports = target`)."""
        if name != target:
            self.aliases.setdefault(name, target)

    def build(self) -> Outline:
        for name, target in self.aliases.items():
            for record in self.top:
                if record.startswith(f"{REC}{target}{FLD}"):
                    self.top.append(f"{REC}{name}{record[len(target) + 1 :]}")
                    if target in self.extra:
                        self.extra[name] = self.extra[target]
                    break
        top = self.top
        if self.extra:
            top = []
            for record in self.top:
                name = record[1 : record.index(FLD)]
                extra = self.extra.pop(name, None)
                if extra:
                    record += "\n" + "\n".join(extra[: MAX_FIELDS + 1])
                top.append(record)
        return Outline("".join(top), "".join(self.members), tuple(self.imports))


def join_signature(parts: list[str]) -> str:
    """Lines of one signature as one line: `def f(\\n    a,\\n    b,\\n) -> T:` ->
    `def f(a, b) -> T:`; keeps the first line's indentation."""
    if len(parts) == 1:
        return parts[0].rstrip()
    indent = parts[0][: len(parts[0]) - len(parts[0].lstrip())]
    text = " ".join(p.strip() for p in parts if p.strip())
    text = re.sub(r"([(\[<{]) ", r"\1", text)
    text = re.sub(r",? ([)\]>}])", r"\1", text)
    return indent + text


def doc_line(text: str) -> str:
    text = text.strip().strip("\"'`").strip()
    for lead in ('r"""', '"""', "'''", "/**", "/*", "///", "//!", "//", "*", "#"):
        if text.startswith(lead):
            text = text[len(lead) :].strip()
    text = text.rstrip("*/").strip().strip("\"'").strip()
    return text[:DOC_CHARS]
