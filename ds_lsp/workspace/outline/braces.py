"""The brace-language outliner (TypeScript/JavaScript, Go, Rust, Java, Kotlin, C/C++).

Only top-level definitions and members of classes (impl blocks, interfaces, objects) are
indexed: a local variable or a function nested in a function is not a definition another
file can call. A class's record carries its constructor (`constructor`, a Java constructor,
Rust `new`, a Kotlin primary constructor) or a struct's first fields, and a doc line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ds_lsp.code_scan import LANGUAGES, Scanner
from ds_lsp.workspace.outline.record import (
    CONST_CHARS,
    FLD,
    MAX_FIELDS,
    MAX_LINE,
    MAX_SIGNATURE_LINES,
    Builder,
    doc_line,
    join_signature,
)

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
    "ts": re.compile(
        r"\s*(?:import\b|export\s+(?:type\s+)?(?:\*|\{[^}]*\}\s+from\b|\{\s*$)|"
        r"(?:const|let|var)\s+[$\w{][^=]*=\s*require\(\s*[\"'])"
    ),
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


_OPAQUE, _CLASS, _NS = "o", "c", "n"
_GO_GROUP = re.compile(r"(const|var|type)\s*\(\s*$")
_GO_GROUP_ITEM = re.compile(r"\s*([A-Za-z_]\w*)\b")


def outline_braces(lines: list[str], family: str, out: Builder) -> None:
    """Top-level and class-member definitions of a brace language."""
    scan = Scanner(syntax=LANGUAGES[family])
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
        if group and not scan.frames:
            if body.startswith(")"):
                group = ""
            else:
                item = _GO_GROUP_ITEM.match(line)
                if item and paren == 1 and not body.startswith("//"):
                    out.add(item.group(1), number, out.value(f"{group} {body}"[:CONST_CHARS]))
        elif (
            not scan.frames
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
        for _, bracket in _brackets(scan, line) if len(line) <= MAX_LINE * 4 else ():
            if bracket == "(":
                paren += 1
            elif bracket == ")":
                paren = max(0, paren - 1)
            elif bracket == "{":
                stack.append((_OPAQUE, ""))
            elif bracket == "}" and stack:
                stack.pop()
        number += 1


def _brackets(scan: Scanner, line: str) -> Iterator[tuple[int, str]]:
    """(offset, bracket) of the brackets of one line outside strings, comments and template
    code (`[]` too: the callers skip them); what is open at its end is carried on."""
    return scan.brackets(line + "\n", interpolations=False)


def _definition(
    lines: list[str],
    number: int,
    family: str,
    scan: Scanner,
    head_re: re.Pattern[str],
    import_re: re.Pattern[str],
    where: str,
    container: str,
    out: Builder,
    stack: list[tuple[str, str]],
) -> int:
    """Recognise a definition starting at `number`; returns the lines it consumed (its
    header, with its brackets applied to `stack`), or 0 when the line is no definition."""
    line = lines[number]
    body = line.strip()
    if family == "ts" and where == "top" and _LOCAL_EXPORT.match(body):
        joined, consumed = _joined_statement(lines, number) if "}" not in body else (body, 1)
        if not re.search(r"\bfrom\s*[\"']", joined):  # `export { _catch as catch };`
            for original, alias in _EXPORT_AS.findall(joined):
                out.alias(alias, original)
            return consumed
    if where == "top" and import_re.match(line):
        if not body.endswith(("(", "{")):
            out.imports.append(f"{number + out.offset}{FLD}{body}")
            return 0
        if family != "ts":
            return 0
        joined, consumed = _joined_statement(lines, number)  # `export {\n  a,\n} from "./x"`
        out.imports.append(f"{number + out.offset}{FLD}{joined}")
        return consumed
    if family == "ts" and where == "top" and body.startswith(("module.exports", "exports.")):
        return _commonjs_export(body, number, out)
    if "/*" in body:  # `export /*@__NO_SIDE_EFFECTS__*/ function f(`
        body = " ".join(_INLINE_COMMENT.sub(" ", body).split())
    kind, name, receiver = _classify(body, family, head_re, where, container)
    if kind is None:
        return 0
    parts, body_at, consumed = _collect_header(lines, number, scan, stack, kind)
    text = _trim_header(join_signature(parts), family, kind)
    if kind in ("const", "macro"):
        text = out.value(text)
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
            out.alias("default", name)  # with the constructor attached to `name`
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


_LOCAL_EXPORT = re.compile(r"export\s+(?:type\s+)?\{")
_EXPORT_AS = re.compile(r"([$\w]+)\s+as\s+([$\w]+)")
_INLINE_COMMENT = re.compile(r"/\*[^*]*\*+(?:[^/*][^*]*\*+)*/")
_CJS_NAMED = re.compile(r"(?:module\.)?exports\.([$\w]+)\s*=\s*(.*)$")
_CJS_WHOLE = re.compile(r"module\.exports\s*=\s*([$\w]+)\s*;?\s*$")
_CJS_OBJECT = re.compile(r"module\.exports\s*=\s*\{([^{}]*)\}\s*;?\s*$")


def _joined_statement(lines: list[str], number: int) -> tuple[str, int]:
    """A multi-line import/export statement as one line, and the lines it spans."""
    parts = []
    for i in range(number, min(len(lines), number + 60)):
        parts.append(lines[i].strip())
        if i > number and re.search(r"""\bfrom\s*["']|[;}]\s*$""", lines[i]):
            break
    return " ".join(parts).replace("{ ", "{").replace(", }", "}").replace(" }", "}"), len(parts)


def _commonjs_export(body: str, number: int, out: Builder) -> int:
    """`module.exports = name`, `module.exports = {a, b: c}`, `exports.f = function (a) {`:
    the names another file's `require` gets, as aliases of (or records for) definitions."""
    whole = _CJS_WHOLE.match(body)
    if whole:
        out.alias("default", whole.group(1))
        return 0
    listed = _CJS_OBJECT.match(body)
    if listed:
        for item in listed.group(1).split(","):
            key, _, value = item.partition(":")
            if re.fullmatch(r"\s*[$\w]+\s*", value or key):
                out.alias(key.strip(), (value or key).strip())
        return 0
    named = _CJS_NAMED.match(body)
    if named:
        name, value = named.groups()
        if re.fullmatch(r"[$\w]+\s*;?", value):
            out.alias(name, value.rstrip("; "))
        elif re.match(r"(?:async\s+)?(?:function\b|\(|[$\w]+\s*=>)", value):
            out.add(name, number, _trim_header(body, "ts", "function"))
    return 0


def _classify(
    body: str, family: str, head_re: re.Pattern[str], where: str, container: str
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
            before = lead[-1] if lead else ""
            if name in _CONTROL or (before in _CONTROL and not _returns_void(before, family)):
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
    lines: list[str], number: int, scan: Scanner, stack: list[tuple[str, str]], kind: str
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
        for offset, bracket in _brackets(scan, line):
            if bracket == "(":
                paren += 1
            elif bracket == ")":
                paren = max(0, paren - 1)
            elif bracket == "{":
                if paren == 0 and body_at < 0 and cut == len(line):
                    body_at, cut = len(stack), offset
                stack.append((_OPAQUE, ""))
            elif bracket == "}" and stack:
                stack.pop()
                if len(stack) <= body_at:
                    body_at = -1  # the body closed on the header's own line
        parts.append(line if kind in ("const", "macro") else line[:cut])
        if cut < len(line):
            break
        stripped = line.rstrip()
        if (
            paren == 0
            and not scan.frames
            and (
                kind in ("const", "macro")
                or stripped.endswith((";", "=>", "}", "]"))
                or (
                    not stripped.endswith(
                        ("extends", "implements", "where", ",", "=", ":", "->", "(", "|", "&", "<")
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


_ARROW = re.compile(r"=\s*(?:async\s*)?(?:<[^=()]*>\s*)?(?:\(|\w+\s*=>)")


def _trim_header(text: str, family: str, kind: str) -> str:
    text = text.rstrip()
    if family == "ts" and "=>" in text and _ARROW.search(text):
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


def _attach_fields(lines: list[str], start: int, name: str, out: Builder) -> str:
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
            out.attach(name, out.value(line.rstrip()))
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
            doc = doc_line(lines[j])
            if doc:
                return doc
        return ""
    if text.startswith("//"):
        while i > 0 and lines[i - 1].strip().startswith("//"):
            i -= 1
        return doc_line(lines[i])
    return ""


def _returns_void(word: str, family: str) -> bool:
    """`void run(int a)` in Java and C is a function that returns nothing; only in JS/TS is
    `void f(x)` an expression."""
    return word == "void" and family in ("java", "c")
