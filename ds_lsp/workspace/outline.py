"""A file's outline: its top-level and class-member definitions with whole signatures.

One pass of a careful tokenizer per file (strings, comments and brackets tracked, so a
multi-line parameter list is joined into one signature line and a `{` inside a string does
not open a body). Only top-level definitions and members of classes (impl blocks,
interfaces, objects) are indexed: a local variable or a function nested in a function is not
a definition another file can call. A class's record carries its constructor (`__init__`,
`constructor`, a Java constructor, Rust `new`, dataclass fields, a Kotlin primary
constructor) and a short doc line, so a call `Foo(` finds the parameters it needs.

The outline is compact on purpose (issue 15): records are packed into two strings
(`\\x1e`-separated, fields `\\x1f`-separated), looked up by `str.find`; no object per
definition survives the scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

REC, FLD = "\x1e", "\x1f"
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
        """The definition of `name`: a top-level one first, else a class member."""
        for table in (self.top, self.members):
            at = table.find(f"{REC}{name}{FLD}")
            if at >= 0:
                end = table.find(REC, at + 1)
                return Definition.parse(table[at + 1 : end if end >= 0 else len(table)])
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

    @staticmethod
    def parse(record: str) -> Definition:
        name, line, parent, text = record.split(FLD, 3)
        return Definition(name, int(line), parent, text)


class _Builder:
    def __init__(self, offset: int = 0) -> None:
        self.offset = offset  # line number of the text's first line in its file
        self.top: list[str] = []
        self.members: list[str] = []
        self.imports: list[str] = []
        self.extra: dict[str, list[str]] = {}  # class name -> constructor / field lines

    def add(self, name: str, line: int, text: str, parent: str = "") -> None:
        if not name or FLD in text or REC in text:
            return
        record = f"{REC}{name}{FLD}{line + self.offset}{FLD}{parent}{FLD}{text}"
        (self.members if parent else self.top).append(record)

    def attach(self, cls: str, text: str) -> None:
        """A constructor (or fields) shown under the class's own record."""
        self.extra.setdefault(cls, []).append(text)

    def build(self) -> Outline:
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


def outline(text: str, family: str, first_line: int = 0) -> Outline:
    """The outline of `text` written in a language of `family` (see `families.family`);
    `first_line`: where `text` starts in its file (a slice of a big file)."""
    builder = _Builder(first_line)
    lines = text.split("\n")
    if family == "python":
        _python(lines, builder)
    elif family in BRACE_FAMILIES:
        _braces(lines, family, builder)
    return builder.build()


# ---- shared helpers -------------------------------------------------------------------------
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


def _doc_line(text: str) -> str:
    text = text.strip().strip("\"'`").strip()
    for lead in ('r"""', '"""', "'''", "/**", "/*", "///", "//!", "//", "*", "#"):
        if text.startswith(lead):
            text = text[len(lead) :].strip()
    text = text.rstrip("*/").strip().strip("\"'").strip()
    return text[:DOC_CHARS]


# ---- Python ---------------------------------------------------------------------------------
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
    for number, line in enumerate(lines):
        if quote is None and depth == 0:
            start = number
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


def _python(lines: list[str], out: _Builder) -> None:
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
                doc = _doc_line(body)
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
                out.imports.append(
                    f"{first + out.offset}{FLD}{join_signature(lines[first : last + 1])}"
                )
                continue
            match = _PY_ASSIGN.match(body)
            if match and last - first < 3:
                text = join_signature(lines[first : last + 1])
                out.add(match.group(1), first, text[:CONST_CHARS])
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
                fields.append(head.rstrip()[:CONST_CHARS])
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


def _append_doc(out: _Builder, kind: str, name: str, doc: str) -> None:
    table = out.top if kind == "top" else out.members
    for i in range(len(table) - 1, -1, -1):
        if table[i].startswith(f"{REC}{name}{FLD}"):
            table[i] += "\n" + doc
            return


# ---- brace languages ------------------------------------------------------------------------
BRACE_FAMILIES = ("ts", "go", "rust", "java", "kotlin", "c")
_CONTROL = frozenset(
    [
        "if",
        "for",
        "while",
        "switch",
        "catch",
        "return",
        "else",
        "do",
        "try",
        "new",
        "throw",
        "typeof",
        "sizeof",
        "await",
        "yield",
        "case",
        "delete",
        "void",
        "in",
        "of",
        "with",
        "assert",
    ]
)
_MODS = (
    r"(?:(?:export|default|declare|public|private|protected|internal|static|async|"
    r"abstract|final|override|open|sealed|data|inline|pub(?:\([\w:]+\))?|unsafe|extern|"
    r"const(?=\s+fn)|readonly|virtual|synchronized|native|suspend|operator|infix|"
    r"external|partial|enum(?=\s+class)|annotation|inner|value|lateinit|"
    r"\"C\")\s+)*"
)
_TYPE_KW = r"(class|interface|struct|enum|trait|union|object|record|namespace|module|impl|type)"
_HEAD = {
    "ts": re.compile(
        _MODS + r"(?:(function\*?)\s*([$\w]+)|" + _TYPE_KW + r"\s+([$\w]+)|"
        r"(const|let|var)\s+([$\w]+))"
    ),
    "go": re.compile(
        r"(?:(func)\s+(?:\(\s*\w*\s*\*?\s*([\w]+)(?:\[[^\]]*\])?\s*\)\s*)?(\w+)|"
        r"(type)\s+(\w+)|(const|var)\s+(\w+))"
    ),
    "rust": re.compile(
        _MODS + r"(?:(fn)\s+(\w+)|" + _TYPE_KW + r"\s+(?:<[^>]*>\s*)?([\w]+)|"
        r"(const|static|macro_rules!)\s+(?:mut\s+)?(\w+))"
    ),
    "java": re.compile(_MODS + r"(?:" + _TYPE_KW + r"\s+(\w+))"),
    "kotlin": re.compile(
        _MODS
        + r"(?:(fun)\s+(?:<[^>]*>\s*)?(?:[\w.<>]+\.)?(\w+)|"
        + _TYPE_KW
        + r"\s+(\w+)|(val|var|const\s+val|typealias)\s+(\w+))"
    ),
    "c": re.compile(
        r"(?:typedef\s+)?" + _MODS + r"(?:" + _TYPE_KW + r"\s+(\w+)\s*(?:[:{]|$)|"
        r"#\s*define\s+(\w+))"
    ),
}
_IMPORT_LINE = {
    "ts": re.compile(r"\s*(?:import\b|export\s+(?:\*|\{[^}]*\})\s+from\b)"),
    "go": re.compile(r"\s*import\b"),
    "rust": re.compile(r"\s*(?:pub\s+)?(?:use|mod\s+\w+\s*;)"),
    "java": re.compile(r"\s*(?:import|package)\b"),
    "kotlin": re.compile(r"\s*(?:import|package)\b"),
    "c": re.compile(r"\s*#\s*include\b"),
}
# a method / C function: `<modifiers and a return type> name(` with nothing else before
_CALLABLE = re.compile(
    r"^\s*(?:[@\w$<>\[\],.*&:~\s?]*?[\s*&>])?([~$A-Za-z_][\w$]*)\s*"
    r"(?:<[^()]*>)?\s*\("
)
_TS_MEMBER_FIELD = re.compile(
    r"^\s*(?:(?:public|private|protected|static|readonly|declare|"
    r"override)\s+)*([$#A-Za-z_][\w$]*)\s*[?!]?\s*[:=]"
)
_STRINGS = {
    "ts": re.compile(r"""//|/\*|\*/|["'`{}()]|\$\{"""),
    "go": re.compile(r"""//|/\*|\*/|["'`{}()]"""),
    "rust": re.compile(r"""//|/\*|\*/|r#*"|["'{}()]"""),
    "java": re.compile(r'''//|/\*|\*/|"""|["'{}()]'''),
    "kotlin": re.compile(r'''//|/\*|\*/|"""|["'{}()]|\$\{'''),
    "c": re.compile(r"""//|/\*|\*/|["'{}()]"""),
}
_CHAR = re.compile(r"'(?:[^'\\\n]|\\.[^'\n]{0,8})'")


class _Scanner:
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


_OPAQUE, _CLASS, _NS = "o", "c", "n"
_GO_GROUP = re.compile(r"(const|var|type)\s*\(\s*$")
_GO_GROUP_ITEM = re.compile(r"\s*([A-Za-z_]\w*)\b")


def _braces(lines: list[str], family: str, out: _Builder) -> None:
    """Top-level and class-member definitions of a brace language."""
    scan = _Scanner(family)
    head_re, import_re = _HEAD[family], _IMPORT_LINE[family]
    stack: list[tuple[str, str]] = []  # (kind, container name) per open `{`
    paren = 0
    number = 0
    count = len(lines)
    group = ""  # Go: inside `const (` / `var (` / `type (`
    while number < count:
        line = lines[number]
        level = [k for k, _ in stack if k != _NS]
        where = "top" if not level else "member" if level == [_CLASS] else None
        body = line.strip()
        if group and scan.close is None:
            if body.startswith(")"):
                group = ""
            else:
                item = _GO_GROUP_ITEM.match(line)
                if item and paren == 1 and not body.startswith("//"):
                    out.add(item.group(1), number, f"{group} {body}"[:CONST_CHARS])
        elif (
            scan.close is None
            and paren == 0
            and where is not None
            and body
            and len(line) <= MAX_LINE
            and not body.startswith(("//", "/*", "*", "@"))
        ):
            if family == "go" and where == "top" and _GO_GROUP.match(body):
                group = body.split("(")[0].strip()
            else:
                container = next((name for k, name in reversed(stack) if k == _CLASS), "")
                consumed = _definition(
                    lines, number, family, scan, head_re, import_re, where, container, out, stack
                )
                if consumed:
                    number += consumed
                    continue
        for _, bracket in scan.brackets(line) if len(line) <= MAX_LINE * 4 else ():
            if bracket == "(":
                paren += 1
            elif bracket == ")":
                paren = max(0, paren - 1)
            elif bracket == "{":
                stack.append((_OPAQUE, ""))
            elif stack:
                stack.pop()
        number += 1


def _definition(
    lines: list[str],
    number: int,
    family: str,
    scan: _Scanner,
    head_re: re.Pattern,
    import_re: re.Pattern,
    where: str,
    container: str,
    out: _Builder,
    stack: list[tuple[str, str]],
) -> int:
    """Recognise a definition starting at `number`; returns the lines it consumed (its
    header, with its brackets applied to `stack`), or 0 when the line is no definition."""
    line = lines[number]
    body = line.strip()
    if where == "top" and import_re.match(line):
        if not body.endswith(("(", "{")):
            out.imports.append(f"{number + out.offset}{FLD}{body}")
        return 0
    kind, name, receiver = _classify(body, family, head_re, where, container)
    if kind is None:
        return 0
    parts, body_at, consumed = _collect_header(lines, number, scan, stack, kind)
    text = _trim_header(join_signature(parts), family, kind)
    doc = doc_comment_above(lines, number) if kind != "ns" else ""
    if doc:
        indent = line[: len(line) - len(line.lstrip())]
        text = f"{indent}// {doc}\n{text}"
    is_impl = kind == "class" and re.match(r"(?:unsafe\s+)?impl\b", body) is not None
    if kind == "ns":
        pass
    elif receiver:  # Go method: `func (r *T) Name(` belongs to T
        out.add(name, number, text, receiver)
    elif where == "top" and not is_impl:
        out.add(name, number, text)
        if family == "ts" and re.match(r"export\s+default\b", body):
            out.add("default", number, text)
    elif where == "member":
        out.add(name, number, text, container)
        if _is_constructor(name, container, family, body):
            out.attach(container, text)
    if body_at >= 0:
        if kind == "ns":
            stack[body_at] = (_NS, "")
        elif kind == "class" and where == "top":
            stack[body_at] = (_CLASS, name)
            if _has_fields(body, family):
                alias = _attach_fields(lines, number + consumed, name, out)
                if alias:  # C: `typedef struct vec {...} vec_t;`
                    out.add(alias, number, text)
                    out.extra[alias] = list(out.extra.get(name, ()))
    return consumed


def _classify(
    body: str, family: str, head_re: re.Pattern, where: str, container: str
) -> tuple[str | None, str, str]:
    """(kind, name, receiver) of a header line; kind None when it is none."""
    if family == "c" and body.startswith("#") and not re.match(r"#\s*define\b", body):
        return None, "", ""
    if family == "c" and re.match(r"extern\s+\"C\"\s*\{", body):
        return "ns", "", ""
    match = head_re.match(body)
    if match and family == "c" and body.startswith("#"):
        return "macro", match.groups()[-1], ""
    if match:
        groups = list(match.groups())
        if family == "go":
            func, recv, fname, typ, tname, _const, cname = groups
            if func:
                return "function", fname, recv or ""
            if typ:
                return "class", tname, ""
            if where == "top":
                return "const", cname, ""
            return None, "", ""
        kw = next((g for g in groups if g), "")
        name = next((g for g in groups[groups.index(kw) + 1 :] if g), "") if kw else ""
        if kw.startswith("function") or kw in ("fn", "fun"):
            return "function", name, ""
        if kw in ("namespace", "module") and family in ("ts", "c"):
            return "ns", name, ""
        if kw in (
            "class",
            "interface",
            "struct",
            "enum",
            "trait",
            "union",
            "object",
            "record",
            "impl",
        ):
            if kw == "impl":
                return "class", _impl_target(body) or name, ""
            return "class", name, ""
        if kw == "type" or kw == "typealias":
            return "const", name, ""
        if kw in ("const", "let", "var", "val", "static", "const val", "macro_rules!"):
            if where != "top":
                return None, "", ""
            return "const", name, ""
    if family in ("java", "c", "ts", "kotlin"):
        call = _CALLABLE.match(body)
        if call:
            name = call.group(1)
            lead = body[: call.start(1)].split()
            if name in _CONTROL or (lead and lead[-1] in _CONTROL):
                return None, "", ""
            if family == "ts" and where == "top":
                return None, "", ""  # a top-level call, not a definition
            if family in ("java", "kotlin") and where == "top":
                return None, "", ""
            if family == "c" and where == "top" and not lead and "=" not in body:
                return None, "", ""  # a macro call or a K&R oddity
            if "=" in body.split("(")[0] and family != "ts":
                return None, "", ""
            return "function", name, ""
    if family == "ts" and where == "member":
        field = _TS_MEMBER_FIELD.match(body)
        if field and "=>" in body:
            return "function", field.group(1), ""
    return None, "", ""


def _collect_header(
    lines: list[str], number: int, scan: _Scanner, stack: list[tuple[str, str]], kind: str
) -> tuple[list[str], int, int]:
    """The header's lines up to its body's `{` (or `;`, `=>`, a complete line), with their
    brackets applied to `stack`; (lines, stack index of the body's brace or -1, consumed)."""
    paren = 0
    parts: list[str] = []
    body_at = -1
    consumed = 0
    for i in range(number, min(len(lines), number + MAX_SIGNATURE_LINES)):
        line = lines[i]
        consumed += 1
        cut = len(line)
        for offset, bracket in scan.brackets(line):
            if bracket == "(":
                paren += 1
            elif bracket == ")":
                paren = max(0, paren - 1)
            elif bracket == "{":
                if paren == 0 and body_at < 0 and cut == len(line):
                    body_at, cut = len(stack), offset
                stack.append((_OPAQUE, ""))
            elif stack:
                stack.pop()
                if len(stack) <= body_at:
                    body_at = -1  # the body closed on the header's own line
        parts.append(line if kind in ("const", "macro") else line[:cut])
        if cut < len(line):
            break
        stripped = line.rstrip()
        if (
            paren == 0
            and scan.close is None
            and (
                kind in ("const", "macro")
                or stripped.endswith((";", "=>", "}", "]"))
                or (
                    not stripped.endswith(
                        ("extends", "implements", "where", ",", "=", ":", "->", "(", "|", "&")
                    )
                    and (
                        i + 1 >= len(lines)
                        or not lines[i + 1]
                        .lstrip()
                        .startswith(
                            (
                                "{",
                                ":",
                                "->",
                                "extends",
                                "implements",
                                "where",
                                "throws",
                                ".",
                                "|",
                                "=",
                            )
                        )
                    )
                )
            )
        ):
            break
    return parts, body_at, consumed


def _trim_header(text: str, family: str, kind: str) -> str:
    text = text.rstrip()
    if family == "ts" and "=>" in text and re.search(r"=\s*(?:async\s*)?(?:\(|\w+\s*=>)", text):
        return text[: text.index("=>") + 2]  # an arrow function: its parameters
    if kind in ("const", "macro"):
        return text[:CONST_CHARS]
    return text.rstrip("{ ").rstrip()


def _impl_target(body: str) -> str:
    """The type an `impl` block is for: `impl<T> Foo<T>`, `impl Trait for Foo`."""
    head = body.split("{")[0]
    head = re.sub(r"<[^<>]*(?:<[^<>]*>[^<>]*)*>", "", head)
    match = re.search(r"\bfor\s+([\w:]+)", head) or re.search(r"\bimpl\s+([\w:]+)", head)
    return match.group(1).split("::")[-1] if match else ""


def _is_constructor(name: str, parent: str, family: str, body: str) -> bool:
    if family == "ts":
        return name == "constructor"
    if family in ("java", "c"):
        return name == parent
    if family == "rust":
        return name in ("new", "with_capacity", "from", "builder") and name == "new"
    if family == "kotlin":
        return body.startswith("constructor")
    return False


def _has_fields(body: str, family: str) -> bool:
    """Types whose literal needs their fields: structs, and TS interfaces."""
    if family == "ts":
        return re.match(r"(?:export\s+)?(?:declare\s+)?interface\b", body) is not None
    return (
        re.match(
            r"(?:pub(?:\([\w:]+\))?\s+|typedef\s+)?(?:type\s+\w+\s+struct|struct|enum)\b", body
        )
        is not None
    )


def _attach_fields(lines: list[str], start: int, name: str, out: _Builder) -> str:
    """A struct's first fields, shown under its record (its literal needs them); returns
    the name a C typedef gives it after the closing brace."""
    shown = 0
    for line in lines[start : start + 40]:
        body = line.strip()
        if body.startswith("}"):
            alias = re.match(r"}\s*(\w+)\s*;", body)
            return alias.group(1) if alias else ""
        if not body or body.startswith(("//", "/*", "*", "#")) or len(body) > CONST_CHARS:
            continue
        if shown < MAX_FIELDS:
            out.attach(name, line.rstrip())
        shown += 1
    return ""


def doc_comment_above(lines: list[str], number: int) -> str:
    """The doc comment right above a line (`///`, `/** ... */`, `//`), first line of it."""
    i = number - 1
    while i >= 0 and lines[i].strip().startswith(("@", "#[")):
        i -= 1
    if i < 0:
        return ""
    text = lines[i].strip()
    if text.endswith("*/"):
        while i > 0 and not lines[i].strip().startswith("/*"):
            i -= 1
        for j in range(i, number):
            doc = _doc_line(lines[j])
            if doc:
                return doc
        return ""
    if text.startswith("//"):
        while i > 0 and lines[i - 1].strip().startswith("//"):
            i -= 1
        return _doc_line(lines[i])
    return ""


# ---- big files: a name filter and slices -----------------------------------------------------
_DEFINED = {
    "python": re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)|^(\w+)[ \t]*[:=]", re.M),
}
_DEFINED_BRACES = re.compile(
    r"^[ \t]{0,12}(?:[\w$*&<>,\[\]\"@:.]+[ \t]+){0,6}\(?\**([~$A-Za-z_][\w$]*)[ \t]*[(<{=:;]",
    re.M,
)
SLICE_BACK = 400  # lines searched upwards for the top-level line a definition belongs to
SLICE_AHEAD = 80


def defined_names(text: str, family: str) -> set[str]:
    """Names that may be defined in `text` (a superset: the filter of a big document)."""
    pattern = _DEFINED.get(family, _DEFINED_BRACES)
    out: set[str] = set()
    for match in pattern.finditer(text):
        out.update(g for g in match.groups() if g)
    return out


def outline_around(text: str, name: str, family: str) -> Outline | None:
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
        if re.search(r"[(=.,!]", text[start:at]):
            continue  # a use, not a definition
        tried += 1
        if tried > 12:
            return None
        first, top = _top_line_above(text, start)
        end = start
        for _ in range(SLICE_AHEAD):
            nxt = text.find("\n", end)
            if nxt < 0:
                end = len(text)
                break
            end = nxt + 1
        found = outline(text[top:end], family, first)
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
