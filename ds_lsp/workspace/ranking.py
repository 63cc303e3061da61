"""Which names the cursor needs defined, most needed first.

The callee right before the cursor comes first (`X(`, `obj.X(`, `new X`, a call whose
arguments are being typed), then the names on the cursor's line (nearest first), then the
names in the window by distance from the cursor. Each is a chain (`models.User`,
`store.NewStore`, `Config::new`), so a module alias can lead to the module's file. Keywords,
builtins and `self`/`this` are never wanted; a name the window itself assigns or defines
(a local variable, a parameter, a nested function) is demoted behind every other name.
"""

from __future__ import annotations

import re

CHAIN = re.compile(r"[$A-Za-z_][\w$]*(?:\s*(?:\?\.|\.|::|->)\s*[$A-Za-z_][\w$]*)*")
_SPLIT = re.compile(r"\s*(?:\?\.|\.|::|->)\s*")
_SEPARATOR = re.compile(r"\?\.|\.|::|->")
_REACHED = re.compile(r"\s*(?:\(|\.|::)")  # what follows a chain that is called or reached into
_MARK = re.compile(r"""["'`]| #|//""")
MAX_WANTED = 48
WINDOW_LINES = 60
MAX_LINE_CHARS = 2000  # of a line, around the cursor: names farther away are not ranked

COMMON = frozenset(
    [
        "self",
        "this",
        "cls",
        "super",
        "None",
        "True",
        "False",
        "null",
        "undefined",
        "nil",
        "true",
        "false",
        "and",
        "or",
        "not",
        "in",
        "is",
        "if",
        "else",
        "elif",
        "for",
        "while",
        "return",
        "def",
        "class",
        "import",
        "from",
        "as",
        "with",
        "try",
        "except",
        "finally",
        "raise",
        "pass",
        "break",
        "continue",
        "lambda",
        "yield",
        "await",
        "async",
        "function",
        "const",
        "let",
        "var",
        "new",
        "typeof",
        "instanceof",
        "void",
        "delete",
        "export",
        "default",
        "extends",
        "implements",
        "interface",
        "type",
        "enum",
        "public",
        "private",
        "protected",
        "static",
        "final",
        "abstract",
        "package",
        "func",
        "go",
        "defer",
        "chan",
        "map",
        "struct",
        "range",
        "select",
        "switch",
        "case",
        "fallthrough",
        "fn",
        "pub",
        "mod",
        "use",
        "crate",
        "impl",
        "trait",
        "where",
        "mut",
        "ref",
        "match",
        "loop",
        "move",
        "dyn",
        "unsafe",
        "extern",
        "val",
        "fun",
        "object",
        "when",
        "data",
        "sealed",
        "override",
        "open",
        "internal",
        "companion",
        "int",
        "float",
        "str",
        "bool",
        "bytes",
        "list",
        "dict",
        "set",
        "tuple",
        "len",
        "print",
        "range",
        "isinstance",
        "getattr",
        "setattr",
        "hasattr",
        "object",
        "string",
        "number",
        "boolean",
        "any",
        "never",
        "unknown",
        "Array",
        "Object",
        "String",
        "Number",
        "Promise",
        "Error",
        "console",
        "log",
        "error",
        "make",
        "append",
        "cap",
        "copy",
        "panic",
        "recover",
        "println",
        "printf",
        "sizeof",
        "char",
        "double",
        "long",
        "short",
        "unsigned",
        "signed",
        "include",
        "define",
        "ifdef",
        "ifndef",
        "endif",
        "Some",
        "Ok",
        "Err",
        "Vec",
        "Box",
        "Self",
        "Option",
        "Result",
        "std",
        "String",
    ]
)
# names that look called but are syntax (`if (`, `return (`) or have no definition to find
NOT_CALLED = frozenset(
    [
        "if",
        "for",
        "while",
        "switch",
        "catch",
        "return",
        "elif",
        "with",
        "assert",
        "await",
        "yield",
        "typeof",
        "sizeof",
        "function",
        "def",
        "class",
        "fn",
        "func",
        "fun",
        "super",
        "self",
        "this",
        "cls",
        "Self",
        "print",
        "len",
        "range",
        "isinstance",
        "str",
        "int",
        "list",
        "dict",
        "set",
        "tuple",
        "bool",
        "float",
        "make",
        "append",
        "new",
        "lambda",
        "match",
    ]
)
_BINDS = re.compile(
    r"(?:^|[^\w$.])(?:let|const|var|val|mut|auto|def|function|fn|func|for)\s+(?:\(\s*)?"
    r"([$A-Za-z_][\w$]*)(?:\s*,\s*([$A-Za-z_][\w$]*))?"
    r"|(?<![\w$.])([$A-Za-z_][\w$]*)\s*(?::=|=(?![=>]))",
    re.M,
)


def split_chain(text: str) -> tuple[str, ...]:
    return tuple(p for p in _SPLIT.split(text) if p)


_DEFINING = re.compile(
    r"^\s*(?:export\s+|pub\s+|async\s+|public\s+|private\s+|static\s+)*"
    r"(?:def|function|func|fn|fun|class|struct|interface|type)\s+[$\w]*$"
)


def callee(line_prefix: str) -> tuple[str, ...] | None:
    """The chain being called or constructed at the cursor: `url_for(` (also with some
    arguments typed), `obj.method(`, `new Foo`. Not a name being defined (`def f(`)."""
    line_prefix = line_prefix[-MAX_LINE_CHARS:]
    head = line_prefix[: line_prefix.rfind("(")] if "(" in line_prefix else line_prefix
    if _DEFINING.match(head.rstrip()) or _DEFINING.match(line_prefix):
        return None
    new_type = _new_type(line_prefix)
    if new_type is not None:
        return new_type
    depth = 0
    for i in range(len(line_prefix) - 1, -1, -1):
        ch = line_prefix[i]
        if ch in ")]}":
            depth += 1
        elif ch in "([{":
            if depth == 0:
                return _chain_ending(line_prefix[:i]) if ch == "(" else None
            depth -= 1
    return None


def _new_type(line_prefix: str) -> tuple[str, ...] | None:
    """`new Foo` or `new pkg.Foo` right before the cursor."""
    head = line_prefix.rstrip()
    end = len(head)
    start = end
    while start > 0 and (head[start - 1].isalnum() or head[start - 1] in "_$."):
        start -= 1
    if start == end or not (head[start].isalpha() or head[start] in "_$"):
        return None
    before = head[:start]
    if before.rstrip() == before or not before.rstrip().endswith("new"):
        return None
    word = before.rstrip()
    if len(word) > 3 and (word[-4].isalnum() or word[-4] in "_$"):
        return None  # `renew x`, not `new x`
    return split_chain(head[start:end])


def _chain_ending(text: str) -> tuple[str, ...] | None:
    """The chain that ends `text` (before an optional `<T>` or Rust `!`), or None."""
    head = text.rstrip()
    if head.endswith("!"):
        head = head[:-1].rstrip()
    elif head.endswith(">"):
        at = head.rfind("<")
        if at >= 0 and not any(c in "<>()" for c in head[at + 1 : -1]):
            head = head[:at].rstrip()
    last = None
    for last in CHAIN.finditer(head):  # noqa: B007 - the last one is wanted
        pass
    if last is None or last.end() != len(head):
        return None
    return split_chain(last.group())


def wanted(
    window_prefix: str, window_suffix: str, line_prefix: str, line_suffix: str
) -> list[tuple[str, ...]]:
    """Chains the definitions of which the prompt should show, most needed first."""
    out: dict[tuple[str, ...], None] = {}
    first = callee(line_prefix)
    if first and (_useful(first) or first[0] not in NOT_CALLED):
        out[first] = None  # a called `or(`, `not(`: a function of that name (TS, Go)
    line_prefix, line_suffix = line_prefix[-MAX_LINE_CHARS:], line_suffix[:MAX_LINE_CHARS]
    cursor_line = [*_chains(line_prefix)[::-1], *_chains(line_suffix)]
    for chain in cursor_line:
        if _useful(chain):
            out.setdefault(chain, None)
    before = [ln[:MAX_LINE_CHARS] for ln in window_prefix.split("\n")[:-1][-WINDOW_LINES:][::-1]]
    after = [ln[:MAX_LINE_CHARS] for ln in window_suffix.split("\n")[1 : WINDOW_LINES // 3]]
    for distance in range(max(len(before), len(after))):
        for lines in (before, after) if distance < len(after) else (before,):
            if distance < len(lines):
                for chain in _chains(lines[distance])[::-1]:
                    if _useful(chain):
                        out.setdefault(chain, None)
        if len(out) >= MAX_WANTED * 2:
            break
    ranked = list(out)
    # the lines the chains came from: names bound there are locals
    bound = local_names("\n".join([*before, line_prefix + line_suffix, *after]))
    locals_ = [c for c in ranked if c != first and c[0] in bound]
    keep = [c for c in ranked if c[0] not in bound or c == first]
    return (keep + locals_)[:MAX_WANTED]


def local_names(text: str) -> set[str]:
    """Names the window itself binds: assignments, loop variables, `let`, nested defs."""
    out: set[str] = set()
    for match in _BINDS.finditer(text):
        out.update(g for g in match.groups() if g)
    return out


def _chains(line: str) -> list[tuple[str, ...]]:
    code = _strip_strings(line)
    return [split_chain(m.group()) for m in CHAIN.finditer(code)]


def _strip_strings(line: str) -> str:
    """The line's code: each string literal as `""`, a trailing comment cut off; an
    unterminated string runs to the line's end. One pass: linear in the line's length."""
    out: list[str] = []
    pos = 0
    while (mark := _MARK.search(line, pos)) is not None:
        out.append(line[pos : mark.start()])
        if mark.group() in (" #", "//"):
            return "".join(out)
        out.append('""')
        pos = _string_end(line, mark.end(), mark.group())
        if pos < 0:
            return "".join(out)
    out.append(line[pos:])
    return "".join(out)


def _string_end(line: str, start: int, quote: str) -> int:
    """Offset after the quote closing a string whose text starts at `start`, or -1."""
    pos = start
    while (at := line.find(quote, pos)) >= 0:
        slashes = 0
        while at - slashes > start and line[at - slashes - 1] == "\\":
            slashes += 1
        if slashes % 2 == 0:
            return at + 1
        pos = at + 1
    return -1


def _useful(chain: tuple[str, ...]) -> bool:
    head = chain[0]
    if head in ("self", "this", "cls", "super", "Self") and len(chain) > 1:
        return chain[1] not in COMMON
    return head not in COMMON or len(chain) > 1


def used_on_line(line: str) -> list[tuple[str, ...]]:
    """Chains the line calls or reaches into (`f(`, `mod.x`, `Type::new`), in order: of
    each chain, the longest start that is followed by `(`, `.` or `::`."""
    if _DEFINING.match(line.split("(", 1)[0].rstrip()):
        return []
    code = _strip_strings(line[:MAX_LINE_CHARS])
    out: list[tuple[str, ...]] = []
    for match in CHAIN.finditer(code):
        parts = split_chain(match.group())
        if _REACHED.match(code, match.end()) is None:
            separators = _SEPARATOR.findall(match.group())
            reached = [i for i, sep in enumerate(separators) if sep in (".", "::")]
            if not reached:
                continue
            parts = parts[: reached[-1] + 1]
        out.append(parts)
    return [c for c in dict.fromkeys(out) if _useful(c)]
