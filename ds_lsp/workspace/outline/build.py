"""One file's outline, by its language family."""

from __future__ import annotations

from ds_lsp.workspace.outline.braces import BRACE_FAMILIES, outline_braces
from ds_lsp.workspace.outline.python import outline_python
from ds_lsp.workspace.outline.record import Builder, Outline


def outline(text: str, family: str, first_line: int = 0, values: bool = True) -> Outline:
    """The outline of `text` written in a language of `family` (see `families.family`);
    `first_line`: where `text` starts in its file (a slice of a big file); `values`: False
    for a file read from disk, whose assignments keep no string values (`values.py`)."""
    builder = Builder(first_line, family, values)
    lines = text.split("\n")
    if family == "python":
        outline_python(lines, builder)
    elif family in BRACE_FAMILIES:
        outline_braces(lines, family, builder)
    return builder.build()
