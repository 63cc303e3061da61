"""Asking ahead, so a suggestion is ready when the user pauses.

Two speculative asks, whose answers go to the cache and which no editor request owns (so a
keystroke's `$/cancelRequest` cannot waste them):
- the first ask of a line goes out at once, without the debounce, once three characters
  are typed (a steady typist never lets the debounce run out);
- when a shown suggestion ends its line, the line after it is asked for, so that the moment
  the user accepts and presses Enter the next suggestion is served from the cache (a blank
  answer looks one line further).
At most MAX_SPECULATIVE run at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from ds_lsp.completion.ask import Ask, line_break
from ds_lsp.completion.cache import CompletionCache
from ds_lsp.config import Settings

FIRST_ASK_CHARS = 3
MAX_SPECULATIVE = 3

Fetch = Callable[[Ask], Awaitable["str | None"]]  # fetch, clean and cache one ask


class Prefetcher:
    """Speculative asks and, per document, the line of the latest ask."""

    def __init__(self, settings: Settings, cache: CompletionCache, fetch: Fetch) -> None:
        self.settings = settings
        self.cache = cache
        self._fetch = fetch
        self._running: dict[tuple, asyncio.Future] = {}  # by Ask.ident
        self._asked_line: dict[str, int] = {}  # per document: the line of the latest ask

    def asked(self, uri: str, line: int) -> None:
        """An ask for this line went out (or was served): no speculative one for it."""
        self._asked_line[uri] = line

    def ask_at_once(self, uri: str, line: int, ask: Ask, invoked: bool) -> bool:
        """Whether this is the first ask of a line typed steadily: ask without debounce."""
        return (
            self.settings.prefetch
            and not invoked
            and self._asked_line.get(uri) != line
            and len(ask.window.line_prefix.strip()) >= FIRST_ASK_CHARS
        )

    async def ask_now(self, uri: str, line: int, ask: Ask) -> str | None:
        """The first ask of a line, in the background; awaiting it may be cancelled."""
        self.asked(uri, line)
        return await asyncio.shield(self._speculate(ask))

    def after_shown(self, ask: Ask, text: str) -> None:
        """A suggestion was shown: when it ends its line, ask for the line after it."""
        w = ask.window
        if (
            not self.settings.prefetch
            or not text
            or "\n" in text
            or w.line_suffix.strip()
            or len(self._running) >= MAX_SPECULATIVE
        ):
            return
        self._ask_line_after(ask, text)

    def _ask_line_after(self, ask: Ask, text: str) -> None:
        nxt = ask.line_after(text, self.settings)
        if nxt.ident not in self._running and self.cache.get(*nxt.ident) is None:
            self._speculate(nxt)

    def _speculate(self, ask: Ask) -> asyncio.Future:
        """Fetch in the background into the cache; no editor request owns (or cancels) it."""
        task = self._running.get(ask.ident)
        if task is None:
            task = asyncio.ensure_future(self._fetch_into_cache(ask))
            self._running[ask.ident] = task
            task.add_done_callback(lambda _: self._running.pop(ask.ident, None))
        return task

    async def _fetch_into_cache(self, ask: Ask) -> str | None:
        text = await self._fetch(ask)
        w = ask.window
        if text == "" and w.line_prefix == "" and not w.prefix.endswith(line_break(w) * 3):
            self._ask_line_after(ask, "")  # a blank line: look one line further
        return text

    def update(self, settings: Settings, cache: CompletionCache) -> None:
        self.settings, self.cache = settings, cache

    def forget(self, uri: str) -> None:
        self._asked_line.pop(uri, None)
