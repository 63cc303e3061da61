"""One next-edit suggestion, from request to edit: `NextEdits.predict`.

Serves textDocument/copilotInlineEdit (the LSP side is lsp/next_edit.py). The steps, in
order: gate (the setting, the backend, the document: excluded or refused files get nothing)
-> the region at the cursor -> a follow-up (the rest of an answer already given, see below)
-> the cache (same region, same recent edits) -> debounce (automatic requests) and
newest-wins per document (an older request answers None at once and its HTTP call is
aborted) -> upstream (chat prefix completion through the session, which tells the user once
per kind of problem) -> cleaning and the smallest edit (answer.py) -> refused edits dropped.

Follow-ups: a model that rewrote several places of the region (a rename's three uses) gave
more than the one edit offered. The rest is kept as the lines the region should become; once
the user has taken the first edit, the next request finds those lines still ahead and offers
the next edit at once, without asking upstream (take, take, take).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from ds_lsp.documents import Document, DocumentStore, column_to_index
from ds_lsp.nextedit.answer import Edit, rewritten_lines, smallest_edit
from ds_lsp.nextedit.history import EditHistory
from ds_lsp.nextedit.prompt import next_edit_request, render_edits
from ds_lsp.nextedit.region import Region, editable_region
from ds_lsp.upstream.backends.wire import ChatPrefixRequest, ChatResult

log = logging.getLogger(__name__)
T = TypeVar("T")

# chat prefix completion (an assistant message with "prefix": true, thinking off) on the same
# server: DeepSeek's beta endpoint. llama.cpp's /infill and OpenAI-style FIM servers have no
# such endpoint; Codestral's chat takes other fields, untested here.
CHAT_BACKENDS = ("deepseek",)
CACHE_SIZE = 64
MAX_FOLLOW_UPS = 32  # documents with a follow-up kept

Ask = Callable[[Callable[[str], ChatPrefixRequest]], Awaitable[ChatResult | None]]


class Runner(Protocol):
    """Newest-wins per key (completion.pipeline.LatestWins)."""

    async def run(self, key: str, work: Coroutine[Any, Any, T | None]) -> T | None: ...

    def cancel(self, key: str) -> None: ...


@dataclass(frozen=True)
class Options:
    """What the settings say about next edits."""

    enabled: bool = True  # `enable` and `nextEdit`
    backend: str = "deepseek"
    debounce_ms: int = 250  # `nextEditDebounceMs`
    lines: int = 8  # `nextEditLines`
    timeout_s: float = 5.0  # `timeoutMs`
    identity: tuple[Any, ...] = ()  # backend, URL, configured model: answers of another differ

    @property
    def asks(self) -> bool:
        return self.enabled and self.backend in CHAT_BACKENDS


@dataclass
class FollowUp:
    """Where the document is expected to go: lines first.. now read `now`, and the model's
    answer says they become `target`."""

    first: int
    now: tuple[str, ...]
    target: list[str]


@dataclass
class NextEdits:
    """Next-edit suggestions for the open documents of one session."""

    docs: DocumentStore
    history: EditHistory
    ask: Ask
    latest: Runner
    allowed: Callable[[Document], bool]  # the gate: exclusion, refused content, language
    path_of: Callable[[str], str]  # a document's path as the prompt shows it
    options: Options = field(default_factory=Options)
    record: Callable[..., None] = lambda **counts: None  # usage counters (UsageBook.record)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep  # the debounce's wait
    follow_ups: int = 0  # edits offered from an earlier answer, without a request
    _cache: OrderedDict[tuple[Any, ...], list[str] | None] = field(
        default_factory=OrderedDict, init=False
    )
    _follow_ups: OrderedDict[str, FollowUp] = field(default_factory=OrderedDict, init=False)

    async def predict(
        self, uri: str, line: int, character: int, version: int | None, automatic: bool = True
    ) -> Edit | None:
        """The edit to suggest at the position, or None; never raises except when cancelled.
        `version`: the document version the editor asks about (None: the current one)."""
        doc = self.docs.get(uri)
        if doc is None or not self.options.asks or not doc.is_valid(line, character):
            return None
        if (version is not None and version != doc.version) or not self.allowed(doc):
            return None
        self.record(next_edits=1)
        return await self.latest.run(uri, self._predict(doc, line, character, automatic))

    async def _predict(
        self, doc: Document, line: int, character: int, automatic: bool
    ) -> Edit | None:
        version = doc.version
        region = editable_region(doc, line, character, self.options.lines)
        if region is None:
            return None
        follow_up = self._follow_up(doc, region)
        if follow_up is not None:
            return follow_up
        edits = render_edits(self.history.events(self._uri_allowed), self.path_of)
        key = (self.options.identity, self.path_of(doc.uri), edits, region.first, region.text)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._offer(region, self._cache[key])
        if automatic and not await self._debounced(doc, version):
            return None
        target = await self._fetch(region, edits, doc.language_id)
        if doc.version != version or self.docs.get(doc.uri) is not doc:
            return None  # the document moved on meanwhile
        self._remember(key, target)
        return self._offer(region, target)

    async def _debounced(self, doc: Document, version: int) -> bool:
        await self.sleep(self.options.debounce_ms / 1000)
        return doc.version == version

    async def _fetch(self, region: Region, edits: str, language: str) -> list[str] | None:
        """The model's rewrite of the region as lines; None when it failed or wrote none."""
        path, timeout = self.path_of(region.uri), self.options.timeout_s

        def build(model: str) -> ChatPrefixRequest:
            return next_edit_request(region, edits, path, language, model, timeout)

        result = await self.ask(build)
        if result is None:
            return None
        return rewritten_lines(result.text, region, result.finish_reason == "length")

    def _offer(self, region: Region, target: list[str] | None) -> Edit | None:
        """The edit towards `target` unless refused; the rest is kept as a follow-up."""
        edit = smallest_edit(region, target) if target is not None else None
        if edit is None or self.history.is_refused(region.uri, edit.old, edit.new):
            self._follow_ups.pop(region.uri, None)
            return None
        self.history.remember(region.uri, edit.old, edit.new)
        assert target is not None
        self._keep_follow_up(region, edit, target)
        return edit

    # ---- follow-ups ----------------------------------------------------------------------
    def _keep_follow_up(self, region: Region, edit: Edit, target: list[str]) -> None:
        """The region as it will read once `edit` is taken, and the lines it should become."""
        after = _apply(region, edit)
        self._follow_ups[region.uri] = FollowUp(region.first, tuple(after), target)
        self._follow_ups.move_to_end(region.uri)
        while len(self._follow_ups) > MAX_FOLLOW_UPS:
            self._follow_ups.popitem(last=False)

    def _follow_up(self, doc: Document, region: Region) -> Edit | None:
        """The next edit of a previous answer, when the document now reads as expected after
        the user took the edit before it and the cursor is within those lines."""
        kept = self._follow_ups.get(doc.uri)
        if kept is None:
            return None
        last = kept.first + len(kept.now) - 1
        if not kept.first <= region.cursor[0] <= last:
            return None
        if last >= doc.text.line_count or kept.now != tuple(
            doc.line_text(n) for n in range(kept.first, last + 1)
        ):
            del self._follow_ups[doc.uri]  # the user went another way
            return None
        now = kept.now
        span = Region(
            doc.uri, doc.version, kept.first, now, region.cursor, region.eol,
            last == doc.text.line_count - 1, region.encoding,
        )  # fmt: skip
        edit = self._offer(span, kept.target)
        if edit is not None:
            self.follow_ups += 1
            log.debug("next edit from the last answer, no request: %s", doc.uri)
        return edit

    # ---- bookkeeping ---------------------------------------------------------------------
    def _remember(self, key: tuple[Any, ...], target: list[str] | None) -> None:
        if target is None:
            return  # a failure is asked again next time
        self._cache[key] = target
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _uri_allowed(self, uri: str) -> bool:
        doc = self.docs.get(uri)
        return doc is not None and self.allowed(doc)

    def update(self, options: Options) -> None:
        """New settings: answers of another server or model are not served."""
        if options.identity != self.options.identity:
            self._cache.clear()
            self._follow_ups.clear()
        self.options = options
        self.history.reconsider()

    def forget(self, uri: str) -> None:
        """A document closed: its request stops, its edits and follow-up go."""
        self.latest.cancel(uri)
        self.history.forget(uri)
        self._follow_ups.pop(uri, None)


def _apply(region: Region, edit: Edit) -> list[str]:
    """The region's lines once `edit` is applied."""
    text = region.text + "\n"
    starts = [0]
    for line in region.lines:
        starts.append(starts[-1] + len(line) + 1)
    start = starts[edit.start[0] - region.first] + _index(region, edit.start)
    end = starts[edit.end[0] - region.first] + _index(region, edit.end)
    return (text[:start] + edit.new + text[end:])[:-1].split("\n")


def _index(region: Region, point: tuple[int, int]) -> int:
    """The Python index in its line of an LSP position inside the region."""
    row = point[0] - region.first
    line = region.lines[row] if row < len(region.lines) else ""
    return column_to_index(line, point[1], region.encoding)
