"""Scope of a multi-line suggestion: which of its lines belong to the cursor's block (the
statement the cursor's line finishes, the siblings the block needs, the arms of a chain),
and whether a line closing a block is needed."""

from __future__ import annotations

import re
from typing import NamedTuple

from ds_lsp.code_scan import PAIRS, state_after
from ds_lsp.completion.postprocess.lines import (
    CONTINUES,
    KEYWORD_CLOSER,
    closes_before_opening,
    closes_block,
    closing_run,
    code_lines_above,
    code_lines_below,
    indent_of,
    line_depth,
    line_depths,
    open_parens,
    opens_block,
    unclosed,
)
from ds_lsp.completion.postprocess.shapes import ARM, FIELD, chain_arm, code_opener, item_kind

OPENER_LOOKBACK = 60  # code lines searched above the cursor for its block's opener
COMPOUND = re.compile(
    r"^(\}\s*)?(if|elif|else|elsif|elseif|unless|try|except|catch|for|while|case|when|begin)\b"
)
HEADING = re.compile(r"#{2,6} \S")
SHELL_CASE = re.compile(r"case\s.+\sin$")  # `case "$1" in`: its arms end in `)`
SHELL_ARM = re.compile(
    r"\(?[^()\s]+(\s*\|\s*[^()\s]+)*\)$"
)  # a Markdown heading (a lone `#` is as often a comment)


class _Scope(NamedTuple):
    """What the block cut needs to know about the document around the cursor."""

    base: int  # indentation of the cursor's block
    below: list[str]  # code lines below the cursor's line
    needed: int  # blocks the document leaves unclosed at the cursor
    opener: str | None  # the nearest line above that is shallower than the cursor's line
    line_suffix: str  # the cursor's line after the cursor

    def depths(self, lines: list[str], line_prefix: str) -> list[tuple[int, int]]:
        """`line_depths` of the suggestion's lines, but an arm of a shell `case` (`stop)`)
        closes nothing."""
        found = line_depths(lines, state_after(line_prefix), open_parens(line_prefix))
        if self.opener is None or not SHELL_CASE.match(self.opener.strip()):
            return found
        return [
            (0, 0) if SHELL_ARM.match(x.strip()) else d for x, d in zip(lines, found, strict=True)
        ]


def _scope(line_prefix: str, lines: list[str], suffix: str, prefix: str) -> _Scope:
    if line_prefix.strip():
        base = indent_of(line_prefix)
    elif lines[0].strip():
        base = len(line_prefix) + indent_of(lines[0])
    else:
        first = next((x for x in lines if x.strip()), "")
        base = indent_of(first) if first else len(line_prefix)
    head, _, rest = suffix.partition("\n")
    after_run = head[len(closing_run(head)) :] + "\n" + rest
    needed = unclosed(prefix) - closes_before_opening(after_run) if prefix else 0
    return _Scope(base, code_lines_below(suffix), needed, _opener(prefix, line_prefix), head)


def _opener(prefix: str, line_prefix: str) -> str | None:
    """The line that opened the cursor's block: the nearest code line above that is less
    indented than the cursor's line (None at the top level)."""
    own = indent_of(line_prefix) if line_prefix.strip() else len(line_prefix)
    above = prefix[: len(prefix) - len(line_prefix)]
    for line in reversed(code_lines_above(above, OPENER_LOOKBACK)):
        if indent_of(line) < own:
            return line
    return None


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
    if opens_block(whole) or whole.endswith(CONTINUES) or state_after(whole):
        return True
    nxt = next((x for x in rest if x.strip()), None)
    if nxt is None:
        return False
    code = nxt.strip()
    return indent_of(nxt) > base or code.startswith(("{", ".", "?.", "&&", "||", "+", "|>"))


def _at_block_level(line: str, own_line: bool, arms: bool) -> tuple[bool, bool]:
    """(keep the line, go on) for a line back at the level of a block the suggestion opened.

    A closer (`}`, `end`) is kept. A block opened on the cursor's own line (`def f():|`)
    ends there. On a blank cursor line the suggestion is a statement in a body: a plain
    statement after it belongs to the same body (`if err != nil {...}` then `return nil`),
    a sibling that opens a new block (the next function) does not, unless the suggestion
    is a run of arms (`case`, `|`, `=>`).
    """
    if closes_block(line):
        return True, not own_line
    if line.strip()[0] in PAIRS:  # `} else {`: the same statement goes on
        return True, True
    if arms and item_kind(line) == ARM:  # `case 2:` after `case 1:`: the next arm
        return True, True
    if own_line or opens_block(line):
        return False, False
    return True, True


def _closer_below(lines: list[str], at: int, scope: _Scope, outermost: bool) -> bool:
    """`lines[at]` closes a block (`}`, `end`) and the next line below repeats it at the same
    indent, with the suggestion going on as the document does after it, or (closing the
    suggestion's outermost block) in a document that closes one block more below than it
    opens above: the model rewrote a body whose closer stayed."""
    line = lines[at]
    if not closes_block(line) or not scope.below:
        return False
    nxt = scope.below[0]
    if indent_of(nxt) != indent_of(line) or not _same_closer(line, nxt):
        return False
    after = next((x.strip() for x in lines[at + 1 :] if x.strip()), None)
    goes_on = len(scope.below) > 1 and after == scope.below[1].strip()
    return goes_on or (outermost and scope.needed < 0)


def _dedent_allowed(indent: int, scope: _Scope) -> bool:
    """A first line on a new line, shallower than the cursor's: shown when the code below
    does not continue the block it leaves."""
    return not scope.below or indent_of(scope.below[0]) <= indent


def cut_block(
    text: str, line_prefix: str, max_lines: int, suffix: str = "", prefix: str = ""
) -> str:
    """Keep the lines that belong to the cursor's block (see the package docstring)."""
    lines = text.split("\n")
    scope = _scope(line_prefix, lines, suffix, prefix)
    changes = scope.depths(lines, line_prefix)
    depth = changes[0][0]
    own = max(0, line_depth(line_prefix)[0])  # blocks opened on the cursor's line
    if not line_prefix.strip():
        if depth < 0 and not closer_needed(lines[0], scope.base, -depth, scope):
            return ""
        if depth < 0:
            return lines[0]
    elif lines[0].strip():
        if depth + own < 0 or _body_below(line_prefix + lines[0], line_prefix, scope):
            return lines[0]
        if not _continues_statement(line_prefix, lines[0], lines[1:], scope.base):
            siblings = _siblings(line_prefix, lines, scope)
            if not siblings:
                return lines[0]  # the suggestion completes the cursor's line: it ends there
            return _cut_lines(lines, changes, line_prefix, max_lines, scope, siblings)
    return _cut_lines(lines, changes, line_prefix, max_lines, scope)


def _retypes_opener(first: str, line_suffix: str) -> int:
    """1 when the first line ends by typing again the `{` that follows the closers after the
    cursor (`f(|) {` + `a) {`): the block it opens is the document's, closed below."""
    rest = line_suffix[len(closing_run(line_suffix)) :].strip()
    return 1 if rest.startswith("{") and first.rstrip().endswith("{") else 0


def _body_below(whole: str, line_prefix: str, scope: _Scope) -> bool:
    """The cursor's line, completed, opens a block the document already has a body for."""
    return (
        opens_block(whole)
        and bool(scope.below)
        and indent_of(scope.below[0]) > indent_of(line_prefix)
    )


def _siblings(line_prefix: str, lines: list[str], scope: _Scope) -> str:
    """After a first line that completes the cursor's line: the kind of item the lines right
    after it repeat at the same indentation (struct fields, arms of a match, list items,
    the paragraph under a Markdown heading), or '' when they are other statements, or when
    the document below already goes on with that list (the cursor is in its middle)."""
    at = indent_of(line_prefix)
    if len(lines) < 2 or not lines[1].strip() or indent_of(lines[1]) != at:
        return ""
    whole = line_prefix + lines[0]
    if HEADING.match(whole.strip()):
        return "prose"
    kind = item_kind(whole)
    if not kind or item_kind(lines[1]) != kind:
        return ""
    if kind == FIELD and scope.opener is not None and code_opener(scope.opener):
        return ""  # `x := 1` then `y := 2` in a function: statements, not fields
    nxt = scope.below[0] if scope.below else None
    if nxt is not None and indent_of(nxt) == at and item_kind(nxt) == kind:
        return ""
    return kind


def _cut_lines(
    lines: list[str],
    changes: list[tuple[int, int]],
    line_prefix: str,
    max_lines: int,
    scope: _Scope,
    siblings: str = "",
) -> str:
    """The lines after the first, while they stay in the cursor's block. `changes` are the
    lines' nesting changes; `depth` counts the blocks the suggestion opened (negative: it
    closed blocks opened before it); `siblings` is the kind of item the lines at the
    cursor's level must be."""
    retyped = _retypes_opener(lines[0], scope.line_suffix)  # that block is the document's
    depth = changes[0][0] - retyped
    base = scope.base
    opened = opens_block(line_prefix + lines[0])
    own_line = bool(line_prefix.strip())
    arms = item_kind(line_prefix + lines[0]) == ARM
    kept = [lines[0]]
    code_seen = bool(lines[0].strip())
    chain = False  # gone back to the opener's level for `elif`/`else`
    floor = min(changes[0][1], depth, 0)  # the first line may close what was open (`} else {`)
    blank_run = 0
    balanced = 1  # how many kept lines end back at the first line's level
    for at, (line, (change, low)) in enumerate(zip(lines[1:], changes[1:], strict=True), 1):
        blank_run = 0 if line.strip() else blank_run + 1
        if len(kept) >= max_lines:
            kept = kept[:balanced] if depth > max(floor, 0) else kept  # no block cut open
            break
        if blank_run >= 2 or (blank_run and siblings):
            break
        if not line.strip():
            kept.append(line)
            continue
        indent = indent_of(line)
        if depth + change < floor:  # closes a block opened before the suggestion: the end
            if closer_needed(line, indent, -(depth + change), scope):
                kept.append(line)
            break
        if change < 0 and _closer_below(lines, at, scope, depth + change <= max(floor, 0)):
            break  # its own block's closer is the next line below: the document has it
        if indent < base:
            arm = _dedent(
                line, indent, scope, first=not code_seen and own_line, low=depth + low < floor
            )
            if arm is None:
                break
            base, chain = indent, chain or arm
        elif indent == base and (chain or siblings) and not _same_level(line, chain, siblings):
            break
        keep, go_on = True, True
        if opened and indent == base and code_seen and not chain:
            keep, go_on = _at_block_level(line, own_line, arms)
        if keep:
            kept.append(line)
            depth += change
            code_seen = True
            if depth <= max(floor, 0):
                balanced = len(kept)
        if not go_on:
            break
    return "\n".join(kept).rstrip("\n ") if len(kept) > 1 else kept[0]


def _dedent(line: str, indent: int, scope: _Scope, first: bool, low: bool) -> bool | None:
    """A line left of the block's level: None ends the suggestion; False, the enclosing block
    goes on (a dedented first line, `} else {`); True, an arm of the statement that opened
    the cursor's block (`elif`, `except`) starts a chain."""
    if (first and _dedent_allowed(indent, scope)) or low:
        return False
    return True if _chain_goes_on(line, indent, scope) else None


def _same_level(line: str, chain: bool, siblings: str) -> bool:
    """A line at the level of a chain of arms or a run of siblings that continues it."""
    if chain:
        return chain_arm(line.strip())
    return siblings == "prose" or item_kind(line) == siblings


def _chain_goes_on(line: str, indent: int, scope: _Scope) -> bool:
    """`elif`/`else`/`except` at the indentation of the statement that opened the cursor's
    block (`if x:`), when the document below the cursor does not go on with that block or
    already hold the next arm."""
    opener = scope.opener
    if opener is None or indent != indent_of(opener) or not chain_arm(line.strip()):
        return False
    if not COMPOUND.match(opener.strip()):
        return False
    nxt = scope.below[0] if scope.below else None
    return nxt is None or (indent_of(nxt) <= indent and not chain_arm(nxt.strip()))
