"""Asking ahead, so a suggestion is ready when the user pauses, only while that pays.

Speculative asks put their answers in the cache; no editor request owns them (so a
keystroke's `$/cancelRequest` cannot waste them), and at most one runs per document:
- the line after a suggestion that ends its line, so that Enter finds it in the cache
  (unless the model already wrote it: an answer that goes on past the suggestion is kept
  as the next line's answer, at no cost):
  - as soon as the user accepts it (`ds-lsp.acceptedSuggestion`);
  - while the user types it through, once what is left of it takes about one round trip to
    type (the last moment it is still ready at Enter, so a suggestion that goes wrong
    mid-line has wasted nothing);
  - as soon as it is shown, when this session's user accepts half or more of them whole;
  a blank answer looks one line further;
- the ask of the line being typed, at once instead of after the debounce (a steady typist
  never lets it run out): when typing through this line's suggestion broke (the model was
  right so far), or at the third character of a line with no suggestion yet.
All but the accepted one are asked only while speculation pays: while most of this
session's speculative answers were used (served from the cache, typed through or shown),
with one try in four otherwise so that the estimate can recover.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import TypeAlias

from ds_lsp.completion import postprocess
from ds_lsp.completion.ask import Ask, line_break
from ds_lsp.completion.cache import CompletionCache, Hit
from ds_lsp.completion.postprocess import Cleaned
from ds_lsp.config import Settings

FIRST_ASK_CHARS = 3
PAYS = 0.5  # a speculative ask pays when its answer is used at least as often as not
RECENT = 20  # outcomes the estimates look at
TRY_EVERY = 4  # while speculation does not pay, one opportunity in this many still asks
LATENCY_S = 0.5  # a round trip's guess until one was measured

log = logging.getLogger(__name__)
Fetch = Callable[[Ask], Awaitable["Cleaned | None"]]  # fetch, clean and cache one ask
Flight: TypeAlias = "asyncio.Future[Cleaned | None]"  # a speculative request on its way


class Outcomes:
    """The share of recent yes/no outcomes that came out yes, starting from a prior."""

    def __init__(self, yes: int, no: int, size: int = RECENT) -> None:
        self._prior = (yes, no)
        self._recent: deque[bool] = deque(maxlen=size)

    def record(self, yes: bool) -> None:
        self._recent.append(yes)

    @property
    def rate(self) -> float:
        yes, no = self._prior
        return (yes + sum(self._recent)) / (yes + no + len(self._recent))


class Policy:
    """Whether to speculate, from what this session's speculation and acceptances did."""

    def __init__(self) -> None:
        self.used = Outcomes(yes=1, no=1)  # speculative answers: used, or wasted
        self.accepted = Outcomes(yes=0, no=1)  # line-ending suggestions: accepted whole
        self._passed = 0  # opportunities let pass since speculation stopped paying

    def pays(self) -> bool:
        """Asked at each opportunity to speculate: ask now?"""
        if self.used.rate >= PAYS:
            self._passed = 0
            return True
        self._passed += 1
        if self._passed >= TRY_EVERY:  # try one, so that the estimate can recover
            self._passed = 0
            return True
        return False

    def ask_on_show(self) -> bool:
        """Ask for the next line as soon as a suggestion is shown: when half or more are
        accepted whole."""
        return self.accepted.rate >= PAYS


def lead_chars(latency_s: float, key_gap_s: float | None) -> int:
    """How many characters before the end of a line the next line must be asked for to be
    there at Enter: those typed during one round trip, and one more."""
    if not key_gap_s:
        return 0
    return math.ceil(latency_s / key_gap_s) + 1


@dataclass
class Speculation:
    """A document's latest speculative ask, until it is used or the user moves past it."""

    keys: set[Hashable]  # the cache keys its answers went in under
    origin: int  # the line it was asked from
    target: int  # the last line it answers for


@dataclass
class Showing:
    """A document's latest shown suggestion that ends its line."""

    ask: Ask
    text: str
    after: Hashable  # the ident of the ask for the line after it
    row: int
    line: int  # the editor's position of the suggestion
    character: int
    accepted: bool = False


@dataclass
class Doc:
    """What the prefetcher keeps per document."""

    asked_line: int | None = None  # the line of the latest ask (or first-ask opportunity)
    through_line: int | None = None  # the line whose suggestion is being typed through
    through_left: int = 0  # how much of it was left to type
    showing: Showing | None = None
    considered: Hashable | None = None  # the latest next-line ask weighed
    speculation: Speculation | None = None
    flying: Flight | None = None  # its speculative request in flight


@dataclass(frozen=True)
class Spot:
    """Where an editor request asks: its document, the cursor's row, the editor's position
    (line, character) and the document's typing gap (None until known)."""

    uri: str
    row: int
    line: int
    character: int
    key_gap: float | None = None


class Turn:
    """One editor request as the prefetcher sees it: the answer it already has on the way
    (`ahead`), or the request's own ask going out (`fetch`), and what was shown (`shown`)."""

    def __init__(self, prefetcher: Prefetcher, spot: Spot, ask: Ask, ahead: Flight | None) -> None:
        self._prefetcher = prefetcher
        self.spot = spot
        self.ask = ask
        self._ahead = ahead

    @property
    def has_ahead(self) -> bool:
        """An answer was asked ahead for this very ask, or is asked at once now."""
        return self._ahead is not None

    async def ahead(self) -> Cleaned | None:
        """The answer asked ahead; awaiting it may be cancelled (the request it serves
        goes away, the speculative request does not)."""
        assert self._ahead is not None
        cleaned: Cleaned | None = await asyncio.shield(self._ahead)
        text = cleaned.text if cleaned else ""
        self._prefetcher.served(self.spot.uri, self.spot.row, Hit(text, self.ask.ident), self.ask)
        return cleaned

    async def fetch(self) -> Cleaned | None:
        """The request's own ask, after the debounce: no speculative one for this line."""
        self._prefetcher.asked(self.spot.uri, self.spot.row)
        return await self._prefetcher._fetch(self.ask)

    def shown(self, text: str) -> None:
        """`text` is shown at the spot (maybe ''): ask for the line after it when it pays."""
        spot = self.spot
        at = (spot.line, spot.character)
        self._prefetcher.after_shown(spot.uri, spot.row, self.ask, text, at, spot.key_gap)


class Prefetcher:
    """Speculative asks, their outcomes, and per document what decides the next one."""

    def __init__(
        self,
        settings: Settings,
        cache: CompletionCache,
        fetch: Fetch,
        held_back: Callable[[], bool] = lambda: False,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self._fetch = fetch
        self._held_back = held_back  # automatic suggestions are off (manual, snoozed)
        self.policy = Policy()
        self.latency_s: float | None = None  # of upstream answers, smoothed
        self._running: dict[Hashable, Flight] = {}  # by Ask.ident
        self._docs: dict[str, Doc] = {}
        self._last_uri: str | None = None  # the document of the latest shown suggestion

    @property
    def active(self) -> bool:
        """Asking ahead is on, and automatic suggestions would show what it asks."""
        return self.settings.prefetch and not self._held_back()

    def _doc(self, uri: str) -> Doc:
        return self._docs.setdefault(uri, Doc())

    # ---- the pipeline's two calls ------------------------------------------------------------
    def turn(self, spot: Spot, ask: Ask, hit: Hit | None, invoked: bool) -> Turn:
        """An editor request for `ask` at `spot`, and what the cache had for it (`hit`):
        settle what it tells about earlier guesses and suggestions, then find its answer
        asked ahead, or ask at once instead of after the debounce."""
        self.editor_asks(spot.uri, spot.row, ask)
        if hit is not None:
            self.served(spot.uri, spot.row, hit, ask)
            return Turn(self, spot, ask, None)
        ahead = self.running(ask)  # asked ahead and on its way: wait for it, not ask again
        if ahead is None and self.ask_at_once(spot.uri, spot.row, ask, invoked):
            self.asked(spot.uri, spot.row)
            ahead = self._speculate(spot.uri, spot.row, spot.row, ask, "the line being typed")
        return Turn(self, spot, ask, ahead)

    def answered(self, ask: Ask, raw: str, finished: bool, cleaned: Cleaned, took: float) -> None:
        """Upstream answered `ask` with `raw` (cleaned: `cleaned`) in `took` seconds: the
        round trip the next line must beat, and lines the answer wrote beyond its own."""
        self.took(took)
        self.wrote_on(ask, cleaned.text, raw, finished)

    # ---- what the pipeline reports ------------------------------------------------------------
    def editor_asks(self, uri: str, row: int, ask: Ask) -> None:
        """An editor request `ask` at `row`: a speculation for lines the user left was
        wasted; the whole of the kept suggestion (two characters or more) now before the
        cursor was accepted, even by an editor that does not run the accepted command."""
        doc = self._doc(uri)
        spec = doc.speculation
        if spec is not None and not spec.origin <= row <= spec.target:
            self._settle(uri, used=False)
        showing = doc.showing
        if (
            showing is not None
            and not showing.accepted
            and len(showing.text) > 1
            and ask.key == showing.ask.key + showing.text
        ):
            self._accept(uri, doc, showing)

    def served(self, uri: str, row: int, hit: Hit, ask: Ask) -> None:
        """The editor's request `ask` at `row` got `hit` without asking: from the cache
        (maybe the rest of a suggestion typed into) or an answer asked ahead. If that was
        speculated, it was used."""
        doc = self._doc(uri)
        doc.asked_line = row
        if hit.key != ask.ident:
            doc.through_line, doc.through_left = row, len(hit.text)
        spec = doc.speculation
        if hit.text and spec is not None and hit.key in spec.keys:
            self._settle(uri, used=True)

    def wrote_on(self, ask: Ask, text: str, raw: str, finished: bool) -> None:
        """The model's answer `raw` went on past the suggestion `text` it gave for `ask`:
        keep the rest as the answer for the line after it (what typing through would serve
        after Enter), and so on, so that those lines need not be asked. `finished`: the
        model ended the answer itself (else only its complete lines count)."""
        if not text or ask.window.line_suffix.strip() or not raw.startswith(text + "\n"):
            return
        rest = raw[len(text) + 1 :]
        if not finished:
            rest = rest[: rest.rfind("\n") + 1]
        nxt = ask.line_after(text, self.settings)
        if not rest.strip() or self.cache.get(*nxt.ident) is not None:
            return
        w, s = nxt.window, self.settings
        after = postprocess.clean(rest, w.prefix, w.suffix, w.line_prefix, nxt.mode, s.max_lines)
        if after.text:
            self.cache.put(*nxt.ident, after.text, after.replace)
            self.wrote_on(nxt, after.text, rest, True)

    def took(self, seconds: float) -> None:
        """An upstream answer took this long: the round trip the next line must beat."""
        last = self.latency_s
        self.latency_s = seconds if last is None else last + (seconds - last) * 0.3

    def asked(self, uri: str, line: int) -> None:
        """An ask for this line went out: no speculative one for it."""
        self._doc(uri).asked_line = line

    def running(self, ask: Ask) -> Flight | None:
        """The speculative request for this very ask, when one is on its way."""
        return self._running.get(ask.ident)

    # ---- the ask of the line being typed ------------------------------------------------------
    def ask_at_once(self, uri: str, line: int, ask: Ask, invoked: bool) -> bool:
        """Whether to ask now, without the debounce: typing through this line's suggestion
        just broke, or a line typed steadily reached its third character. Each is weighed
        once."""
        doc = self._doc(uri)
        broke = doc.through_line == line and doc.through_left > 1  # not typed to its end
        doc.through_line = None
        first = doc.asked_line != line and len(ask.window.line_prefix.strip()) >= FIRST_ASK_CHARS
        if first:
            doc.asked_line = line
        return (
            self.active
            and not invoked
            and (broke or first)
            and not self._busy(doc)
            and self.policy.pays()
        )

    # ---- the next line ------------------------------------------------------------------------
    def after_shown(
        self, uri: str, row: int, ask: Ask, text: str, at: tuple[int, int], key_gap: float | None
    ) -> None:
        """A suggestion was shown at `at` (the editor's line, character): when it ends its
        line, ask for the line after it if the session accepts most suggestions whole, or
        once what is left of it takes about a round trip to type."""
        if not self.active or not text or "\n" in text or ask.window.line_suffix.strip():
            return
        doc = self._doc(uri)
        nxt = ask.line_after(text, self.settings)
        self._show(uri, doc, Showing(ask, text, nxt.ident, row, *at))
        lead = lead_chars(LATENCY_S if self.latency_s is None else self.latency_s, key_gap)
        if not (self.policy.ask_on_show() or len(text) <= lead):
            return
        if nxt.ident != doc.considered and self._wanted(doc, nxt):
            doc.considered = nxt.ident
            if self.policy.pays():
                self._speculate(uri, row, row + 1, nxt, "the next line")

    def accepted(self, uri: str | None, line: int | None, character: int | None) -> None:
        """The user accepted a suggestion (`line`, `character`: where it was shown, when the
        editor says): when it ended its line, ask for the next one."""
        uri = uri or self._last_uri
        doc = self._docs.get(uri) if uri else None
        showing = doc.showing if doc else None
        if uri is None or doc is None or showing is None:
            return
        if line is not None and (line, character) != (showing.line, showing.character):
            return  # an older suggestion than the one kept
        self._accept(uri, doc, showing)

    def _accept(self, uri: str, doc: Doc, showing: Showing) -> None:
        if not showing.accepted:
            showing.accepted = True
            self.policy.accepted.record(True)
        nxt = showing.ask.line_after(showing.text, self.settings)
        if self.active and self._wanted(doc, nxt):
            doc.considered = nxt.ident
            self._speculate(uri, showing.row, showing.row + 1, nxt, "after an accept")

    def _show(self, uri: str, doc: Doc, showing: Showing) -> None:
        """Keep the latest line-ending suggestion. Typing it through shows the same line
        again; another line closes the kept one's record: accepted or not."""
        old = doc.showing
        if old is not None and old.after == showing.after:
            showing.accepted = old.accepted
        elif old is not None and not old.accepted:
            self.policy.accepted.record(False)
        doc.showing = showing
        self._last_uri = uri

    # ---- speculating --------------------------------------------------------------------------
    def _busy(self, doc: Doc) -> bool:
        return doc.flying is not None and not doc.flying.done()

    def _wanted(self, doc: Doc, ask: Ask) -> bool:
        return (
            not self._busy(doc)
            and ask.ident not in self._running
            and self.cache.get(*ask.ident) is None
        )

    def _speculate(self, uri: str, origin: int, target: int, ask: Ask, what: str) -> Flight:
        """Fetch in the background into the cache; no editor request owns (or cancels) it."""
        task = self._running.get(ask.ident)
        if task is not None:
            return task
        log.debug("asking ahead from line %d: %s (%.2f used)", origin, what, self.policy.used.rate)
        doc = self._doc(uri)
        if doc.speculation is not None:
            self._settle(uri, used=False)  # a newer guess: the older one was not used
        doc.speculation = Speculation({ask.ident}, origin, target)
        return self._start(uri, doc, ask)

    def _start(self, uri: str, doc: Doc, ask: Ask) -> Flight:
        task = asyncio.ensure_future(self._fetch_into_cache(uri, ask))
        self._running[ask.ident] = doc.flying = task
        task.add_done_callback(lambda _: self._running.pop(ask.ident, None))
        return task

    async def _fetch_into_cache(self, uri: str, ask: Ask) -> Cleaned | None:
        cleaned = await self._fetch(ask)
        w = ask.window
        doc = self._docs.get(uri)  # None once the document was closed
        blank = cleaned is not None and cleaned.text == ""
        if blank and w.line_prefix == "" and not w.prefix.endswith(line_break(w) * 3):
            nxt = ask.line_after("", self.settings)  # a blank line: look one line further
            spec = doc and doc.speculation
            if doc and spec and self.cache.get(*nxt.ident) is None:
                spec.keys.add(nxt.ident)
                spec.target += 1
                self._start(uri, doc, nxt)
        return cleaned

    def _settle(self, uri: str, used: bool) -> None:
        doc = self._doc(uri)
        if doc.speculation is not None:
            log.debug("asked ahead from line %d: %s", doc.speculation.origin, used)
            doc.speculation = None
            self.policy.used.record(used)

    # ---- settings and documents ---------------------------------------------------------------
    def update(self, settings: Settings, cache: CompletionCache) -> None:
        self.settings, self.cache = settings, cache

    def forget(self, uri: str) -> None:
        self._docs.pop(uri, None)
        if self._last_uri == uri:
            self._last_uri = None
