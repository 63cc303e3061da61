"""What never belongs in a suggestion: characters an editor would not show (control characters,
bidi overrides, zero-width marks) and what a chat-tuned model wraps around code (Markdown
fences and the sentence that introduces them, a `+`/`-` diff marker or a decorative symbol in
front of the code, the next `Human:` turn or a chat template's special token, an echo of the
prompt's `// Path: file` header)."""

from __future__ import annotations

import re
import unicodedata

PATH_LINE = re.compile(r"^\s*(#|//|--|;+|/\*|<!--)\s*Path: \S")
FENCE = re.compile(r"^\s*```[\w#+.-]*\s*$")
# C0 controls but tab and line feed, DEL and C1 controls, the bidi embeddings, overrides and
# isolates (Trojan Source), left-to-right/right-to-left/Arabic letter marks, the zero-width
# space, word joiner and byte order mark. (U+2028/U+2029 are text a JS string may hold.)
INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
# The next turn of a chat transcript, or a special token of a chat or FIM template.
TURN = re.compile(
    r"^(Human|Assistant):|<\|(?:im_start|im_end|endoftext|end|user|assistant|system|EOT|"
    r"fim_prefix|fim_suffix|fim_middle|file_separator)\|>|<\uff5c[^\uff5c\n]{1,40}\uff5c>|"
    r"<(?:fim_prefix|fim_suffix|fim_middle|file_sep)>",
    re.MULTILINE,
)
DIFF_MARK = re.compile(r"[+\-.](?=\t|  )")  # a marker, then a tab or two spaces
LEAD_IN = re.compile(
    r"^(sure|certainly|of course|okay|ok|here('s| is| are)|below|the (following|completed|"
    r"updated|missing)|this (is|completes))\b",
    re.IGNORECASE,
)


def drop_invisible(text: str) -> str:
    """Characters that would reach the editor unseen: a suggestion holds none of them."""
    return INVISIBLE.sub("", text)


def drop_fences(text: str) -> str:
    """A chat model's Markdown fence: drop an opening fence line (and a sentence introducing
    it), stop at a closing one."""
    lines = text.split("\n")
    opening = _opening_fence(lines)
    if opening >= 0:
        lines = lines[opening + 1 :]
    for i, line in enumerate(lines):
        if line.strip().startswith("```") and FENCE.match(line):
            lines = lines[:i]
            break
    return "\n".join(lines)


def _opening_fence(lines: list[str]) -> int:
    """Where the opening fence is: the first line, or the line after an introducing sentence
    ("Here is the code:"), a blank line allowed between; -1 when there is none."""
    if lines and FENCE.match(lines[0]):
        return 0
    if not lines or not _lead_in(lines[0].strip()):
        return -1
    for i in (1, 2):
        if i < len(lines) and FENCE.match(lines[i]):
            return i
        if i < len(lines) and lines[i].strip():
            return -1
    return -1


def _lead_in(line: str) -> bool:
    """A sentence, not code: it opens like an answer or ends like a sentence, in words."""
    words = line.split()
    if len(words) < 2 or any(ch in line for ch in "(){}[]=;<>"):
        return False
    return bool(LEAD_IN.match(line)) or line.endswith(":")


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


def cut_at_turn(text: str) -> str:
    """The suggestion ends where the model starts the next turn of a chat (`Human:`) or
    writes a template's special token."""
    found = TURN.search(text)
    return text if found is None else text[: found.start()].rstrip()


def drop_leading_marker(text: str, prefix: str) -> str:
    """A `+`/`-` diff marker or a `.` in front of the code (then a tab or two spaces), or a
    symbol such as an emoji: the model's decoration, not code. A diff whose every line is added
    loses each marker. Kept when the document itself starts lines that way (a list)."""
    first = text[:1]
    if not first or (not DIFF_MARK.match(text) and not _symbol(first, text[1:2])):
        return text
    if _document_uses(first, prefix):
        return text
    lines = text.split("\n")
    marked = [x for x in lines if x.strip()]
    if len(marked) > 1 and all(x[:1] in "+-" for x in marked):
        return _applied_diff(lines)
    return text[1:]


def _applied_diff(lines: list[str]) -> str:
    """A diff's added lines without their markers (every line, when none is added)."""
    added = [x[1:] if x[:1] == "+" else x for x in lines if x[:1] != "-"]
    if any(x.strip() for x in added):
        return "\n".join(added)
    return "\n".join(x[1:] if x[:1] in "+-" else x for x in lines)


def _symbol(ch: str, after: str) -> bool:
    """An emoji or other pictograph followed by whitespace."""
    return after in (" ", "\t") and unicodedata.category(ch) == "So"


def _document_uses(marker: str, prefix: str) -> bool:
    """Lines of the document just above the cursor start with `marker` and a blank."""
    for line in prefix.rsplit("\n", 30)[-30:]:
        code = line.lstrip(" \t")
        if code.startswith(marker) and code[1:2] in (" ", "\t"):
            return True
    return False
