"""The user's recent edits as a block of comments for FIM prompts, so that ordinary
completions follow what the user is doing (after a rename, the new name).

The block goes before the header and the prefix window, after other files' context. Only
finished events are shown (not the one the user is typing: the prefix window shows that),
so the block changes at most once per edit pause; it grows by appending, and when it
outgrows its budget the oldest half goes at once, so consecutive prompts keep their
opening for DeepSeek's prefix cache.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ds_lsp.languages import comment
from ds_lsp.nextedit.history import GROUP_SECONDS, EditEvent, EditHistory
from ds_lsp.nextedit.prompt import event_diff

TITLE = "Recent edits (unified diffs, oldest first):"


def finished(history: EditHistory, now: float, allowed: Callable[[str], bool]) -> list[EditEvent]:
    """The events that will not change any more: all but the newest, and the newest once
    the user paused."""
    events = history.events(allowed)
    if events and events[-1] is history.newest() and now - events[-1].last <= GROUP_SECONDS:
        events = events[:-1]
    return events


def as_comments(diffs: list[str], language: str) -> str:
    """Diffs as comment lines in the document's language, under a title line."""
    if not diffs:
        return ""
    lines = [TITLE, *(line for diff in diffs for line in diff.rstrip("\n").split("\n"))]
    return "".join(comment(language, line) + "\n" for line in lines)


@dataclass
class StableEdits:
    """Per session, the diffs shown in FIM prompts: appended to, dropped from by halves."""

    budget: int = 1200  # characters of diffs
    _shown: list[tuple[int, str]] = field(default_factory=list)  # (event serial, its diff)
    _seen: set[int] = field(default_factory=set)  # serials decided on (shown or too big)

    def block(
        self,
        history: EditHistory,
        now: float,
        allowed: Callable[[str], bool],
        path_of: Callable[[str], str],
        language: str,
    ) -> str:
        """The comment block for a prompt in `language` now."""
        events = finished(history, now, allowed)
        alive = {e.serial for e in events}
        self._shown = [(key, diff) for key, diff in self._shown if key in alive]
        self._seen &= alive
        for event in events:
            if event.serial not in self._seen:
                self._seen.add(event.serial)
                diff = event_diff(event, path_of(event.uri))
                if diff and len(diff) <= self.budget:
                    self._shown.append((event.serial, diff))
        while sum(len(d) for _, d in self._shown) > self.budget:
            self._shown = self._shown[max(1, len(self._shown) // 2) :]
        return as_comments([diff for _, diff in self._shown], language)
