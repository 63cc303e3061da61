"""Turn a chat answer into the text ds-lsp.generateCodeBlock inserts.

Pure functions: strip code fences and stray prose from the model's answer, re-indent the
code to the indentation at the insertion point (tabs when the file uses tabs), and glue it
into the line it lands in (a new line after text before the cursor, the rest of the line
moved below, the newline of a whole-line selection kept).
"""

from __future__ import annotations

import re
import textwrap

FENCE = re.compile(r"^\s*(```|~~~)")
PROSE = re.compile(
    r"^(here(?:'s| is| are)|sure|certainly|of course|okay|ok|below|the following|"
    r"this (?:code|function|implementation|snippet|will|is|class|method|script)|"
    r"the (?:above|code|function)|note|explanation|in this|i (?:have|hope|added|used)|"
    r"let me|you can)\b",
    re.IGNORECASE,
)
SENTENCE = re.compile(r"^[A-Z][a-z']*(?: [^\s=(){}\[\];<>]+){2,}[.!]$")
OPENERS = (":", "{", "(", "[", ",", "\\", "=", "=>", "->", " do", " then")


def is_prose(line: str) -> bool:
    """A sentence addressed to the reader rather than code."""
    text = line.strip()
    return bool(PROSE.match(text)) and len(text.split()) >= 3


def is_sentence(line: str) -> bool:
    """Prose by its shape: a capitalised sentence of three words or more, no code signs."""
    return is_prose(line) or bool(SENTENCE.match(line.strip()))


def extract_code(answer: str) -> str:
    """The code of an answer that began inside a fence: fences and prose removed."""
    lines = answer.replace("\r\n", "\n").split("\n")
    while lines and (not lines[0].strip() or is_prose(lines[0])):
        lines.pop(0)
    if lines and FENCE.match(lines[0]):  # the model opened its own fence
        lines.pop(0)
    close = next((i for i, line in enumerate(lines) if FENCE.match(line)), None)
    if close is not None:
        lines = lines[:close]
    lines = _drop_trailing_prose([line.rstrip() for line in lines])
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def _drop_trailing_prose(lines: list[str]) -> list[str]:
    """Cut last paragraphs (after a blank line) that open with a sentence."""
    for i in range(len(lines) - 1, 0, -1):
        if (
            not lines[i - 1].strip()
            and lines[i].strip()
            and not lines[i][0].isspace()
            and is_sentence(lines[i])
        ):
            return _drop_trailing_prose(lines[: i - 1])
    return lines


def _fix_hanging_first_line(lines: list[str]) -> list[str]:
    """A first line at column 0 followed by lines all indented although it opens no block:
    the model indented the rest for the file's position; take that indentation away."""
    rest = [line for line in lines[1:] if line.strip()]
    if not rest or lines[0][:1].isspace() or lines[0].rstrip().endswith(OPENERS):
        return lines
    common = textwrap.dedent("\n".join(rest))
    if common == "\n".join(rest):
        return lines
    return [lines[0], *textwrap.dedent("\n".join(lines[1:])).split("\n")]


def _indent_unit(lines: list[str]) -> int:
    widths = [len(x) - len(x.lstrip(" ")) for x in lines if x.strip() and x.startswith(" ")]
    return min(widths) if widths else 0


def _spaces_to_tabs(lines: list[str]) -> list[str]:
    unit = _indent_unit(lines)
    if not unit:
        return lines
    out = []
    for line in lines:
        width = len(line) - len(line.lstrip(" "))
        out.append("\t" * (width // unit) + " " * (width % unit) + line[width:])
    return out


def reindent(code: str, indent: str) -> str:
    """The code dedented, then every non-blank line prefixed with `indent`."""
    lines = textwrap.dedent(code).split("\n")
    lines = _fix_hanging_first_line(lines)
    if indent.startswith("\t"):
        lines = _spaces_to_tabs(lines)
    return "\n".join(indent + line if line.strip() else "" for line in lines)


def fit(
    block: str, head: str, tail: str, indent: str, replacing: bool, keep_newline: bool = False
) -> str:
    """The text to insert where `head` (text before) and `tail` (text after) meet.

    `block` is already re-indented to `indent`. At a position after text, the code starts a
    new line; text after the position moves to its own line below. A replaced range keeps
    the surrounding text on its lines, and a trailing newline when it had one.
    """
    lines = block.split("\n")
    if head.strip() and not replacing:
        text = "\n" + block
    else:
        first = lines[0]
        if head.strip():
            first = first.lstrip()
        elif first.startswith(head):
            first = first[len(head) :]
        else:
            first = first.lstrip()
        text = "\n".join([first, *lines[1:]])
    if keep_newline:
        text += "\n"
    elif tail.strip() and not replacing:
        text += "\n" + (indent if head.strip() else head)  # the line's own text stays intact
    return text
