"""Completion cache: an LRU keyed by what was sent, plus typing-through lookups.

An exact hit needs the same model, prompt, suffix and parameters. Typing through serves the
rest of a recent suggestion while the user types its first characters: the new prompt is an
older prompt plus a beginning of that older suggestion, with the same suffix. With the text
is kept how many characters after the cursor it replaces (closers it types again): typing
into a suggestion leaves those characters after the cursor, so the rest replaces them too.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass

from cachetools import LRUCache

RECENT = 16


@dataclass(frozen=True)
class Hit:
    """A cached answer for a request: `text`, from the entry cached under `key` (the
    request's own, or an older one whose suggestion the user typed into)."""

    text: str
    key: tuple[Hashable, str, str]
    replace: int = 0


@dataclass(frozen=True)
class Entry:
    """A shown suggestion and the request it answered."""

    params: Hashable
    prompt: str
    suffix: str
    text: str
    replace: int = 0


class CompletionCache:
    """LRU of cleaned suggestions with typing-through lookups."""

    def __init__(self, size: int) -> None:
        self._lru: LRUCache[tuple[Hashable, str, str], tuple[str, int]] = LRUCache(
            maxsize=max(size, 1)
        )
        self._recent: deque[Entry] = deque(maxlen=RECENT)
        self.enabled = size > 0

    def get(self, params: Hashable, prompt: str, suffix: str) -> str | None:
        """The cached text for exactly this request, or the rest of a suggestion typed into."""
        hit = self.lookup(params, prompt, suffix)
        return None if hit is None else hit.text

    def lookup(self, params: Hashable, prompt: str, suffix: str) -> Hit | None:
        """`get`, saying which entry answered."""
        if not self.enabled:
            return None
        key = (params, prompt, suffix)
        known = self._lru.get(key)
        if known is not None:
            return Hit(known[0], key, known[1])
        return self._typed_through(params, prompt, suffix)

    def _typed_through(self, params: Hashable, prompt: str, suffix: str) -> Hit | None:
        for entry in reversed(self._recent):
            if entry.suffix != suffix or entry.params != params:
                continue
            if len(prompt) <= len(entry.prompt) or not prompt.startswith(entry.prompt):
                continue
            typed = prompt[len(entry.prompt) :]
            if entry.text.startswith(typed) and len(typed) < len(entry.text):
                key = (entry.params, entry.prompt, entry.suffix)
                return Hit(entry.text[len(typed) :], key, entry.replace)
        return None

    def put(self, params: Hashable, prompt: str, suffix: str, text: str, replace: int = 0) -> None:
        if not self.enabled:
            return
        self._lru[(params, prompt, suffix)] = (text, replace)
        if text:
            self._recent.append(Entry(params, prompt, suffix, text, replace))

    def clear(self) -> None:
        self._lru.clear()
        self._recent.clear()

    def __len__(self) -> int:
        return len(self._lru)
