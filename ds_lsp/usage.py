"""Usage and cost: tokens from each `usage`, suggestions shown and accepted, per day.

Counts live in memory for the session and are merged into one JSON file per user, days as
keys, so `ds-lsp usage` can report them: `usage.json` in the per-user state folder
(`$XDG_STATE_HOME/ds-lsp`, else `~/.local/state/ds-lsp` on Linux; `~/Library/Application
Support/ds-lsp` on macOS; `%LOCALAPPDATA%\\ds-lsp` on Windows). Money is an estimate at
configurable prices (USD per million tokens).

Several servers (one per editor window) share the file and lose no update: each flush
reads, adds and writes under a lock (`usage.json.lock`), through a temporary file of its
own renamed over the old one. The folder is 0700 and the file 0600. A file that is not
valid usage JSON is moved aside (`usage.json.unreadable-<time>`) and reported, never
overwritten; a file that cannot be read at all is left alone and the counts are kept in
memory for the next try.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import math
import os
import tempfile
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class Counts:
    """What one session or one day used."""

    requests: int = 0
    upstream: int = 0
    cache_served: int = 0
    shown: int = 0
    accepted: int = 0
    prompt_tokens: int = 0
    cache_hit_tokens: int = 0
    cache_miss_tokens: int = 0
    completion_tokens: int = 0
    next_edits: int = 0  # next-edit requests from the editor
    next_edits_shown: int = 0
    next_edits_accepted: int = 0

    def add_usage(self, usage: Any) -> None:
        """Add an answer's `usage`; what is not a finite count (NaN, strings, negative
        numbers, absurd sizes) counts as 0, and never fails the completion."""
        if not isinstance(usage, dict):
            return

        def num(key: str) -> int:
            return token_count(usage.get(key))

        prompt = num("prompt_tokens")
        hit = num("prompt_cache_hit_tokens")
        self.prompt_tokens += prompt
        self.cache_hit_tokens += hit
        self.cache_miss_tokens += num("prompt_cache_miss_tokens") or max(prompt - hit, 0)
        self.completion_tokens += num("completion_tokens")

    def merge(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def cache_hit_share(self) -> float:
        return self.cache_hit_tokens / self.prompt_tokens if self.prompt_tokens else 0.0

    def cost(self, prices: dict[str, float]) -> float:
        return (
            self.cache_hit_tokens * prices["cache_hit"]
            + self.cache_miss_tokens * prices["cache_miss"]
            + self.completion_tokens * prices["output"]
        ) / 1_000_000

    def summary(self, prices: dict[str, float]) -> dict[str, Any]:
        data: dict[str, Any] = asdict(self)
        data["cacheHitShare"] = round(self.cache_hit_share, 3)
        data["costUsd"] = round(self.cost(prices), 6)
        return data


MAX_TOKENS_PER_ANSWER = 10_000_000  # far above any context window


def token_count(value: Any) -> int:
    """A token count from an answer: a finite, non-negative number, else 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    if not math.isfinite(value) or value < 0:
        return 0
    return min(int(value), MAX_TOKENS_PER_ANSWER)


def prices(settings: Any) -> dict[str, float]:
    """The configured prices (USD per 1M tokens) by kind of token."""
    return {
        "cache_hit": settings.price_cache_hit,
        "cache_miss": settings.price_cache_miss,
        "output": settings.price_output,
    }


LOCK_TIMEOUT_S = 2.0  # another server's flush takes milliseconds


def state_file() -> Path:
    """The usage file in the per-user state folder of this platform."""
    import platformdirs  # here: the server's startup does not need it

    return Path(platformdirs.user_state_dir("ds-lsp", appauthor=False)) / "usage.json"


class Unreadable(Exception):
    """The usage file exists but cannot be read (permissions, I/O): leave it alone."""


def read_days(path: Path | None = None) -> tuple[dict[str, Counts], str | None]:
    """(the days in the usage file, why it is not valid usage JSON or None).

    A missing file is no days and no problem; a file that cannot be read raises Unreadable.
    """
    path = path or state_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError) as exc:
        if isinstance(exc, UnicodeDecodeError):
            return {}, "not UTF-8 text"
        raise Unreadable(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        return {}, "not valid JSON"
    if not isinstance(raw, dict):
        return {}, "not a JSON object"
    names = {f.name for f in fields(Counts)}
    days: dict[str, Counts] = {}
    for day, counts in raw.items():
        if isinstance(counts, dict):
            kept = {k: token_count(v) for k, v in counts.items() if k in names}
            days[str(day)] = Counts(**kept)
    return days, None


def load_days(path: Path | None = None) -> dict[str, Counts]:
    """The days in the usage file ({} when it is missing or unreadable)."""
    try:
        return read_days(path)[0]
    except Unreadable:
        return {}


class UsageBook:
    """Session counts plus the not-yet-saved part, flushed into the per-day file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.session = Counts()
        self._unsaved = Counts()
        self.problem: str | None = None  # the last thing that went wrong with the file

    def record(self, **increments: int) -> None:
        for name, value in increments.items():
            for counts in (self.session, self._unsaved):
                setattr(counts, name, getattr(counts, name) + value)

    def record_usage(self, usage: dict[str, Any]) -> None:
        self.session.add_usage(usage)
        self._unsaved.add_usage(usage)

    def flush(self) -> None:
        """Add what was counted since the last flush to today's entry on disk; on any
        failure the counts stay in memory for the next flush."""
        pending = self._take()
        if pending is not None and not self._save(pending):
            self._unsaved.merge(pending)

    def flush_soon(self) -> None:
        """`flush` in a worker thread, so the file lock never holds up the event loop."""
        pending = self._take()
        if pending is None:
            return
        saving = asyncio.get_running_loop().run_in_executor(None, self._save, pending)

        def done(future: asyncio.Future[bool]) -> None:
            if future.cancelled() or future.exception() or not future.result():
                self._unsaved.merge(pending)  # kept for the next flush

        saving.add_done_callback(done)

    def _take(self) -> Counts | None:
        """What is unsaved, handed over (None when nothing is)."""
        if self._unsaved == Counts():
            return None
        pending, self._unsaved = self._unsaved, Counts()
        return pending

    def _save(self, pending: Counts) -> bool:
        import filelock  # here: the server's startup does not need it

        path = self.path or state_file()
        try:
            _private_folder(path.parent)
            with filelock.FileLock(f"{path}.lock", timeout=LOCK_TIMEOUT_S, mode=0o600):
                days, problem = read_days(path)
                if problem is not None:
                    self._move_aside(path, problem)
                today = dt.date.today().isoformat()
                days.setdefault(today, Counts()).merge(pending)
                _write_privately(path, days)
        except (OSError, Unreadable) as exc:  # filelock.Timeout is an OSError
            self.problem = f"usage not saved yet: {exc}"
            log.warning("%s", self.problem)
            return False
        return True

    def _move_aside(self, path: Path, problem: str) -> None:
        aside = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        while aside.exists():
            aside = aside.with_name(aside.name + "x")
        os.replace(path, aside)
        self.problem = f"{path} was {problem}; moved to {aside}, a new one was started"
        log.warning("usage file %s", self.problem)


def _private_folder(folder: Path) -> None:
    """The state folder, created 0700 (and made 0700 when it is ours)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.stat()
    if os.name == "posix" and info.st_uid == os.getuid() and info.st_mode & 0o077:
        folder.chmod(0o700)


def _write_privately(path: Path, days: dict[str, Counts]) -> None:
    """Write the days to a temporary file of our own (0600), then rename it over `path`."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({d: asdict(c) for d, c in sorted(days.items())}, out, indent=1)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def report_lines(
    session: Counts | None, days: dict[str, Counts], prices: dict[str, float]
) -> list[str]:
    """Plain-text report: this session (if any), today, the last days, all time."""
    lines: list[str] = []
    if session is not None:
        lines.append(_line("this session", session, prices))
    total = Counts()
    for day in sorted(days):
        total.merge(days[day])
    for day in sorted(days)[-7:]:
        lines.append(_line(day, days[day], prices))
    lines.append(_line("all days", total, prices))
    return lines


def _line(name: str, c: Counts, prices: dict[str, float]) -> str:
    edits = (
        f", next edits {c.next_edits_shown} shown / {c.next_edits_accepted} accepted"
        if c.next_edits
        else ""
    )
    return (
        f"{name}: {c.requests} requests, {c.upstream} to DeepSeek, {c.shown} shown, "
        f"{c.accepted} accepted{edits}, tokens {c.prompt_tokens} in "
        f"({c.cache_hit_share:.0%} cache hits) / {c.completion_tokens} out, "
        f"~${c.cost(prices):.4f}"
    )
