"""Indentation of a multi-line suggestion against the document's: tabs written in a file
indented with spaces, a block written as if the cursor were at column 0, a body cut for
being too shallow (put back under its opener, or the opener goes too), continuation lines
one stray space off the document's grid."""

from __future__ import annotations

import re

from ds_lsp.code_scan import state_after
from ds_lsp.completion.postprocess.lines import (
    BLOCK_TAIL,
    closes_block,
    code_lines_below,
    indent_of,
    indent_unit,
    line_depth,
    line_depths,
    open_indents,
    open_parens,
    opens_block,
)
from ds_lsp.completion.postprocess.repetition import cut_at_suffix_lines
from ds_lsp.completion.postprocess.scope import cut_block
from ds_lsp.completion.postprocess.shapes import chain_arm


def _block_end_indent(lines: list[str]) -> int:
    """Indentation of the line closing the block the first line opens (of the first body
    line when nothing closes it, as in Python)."""
    changes = line_depths(lines)
    depth = changes[0][0]
    for line, (change, _) in zip(lines[1:], changes[1:], strict=True):
        depth += change
        if line.strip() and depth <= 0:
            return indent_of(line)
    body = [x for x in lines[1:] if x.strip()]
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
    changes = line_depths(lines, state_after(line_prefix), open_parens(line_prefix))
    return sum(change for change, _ in changes)


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
        base = indent_of(line_prefix) if line_prefix.strip() else len(line_prefix)
        fixed = cut_at_suffix_lines(fixed, suffix, not line_prefix.strip(), base)
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
    changes = line_depths(lines)
    out, depth = [lines[0]], changes[0][0]
    for line, (change, low) in zip(lines[1:], changes[1:], strict=True):
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
        if first < base:
            return True
        closer = _closer_indent(lines)
        if closer is not None:
            return closer < base
        if BRACELESS.match(lines[0]):  # `if (x)` then `return a;`: back at column 0 after it
            return any(indent_of(x) < base for x in body[1:])
        return False
    closer = _closer_indent(lines)
    return closer is not None and closer < base


def _closer_indent(lines: list[str]) -> int | None:
    """The indentation of the line closing the block the first line opens (`} else {`
    opens one too), if any does."""
    changes = line_depths(lines)
    change, low = changes[0]
    depth = change - low
    if depth <= 0:
        return None
    for line, (change, _) in zip(lines[1:], changes[1:], strict=True):
        depth += change
        if depth <= 0:
            return indent_of(line) if line.strip() else None
    return None
