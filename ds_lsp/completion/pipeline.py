"""One completion, from keystroke to suggestion: `CompletionPipeline.complete`.

Serves textDocument/inlineCompletion and textDocument/completion. The steps, in order:
gate (enable, language, exclude) -> window (budgeted prefix/suffix) -> mode (single or
multi-line) -> cache (exact, or typing through) -> an answer already asked for ahead (see
prefetch) -> debounce (never shorter than the user's typing rhythm) and latest-wins (per
document the newest request wins; an older one answers None at once and its HTTP call is
aborted) -> fetch (the upstream session) -> clean (postprocess) -> suggestion. Upstream
problems become one message per kind of problem in the session, never an exception here.
Asking ahead (prefetch) sees each request once, as a `Turn`: what it already has for it,
then what was shown; and each upstream answer once (`answered`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import statistics
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from ds_lsp import masking
from ds_lsp.completion import postprocess
from ds_lsp.completion.ask import Ask, make_ask, stop_check
from ds_lsp.completion.cache import CompletionCache
from ds_lsp.completion.gating import Gate
from ds_lsp.completion.other_files import OtherFiles, render
from ds_lsp.completion.postprocess import Cleaned
from ds_lsp.completion.prefetch import Prefetcher, Spot
from ds_lsp.config import Settings
from ds_lsp.documents import Document, DocumentStore
from ds_lsp.exclusion import relative_path
from ds_lsp.languages import header
from ds_lsp.upstream.session import UpstreamSession
from ds_lsp.window import Window, build_window

log = logging.getLogger(__name__)
T = TypeVar("T")

FAST_TRIGGERS = (".", "(", "[", "{", ",", ":")
RHYTHM_GAPS = 8  # requests whose gaps make a document's typing rhythm
PAUSE_S = 1.0  # a longer gap between requests is a pause, not the rhythm


@dataclass
class Suggestion:
    """A cleaned suggestion for the cursor at (line, character) in LSP units."""

    text: str
    line: int
    character: int
    window: Window
    cached: bool = False
    replace: int = 0  # characters of the cursor's line after the cursor the text replaces
    uri: str = ""  # the document's


class LatestWins:
    """Per key (a document), the newest call wins: a running older one is cancelled and
    answers None at once."""

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Future[Any]] = {}

    async def run(self, key: str, work: Coroutine[Any, Any, T | None]) -> T | None:
        """Run `work`, cancelling the previous call for `key`. Cancelling the caller
        ($/cancelRequest, shutdown) raises CancelledError; being superseded answers None."""
        task = asyncio.ensure_future(work)
        previous = self._running.get(key)
        self._running[key] = task
        if previous is not None and not previous.done():
            previous.cancel()
        try:
            return await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
            return None
        finally:
            if self._running.get(key) is task:
                del self._running[key]

    def cancel(self, key: str) -> None:
        task = self._running.pop(key, None)
        if task is not None:
            task.cancel()


class Rhythm:
    """Per document, the gap between requests while the user types (the median of the
    recent ones): a debounce shorter than it would run out between two keys."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}
        self._gaps: dict[str, deque[float]] = {}

    def request(self, uri: str) -> float | None:
        """A request for `uri` now; returns the typing gap, None until it is known."""
        now = time.monotonic()
        last, self._last[uri] = self._last.get(uri), now
        gaps = self._gaps.setdefault(uri, deque(maxlen=RHYTHM_GAPS))
        if last is not None and now - last < PAUSE_S:
            gaps.append(now - last)
        return statistics.median(gaps) if len(gaps) >= 2 else None

    def forget(self, uri: str) -> None:
        self._last.pop(uri, None)
        self._gaps.pop(uri, None)


def debounce_ms(setting_ms: float, line_prefix: str, key_gap_s: float | None = None) -> float:
    """Shorter right after a character that usually starts something, or on a fresh line,
    but not shorter than 1.5 typing gaps, so a steady typist's next key comes first."""
    head = line_prefix.rstrip(" ")
    if not head.strip() or head.endswith(FAST_TRIGGERS):
        return max(setting_ms / 3, min(setting_ms, 1500 * (key_gap_s or 0)))
    return setting_ms


class CompletionPipeline:
    """Documents in, suggestions out; upstream through the shared session."""

    def __init__(
        self,
        settings: Settings,
        docs: DocumentStore,
        session: UpstreamSession,
        root_path: str | None = None,
    ) -> None:
        self.settings = settings
        self.docs = docs
        self.session = session
        self.usage = session.usage
        self.gate = Gate(settings, root_path)
        self.cache = CompletionCache(settings.cache_size)
        self.other_files = OtherFiles(docs, self.gate)
        self.prefetch = Prefetcher(settings, self.cache, self.fetch, self.gate.holds_back)
        self.latest = LatestWins()
        self.rhythm = Rhythm()
        self._snooze_timer: asyncio.TimerHandle | None = None
        # the user's recent edits as a comment block (set by the LSP side: nextedit/fim.py)
        self.recent_edits: Callable[[Document], str] = lambda doc: ""

    # ---- the pipeline ------------------------------------------------------------------------
    async def complete(
        self, uri: str, line: int, character: int, invoked: bool = False
    ) -> Suggestion | None:
        """A suggestion at the position, or None; never raises except when cancelled."""
        if not invoked and self.gate.holds_back():  # manual trigger, or snoozed
            return None
        self.usage.record(requests=1)
        doc = self._document(uri, line, character)
        if doc is None or not self.gate.allows(doc):
            return None
        return await self.latest.run(uri, self._complete(doc, line, character, invoked))

    async def _complete(
        self, doc: Document, line: int, character: int, invoked: bool
    ) -> Suggestion | None:
        masking.prompt_source.set(relative_path(doc.uri, self.gate.root_path))  # this task's
        version = doc.version
        row, index = doc.clamp(line, character)
        window = self.window_at(doc, row, index)
        if not invoked and self.gate.quiet_at(window.prefix, doc.language_id):
            return None
        ask = self.ask_for(doc, window)
        spot = Spot(doc.uri, row, line, character, self.rhythm.request(doc.uri))
        hit = self.cache.lookup(*ask.ident)
        turn = self.prefetch.turn(spot, ask, hit, invoked)
        if hit is not None:
            self.usage.record(cache_served=1)
            cleaned: Cleaned | None = Cleaned(hit.text, hit.replace)
        elif turn.has_ahead:  # asked ahead, or asked at once instead of after the debounce
            cleaned = await turn.ahead()
        elif invoked or await self._debounced(doc, version, ask.window, spot.key_gap):
            cleaned = await turn.fetch()
        else:
            return None
        if hit is None and (not cleaned or not cleaned.text or self._moved_on(doc, version)):
            return None
        text = cleaned.text if cleaned else ""
        if text:
            self.usage.record(shown=1)
        turn.shown(text)
        return self._suggestion(doc, ask, cleaned, line, character, cached=hit is not None)

    def _document(self, uri: str, line: int, character: int) -> Document | None:
        doc = self.docs.get(uri)
        if doc is None:
            log.debug("completion for unknown document %s", uri)
        elif not doc.is_valid(line, character):
            log.debug("completion at impossible position %d:%d in %s", line, character, uri)
            return None
        return doc

    def ask_at(self, doc: Document, row: int, index: int) -> Ask:
        """The ask at (row, Python index) of `doc`."""
        return self.ask_for(doc, self.window_at(doc, row, index))

    def window_at(self, doc: Document, row: int, index: int) -> Window:
        """The prompt window around (row, Python index), within the budgets (the prefix's
        less the block of recent edits that opens the prompt)."""
        s = self.settings
        prefix_budget = max(0, s.max_prefix_chars - len(self._recent_edits(doc)))
        return build_window(
            doc, row, index, prefix_budget, s.max_suffix_chars, s.window_block_lines
        )

    def ask_for(self, doc: Document, window: Window) -> Ask:
        """The window's mode and the prompt that opens with other files' context, the
        user's recent edits and the header."""
        s = self.settings
        parts: tuple[tuple[str, str], ...] = ()
        if s.context_files and s.context_files_budget > 0:
            parts = self.other_files.parts(doc, window, s.context_files_budget)
        head = header(relative_path(doc.uri, self.gate.root_path), doc.language_id)
        head = self._recent_edits(doc) + (head if s.prompt_header else "")
        return make_ask(s, window, render(parts, doc.language_id), parts, head)

    def _recent_edits(self, doc: Document) -> str:
        """The recent edits' comment block (with other-file context: `contextFiles`)."""
        return self.recent_edits(doc) if self.settings.context_files else ""

    async def _debounced(
        self, doc: Document, version: int, window: Window, key_gap: float | None
    ) -> bool:
        """Wait out the debounce; False when the document moved on meanwhile (Helix may
        type on without a new request)."""
        wait = debounce_ms(self.settings.debounce_ms, window.line_prefix, key_gap)
        await asyncio.sleep(wait / 1000)
        return doc.version == version

    async def fetch(self, ask: Ask) -> Cleaned | None:
        """Ask upstream, clean the answer and cache it; None when upstream failed."""
        s = self.settings
        w = ask.window
        started = time.monotonic()
        result = await self.session.fim(
            ask.prompt, w.suffix, ask.stops, ask.extras, stop_check(ask, s.max_lines)
        )
        if result is None:
            return None
        took = time.monotonic() - started
        cleaned = postprocess.clean(
            result.text, w.prefix, w.suffix, w.line_prefix, ask.mode, s.max_lines
        )
        self.cache.put(*ask.ident, cleaned.text, cleaned.replace)
        finished = result.finish_reason == "stop"
        self.prefetch.answered(ask, result.text, finished, cleaned, took)
        return cleaned

    def _moved_on(self, doc: Document, version: int) -> bool:
        if doc.version != version or self.docs.get(doc.uri) is not doc:
            log.debug("document moved on while completing; dropping the answer")
            return True
        return False

    def _suggestion(
        self,
        doc: Document,
        ask: Ask,
        cleaned: Cleaned | None,
        line: int,
        character: int,
        cached: bool = False,
    ) -> Suggestion | None:
        """The suggestion exactly as `clean` left it: its text, and the closers after the
        cursor it replaces."""
        if not cleaned or not cleaned.text:
            return None
        w = ask.window
        return Suggestion(cleaned.text, line, character, w, cached, cleaned.replace, doc.uri)

    def accepted(
        self, uri: str | None = None, line: int | None = None, character: int | None = None
    ) -> None:
        """The user accepted the suggestion shown at (line, character) of `uri` (the latest
        shown when the editor does not say): ask for the line after it ahead."""
        self.prefetch.accepted(uri, line, character)

    # ---- noise controls -----------------------------------------------------------------------
    def snooze(self, minutes: float) -> dt.datetime | None:
        """Pause automatic suggestions for `minutes` (0: resume now; invoked requests are
        still answered, nothing is asked ahead). Returns when they resume by themselves
        (UTC), None when they run. What `ds-lsp.snooze` calls."""
        seconds = self.gate.snooze(minutes)
        if self._snooze_timer is not None:
            self._snooze_timer.cancel()
            self._snooze_timer = None
        if seconds is None:
            self.session.rest(None)
            return None
        until = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
        self.session.rest(("snoozed", f"until {until:%H:%M} UTC"))
        loop = asyncio.get_running_loop()
        self._snooze_timer = loop.call_later(seconds, self._snooze_over)
        return until

    def _snooze_over(self) -> None:
        self._snooze_timer = None
        if not self.gate.snoozing():
            self.session.rest(None)

    # ---- settings and documents --------------------------------------------------------------
    def update(self, settings: Settings, new_server: bool) -> None:
        """New settings; `new_server`: the session now talks to another server or key, so
        the old answers are not served."""
        old, self.settings = self.settings, settings
        self.gate.update(settings)
        self.other_files.clear()
        if new_server or old.cache_size != settings.cache_size:
            self.cache = CompletionCache(settings.cache_size)
        self.prefetch.update(settings, self.cache)

    def forget(self, uri: str) -> None:
        """A document was closed: drop what was kept for it and stop its request."""
        self.gate.forget(uri)
        self.other_files.forget(uri)
        self.prefetch.forget(uri)
        self.rhythm.forget(uri)
        self.latest.cancel(uri)
