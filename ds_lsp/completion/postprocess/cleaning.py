"""The entry points: `clean` (the model's raw text -> the item to show) runs the rules in order,
and `block_complete` tells a streamed answer it may stop."""

from __future__ import annotations

from ds_lsp.completion.postprocess.cursor_line import (
    drop_doubled_indent,
    drop_doubled_space,
    drop_echoed_line_start,
    drop_stray_first_indent,
    fit_line,
    strip_trailing_space,
)
from ds_lsp.completion.postprocess.debris import (
    cut_at_turn,
    drop_fences,
    drop_invisible,
    drop_leading_marker,
    drop_path_lines,
)
from ds_lsp.completion.postprocess.lines import NOTHING, Cleaned, Mode
from ds_lsp.completion.postprocess.repetition import (
    cut_at_suffix_lines,
    drop_degenerate,
    drop_repeated_lines,
    echoes_suffix,
    repeats_line_above,
)
from ds_lsp.completion.postprocess.scope import (
    complete_blocks,
    cut_block,
    ends_with_lone_opener,
    fix_continuation_indent,
    opened,
)


def _prepared(raw: str, prefix: str, line_prefix: str, mode: Mode) -> str:
    """Line breaks, what a chat model adds, the single-line cut, doubled indentation, an echo
    of the line start, doubled blanks, loops."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = drop_path_lines(drop_fences(cut_at_turn(drop_invisible(text))))
    if not line_prefix.strip():
        text = drop_leading_marker(text, prefix)
    if mode is Mode.SINGLE:
        text = text.lstrip("\n") if not line_prefix.strip() else text
        text = text.split("\n", 1)[0]
    elif line_prefix.strip() == "" and line_prefix and text.startswith("\n"):
        text = text.lstrip("\n")  # already on a fresh, indented line
    text = drop_stray_first_indent(text, line_prefix, prefix)
    text = drop_doubled_indent(text, prefix or line_prefix, line_prefix)
    text = drop_echoed_line_start(text, line_prefix)
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
    if not cleaned.text.strip() or echoes_suffix(cleaned.text, suffix, cleaned.replace):
        return NOTHING
    if repeats_line_above(cleaned.text, prefix):
        return NOTHING
    return cleaned


def _multi_line(text: str, prefix: str, suffix: str, line_prefix: str, max_lines: int) -> str:
    cut = cut_block(text, line_prefix, max_lines, suffix, prefix)
    cut = cut_at_suffix_lines(cut, suffix, from_first=not line_prefix.strip())
    cut = drop_repeated_lines(cut, line_prefix)
    cut = complete_blocks(text, cut, line_prefix, suffix, prefix, max_lines)
    return fix_continuation_indent(cut, prefix)


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
    return opened(kept, line_prefix) <= 0 and not ends_with_lone_opener(kept, line_prefix, [])
