"""Scope of a multi-line suggestion: which of its lines belong to the cursor's block, whether a
closing line is needed, a body cut for being too shallow put back under its opener, and
continuation lines put back on the document's indentation grid."""

from __future__ import annotations

import re
from typing import NamedTuple

from ds_lsp.code_scan import PAIRS, state_after
from ds_lsp.completion.postprocess.lines import (
    BLOCK_TAIL,
    CONTINUES,
    KEYWORD_CLOSER,
    closes_before_opening,
    closes_block,
    closing_run,
    code_lines_above,
    code_lines_below,
    indent_of,
    indent_unit,
    line_depth,
    open_indents,
    opens_block,
    unclosed,
)
from ds_lsp.completion.postprocess.shapes import ARM, chain_arm, item_kind

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

    def depth(self, line: str, state: str = "") -> tuple[int, int]:
        """`line_depth`, but an arm of a shell `case` (`stop)`) closes nothing."""
        shell = self.opener is not None and SHELL_CASE.match(self.opener.strip())
        if shell and SHELL_ARM.match(line.strip()):
            return 0, 0
        return line_depth(line, state)


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
    return _Scope(base, code_lines_below(suffix), needed, _opener(prefix, line_prefix))


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
    depth, _ = scope.depth(lines[0], state_after(line_prefix))
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
            return _cut_lines(lines, line_prefix, max_lines, scope, depth, siblings)
    return _cut_lines(lines, line_prefix, max_lines, scope, depth)


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
    nxt = scope.below[0] if scope.below else None
    if nxt is not None and indent_of(nxt) == at and item_kind(nxt) == kind:
        return ""
    return kind


def _cut_lines(
    lines: list[str],
    line_prefix: str,
    max_lines: int,
    scope: _Scope,
    depth: int,
    siblings: str = "",
) -> str:
    """The lines after the first, while they stay in the cursor's block. `depth` counts the
    blocks the suggestion opened (negative: it closed blocks opened before it); `siblings`
    is the kind of item the lines at the cursor's level must be."""
    base = scope.base
    opened = opens_block(line_prefix + lines[0])
    own_line = bool(line_prefix.strip())
    arms = item_kind(line_prefix + lines[0]) == ARM
    kept = [lines[0]]
    code_seen = bool(lines[0].strip())
    chain = False  # gone back to the opener's level for `elif`/`else`
    floor = min(depth, 0)  # the first line may close what the cursor's line opened
    blank_run = 0
    balanced = 1  # how many kept lines end back at the first line's level
    for line in lines[1:]:
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
        change, low = scope.depth(line)
        if depth + change < floor:  # closes a block opened before the suggestion: the end
            if closer_needed(line, indent, -(depth + change), scope):
                kept.append(line)
            break
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
        deeper = "" if indent_of(line) > 0 or closes_block(line) else unit
        out.append(shift + deeper + line)
    return out


def ends_with_lone_opener(text: str, line_prefix: str, below: list[str]) -> bool:
    lines = text.split("\n")
    last = (lines[-1] if len(lines) > 1 else line_prefix + lines[0]).rstrip()
    if not last.strip() or last.endswith("::"):
        return False
    if not (last.endswith(("{", ":")) or BLOCK_TAIL.search(last)):
        return False
    if not below:
        return True
    body_below = indent_of(below[0]) > indent_of(last)
    closer_below = closes_block(below[0]) and indent_of(below[0]) == indent_of(last)
    return not (body_below or closer_below)


def opened(text: str, line_prefix: str) -> int:
    """Blocks the suggestion opens and leaves open."""
    lines = text.split("\n")
    depth = line_depth(lines[0], state_after(line_prefix))[0]
    return depth + sum(line_depth(x)[0] for x in lines[1:])


def complete_blocks(
    text: str, cut: str, line_prefix: str, suffix: str, prefix: str, max_lines: int
) -> str:
    """Never an opening line alone: a body the model wrote too shallow (cut away by the
    scope rules) is re-indented under its opener; when that fails the opener goes too."""
    below = code_lines_below(suffix)
    if not cut.strip():
        return cut
    lone = ends_with_lone_opener(cut, line_prefix, below)
    shortened = any(x.strip() for x in text.split("\n")[cut.count("\n") + 1 :])
    if shortened and (lone or opened(cut, line_prefix) > 0):
        unit = indent_unit(prefix) or "    "
        again = "\n".join(_reindented(text.split("\n"), line_prefix, unit))
        fixed = cut_block(again, line_prefix, max_lines, suffix, prefix)
        if (
            fixed.count("\n") > cut.count("\n")
            and not ends_with_lone_opener(fixed, line_prefix, below)
            and opened(fixed, line_prefix) < max(1, opened(cut, line_prefix))
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


BRACELESS = re.compile(r"^(if|for|while)\b.*\)$|^else$")  # C: a body without braces
TAG_OPEN = re.compile(r"<[A-Za-z][^<>]*(?<!/)>$")  # `<button onClick={f}>`: an element opens
DEFINITION = re.compile(
    r"^(def|class|func|fn|function|export|public|private|protected|static|package|import|"
    r"from|interface|type|struct|impl|module|@)\b"
)


def tabs_as_document(text: str, prefix: str) -> str:
    """Continuation lines the model indented with tabs in a document indented with spaces
    take the document's indentation (a tab is one step)."""
    unit = indent_unit(prefix)
    if not unit or unit == "\t" or "\n\t" not in text:
        return text
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        tabs = len(line) - len(line.lstrip("\t"))
        out.append(unit * tabs + line[tabs:])
    return "\n".join(out)


def reindent_relative(text: str, line_prefix: str, prefix: str) -> str:
    """A block written as if the cursor were at column 0 (`if x:` then `    return 1`,
    `foo()` then `bar()` flat under an indented cursor) is moved to the cursor's block: its
    lines keep their relative indentation; a line closing the block around the cursor goes
    to that block's level."""
    lines = text.split("\n")
    if line_prefix.strip() or not line_prefix or len(lines) < 2 or not lines[0].strip():
        return text
    if not _written_from_column_0(lines, len(line_prefix), prefix):
        return text
    unit = indent_unit(prefix) or "    "
    outer = line_prefix[: -len(unit)] if line_prefix.endswith(unit) else ""
    out, depth = [lines[0]], line_depth(lines[0])[0]
    for line in lines[1:]:
        change, low = line_depth(line)
        if not line.strip():
            out.append(line)
        elif depth + low < 0 and closes_block(line):
            out.append(outer + line.lstrip(" \t"))
        else:
            out.append(line_prefix + line)
        depth += change
    return "\n".join(out)


def _written_from_column_0(lines: list[str], base: int, prefix: str) -> bool:
    """The lines right after the first (up to a blank line) sit left of the cursor where no
    dedent makes sense: a statement at column 0, a body left of its opener, a statement back
    at the opener's level at column 0, or the closer of the first line's block."""
    run: list[str] = []
    for line in lines[1:]:
        if not line.strip():
            break
        run.append(line)
    body = [x for x in run if not closes_block(x) and not chain_arm(x.strip())]
    unit = len(indent_unit(prefix) or "    ")
    if body and run[0] is body[0]:
        first = indent_of(body[0])
        if not (opens_block(lines[0]) or BRACELESS.match(lines[0]) or TAG_OPEN.match(lines[0])):
            if DEFINITION.match(body[0].strip()) or not open_indents(prefix):
                return False  # in Python a dedent leaves the block; in braces it cannot
            return first < min(base, unit)
        if first == 0:
            return False  # a body written flat under its opener: complete_blocks' case
        if first < base or any(indent_of(x) < base for x in body[1:]):
            return True
    return _closer_left_of_cursor(lines, base)


def _closer_left_of_cursor(lines: list[str], base: int) -> bool:
    """The line closing the block the first line opens sits left of the cursor."""
    depth = line_depth(lines[0])[0]
    if depth <= 0:
        return False
    for line in lines[1:]:
        depth += line_depth(line)[0]
        if depth <= 0:
            return line.strip() != "" and indent_of(line) < base
    return False
