"""The vocabulary the cleaning rules share: what a cleaned item is, the mode, and what a line
looks like (its indentation, whether it opens or only closes a block, how it changes nesting,
the closers the editor typed after the cursor, the code lines below the cursor)."""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from enum import StrEnum
from typing import NamedTuple

from ds_lsp.code_scan import Scanner, brackets, unclosed_brackets, without_comment

CLOSERS = set(")]}>\"'`;,: \t")
OPENERS = ("(", "[", "{", ":", "=>", " do", " then")
RUN_CLOSERS = set(")]}>\"'`;,")  # what an editor auto-closes or types after the cursor
CLOSING_TAGS = re.compile(r"(\s*</[A-Za-z][\w.:-]*\s*>)+")  # `</li></ul>` after the cursor
LOOKAHEAD = 5  # code lines below the cursor compared with the suggestion
KEYWORD_CLOSER = re.compile(r"^(end|fi|done|esac)\b")
KEYWORD_OPENER = re.compile(
    r"^(def|class|module|function|local function|begin|case|unless|until|while|if|for)\b"
)
WORD_START = re.compile(r"[a-z]")
KEYWORD_ARM = re.compile(r"^(elif|elsif|elseif|else|when|rescue|ensure)\b")
PAREN_CONDITION = re.compile(r"(if|for|while|until|unless)\s*\(")
ARM_ARROW = re.compile(r"=>|->| of$| in$")
BLOCK_TAIL = re.compile(r"(\bdo(\s*\|[^|]*\|)?|\bthen)$")
CONTINUES = ("(", "[", "{", ",", "+", "-", "*", "/", "=", "&&", "||", "\\", ".", "?", "|>")


class Mode(StrEnum):
    """How much a suggestion may hold."""

    SINGLE = "single"
    MULTI = "multi"


class Cleaned(NamedTuple):
    """What an item shows: `text` inserted at the cursor ('' = nothing), replacing `replace`
    characters of the cursor's line after the cursor (never its line break)."""

    text: str
    replace: int = 0


NOTHING = Cleaned("", 0)


def only_closers(text: str) -> bool:
    return all(ch in CLOSERS for ch in text)


def leaves_room_for_block(line_suffix: str) -> bool:
    """Only closers follow the cursor, perhaps then a block's opening brace (`) {`): what
    the suggestion writes may go on over lines."""
    code = line_suffix.rstrip("\r\n").rstrip(" \t")
    tags = CLOSING_TAGS.match(code)
    code = code[tags.end() :] if tags else code
    if code.endswith("{") and not code.endswith("${"):
        code = code[:-1]
    return only_closers(code)


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def opens_block(line: str) -> bool:
    """Whether a line ends by opening a block (`:`, `{`, `(`, `[`, `=>`, `do`, `then`)."""
    return line.rstrip().endswith(OPENERS)


def closes_block(line: str) -> bool:
    """`}`, `});`, `end`, `fi`: a line that only closes a block."""
    return only_closers(line.strip()) or line.strip() in ("end", "fi", "done", "esac")


def closing_run(line_suffix: str) -> str:
    """The closers the editor typed right after the cursor (`)`, `"]`, `});` ...)."""
    end = 0
    while end < len(line_suffix) and (line_suffix[end] in RUN_CLOSERS or line_suffix[end] == " "):
        end += 1
    return line_suffix[:end].rstrip(" ")


def code_lines_below(suffix: str, count: int = LOOKAHEAD) -> list[str]:
    """The first `count` non-blank lines after the cursor's line (reads no further)."""
    out: list[str] = []
    start = suffix.find("\n") + 1
    while start and len(out) < count:
        end = suffix.find("\n", start)
        line = suffix[start:] if end < 0 else suffix[start:end]
        if line.strip():
            out.append(line.rstrip("\r"))
        start = end + 1
    return out


def code_lines_above(prefix: str, count: int) -> list[str]:
    """The last `count` non-blank lines of `prefix`, nearest last (reads no further)."""
    out: list[str] = []
    end = len(prefix)
    while end >= 0 and len(out) < count:
        start = prefix.rfind("\n", 0, end) + 1
        line = prefix[start:end]
        if line.strip():
            out.append(line.rstrip("\r"))
        end = start - 1
    return out[::-1]


def open_indents(prefix: str) -> list[int]:
    """For each bracket still open at the end of `prefix`, outermost first, the indentation
    of the line it was opened on."""
    scanner = Scanner()
    stack: list[int] = []
    for line in prefix.split("\n"):
        for _, ch in scanner.brackets(line + "\n"):
            if ch in "([{":
                stack.append(indent_of(line))
            elif stack:
                stack.pop()
    return stack


def last_code_line(prefix: str) -> str | None:
    """The last non-blank line of `prefix`, or None."""
    found = code_lines_above(prefix, 1)
    return found[0] if found else None


@functools.lru_cache(maxsize=8)
def indent_unit(prefix: str) -> str:
    """The document's indentation step, from the lines before the cursor ('' when unsure):
    the commonest step into a block (after a line that opens one), else the commonest step
    (an argument aligned under a parenthesis is no step)."""
    lines = prefix.rsplit("\n", 80)[-80:]
    if any(x.startswith("\t") for x in lines):
        return "\t"
    code = [x for x in lines if x.strip() or (x is lines[-1] and x)]
    into_block: Counter[int] = Counter()
    anywhere: Counter[int] = Counter()
    for a, b in itertools.pairwise(code):
        step = indent_of(b) - indent_of(a)
        if step > 0:
            anywhere[step] += 1
            if opens_block(a):
                into_block[step] += 1
    steps = into_block or anywhere
    if not steps:
        return ""
    return " " * min(steps, key=lambda step: (-steps[step], step))


def _keyword_delta(line: str, comment_at: int | None = None) -> int:
    """+1 for a line opening an `end` block (Ruby, Lua, shell), -1 for the `end` itself
    (`comment_at`: where its line comment starts, -1 for none; found when not given)."""
    if comment_at is None:
        code = without_comment(line).strip()
    else:
        code = (line if comment_at < 0 else line[:comment_at]).strip()
    if not code or not WORD_START.match(code):
        return 0  # a keyword block starts and ends with a word
    if KEYWORD_CLOSER.match(code):
        return -1
    if code.endswith(("{", ":", ";", "end")) or re.search(r"\bend\b", code):
        return 0
    if KEYWORD_ARM.match(code):
        return 0  # `elseif x then`, `else`: the same block goes on
    if BLOCK_TAIL.search(code):
        return 1
    m = KEYWORD_OPENER.match(code)
    if not m:
        return 0
    if m.group(1) in ("if", "for", "while", "until", "unless") and (
        code.endswith(")") or PAREN_CONDITION.match(code)
    ):
        return 0  # C-like: a brace-less statement, or a condition going on over lines
    if m.group(1) == "case" and ARM_ARROW.search(code):
        return 0  # an arm (`case _ => x`, `case x of`), not Ruby's `case x` ... `end`
    return 1


def line_depth(line: str, quote: str = "") -> tuple[int, int]:
    """(net change of nesting, lowest point within the line) for one line."""
    depth = low = 0
    for _, ch in brackets(line, quote):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            low = min(low, depth)
    keyword = _keyword_delta(line)
    return depth + keyword, min(low, depth + keyword)


def line_depths(lines: list[str], state: str = "", parens: int = 0) -> list[tuple[int, int]]:
    """`line_depth` of each line, reading strings, block comments and templates across the
    lines (`state`: what is open before the first; `parens`: its `(`/`[` still open). An
    `end`-keyword counts only on a line that starts in code outside parentheses (not in a
    docstring, not in a comprehension's `for`)."""
    scanner = Scanner(state)
    out: list[tuple[int, int]] = []
    for line in lines:
        statement = not scanner.frames and parens == 0
        depth = low = 0
        for _, ch in scanner.brackets(line + "\n"):
            if ch in "([{":
                depth += 1
                parens += ch != "{"
            else:
                depth -= 1
                low = min(low, depth)
                parens = max(0, parens - (ch != "}"))
        keyword = _keyword_delta(line, scanner.comment_at) if statement else 0
        out.append((depth + keyword, min(low, depth + keyword)))
    return out


def open_parens(line_prefix: str) -> int:
    """`(` and `[` the cursor's line leaves open before the cursor."""
    return sum(ch != "{" for _, ch in unclosed_brackets(line_prefix))


@functools.lru_cache(maxsize=8)
def unclosed(text: str) -> int:
    """How many blocks `text` leaves open at its end (stray closers ignored)."""
    depth = 0
    for change, low in line_depths(text.split("\n")):
        depth = max(0, depth + low) + (change - low)
    return depth


@functools.lru_cache(maxsize=8)
def closes_before_opening(text: str) -> int:
    """How many blocks open before `text` it closes (its lowest nesting point)."""
    depth = low = 0
    for change, line_low in line_depths(text.split("\n")):
        low = min(low, depth + line_low)
        depth += change
    return -low
