"""What ds-lsp.generateCodeBlock writes and where: arguments, instruction, prompt, anchor.

Pure (no pygls): `parse_arguments` reads the command's argument object, `make_plan` picks
the instruction (argument, else selection, else the comment block at or above the cursor),
the place the code goes, the chat prompt (the code around the place, budgeted like the
completion window) and an anchor; `locate` finds that place again in a document that
changed while the model was writing, or answers None (the edit is then refused).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ds_lsp.documents import Document
from ds_lsp.generate import answer, comments
from ds_lsp.languages import fence_tag
from ds_lsp.window import build_window

MAX_INSTRUCTION_CHARS = 4000
BLOCK_OPENERS = (":", "{", "(", "[", "=>", " do", " then")
ANCHOR_ABOVE, ANCHOR_BELOW = 3, 1
NO_INSTRUCTION = (
    "ds-lsp: nothing to generate from. Give an instruction, select text that says what to "
    "write, or put the cursor on or right below a comment that says it."
)
SYSTEM_PROMPT = (
    "You write source code that is inserted into the user's file at a marked place. Answer "
    "with the code only, inside one fenced code block: no explanation, no prose, no "
    "repetition of the code around the marked place. Follow the file's language, style and "
    "indentation."
)


@dataclass(frozen=True)
class GenerateArgs:
    """The command's argument object: LSP (line, character) positions."""

    uri: str
    start: tuple[int, int]
    end: tuple[int, int] | None = None
    instruction: str | None = None


@dataclass(frozen=True)
class Budget:
    """Context budgets (characters) and the prefix's line block, as for completions."""

    prefix_chars: int = 6000
    suffix_chars: int = 2000
    block_lines: int = 64


@dataclass(frozen=True)
class Anchor:
    """Where the code goes, with the lines around it to find that place again."""

    version: int
    start: tuple[int, int]  # (line, Python index)
    end: tuple[int, int]
    first: int  # line number of lines[0]
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """Everything a generation needs before the model answers."""

    uri: str
    instruction: str
    source: str  # "argument", "selection" or "comment"
    replacing: bool
    anchor: Anchor
    user_prompt: str
    fence_tag: str

    @property
    def prefix(self) -> str:
        """The assistant message the model continues: an opening fence."""
        return f"```{self.fence_tag}\n"


@dataclass(frozen=True)
class Target:
    """Where to edit in the current document: (line, index) points and the glue around."""

    start: tuple[int, int]
    end: tuple[int, int]
    head: str
    tail: str
    indent: str
    keep_newline: bool


# ---- arguments -----------------------------------------------------------------------------
def _get(obj: Any, *names: str) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return None


def _point(obj: Any, what: str) -> tuple[int, int]:
    line, character = _get(obj, "line"), _get(obj, "character")
    if not isinstance(line, int) or not isinstance(character, int) or line < 0 or character < 0:
        raise ValueError(f"'{what}' needs a non-negative integer line and character")
    return line, character


def parse_arguments(args: list[Any]) -> GenerateArgs:
    """The one argument object; a JSON string is accepted too. Raises ValueError."""
    if not args:
        raise ValueError("expected one argument {textDocument, position or range, instruction?}")
    obj = json.loads(args[0]) if isinstance(args[0], str) else args[0]
    doc = _get(obj, "textDocument", "text_document")
    uri = doc if isinstance(doc, str) else _get(doc, "uri") if doc is not None else None
    uri = uri or _get(obj, "uri")
    if not isinstance(uri, str) or not uri:
        raise ValueError("missing textDocument.uri")
    rng, pos = _get(obj, "range"), _get(obj, "position")
    if rng is not None:
        start, end = (
            _point(_get(rng, "start"), "range.start"),
            _point(_get(rng, "end"), "range.end"),
        )
        start, end = min(start, end), max(start, end)
    elif pos is not None:
        start, end = _point(pos, "position"), None
    else:
        raise ValueError("missing position or range")
    text = _get(obj, "instruction")
    text = text.strip() if isinstance(text, str) and text.strip() else None
    return GenerateArgs(uri, start, end, text)


# ---- the plan ------------------------------------------------------------------------------
def selected_text(doc: Document, start: tuple[int, int], end: tuple[int, int]) -> str:
    """Text between two (line, index) points."""
    if start[0] == end[0]:
        return doc.line_text(start[0])[start[1] : end[1]]
    parts = [doc.line_text(start[0])[start[1] :]]
    parts += [doc.line_text(i) for i in range(start[0] + 1, end[0])]
    parts.append(doc.line_text(end[0])[: end[1]])
    return "\n".join(parts)


def make_plan(doc: Document, args: GenerateArgs, budget: Budget, file_name: str) -> Plan | str:
    """The plan, or the message to show when there is nothing to generate from."""
    start = doc.clamp(*args.start)
    end = doc.clamp(*args.end) if args.end is not None else start
    selection = selected_text(doc, start, end) if end > start else ""
    replacing = comments.meaningful_selection(selection)
    if not replacing:
        end = start
    text, source, context_first = args.instruction, "argument", start[0]
    if text is None and replacing:
        text, source = selection, "selection"
    if text is None:
        block = comment_block_at(doc, start)
        if block is None:
            return NO_INSTRUCTION
        text, source, context_first = block.text, "comment", min(block.first, start[0])
        if block.first <= start[0] <= block.last:  # cursor on the comment: code goes below it
            start = end = (block.last, len(doc.line_text(block.last)))
    anchor = make_anchor(doc, start, end, context_first)
    prompt = user_prompt(
        doc, text[:MAX_INSTRUCTION_CHARS], start, end, replacing, budget, file_name
    )
    tag = fence_tag(doc.language_id)
    return Plan(doc.uri, text, source, replacing, anchor, prompt, tag)


def comment_block_at(doc: Document, point: tuple[int, int]) -> comments.CommentBlock | None:
    line, index = point
    head = doc.line_text(line)[:index]
    return comments.comment_block(doc.line_text, doc.text.line_count, line, head, doc.language_id)


def make_anchor(
    doc: Document, start: tuple[int, int], end: tuple[int, int], context_first: int
) -> Anchor:
    first = max(0, min(context_first, start[0] - ANCHOR_ABOVE))
    last = min(doc.text.line_count - 1, end[0] + ANCHOR_BELOW)
    lines = tuple(doc.line_text(i) for i in range(first, last + 1))
    return Anchor(doc.version, start, end, first, lines)


def user_prompt(
    doc: Document,
    text: str,
    start: tuple[int, int],
    end: tuple[int, int],
    replacing: bool,
    budget: Budget,
    file_name: str,
) -> str:
    """The user message: instruction, language, file name and the code around the place."""
    before = build_window(doc, start[0], start[1], budget.prefix_chars, 0, budget.block_lines)
    after = build_window(doc, end[0], end[1], 0, budget.suffix_chars, budget.block_lines)
    if replacing:
        middle = "<SELECTION>" + selected_text(doc, start, end) + "</SELECTION>"
        task = (
            "Write the code that replaces the selection (between <SELECTION> and "
            "</SELECTION>) in the file below, following the instruction."
        )
    else:
        middle = "<CURSOR>"
        task = "Write the code to insert at <CURSOR> in the file below, following the instruction."
    code = before.prefix + middle + after.suffix
    fence = "`" * max(3, _longest_backtick_run(code) + 1)
    language = doc.language_id or "plain text"
    return (
        f"{task}\n\nInstruction:\n{text}\n\nLanguage: {language}\nFile: {file_name}\n\n"
        f"{fence}{fence_tag(doc.language_id)}\n{code}\n{fence}"
    )


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return longest


# ---- landing -------------------------------------------------------------------------------
def locate(doc: Document, anchor: Anchor) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The anchor's (start, end) in the document now; None when it cannot be found for sure."""
    if doc.version == anchor.version:
        return anchor.start, anchor.end
    lines = [line.rstrip("\r") for line in doc.text.full().split("\n")]
    size = len(anchor.lines)
    hits = [
        i
        for i in range(len(lines) - size + 1)
        if lines[i] == anchor.lines[0] and tuple(lines[i : i + size]) == anchor.lines
    ]
    if len(hits) != 1:  # gone, or ambiguous: never guess
        return None
    shift = hits[0] - anchor.first
    return (anchor.start[0] + shift, anchor.start[1]), (anchor.end[0] + shift, anchor.end[1])


def target(doc: Document, start: tuple[int, int], end: tuple[int, int], replacing: bool) -> Target:
    """The glue around the place: text before and after, indentation, kept newline."""
    head = doc.line_text(start[0])[: start[1]]
    tail = doc.line_text(end[0])[end[1] :]
    if replacing:
        indent = _selection_indent(doc, start, end)
        keep = end[1] == 0 and end[0] > start[0]
    else:
        indent, keep = indent_at(doc, start[0], start[1]), _on_last_empty_line(doc, start)
    return Target(start, end, head, tail, indent, keep)


def _on_last_empty_line(doc: Document, point: tuple[int, int]) -> bool:
    """At the empty line after a file's final newline: the code ends with one too."""
    line = point[0]
    return line > 0 and line == doc.text.line_count - 1 and not doc.line_text(line)


def _selection_indent(doc: Document, start: tuple[int, int], end: tuple[int, int]) -> str:
    for i in range(start[0], end[0] + 1):
        text = doc.line_text(i)
        if text.strip():
            return comments.leading_ws(text)
    return indent_at(doc, start[0], start[1])


def indent_at(doc: Document, line: int, index: int) -> str:
    """The line's indentation; on a blank line the blanks before the cursor (the cursor's
    column is the indent to use)."""
    text = doc.line_text(line)
    if text.strip():
        return comments.leading_ws(text)
    if text[:index]:
        return text[:index]
    return _column_zero_indent(doc, line)


def _near_code(doc: Document, line: int, step: int) -> tuple[int, str] | None:
    """The nearest non-blank line above (step -1) or below (+1), within 50 lines."""
    i = line + step
    while 0 <= i < doc.text.line_count and abs(i - line) <= 50:
        text = doc.line_text(i)
        if text.strip():
            return i, text
        i += step
    return None


def _column_zero_indent(doc: Document, line: int) -> str:
    """Column 0 of a blank line, where editors often put the cursor: column 0 (a new
    top-level definition below an indented block stays top-level), unless the line is
    inside a block: the line right above opens one, or the block goes on below."""
    above, below = _near_code(doc, line, -1), _near_code(doc, line, +1)
    if above is None:
        return ""
    above_ws = comments.leading_ws(above[1])
    if above[0] == line - 1 and above[1].rstrip().endswith(BLOCK_OPENERS):
        return above_ws + _indent_step(doc, above[0])
    if below is not None:
        below_ws = comments.leading_ws(below[1])
        if below_ws and len(above_ws) >= len(below_ws):
            return below_ws
    return ""


def _indent_step(doc: Document, line: int) -> str:
    """One level of the file's indentation, from the lines around `line`."""
    widths = set()
    for i in range(max(0, line - 50), min(doc.text.line_count, line + 50)):
        ws = comments.leading_ws(doc.line_text(i))
        if ws.startswith("\t"):
            return "\t"
        if ws and doc.line_text(i).strip():
            widths.add(len(ws))
    steps = {b - a for a in widths for b in widths if b > a} | widths
    return " " * min(steps) if steps else "    "


def insertion(code: str, where: Target, replacing: bool) -> tuple[str, str]:
    """(text to insert, the re-indented code block)."""
    block = answer.reindent(code, where.indent)
    text = answer.fit(block, where.head, where.tail, where.indent, replacing, where.keep_newline)
    return text, block
