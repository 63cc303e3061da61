"""The user's recent edits in this session, as bounded, coalesced events.

Serves the next-edit prompt and the FIM prompt's recent edits. The server calls
`EditHistory.note` with each didChange content change *before* the document applies it, so
the event can keep the lines the change replaces: an event holds only the lines it spans
(plus a little context), never a copy of the document, and noting a change costs O(the
lines it touches), not O(the document).

While the user types in one place (a change within `GROUP_LINES` of the open event's lines
and `GROUP_SECONDS` of its last change) the change extends that event; anything else starts
a new one. The last `MAX_EVENTS` events across documents are kept, newest last; an event
larger than `MAX_EVENT_CHARS` keeps no text. Documents the `refuse` hook rejects (excluded
files, and documents refused for secret content) are never recorded.

The history also remembers the edits ds-lsp suggested: one the user undid (the editor sent
its exact inverse) or dismissed is refused from then on, and so is a suggestion that would
undo the user's own recent change.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ds_lsp.documents import Document, column_to_index
from ds_lsp.nextedit.textdiff import trim, word_changes

GROUP_SECONDS = 1.0  # a pause longer than this starts a new event
GROUP_LINES = 2  # a change this many lines beyond the open event's lines extends it
CONTEXT_LINES = 2  # unchanged lines kept around a new event, for the diff's context
MAX_EVENTS = 12
MAX_EVENT_CHARS = 8000  # old and new text of one event; larger events keep no text
MAX_EVENT_LINES = 400
MAX_SUGGESTIONS = 16  # our recent suggestions, to notice one being undone
MAX_REFUSED = 32

Refuse = Callable[[str], bool]
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # linear: alternatives of fixed strings


@dataclass
class EditEvent:
    """Consecutive changes in one place of one document: its lines before and after.

    `start` is the first line in both versions (the lines above it did not change within
    the event). `too_big` events keep no text and are never shown.
    """

    uri: str
    start: int
    old: list[str]
    new: list[str]
    last: float  # monotonic time of its latest change
    too_big: bool = False
    serial: int = 0  # its place in the session's sequence of events
    edits: int = 0  # changes since it began: what is derived from it is kept per count
    _derived: dict[str, tuple[int, Any]] = field(default_factory=dict, repr=False, compare=False)

    def derived(self, name: str, make: Callable[[], Any]) -> Any:
        """`make()`, computed once per state of the event (diffs and word changes of a
        finished event are asked for at every request)."""
        kept = self._derived.get(name)
        if kept is None or kept[0] != self.edits:
            kept = self._derived[name] = (self.edits, make())
        return kept[1]

    @property
    def end(self) -> int:
        """The last line the event spans in the document now."""
        return self.start + len(self.new) - 1

    @property
    def size(self) -> int:
        return sum(map(len, self.old)) + sum(map(len, self.new)) + len(self.old) + len(self.new)

    @property
    def changed(self) -> bool:
        return not self.too_big and self.old != self.new

    def net(self) -> tuple[str, str]:
        """What the event replaced and by what, without the unchanged ends."""
        return trim("\n".join(self.old), "\n".join(self.new))

    def net_words(self) -> frozenset[tuple[str, str]]:
        """`net()` word by word (see textdiff.word_changes)."""
        words: frozenset[tuple[str, str]] = self.derived("words", lambda: word_changes(*self.net()))
        return words


@dataclass(frozen=True)
class _Change:
    """One content change, in the lines of the document before it."""

    first: int
    last: int
    old: list[str]  # lines first..last before the change, without line breaks
    new: list[str]  # what those lines become
    removed: str
    inserted: str
    too_big: bool = False


@dataclass
class EditHistory:
    """Recent edits across documents, newest last; see the module docstring."""

    refuse: Refuse = field(default=lambda uri: False)
    clock: Callable[[], float] = time.monotonic
    max_events: int = MAX_EVENTS
    revision: int = 0  # grows with every recorded change: a cache key for rendered history
    _serial: int = field(default=0, init=False)
    _events: deque[EditEvent] = field(init=False)
    _decided: dict[str, bool] = field(default_factory=dict, init=False)
    _suggested: deque[tuple[str, str, str]] = field(
        default_factory=lambda: deque(maxlen=MAX_SUGGESTIONS), init=False
    )
    _refused: deque[tuple[str, str, str]] = field(
        default_factory=lambda: deque(maxlen=MAX_REFUSED), init=False
    )

    def __post_init__(self) -> None:
        self._events = deque(maxlen=self.max_events)

    # ---- recording -----------------------------------------------------------------------
    def note(self, doc: Document, change: Any, now: float | None = None) -> None:
        """Record one contentChanges entry; call it before `doc` applies the change."""
        if self._refused_uri(doc.uri):
            return
        if _get(change, "range") is None:
            found = _whole(doc, str(_get(change, "text") or ""))
        else:
            found = _ranged(doc, change)
        if found is None:
            return
        self.revision += 1
        self._notice_undo(doc.uri, found)
        self._record(doc, found, self.clock() if now is None else now)

    def _record(self, doc: Document, change: _Change, now: float) -> None:
        if change.too_big:
            self._add(EditEvent(doc.uri, change.first, [], [], now, too_big=True))
            return
        event = self._open_event(doc.uri, change, now)
        if event is None:
            above = _read(doc, max(0, change.first - CONTEXT_LINES), change.first)
            below = _read(doc, change.last + 1, change.last + 1 + CONTEXT_LINES)
            start = change.first - len(above)
            event = EditEvent(doc.uri, start, above + change.old + below, [], now)
            event.new = above + change.new + below
            self._add(event)
        else:
            _extend(event, doc, change)
            event.last = now
            event.edits += 1
        if event.size > MAX_EVENT_CHARS or len(event.new) > MAX_EVENT_LINES:
            event.old, event.new, event.too_big = [], [], True

    def _add(self, event: EditEvent) -> None:
        self._serial += 1
        event.serial = self._serial
        self._events.append(event)

    def _open_event(self, uri: str, change: _Change, now: float) -> EditEvent | None:
        """The newest event, when this change continues it."""
        if not self._events:
            return None
        event = self._events[-1]
        if event.too_big or event.uri != uri or now - event.last > GROUP_SECONDS:
            return None
        near = event.start - GROUP_LINES <= change.last and change.first <= event.end + GROUP_LINES
        return event if near else None

    def _refused_uri(self, uri: str) -> bool:
        decided = self._decided.get(uri)
        if decided is None:
            decided = self._decided[uri] = bool(self.refuse(uri))
        return decided

    def forget(self, uri: str) -> None:
        """Drop a document's events and decisions (closed, or now refused)."""
        kept = [e for e in self._events if e.uri != uri]
        self._events.clear()
        self._events.extend(kept)
        self._decided.pop(uri, None)
        for store in (self._suggested, self._refused):
            kept_s = [s for s in store if s[0] != uri]
            store.clear()
            store.extend(kept_s)

    def reconsider(self) -> None:
        """Ask `refuse` again for every document (after the settings changed), dropping the
        events of documents it now refuses."""
        uris = {e.uri for e in self._events} | set(self._decided)
        self._decided.clear()
        for uri in uris:
            if self._refused_uri(uri):
                self.forget(uri)
                self._decided[uri] = True

    # ---- reading -------------------------------------------------------------------------
    def events(self, allowed: Refuse | None = None) -> list[EditEvent]:
        """The events that changed something, oldest first; `allowed` filters documents
        again at the time of asking (settings may have changed since)."""
        refuse = self.refuse if allowed is None else (lambda uri: not allowed(uri))
        return [e for e in self._events if e.changed and not refuse(e.uri)]

    def newest(self) -> EditEvent | None:
        """The latest event (the one a change may still extend)."""
        return self._events[-1] if self._events else None

    def __iter__(self) -> Iterator[EditEvent]:
        return iter(list(self._events))

    # ---- our suggestions -----------------------------------------------------------------
    # Suggestions are compared word by word (`word_changes`): a rename offered in three places
    # and undone in one keystroke, or offered again over a wider range, is the same rename.
    def remember(self, uri: str, old: str, new: str) -> None:
        """A suggestion ds-lsp made (replacing `old` by `new`), to notice it being undone."""
        for removed, inserted in word_changes(old, new):
            if (uri, removed, inserted) not in self._suggested:
                self._suggested.append((uri, removed, inserted))

    def dismiss(self, uri: str, old: str, new: str) -> None:
        """The user dismissed this suggestion: never suggest it again in this document."""
        for removed, inserted in word_changes(old, new):
            if (uri, removed, inserted) not in self._refused:
                self._refused.append((uri, removed, inserted))

    def is_refused(self, uri: str, old: str, new: str) -> bool:
        """Whether suggesting `old` -> `new` would repeat an undone or dismissed suggestion,
        or undo the user's own recent edits in this document: every word it changes does."""
        changes = word_changes(old, new)
        if not changes:
            return False
        if all((uri, *c) in self._refused for c in changes):
            return True
        undone = {
            (inserted, removed)
            for e in self._events
            if e.uri == uri and e.changed
            for removed, inserted in e.net_words()
        }
        return changes <= undone

    def _notice_undo(self, uri: str, change: _Change) -> None:
        """A change that is the exact inverse of one of our suggestions: the user applied it
        and undid it."""
        if not any(s[0] == uri for s in self._suggested):
            return  # typing: nothing of ours to undo
        changes = word_changes(*trim(change.removed, change.inserted))
        if changes and all((uri, new, old) in self._suggested for old, new in changes):
            for old, new in changes:
                self.dismiss(uri, new, old)


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _read(doc: Document, first: int, last: int) -> list[str]:
    """Lines first..last-1 of the document (clamped), without line breaks: one read."""
    first, last = max(first, 0), min(last, doc.text.line_count)
    if first >= last:
        return []
    return LINE_BREAK.split(doc.text.lines(first, last))[: last - first]


def _normalize(text: str) -> str:
    """Line breaks as "\n" (the document counts "\r\n" and a lone "\r" as breaks too)."""
    return LINE_BREAK.sub("\n", text)


def _ranged(doc: Document, change: Any) -> _Change | None:
    """A ranged change as lines before and after, from the lines it touches only (one read
    of the document: the positions are clamped as `Document.clamp` does, on those lines)."""
    rng = _get(change, "range")
    try:
        points = [(int(_get(p, "line")), int(_get(p, "character"))) for p in _ends(rng)]
    except (TypeError, ValueError):
        return None
    (l1, c1), (l2, c2) = sorted(points)
    last = doc.text.line_count - 1
    first_line, last_line = min(max(l1, 0), last), min(max(l2, 0), last)
    text = _normalize(str(_get(change, "text") or ""))
    if last_line - first_line > MAX_EVENT_LINES or len(text) > MAX_EVENT_CHARS:
        return _Change(first_line, last_line, [], [], "", "", too_big=True)
    old = _read(doc, first_line, last_line + 1) or [""]
    start = _index(old[0], l1, c1, last, doc.encoding)
    end = _index(old[-1], l2, c2, last, doc.encoding)
    if first_line == last_line and end < start:
        start, end = end, start
    joined = "\n".join(old)
    removed = joined[start : len(joined) - len(old[-1]) + end]
    new = (old[0][:start] + text + old[-1][end:]).split("\n")
    return _Change(first_line, last_line, old, new, removed, text)


def _ends(rng: Any) -> tuple[Any, Any]:
    return _get(rng, "start"), _get(rng, "end")


def _index(line: str, row: int, column: int, last: int, encoding: str) -> int:
    """The Python index of a position in its (clamped) line, as `Document.clamp` gives it."""
    if row < 0:
        return 0
    if row > last:
        return len(line)
    return column_to_index(line, column, encoding)


def _whole(doc: Document, text: str) -> _Change | None:
    """A whole-document change (full sync) as the lines that differ: linear in the
    document, as the change itself is."""
    old = LINE_BREAK.split(doc.text.full())
    new = LINE_BREAK.split(text)
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    if head == len(old) == len(new):
        return None
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    if head + tail == len(old):  # pure insertion: touch one line so the change has lines
        head, tail = (head - 1, tail) if head else (head, tail - 1)
    old_mid, new_mid = old[head : len(old) - tail], new[head : len(new) - tail]
    if sum(map(len, old_mid)) + sum(map(len, new_mid)) > MAX_EVENT_CHARS:
        return _Change(head, head + len(old_mid) - 1, [], [], "", "", too_big=True)
    removed, inserted = "\n".join(old_mid), "\n".join(new_mid)
    return _Change(head, head + len(old_mid) - 1, old_mid, new_mid, removed, inserted)


def _extend(event: EditEvent, doc: Document, change: _Change) -> None:
    """Grow the event over the change's lines (reading the unchanged lines between from the
    document) and apply the change to its new side."""
    if change.first < event.start:
        between = _read(doc, change.first, event.start)
        event.old[:0] = between
        event.new[:0] = between
        event.start = change.first
    if change.last > event.end:
        between = _read(doc, event.end + 1, change.last + 1)
        event.old.extend(between)
        event.new.extend(between)
    offset = change.first - event.start
    event.new[offset : offset + change.last - change.first + 1] = change.new
