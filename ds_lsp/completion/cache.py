"""Completion cache: an LRU keyed by what was sent, plus typing-through lookups.

An exact hit needs the same model, prompt, suffix and parameters. Typing through serves the
rest of a recent suggestion while the user types its first characters: the new prompt is an
older prompt plus a beginning of that older suggestion, with the same suffix. With the text
is kept how many characters after the cursor it replaces (closers it types again): typing
into a suggestion leaves those characters after the cursor, so the rest replaces them too.

Bounded twice: at most `size` entries (`cacheSize`) and at most MAX_BYTES of text, prompts
included (one prompt may be a megabyte), the least recently used going first.
"""

from __future__ import annotations

import sys
from collections import OrderedDict, deque
from collections.abc import Hashable
from dataclasses import dataclass

RECENT = 16
MAX_BYTES = 32 << 20  # ~3,000 answers with the default budgets (~10 KB of prompt each)
Key = tuple[Hashable, str, str]  # params, prompt, suffix


@dataclass(frozen=True)
class Hit:
    """A cached answer for a request: `text`, from the entry cached under `key` (the
    request's own, or an older one whose suggestion the user typed into)."""

    text: str
    key: Key
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

    def __init__(self, size: int, max_bytes: int = MAX_BYTES) -> None:
        self._lru: OrderedDict[Key, tuple[str, int]] = OrderedDict()
        self._recent: deque[Entry] = deque(maxlen=RECENT)
        self.size = max(size, 0)
        self.max_bytes = max_bytes
        self.bytes = 0  # held by the entries' prompts, suffixes and texts
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
            self._lru.move_to_end(key)
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
        key = (params, prompt, suffix)
        self._drop(key)
        self._lru[key] = (text, replace)
        self.bytes += _bytes(key, text)
        if text:
            self._recent.append(Entry(params, prompt, suffix, text, replace))
        while self._lru and (len(self._lru) > self.size or self.bytes > self.max_bytes):
            self._drop(next(iter(self._lru)))  # the least recently used

    def _drop(self, key: Key) -> None:
        """Forget one entry, and its typing-through record (its prompt goes with it)."""
        known = self._lru.pop(key, None)
        if known is None:
            return
        self.bytes -= _bytes(key, known[0])
        if any((e.params, e.prompt, e.suffix) == key for e in self._recent):
            kept = [e for e in self._recent if (e.params, e.prompt, e.suffix) != key]
            self._recent = deque(kept, maxlen=RECENT)

    def clear(self) -> None:
        self._lru.clear()
        self._recent.clear()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._lru)


def _bytes(key: Key, text: str) -> int:
    """What an entry holds in memory, near enough: its strings (O(1) each)."""
    return sys.getsizeof(key[1]) + sys.getsizeof(key[2]) + sys.getsizeof(text)
