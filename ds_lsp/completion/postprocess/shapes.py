"""What kind of line a line of code is, read from its shape alone (no language is known): an
item of a list the block is made of (a field, an arm of a match, a list item, a markup
element), an arm that continues a compound statement (`elif`, `} else {`, `except`), or a
statement; and the head of a call statement (`console.log` in `console.log(2)`), by which a
run of calls that repeat the line above is told apart.

All patterns are anchored and free of nested repetition, so each is linear in the line."""

from __future__ import annotations

import re

from ds_lsp.code_scan import unclosed_brackets

ARM, LIST, FIELD, MARKUP = "arm", "list", "field", "markup"
SHAPE_CHARS = 200  # a line's shape is read from its start
# keywords that continue the compound statement above them, at its indentation
CHAIN = re.compile(
    r"^(elif|else|elsif|elseif|except|finally|catch|rescue|ensure|when)\b|^\}\s*(else|catch|finally)\b"
)
CODE_OPENER = re.compile(
    r"((export|public|private|protected|internal|static|async|override|pub|inline)\s+)*"
    r"(def|fn|func|function|fun|if|elif|else|for|while|do|try|with|catch|finally|unless|"
    r"until|loop|begin|sub|proc|method|constructor|init)\b"
)
_ARM = re.compile(r"^(\|(?!\|)|case\b|default\s*(:|->|=>)|_\s*(->|=>))")
_LIST = re.compile(r"^([-*+]|\d{1,3}[.)])\s")
_STATEMENT = re.compile(
    r"^(def|fn|func|function|class|struct|impl|import|from|return|if|for|while|do|switch|"
    r"match|try|throw|raise|yield|await|export|package|using|namespace|module|defmodule|"
    r"let|const|var|local|print|puts|echo|assert|defer|go|del|pass|break|continue|"
    r"#include|@)\b"
)
_MODIFIERS = (
    r"(?:(?:pub|public|private|protected|internal|readonly|static|final|val|var|let|"
    r"override|abstract|lateinit)\s+)*"
)
_KEY = re.compile(_MODIFIERS + r"""(["'$]?[\w$.-]+["']?|\[[^\]]{1,80}\])[?!]?\s*:(?![:=])""")
_ATTRIBUTE = re.compile(r"[\w:.-]+=[\"'{]")
_CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*\s*=[^=]")
_DECLARATION = re.compile(
    _MODIFIERS + r"[\w.:<>\[\]*&?,]+\s+\**[A-Za-z_][\w.\[\]<>*]*\s*([=;,({\[]|$)"
)
_SIGNATURE = re.compile(r"[A-Za-z_]\w*\s*\([^()]*\)\s*[:\w\[*(]")
_BARE = re.compile(r"[\w$]+,?$|[\w$]+\s*=\s*[^=].*,$")  # `RED,`, `Info = 1,`
_HEAD = re.compile(r"([A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*)(\s*\(|\s+[\"'\w]|\s*<<)")
_DEFINING = re.compile(
    r"^(import|from|use|using|include|require|package|export|let|const|var|val|def|fn|func|"
    r"function|class|struct|type|public|private|protected|static|local|return|if|for|while)$"
)


def code_opener(line: str) -> bool:
    """A line opening a block of statements (a function, a loop, a condition), not of items
    (a struct, an object literal, a match)."""
    return bool(CODE_OPENER.match(line.strip()[:SHAPE_CHARS]))


def chain_arm(code: str) -> bool:
    """`elif x:`, `else`, `} else {`, `except E:`, `when 1 then`: an arm of the compound
    statement above, written at its indentation."""
    return bool(CHAIN.match(code))


def item_kind(line: str) -> str:
    """The kind of list item a line is ('' for a statement or anything else)."""
    code = line.strip()[:SHAPE_CHARS]
    if not code:
        return ""
    if _ARM.match(code) or chain_arm(code) or _top_level_arrow(code):
        return ARM
    if _LIST.match(code):
        return LIST
    if code.startswith("<"):
        return MARKUP
    if _STATEMENT.match(code) and not _KEY.match(code):
        return ""
    if _KEY.match(code) or _ATTRIBUTE.match(code) or _CONSTANT.match(code):
        return FIELD
    if _DECLARATION.match(code) or _SIGNATURE.match(code):
        return FIELD
    if code.endswith(",") or _BARE.match(code):
        return FIELD
    return ""


def _top_level_arrow(code: str) -> bool:
    """`pattern => value` or `pattern -> value` with the arrow outside any bracket: a match
    arm (not a lambda inside a call, not a declaration)."""
    if _STATEMENT.match(code):
        return False
    for arrow in (" => ", " -> "):
        at = code.find(arrow)
        if at > 0 and not unclosed_brackets(code[:at]):
            return True
    return False


def call_head(line: str) -> str:
    """`console.log` of `console.log(2);`, `puts` of `puts "x"`: the callee a call statement
    starts with ('' for anything else, and for declarations such as `let`/`import`)."""
    m = _HEAD.match(line.strip()[:SHAPE_CHARS])
    if not m or _DEFINING.match(m.group(1)):
        return ""
    return m.group(1)
