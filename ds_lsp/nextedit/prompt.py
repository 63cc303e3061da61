"""The chat prefix request of a next-edit suggestion, and the recent edits as text.

The request is DeepSeek chat prefix completion: a fixed system message (first, so every
request opens with the same tokens and hits DeepSeek's prompt cache), a user message with
the file's header, the recent edits as unified diffs (oldest first) and the file around the
cursor with the marked editable region, then the assistant's opening: a fence and the start
marker, so the model goes straight on with the region's first line. It stops at the end
marker or the closing fence. `max_tokens` is sized from the region: the answer is the region
again, a little changed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from ds_lsp.languages import fence_tag
from ds_lsp.nextedit.history import EditEvent
from ds_lsp.nextedit.region import CURSOR, END, START, Region
from ds_lsp.nextedit.textdiff import unified_hunks
from ds_lsp.upstream.backends.wire import ChatPrefixRequest

_BACKTICKS = re.compile(r"`+")  # linear: one class, no alternatives to retry
EDITS_BUDGET_CHARS = 2400  # ~700 tokens of recent edits
MIN_MAX_TOKENS, MAX_MAX_TOKENS = 128, 2048
CHARS_PER_TOKEN = 3.0  # code runs ~3-4 characters per token: err on the generous side

SYSTEM_PROMPT = (
    "You predict the next edit a programmer makes to their file. You are shown their recent "
    "edits as unified diffs, oldest first, and the file around their cursor, in which the "
    f"editable region lies between {START} and {END}, the cursor at {CURSOR}.\n"
    "Rewrite the editable region as it will be after their next edit. Carry their recent "
    "edits through: the other uses of a name they renamed, the call sites of a parameter "
    "they added, the values of a type they changed, the constructor of a field they added, "
    "the import of a name they started using, a docstring, comment or test their change "
    "made wrong; or finish what they are typing. Change only what follows from what they "
    "did, and never undo their edits. Keep every other line exactly as it is, with its "
    "indentation and spacing. If no edit follows, write the region unchanged.\n"
    f"Answer with the region's lines only, then {END}: no cursor marker, no explanation."
)


def render_edits(
    events: Sequence[EditEvent], path_of: Callable[[str], str], budget: int = EDITS_BUDGET_CHARS
) -> str:
    """The newest events that fit `budget` characters, as unified diffs, oldest first."""
    parts: list[str] = []
    used = 0
    for event in reversed(events):
        text = event_diff(event, path_of(event.uri))
        if used + len(text) > budget:
            break
        parts.append(text)
        used += len(text)
    return "".join(reversed(parts))


def event_diff(event: EditEvent, path: str) -> str:
    """One event as a unified diff with a ---/+++ header, ending in a line break."""
    hunks = event.derived("hunks", lambda: list(unified_hunks(event.old, event.new, event.start)))
    if not hunks:
        return ""
    return "\n".join([f"--- a/{path}", f"+++ b/{path}", *hunks]) + "\n"


def fence_for(*texts: str) -> str:
    """A backtick fence longer than any backtick run in `texts` (at least three)."""
    longest = max((len(run) for text in texts for run in _BACKTICKS.findall(text)), default=0)
    return "`" * max(3, longest + 1)


def excerpt(region: Region) -> str:
    """The file around the cursor: context, the marked region, context."""
    return (region.before + region.marked() + "\n" + region.after).rstrip("\n")


def user_message(region: Region, edits: str, path: str, language: str, fence: str) -> str:
    """The user message: header, recent edits, the file with the marked region."""
    history = f"{fence}diff\n{edits}{fence}" if edits else "(none)"
    return (
        f"File: {path}\nLanguage: {language or 'plain text'}\n\n"
        f"Recent edits, oldest first:\n{history}\n\n"
        f"The file around the cursor:\n{fence}{fence_tag(language)}\n{excerpt(region)}\n{fence}"
    )


def max_tokens_for(region: Region) -> int:
    """Room for the region written again, a quarter longer, and the end marker."""
    estimate = math.ceil(len(region.text) / CHARS_PER_TOKEN * 1.25) + 64
    return max(MIN_MAX_TOKENS, min(MAX_MAX_TOKENS, estimate))


def next_edit_request(
    region: Region, edits: str, path: str, language: str, model: str, deadline_s: float
) -> ChatPrefixRequest:
    """The chat prefix request for one next-edit suggestion: the assistant's opening is the
    fence and the start marker; it stops at the end marker or the closing fence."""
    fence = fence_for(excerpt(region), edits)
    return ChatPrefixRequest(
        model=model,
        system=SYSTEM_PROMPT,
        user=user_message(region, edits, path, language, fence),
        prefix=f"{fence}{fence_tag(language)}\n{START}\n",
        max_tokens=max_tokens_for(region),
        temperature=0.0,
        stop=(END, fence),
        stream=False,  # one JSON answer: nothing to show while it comes, less to parse
        deadline_s=deadline_s,
    )
