"""The entry points: `clean` (the model's raw text -> the item to show) runs the rules in order,
and `block_complete` tells a streamed answer it may stop."""

from __future__ import annotations

from ds_lsp.completion.postprocess.cursor_line import (
    drop_doubled_indent,
    drop_doubled_space,
    drop_echoed_line_start,
    drop_stray_first_indent,
    fit_line,
    makes_line_worse,
    strip_trailing_space,
)
from ds_lsp.completion.postprocess.debris import (
    cut_at_turn,
    drop_fences,
    drop_invisible,
    drop_leading_marker,
    drop_path_lines,
)
from ds_lsp.completion.postprocess.indentation import (
    complete_blocks,
    ends_with_lone_opener,
    fix_continuation_indent,
    opened,
    reindent_relative,
    tabs_as_document,
)
from ds_lsp.completion.postprocess.lines import (
    NOTHING,
    Cleaned,
    Mode,
    closes_block,
    indent_of,
    last_code_line,
    opens_block,
)
from ds_lsp.completion.postprocess.repetition import (
    cut_at_suffix_lines,
    drop_degenerate,
    drop_repeated_lines,
    echoes_suffix,
    one_of_a_run,
    repeats_line_above,
)
from ds_lsp.completion.postprocess.scope import cut_block
from ds_lsp.completion.postprocess.shapes import chain_arm

LINE_CHARS = 2000  # of the cursor's line, on each side of the cursor
SCAN_CHARS = 20_000  # of the lines above and below the cursor's line


def _prepared(raw: str, prefix: str, line_prefix: str, mode: Mode, suffix: str = "") -> str:
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
        # already on a fresh, indented line; a blank line before the next sibling stays
        text = (
            "\n" + text.lstrip("\n") if _separates(text, prefix, line_prefix) else text.lstrip("\n")
        )
    text = drop_stray_first_indent(text, line_prefix, prefix, suffix)
    text = drop_doubled_indent(text, prefix or line_prefix, line_prefix)
    text = drop_echoed_line_start(text, line_prefix)
    text = drop_doubled_space(text, line_prefix)
    return drop_degenerate(text)


def _separates(text: str, prefix: str, line_prefix: str) -> bool:
    """A leading line break on a fresh line after a finished nested block (the end of the
    method above), before a sibling at the cursor's indentation: the blank line between
    them is meant."""
    above = last_code_line(prefix[: len(prefix) - len(line_prefix)])
    first = next((x for x in text.split("\n") if x.strip()), "")
    return (
        above is not None
        and indent_of(above) > len(line_prefix)
        and not opens_block(above)
        and indent_of(first) == len(line_prefix)
    )


def bounded(prefix: str, suffix: str, line_prefix: str) -> tuple[str, str, str]:
    """The document around the cursor as far as the rules read it: the cursor's line within
    LINE_CHARS of the cursor on each side, the lines above within SCAN_CHARS (a 5 MB
    minified line costs no more than a short one)."""
    suffix = suffix.replace("\r\n", "\n")
    line_end = suffix.find("\n")
    if line_end > LINE_CHARS or (line_end < 0 and len(suffix) > LINE_CHARS):
        suffix = suffix[:LINE_CHARS] + ("" if line_end < 0 else suffix[line_end:])
    suffix = suffix[: LINE_CHARS + SCAN_CHARS]
    if not prefix:
        return prefix, suffix, line_prefix[-LINE_CHARS:]
    above = prefix[: prefix.rfind("\n") + 1]
    line_prefix = line_prefix[-LINE_CHARS:]
    return above[-SCAN_CHARS:] + line_prefix, suffix, line_prefix


def clean(
    raw: str, prefix: str, suffix: str, line_prefix: str, mode: Mode, max_lines: int = 12
) -> Cleaned:
    """What to show at the cursor: the text and the characters after the cursor it replaces."""
    if not raw:
        return NOTHING
    prefix, suffix, line_prefix = bounded(prefix, suffix, line_prefix)
    line_suffix = suffix.split("\n", 1)[0].rstrip("\r")
    text = _prepared(raw, prefix, line_prefix, mode, suffix)
    if mode is Mode.MULTI and text.strip():
        text = _multi_line(text, prefix, suffix, line_prefix, max_lines)
    text = strip_trailing_space(text, line_suffix)
    if not text.strip():
        return NOTHING
    cleaned = fit_line(text, line_prefix, line_suffix)
    if not cleaned.text.strip() or echoes_suffix(cleaned.text, suffix, cleaned.replace):
        return NOTHING
    if makes_line_worse(cleaned.text, cleaned.replace, line_prefix, line_suffix, prefix):
        return NOTHING
    if repeats_line_above(cleaned.text, prefix):
        return NOTHING
    return cleaned


def _multi_line(text: str, prefix: str, suffix: str, line_prefix: str, max_lines: int) -> str:
    text = reindent_relative(tabs_as_document(text, prefix), line_prefix, prefix)
    cut = cut_block(text, line_prefix, max_lines, suffix, prefix)
    base = indent_of(line_prefix) if line_prefix.strip() else len(line_prefix)
    cut = cut_at_suffix_lines(cut, suffix, not line_prefix.strip(), base)
    cut = one_of_a_run(drop_repeated_lines(cut, line_prefix), line_prefix, prefix)
    cut = complete_blocks(text, cut, line_prefix, suffix, prefix, max_lines)
    return fix_continuation_indent(cut, prefix)


def block_complete(
    partial: str, line_prefix: str, suffix: str, max_lines: int, prefix: str | None = None
) -> bool:
    """For a streamed answer: whether its complete lines already hold all that `clean` would
    keep, so the stream may stop (never while what is kept leaves a block open). Without
    the `prefix`, an arm (`else:`) after what is kept may still belong: go on."""
    if "\n" not in partial:
        return False
    complete = partial[: partial.rfind("\n")]
    if complete.count("\n") + 1 > max_lines:
        return True
    if prefix is not None:
        prefix, suffix, line_prefix = bounded(prefix, suffix, line_prefix)
    else:
        _, suffix, line_prefix = bounded("", suffix, line_prefix)
    known = prefix if prefix is not None else line_prefix
    text = _prepared(complete, prefix or "", line_prefix, Mode.MULTI, suffix)
    if not text.strip():
        return False
    text = reindent_relative(tabs_as_document(text, known), line_prefix, known)
    kept = cut_block(text, line_prefix, max_lines, suffix, known)
    base = indent_of(line_prefix) if line_prefix.strip() else len(line_prefix)
    kept = drop_repeated_lines(cut_at_suffix_lines(kept, suffix, False, base), line_prefix)
    kept = one_of_a_run(kept, line_prefix, known)
    if not kept.strip() or len(kept) >= len(text.rstrip()):
        return False
    if prefix is None and (_arm_follows(kept, text) or _left_of_cursor(text, line_prefix)):
        return False
    return opened(kept, line_prefix) <= 0 and not ends_with_lone_opener(kept, line_prefix, [])


def _left_of_cursor(text: str, line_prefix: str) -> bool:
    """On a blank, indented cursor line, lines of `text` left of the cursor: written from
    column 0 or leaving the block, which only the prefix tells."""
    if line_prefix.strip() or not line_prefix:
        return False
    rest = [x for x in text.split("\n")[1:] if x.strip() and not closes_block(x)]
    return any(indent_of(x) < len(line_prefix) for x in rest)


def _arm_follows(kept: str, text: str) -> bool:
    """The first line of `text` after what was kept is an arm (`else:`, `elif`, `except`)."""
    rest = text.split("\n")[kept.count("\n") + 1 :]
    nxt = next((x for x in rest if x.strip()), "")
    return chain_arm(nxt.strip())
