"""What a chat-tuned model wraps around code: Markdown fences and an echo of the prompt's
`// Path: file` header."""

from __future__ import annotations

import re

PATH_LINE = re.compile(r"^\s*(#|//|--|;+|/\*|<!--)\s*Path: \S")
FENCE = re.compile(r"^\s*```[\w#+.-]*\s*$")


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
