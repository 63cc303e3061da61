"""Cleaning the model's text before it is shown: pure functions, table-tested.

`clean` (given the mode the ask chose: `completion/ask.py`'s `should_complete`) returns
what the item needs: the text to insert at the cursor and how many characters of the
cursor's line after the cursor it replaces. The document after accept is
`prefix + text + suffix[replace:]`. The rules, in the order they run:

- Line breaks become `\\n`. A Markdown fence a chat-tuned model wrote (```` ```lang ````) goes,
  and so does an echo of the prompt's `// Path: file` header (later, it ends the text).
- Single-line mode keeps the first line. Indentation or a space the model wrote again in front
  of the cursor (`x = ` + ` 1`) goes, as does a stray indent on a first line at column 0.
- Degenerate output: a line that ends by repeating itself (`a = a = a = ...`, runaway digits)
  goes with everything after it; of 6+ near-identical lines in a row only the first stays.
- Scope (multi-line). A suggestion that completes the cursor's line ends with that statement
  unless it goes on (a block it opens, an open bracket or string, an operator at the line's
  edge, a deeper next line, an Allman brace). Lines stay in the cursor's block: a line
  indented less than the cursor's ends it, except a first line on a new line that dedents
  (`}`, a dedented `return`) when the code below does not continue the block, and `} else {`.
  A line that closes a block opened before the suggestion ends it; that line is dropped when
  the code below continues the block, when the next line below closes the same way at the
  same indent (`};` and `}` alike), or when bracket balance says the document already closes
  it; kept when the document lacks it. A closer of a block the suggestion opened stays.
- Lines that already follow: the suggestion stops at a line that repeats one of the next five
  code lines below (blank lines skipped, indentation ignored; short lines like `4,` only as
  the very next line; a near-identical next line counts too); three lines that nearly copy
  the code below make it nothing. A line repeating the line before it ends it.
- Never an opening line alone: when the model's body was cut for being too shallow, the block
  is shown re-indented under its opener, else the opener goes too.
- Continuation lines one stray space off the document's indentation grid go back on it.
- The cursor's line: closers the editor already typed after the cursor (`)`, `]`, `}`, quotes,
  `>`, `;`) that the suggestion types again are trimmed from its end or replaced (`replace`,
  also when the suggestion goes on after them: `"x: |")` + `", obj);`), never so that the line
  gets worse; a suggestion that retypes the rest of the line keeps only what is new. Spaces
  before more text on the line are kept.

Everything is linear in the size of the text (a hostile upstream may send 10k characters on
one line).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from enum import StrEnum
from typing import NamedTuple

CLOSERS = set(")]}>\"'`;,: \t")
OPENERS = ("(", "[", "{", ":", "=>", " do", " then")
PAIRS = {")": "(", "]": "[", "}": "{"}
RUN_CLOSERS = set(")]}>\"'`;,")  # what an editor auto-closes or types after the cursor
LOOKAHEAD = 5  # code lines below the cursor compared with the suggestion
PATH_LINE = re.compile(r"^\s*(#|//|--|;+|/\*|<!--)\s*Path: \S")
FENCE = re.compile(r"^\s*```[\w#+.-]*\s*$")
KEYWORD_CLOSER = re.compile(r"^(end|fi|done|esac)\b")
KEYWORD_OPENER = re.compile(
    r"^(def|class|module|function|local function|begin|case|unless|until|while|if|for)\b"
)
BLOCK_TAIL = re.compile(r"(\bdo(\s*\|[^|]*\|)?|\bthen)$")
CONTINUES = ("(", "[", "{", ",", "+", "-", "*", "/", "=", "&&", "||", "\\", ".", "?", "|>")
LIFETIME = re.compile(r"'[A-Za-z_]\w*(?!['\w])")


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


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def opens_block(line: str) -> bool:
    """Whether a line ends by opening a block (`:`, `{`, `(`, `[`, `=>`, `do`, `then`)."""
    return line.rstrip().endswith(OPENERS)


# ---- brackets outside strings and comments ---------------------------------------------------
def _lifetime_at(text: str, i: int) -> bool:
    """`&'a str`, `<'a>`, `<'a, 'b>`: a Rust lifetime, not a quote."""
    m = LIFETIME.match(text, i)
    if not m:
        return False
    return (i > 0 and text[i - 1] in "&<") or text[m.end() : m.end() + 1] in (">", ",")


def _quote_at(text: str, i: int) -> str:
    """The string delimiter that starts at `i`, or '' (a Rust lifetime is no quote)."""
    ch = text[i]
    if ch in "\"'" and text.startswith(ch * 3, i):
        return ch * 3
    if ch == "'" and ((i and text[i - 1].isalnum()) or _lifetime_at(text, i)):
        return ""
    return ch if ch in "\"'`" else ""


def _comment_at(text: str, i: int) -> bool:
    if text.startswith("//", i) or text.startswith("/*", i):
        return True
    return text[i] == "#" and (i == 0 or text[i - 1] in " \t") and text[i + 1 : i + 2] in " !\n"


def _skip_comment(text: str, i: int) -> int:
    if text.startswith("/*", i):
        end = text.find("*/", i + 2)
        return len(text) if end < 0 else end + 2
    end = text.find("\n", i)
    return len(text) if end < 0 else end


_CODE_MARK = re.compile(r"""[()\[\]{}"'`#/]""")  # what can change the scan outside strings
_STRING_MARK = {q: re.compile("[\\\\\n" + re.escape(q) + "]") for q in "\"'`"}


def brackets(text: str, quote: str = "") -> Iterator[tuple[int, str]]:
    """(index, char) of each bracket outside strings and comments, in order. `quote` is a
    string open before `text`; its closing delimiter is yielded as that quote character.
    Jumps from mark to mark (brackets, quotes, comment starts): linear in the text."""
    outer, i, n = quote, 0, len(text)
    while i < n:
        if quote:
            found = _STRING_MARK[quote[0]].search(text, i)
            if found is None:
                return
            i = found.start()
            ch = text[i]
            if ch == "\\":
                i += 2
                continue
            if text.startswith(quote, i):
                if quote == outer:
                    yield i, quote[0]
                    outer = ""
                i += len(quote)
                quote = ""
                continue
            if ch == "\n" and len(quote) == 1 and quote != "`":
                quote = outer = ""
            i += 1
            continue
        found = _CODE_MARK.search(text, i)
        if found is None:
            return
        i = found.start()
        ch = text[i]
        if ch in "([{)]}":
            yield i, ch
        elif _comment_at(text, i):
            i = _skip_comment(text, i)
            continue
        elif ch in "\"'`":
            quote = _quote_at(text, i)
            i += len(quote) or 1
            continue
        i += 1


def open_quote(line_prefix: str) -> str:
    """The string delimiter left open at the end of `line_prefix`, or ''."""
    quote, i, n = "", 0, len(line_prefix)
    while i < n:
        ch = line_prefix[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if line_prefix.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
        elif _comment_at(line_prefix, i):
            return ""
        elif ch in "\"'`":
            quote = _quote_at(line_prefix, i)
            i += len(quote) or 1
            continue
        i += 1
    return quote


def _keyword_delta(line: str) -> int:
    """+1 for a line opening an `end` block (Ruby, Lua, shell), -1 for the `end` itself."""
    code = line.strip()
    if KEYWORD_CLOSER.match(code):
        return -1
    if code.endswith(("{", ":", ";", "end")) or re.search(r"\bend\b", code):
        return 0
    if BLOCK_TAIL.search(code):
        return 1
    m = KEYWORD_OPENER.match(code)
    if not m:
        return 0
    if m.group(1) in ("if", "for", "while", "until", "unless") and code.endswith(")"):
        return 0  # C-like brace-less statement
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


def unclosed(text: str) -> int:
    """How many blocks `text` leaves open at its end (stray closers ignored)."""
    depth = 0
    for line in text.split("\n"):
        change, low = line_depth(line)
        depth = max(0, depth + low) + (change - low)
    return depth


def closes_before_opening(text: str) -> int:
    """How many blocks open before `text` it closes (its lowest nesting point)."""
    depth = low = 0
    for line in text.split("\n"):
        change, line_low = line_depth(line)
        low = min(low, depth + line_low)
        depth += change
    return -low


def imbalance(text: str) -> int:
    """Unmatched brackets in `text`: the measure of a broken document."""
    stack: list[str] = []
    bad = 0
    for _, ch in brackets(text):
        if ch in "([{":
            stack.append(ch)
        elif stack and stack[-1] == PAIRS[ch]:
            stack.pop()
        else:
            bad += 1
    return bad + len(stack)


# ---- the pieces of the pipeline ----------------------------------------------------------------
def drop_fences(text: str) -> str:
    """A chat model's Markdown fence: drop an opening fence line, stop at a closing one."""
    lines = text.split("\n")
    if lines and FENCE.match(lines[0]):
        lines = lines[1:]
    for i, line in enumerate(lines):
        if line.strip().startswith("```") and FENCE.match(line):
            lines = lines[:i]
            break
    return "\n".join(lines)


def drop_path_lines(text: str) -> str:
    """`// Path: other.ts`: the model echoing the prompt's file header. Skipped as a first
    line; later it starts another file, and the suggestion ends there."""
    lines = text.split("\n")
    if lines and PATH_LINE.match(lines[0]):
        lines = lines[1:]
    for i, line in enumerate(lines):
        if PATH_LINE.match(line):
            return "\n".join(lines[:i]).rstrip()
    return "\n".join(lines)


def drop_stray_first_indent(text: str, line_prefix: str) -> str:
    """At column 0, a first line indented above lines back at column 0 that are not a block's
    closer: the indentation is the model's mistake."""
    if line_prefix or text[:1] not in (" ", "\t"):
        return text
    lines = text.split("\n")
    nxt = next((x for x in lines[1:] if x.strip()), None)
    if nxt is None or indent_of(nxt) or _closes_block(nxt) or opens_block(lines[0]):
        return text
    return text.lstrip(" \t")


def drop_doubled_indent(text: str, prefix: str, line_prefix: str) -> str:
    """Drop indentation the model wrote again in front of a cursor that is already indented.

    Kept when the line above opens a block that the cursor is not yet inside (the model is
    right to indent further).
    """
    if not line_prefix or line_prefix.strip() or text[:1] not in (" ", "\t"):
        return text
    above = [s for s in prefix.split("\n")[:-1] if s.strip()]
    if above and opens_block(above[-1]) and indent_of(above[-1]) >= len(line_prefix):
        return text
    return text.lstrip(" \t")


def drop_doubled_space(text: str, line_prefix: str) -> str:
    """`x = ` + ` 1` would read `x =  1`: drop the space the model wrote again.

    Only in code: inside an open string literal two spaces may be meant.
    """
    if not (line_prefix.strip() and line_prefix.endswith(" ") and text.startswith(" ")):
        return text
    if open_quote(line_prefix):
        return text
    return text[1:] if not text.startswith("  ") else text


def _period_run(line: str, period: int) -> int:
    """Length of the longest end of `line` in which every character equals the one `period`
    before it (binary search: the property shrinks to shorter ends)."""
    lo, hi = 0, len(line) - period
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if line[len(line) - mid - period : len(line) - period] == line[len(line) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def ends_in_loop(line: str) -> bool:
    """A line ending in a unit of 3+ characters repeated 6+ times, or 10+ characters 4+ times,
    whose unit holds a letter or digit (a `// ======` divider is fine)."""
    code = line.rstrip()
    for period in range(3, min(64, len(code) // 4) + 1):
        run = _period_run(code, period)
        enough = run >= 5 * period or (period >= 10 and run >= 3 * period)
        if enough and any(ch.isalnum() for ch in code[-period:]):
            return True
    return False


def _distance_at_most(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of a and b is at most `limit` (banded, so cheap)."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [limit + 1] * len(b)
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if min(cur) > limit:
            return False
        prev = cur
    return prev[len(b)] <= limit


def near_identical(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    if a == b:
        return True
    if max(len(a), len(b)) > 200:
        return False
    return _distance_at_most(a, b, int(0.1 * max(len(a), len(b))))


def drop_degenerate(text: str) -> str:
    """Cut before the first line that ends in a loop; keep the first of 6+ near-identical
    lines in a row (the last line may be unfinished and is not counted)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if ends_in_loop(line):
            lines = lines[:i]
            break
    code = [i for i, line in enumerate(lines[:-1]) if line.strip()]
    run = 0
    for a, b in itertools.pairwise(code):
        run = run + 1 if near_identical(lines[a], lines[b]) else 0
        if run >= 5:
            return "\n".join(lines[: code[code.index(b) - run] + 1])
    return "\n".join(lines)


def drop_repeated_lines(text: str, line_prefix: str = "") -> str:
    """Stop at a line that repeats the line before it (models loop).

    The first line is compared as it will stand in the file, after `line_prefix`.
    """
    lines = text.split("\n")
    whole = [line_prefix + lines[0], *lines[1:]]
    for i in range(1, len(lines)):
        if lines[i].strip() and whole[i] == whole[i - 1] and len(lines[i].strip()) > 1:
            return "\n".join(lines[:i])
    return text


def code_lines_below(suffix: str, count: int = LOOKAHEAD) -> list[str]:
    """The first `count` non-blank lines after the cursor's line."""
    out: list[str] = []
    for line in suffix.split("\n")[1:]:
        if line.strip():
            out.append(line.rstrip("\r"))
            if len(out) >= count:
                break
    return out


def _closing_run(line_suffix: str) -> str:
    """The closers the editor typed right after the cursor (`)`, `"]`, `});` ...)."""
    end = 0
    while end < len(line_suffix) and (line_suffix[end] in RUN_CLOSERS or line_suffix[end] == " "):
        end += 1
    return line_suffix[:end].rstrip(" ")


class _Scope(NamedTuple):
    """What the block cut needs to know about the document around the cursor."""

    base: int  # indentation of the cursor's block
    below: list[str]  # code lines below the cursor's line
    needed: int  # blocks the document leaves unclosed at the cursor


def _scope(line_prefix: str, lines: list[str], suffix: str, prefix: str) -> _Scope:
    if line_prefix.strip():
        base = indent_of(line_prefix)
    elif lines[0].strip():
        base = len(line_prefix) + indent_of(lines[0])
    else:
        first = next((x for x in lines if x.strip()), "")
        base = indent_of(first) if first else len(line_prefix)
    head, _, rest = suffix.partition("\n")
    after_run = head[len(_closing_run(head)) :] + "\n" + rest
    needed = unclosed(prefix) - closes_before_opening(after_run) if prefix else 0
    return _Scope(base, code_lines_below(suffix), needed)


def _same_closer(line: str, other: str) -> bool:
    """Both lines start by closing a block with the same character (`};` vs `}`)."""
    a, b = line.strip(), other.strip()
    if KEYWORD_CLOSER.match(a) and KEYWORD_CLOSER.match(b):
        return a.split()[0].rstrip(",;)") == b.split()[0].rstrip(",;)")
    return bool(a) and bool(b) and a[0] in PAIRS and a[0] == b[0]


def closer_needed(line: str, indent: int, closed: int, scope: _Scope) -> bool:
    """Keep a line that closes the `closed`-th block around the cursor?

    Not when the code below continues the cursor's block, nor when its next line closes the
    same way at the same indent; else when the document lacks that many closers.
    """
    if scope.below:
        nxt = scope.below[0]
        if indent_of(nxt) >= scope.base and indent_of(nxt) > indent:
            return False
        if _same_closer(line, nxt) and indent_of(nxt) == indent:
            return False
        if not scope.needed and _same_closer(line, nxt):
            return False
    return closed <= max(scope.needed, 0) or not scope.below


def _continues_statement(line_prefix: str, first: str, rest: list[str], base: int) -> bool:
    """After a first line that completes the cursor's line: does the suggestion go on with the
    same statement (a deeper line, an Allman brace, an operator at a line's edge)?"""
    whole = (line_prefix + first).rstrip()
    if opens_block(whole) or whole.endswith(CONTINUES) or open_quote(whole):
        return True
    nxt = next((x for x in rest if x.strip()), None)
    if nxt is None:
        return False
    code = nxt.strip()
    return indent_of(nxt) > base or code.startswith(("{", ".", "?.", "&&", "||", "+", "|>"))


def _at_block_level(line: str, own_line: bool) -> tuple[bool, bool]:
    """(keep the line, go on) for a line back at the level of a block the suggestion opened.

    A closer (`}`, `end`) is kept. A block opened on the cursor's own line (`def f():|`)
    ends there. On a blank cursor line the suggestion is a statement in a body: a plain
    statement after it belongs to the same body (`if err != nil {...}` then `return nil`),
    a sibling that opens a new block (the next function) does not.
    """
    if _closes_block(line):
        return True, not own_line
    if line.strip()[0] in PAIRS:  # `} else {`: the same statement goes on
        return True, True
    if own_line or opens_block(line):
        return False, False
    return True, True


def _closes_block(line: str) -> bool:
    """`}`, `});`, `end`, `fi`: a line that only closes a block."""
    return only_closers(line.strip()) or line.strip() in ("end", "fi", "done", "esac")


def _dedent_allowed(indent: int, scope: _Scope) -> bool:
    """A first line on a new line, shallower than the cursor's: shown when the code below
    does not continue the block it leaves."""
    return not scope.below or indent_of(scope.below[0]) <= indent


def cut_block(
    text: str, line_prefix: str, max_lines: int, suffix: str = "", prefix: str = ""
) -> str:
    """Keep the lines that belong to the cursor's block (see the module docstring)."""
    lines = text.split("\n")
    scope = _scope(line_prefix, lines, suffix, prefix)
    depth, _ = line_depth(lines[0], open_quote(line_prefix))
    own = max(0, line_depth(line_prefix)[0])  # blocks opened on the cursor's line
    if not line_prefix.strip():
        if depth < 0 and not closer_needed(lines[0], scope.base, -depth, scope):
            return ""
        if depth < 0:
            return lines[0]
    elif lines[0].strip() and (
        depth + own < 0 or not _continues_statement(line_prefix, lines[0], lines[1:], scope.base)
    ):
        return lines[0]  # the suggestion completes the cursor's line: it ends there
    return _cut_lines(lines, line_prefix, max_lines, scope, depth)


def _cut_lines(
    lines: list[str], line_prefix: str, max_lines: int, scope: _Scope, depth: int
) -> str:
    """The lines after the first, while they stay in the cursor's block. `depth` counts the
    blocks the suggestion opened (negative: it closed blocks opened before it)."""
    base = scope.base
    opened = opens_block(line_prefix + lines[0])
    own_line = bool(line_prefix.strip())
    kept = [lines[0]]
    code_seen = bool(lines[0].strip())
    blank_run = 0
    for line in lines[1:]:
        blank_run = 0 if line.strip() else blank_run + 1
        if len(kept) >= max_lines or blank_run >= 2:
            break
        if not line.strip():
            kept.append(line)
            continue
        indent = indent_of(line)
        change, low = line_depth(line)
        if depth + change < 0:  # closes a block opened before the suggestion: the end
            if closer_needed(line, indent, -(depth + change), scope):
                kept.append(line)
            break
        if indent < base:
            if (not code_seen and own_line and _dedent_allowed(indent, scope)) or (
                depth + low < 0
            ):  # a dedented first line, or `} else {`: the enclosing block goes on
                base = indent
            else:
                break
        keep, go_on = True, True
        if opened and indent == base and code_seen:
            keep, go_on = _at_block_level(line, own_line)
        if keep:
            kept.append(line)
            depth += change
            code_seen = True
        if not go_on:
            break
    return "\n".join(kept).rstrip("\n ") if len(kept) > 1 else kept[0]


def cut_at_suffix_lines(text: str, suffix: str, from_first: bool = False) -> str:
    """Stop where the suggestion starts repeating code that follows the cursor: a line equal
    (indentation aside) to one of the next code lines below; a short line only when it is
    the very next one. Lines that only close a block are left to the bracket rules."""
    below = [s.strip() for s in code_lines_below(suffix)]
    if not below:
        return text
    lines = text.split("\n")
    if _copies_block_below(lines, below):
        return ""
    for i in range(0 if from_first else 1, len(lines)):
        code = lines[i].strip()
        if not code or _closes_block(code):
            continue
        if (len(code) > 3 and code in below) or code == below[0]:
            return "\n".join(lines[:i]).rstrip(" \t")
        if len(code) > 8 and near_identical(code, below[0]):
            return "\n".join(lines[:i]).rstrip(" \t")
    return text


def _copies_block_below(lines: list[str], below: list[str]) -> bool:
    """Three or more lines that are, line for line, near copies of the code below."""
    mine = [x.strip() for x in lines if x.strip()]
    if len(mine) < 3 or len(below) < 3:
        return False
    return all(near_identical(a, b) for a, b in zip(mine[:3], below[:3], strict=False))


def indent_unit(prefix: str) -> str:
    """The document's indentation step, from the lines before the cursor ('' when unsure)."""
    widths: set[int] = set()
    lines = prefix.split("\n")[-80:]
    if any(x.startswith("\t") for x in lines):
        return "\t"
    code = [x for x in lines if x.strip() or (x is lines[-1] and x)]
    for a, b in itertools.pairwise(code):
        step = indent_of(b) - indent_of(a)
        if step > 0:
            widths.add(step)
    return " " * min(widths) if widths else ""


def _block_end_indent(lines: list[str]) -> int:
    """Indentation of the line closing the block the first line opens (of the first body
    line when nothing closes it, as in Python)."""
    depth = line_depth(lines[0])[0]
    body = [x for x in lines[1:] if x.strip()]
    for line in body:
        depth += line_depth(line)[0]
        if depth <= 0:
            return indent_of(line)
    return indent_of(body[0]) if body else 0


def _reindented(lines: list[str], line_prefix: str, unit: str) -> list[str]:
    """A block written flat after its opener (`if x:` then `return 1`), or relative to column
    0 under an indented cursor: put its body one step deeper than the opener."""
    base_ws = line_prefix if not line_prefix.strip() else line_prefix[: indent_of(line_prefix)]
    shift = base_ws if _block_end_indent(lines) < len(base_ws) else ""
    out = [lines[0]]
    for line in lines[1:]:
        if not line.strip():
            out.append(line)
            continue
        deeper = "" if indent_of(line) > 0 or _closes_block(line) else unit
        out.append(shift + deeper + line)
    return out


def _ends_with_lone_opener(text: str, line_prefix: str, below: list[str]) -> bool:
    lines = text.split("\n")
    last = (lines[-1] if len(lines) > 1 else line_prefix + lines[0]).rstrip()
    if not last.strip() or last.endswith("::"):
        return False
    if not (last.endswith(("{", ":")) or BLOCK_TAIL.search(last)):
        return False
    if not below:
        return True
    body_below = indent_of(below[0]) > indent_of(last)
    closer_below = _closes_block(below[0]) and indent_of(below[0]) == indent_of(last)
    return not (body_below or closer_below)


def _opened(text: str, line_prefix: str) -> int:
    """Blocks the suggestion opens and leaves open."""
    lines = text.split("\n")
    depth = line_depth(lines[0], open_quote(line_prefix))[0]
    return depth + sum(line_depth(x)[0] for x in lines[1:])


def complete_blocks(
    text: str, cut: str, line_prefix: str, suffix: str, prefix: str, max_lines: int
) -> str:
    """Never an opening line alone: a body the model wrote too shallow (cut away by the
    scope rules) is re-indented under its opener; when that fails the opener goes too."""
    below = code_lines_below(suffix)
    if not cut.strip():
        return cut
    lone = _ends_with_lone_opener(cut, line_prefix, below)
    shortened = any(x.strip() for x in text.split("\n")[cut.count("\n") + 1 :])
    if shortened and (lone or _opened(cut, line_prefix) > 0):
        unit = indent_unit(prefix) or "    "
        again = "\n".join(_reindented(text.split("\n"), line_prefix, unit))
        fixed = cut_block(again, line_prefix, max_lines, suffix, prefix)
        if (
            fixed.count("\n") > cut.count("\n")
            and not _ends_with_lone_opener(fixed, line_prefix, below)
            and _opened(fixed, line_prefix) < max(1, _opened(cut, line_prefix))
        ):
            return fixed
    if not (lone and shortened):
        return cut  # an opener the model gave no body for may be shown (`sort(|)` + `a) {`)
    kept = cut.split("\n")[:-1]
    return "\n".join(kept).rstrip() if len(kept) > 1 or (kept and kept[0].strip()) else ""


def _aligned(lines: list[str]) -> bool:
    """A line continues an open bracket of the line above (aligned under it, any column)."""
    for above in lines[:-1]:
        if above.strip() and line_depth(above)[0] > 0 and not opens_block(above):
            return True
    return False


def fix_continuation_indent(text: str, prefix: str) -> str:
    """Continuation lines one stray space off the document's indentation grid go back on it."""
    lines = text.split("\n")
    rest = [x for x in lines[1:] if x.strip() and not x.strip().startswith("*")]
    unit = indent_unit(prefix)
    if not rest or not unit or _aligned(lines):
        return text
    if unit == "\t":
        stray = all(re.match(r"\t+ \S", x) for x in rest)
    else:
        stray = len(unit) > 1 and all(
            x[: indent_of(x)].strip(" ") == "" and indent_of(x) % len(unit) == 1 for x in rest
        )
    if not stray:
        return text
    fixed = [
        x if not x.strip() or x.strip().startswith("*") else x[: indent_of(x) - 1] + x.lstrip()
        for x in lines[1:]
    ]
    return "\n".join([lines[0], *fixed])


# ---- the cursor's line ---------------------------------------------------------------------------
def _unmatched(text: str, closers: str) -> bool:
    """Every bracket or quote in `closers` closes something `text` left open."""
    for ch in set(closers):
        if ch in PAIRS:
            excess = text.count(ch) - text.count(PAIRS[ch])
            if excess < closers.count(ch):
                return False
        elif ch in "\"'`" and text.count(ch) % 2 == 0:
            return False
    return True


def overlap_with_line(text: str, line_suffix: str) -> int:
    """How many characters at the end of `text` repeat the start of the line after the
    cursor (closers only when they close what `text` opened before)."""
    head = line_suffix.rstrip()
    last = text.rsplit("\n", 1)[-1]
    if not head.strip():
        return 0
    longest = min(len(head), len(last))
    candidates = [longest, *range(min(longest - 1, 400), 0, -1)]
    for k in candidates:
        overlap = head[:k]
        if not last.endswith(overlap):
            continue
        if only_closers(overlap) and _unmatched(text, overlap):
            return k
        if not only_closers(overlap) and len(overlap.strip()) >= 3:
            return k
    return 0


def retyped_closers(text: str, line_prefix: str, run: str) -> int:
    """How many characters of the closing run after the cursor the suggestion types again:
    its brackets and quotes that close what was open before the cursor, in order, with a
    `;`/`,` that follows them in the suggestion (`"x: |")` + `", obj);` covers `");`)."""
    unpaired: list[tuple[int, str]] = []
    stack: list[str] = []
    for i, ch in brackets(text, open_quote(line_prefix)):
        if ch in "([{":
            stack.append(ch)
        elif ch in PAIRS and stack:
            stack.pop()
        else:
            unpaired.append((i, ch))
    matched, at, k = 0, -1, 0
    for j, ch in enumerate(run):
        if ch in PAIRS or ch in "\"'`":
            if matched >= len(unpaired) or unpaired[matched][1] != ch:
                break
            at = unpaired[matched][0]
            matched += 1
            k = j + 1
        elif ch in ";," and at >= 0 and ch in text[at + 1 :]:
            at = text.index(ch, at + 1)
            k = j + 1
        elif ch == ">" and ">" in text[at + 1 :] and text.count(">") > text.count("<"):
            at = text.index(">", at + 1)
            k = j + 1
        elif ch != " ":
            break
    return k


def anchored_end(text: str, rest: str) -> str:
    """A one-line suggestion that types the rest of the line again after something new keeps
    the new part (`|, "a", )` + `"b", "a", a);` -> `"b"`), if that part is balanced."""
    whole = rest.strip()
    if "\n" in text or len(whole) < 2 or only_closers(whole):
        return text
    at = text.find(whole, 1)
    if at < 0:
        head = whole[:8]
        if sum(ch.isalnum() for ch in head) < 3:
            return text
        at = text.find(head, 1)
    if at <= 0 or imbalance(text[:at]) or not text[:at].strip():
        return text
    return text[:at].rstrip() if rest[:1] == " " else text[:at]


def _badness(line: str) -> int:
    """Unmatched brackets of a line, plus one for a string left open."""
    return imbalance(line) + (1 if open_quote(line.rsplit("\n", 1)[-1]) else 0)


def fit_line(text: str, line_prefix: str, line_suffix: str) -> Cleaned:
    """The suggestion against what follows the cursor on its line: trim what it retypes, or
    replace the closers it types again."""
    if not line_suffix.strip():
        return Cleaned(text, 0)
    k = overlap_with_line(text, line_suffix)
    if k and (k == len(text) or text[-k - 1 : -k] != "\n" or "\n" not in text):
        return Cleaned(text[:-k], 0)
    run = _closing_run(line_suffix)
    replace = retyped_closers(text, line_prefix, run) if run else 0
    if replace == len(run) and not line_suffix[replace:].strip():
        replace = len(line_suffix.rstrip("\r\n"))  # the blanks after the closers go too
    if replace and _badness(line_prefix + text + line_suffix[replace:]) > _badness(
        line_prefix + text + line_suffix
    ):
        replace = 0
    if k and not replace:
        return Cleaned(text, k)
    if not replace and "\n" not in text:
        return Cleaned(anchored_end(text, line_suffix), 0)
    return Cleaned(text, replace)


def strip_trailing_space(text: str, after: str) -> str:
    """Trailing blanks go, except at the end of a suggestion that lands before more text
    on its line (`sum(|baz)` + `bar, ` stays `bar, `)."""
    lines = [line.rstrip() for line in text.split("\n")]
    kept = "\n".join(lines).rstrip("\n")
    last = text.rstrip("\n").rsplit("\n", 1)[-1]
    if after[:1].strip() and "\n" not in text.rstrip("\n") and last.strip():
        return text.rstrip("\n")
    if after[:1].strip() and last.strip() and last != last.rstrip():
        return kept + last[len(last.rstrip()) :]
    return kept


def block_complete(partial: str, line_prefix: str, suffix: str, max_lines: int) -> bool:
    """For a streamed answer: whether its complete lines already hold all that `clean` would
    keep, so the stream may stop (never while what is kept leaves a block open)."""
    if "\n" not in partial:
        return False
    complete = partial[: partial.rfind("\n")]
    if complete.count("\n") + 1 > max_lines:
        return True
    text = _prepared(complete, "", line_prefix, Mode.MULTI)
    if not text.strip():
        return False
    kept = cut_block(text, line_prefix, max_lines, suffix, line_prefix)
    kept = drop_repeated_lines(cut_at_suffix_lines(kept, suffix), line_prefix)
    if not kept.strip() or len(kept) >= len(text.rstrip()):
        return False
    return _opened(kept, line_prefix) <= 0 and not _ends_with_lone_opener(kept, line_prefix, [])


def _prepared(raw: str, prefix: str, line_prefix: str, mode: Mode) -> str:
    """Line breaks, fences, the single-line cut, doubled indentation and space, loops."""
    text = drop_path_lines(drop_fences(raw.replace("\r\n", "\n").replace("\r", "\n")))
    if mode is Mode.SINGLE:
        text = text.lstrip("\n") if not line_prefix.strip() else text
        text = text.split("\n", 1)[0]
    elif line_prefix.strip() == "" and line_prefix and text.startswith("\n"):
        text = text.lstrip("\n")  # already on a fresh, indented line
    text = drop_stray_first_indent(text, line_prefix)
    text = drop_doubled_indent(text, prefix or line_prefix, line_prefix)
    text = drop_doubled_space(text, line_prefix)
    return drop_degenerate(text)


def clean(
    raw: str, prefix: str, suffix: str, line_prefix: str, mode: Mode, max_lines: int = 12
) -> Cleaned:
    """What to show at the cursor: the text and the characters after the cursor it replaces."""
    if not raw:
        return NOTHING
    suffix = suffix.replace("\r\n", "\n")
    line_suffix = suffix.split("\n", 1)[0].rstrip("\r")
    text = _prepared(raw, prefix, line_prefix, mode)
    if mode is Mode.MULTI and text.strip():
        text = _multi_line(text, prefix, suffix, line_prefix, max_lines)
    text = strip_trailing_space(text, line_suffix)
    if not text.strip():
        return NOTHING
    cleaned = fit_line(text, line_prefix, line_suffix)
    if not cleaned.text.strip() or _echoes_suffix(cleaned.text, suffix, cleaned.replace):
        return NOTHING
    if _repeats_line_above(cleaned.text, prefix):
        return NOTHING
    return cleaned


def _multi_line(text: str, prefix: str, suffix: str, line_prefix: str, max_lines: int) -> str:
    cut = cut_block(text, line_prefix, max_lines, suffix, prefix)
    cut = cut_at_suffix_lines(cut, suffix, from_first=not line_prefix.strip())
    cut = drop_repeated_lines(cut, line_prefix)
    cut = complete_blocks(text, cut, line_prefix, suffix, prefix, max_lines)
    return fix_continuation_indent(cut, prefix)


def _echoes_suffix(text: str, suffix: str, replace: int) -> bool:
    """The model only wrote what already follows the cursor (as it stands, lines and
    indentation included, when it spans lines)."""
    if replace or not text.strip():
        return False
    if "\n" not in text.rstrip("\n"):
        return suffix.lstrip().startswith(text.strip())
    mine = [x.rstrip() for x in text.split("\n") if x.strip()]
    theirs = [x.rstrip() for x in suffix.split("\n") if x.strip()][: len(mine)]
    return mine == theirs


def _repeats_line_above(text: str, prefix: str) -> bool:
    """A suggestion on a fresh line that copies the line above it (unless the lines above
    already repeat: the user is writing a sequence)."""
    if not prefix.endswith("\n") and prefix.rsplit("\n", 1)[-1].strip():
        return False
    above = [s.strip() for s in prefix.split("\n")[-4:] if s.strip()]
    first = text.split("\n", 1)[0].strip()
    if len(above) >= 2 and above[-1] == above[-2]:
        return False
    return bool(above) and len(first) >= 8 and above[-1] == first
