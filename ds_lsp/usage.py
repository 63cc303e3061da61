"""Usage and cost: tokens from each `usage`, suggestions shown and accepted, per day.

Counts live in memory for the session and are merged into one JSON file per user, days as
keys, so `ds-lsp usage` can report them: `usage.json` in the per-user state folder
(`$XDG_STATE_HOME/ds-lsp`, else `~/.local/state/ds-lsp` on Linux; `~/Library/Application
Support/ds-lsp` on macOS; `%LOCALAPPDATA%\\ds-lsp` on Windows). Money is an estimate
(USD per million tokens): DeepSeek's published prices in force when each request was made —
since 2026-08-16 double at peak (weekdays 01:00-04:00 and 06:00-10:00 UTC), so the tokens of
peak requests are counted apart — unless the user set a price, which then holds at every hour.
Files written before peak counts existed read as off-peak.

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
from dataclasses import asdict, astuple, dataclass, fields
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
    # the part of the three above that requests at peak hours used (billed at peak prices)
    peak_cache_hit_tokens: int = 0
    peak_cache_miss_tokens: int = 0
    peak_completion_tokens: int = 0
    next_edits: int = 0  # next-edit requests from the editor
    next_edits_shown: int = 0
    next_edits_accepted: int = 0

    def add_usage(self, usage: Any, peak: bool = False) -> None:
        """Add an answer's `usage` (of a request made at peak hours: `peak`); what is not a
        finite count (NaN, strings, negative numbers, absurd sizes) counts as 0, and never
        fails the completion."""
        if not isinstance(usage, dict):
            return

        def num(key: str) -> int:
            return token_count(usage.get(key))

        prompt = num("prompt_tokens")
        hit = num("prompt_cache_hit_tokens")
        miss = num("prompt_cache_miss_tokens") or max(prompt - hit, 0)
        out = num("completion_tokens")
        self.prompt_tokens += prompt
        self.cache_hit_tokens += hit
        self.cache_miss_tokens += miss
        self.completion_tokens += out
        if peak:
            self.peak_cache_hit_tokens += hit
            self.peak_cache_miss_tokens += miss
            self.peak_completion_tokens += out

    def tokens(self, peak: bool) -> Rates:
        """The tokens billed at peak (or off-peak) prices, by kind, as Rates-shaped counts."""
        at_peak = Rates(
            self.peak_cache_hit_tokens, self.peak_cache_miss_tokens, self.peak_completion_tokens
        )
        if peak:
            return at_peak
        return Rates(
            max(self.cache_hit_tokens - at_peak.cache_hit, 0),
            max(self.cache_miss_tokens - at_peak.cache_miss, 0),
            max(self.completion_tokens - at_peak.output, 0),
        )

    @property
    def peak_share(self) -> float:
        """The share of tokens used at peak hours."""
        total = self.cache_hit_tokens + self.cache_miss_tokens + self.completion_tokens
        peak = sum(astuple(self.tokens(peak=True)))
        return peak / total if total else 0.0

    def merge(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def cache_hit_share(self) -> float:
        return self.cache_hit_tokens / self.prompt_tokens if self.prompt_tokens else 0.0

    def cost(self, prices: Pricing, day: dt.date | None = None) -> float:
        """USD at the prices in force on `day` (today when not given), peak tokens at peak
        prices."""
        day = day or dt.date.today()
        return (
            sum(_dot(self.tokens(peak), prices.rates(day, peak)) for peak in (False, True))
            / 1_000_000
        )

    def summary(self, prices: Pricing, day: dt.date | None = None) -> dict[str, Any]:
        data: dict[str, Any] = asdict(self)
        data["cacheHitShare"] = round(self.cache_hit_share, 3)
        data["peakShare"] = round(self.peak_share, 3)
        data["costUsd"] = round(self.cost(prices, day), 6)
        return data


@dataclass(frozen=True)
class Rates:
    """One number per kind of token: USD per 1M tokens (or token counts)."""

    cache_hit: float
    cache_miss: float
    output: float


def _dot(tokens: Rates, rates: Rates) -> float:
    return (
        tokens.cache_hit * rates.cache_hit
        + tokens.cache_miss * rates.cache_miss
        + tokens.output * rates.output
    )


@dataclass(frozen=True)
class Tariff:
    """DeepSeek's published prices from a day on, off-peak and at peak."""

    since: dt.date
    off_peak: Rates
    peak: Rates


# deepseek-flash, newest first (../shared/deepseek-api.md); peak hours since 2026-08-16
TARIFFS = (
    Tariff(dt.date(2026, 8, 16), Rates(0.003, 0.15, 0.60), Rates(0.006, 0.30, 1.20)),
    Tariff(dt.date.min, Rates(0.0028, 0.14, 0.28), Rates(0.0028, 0.14, 0.28)),
)
PEAK_HOURS_UTC = ((1, 4), (6, 10))  # [start, end) on weekdays
PEAK_WORDS = "weekdays 01:00-04:00 and 06:00-10:00 UTC"
KINDS = (("cache_hit", "priceCacheHit", "cache hit"), ("cache_miss", "priceCacheMiss", "miss"),
         ("output", "priceOutput", "output"))  # fmt: skip


def is_peak(moment: dt.datetime) -> bool:
    """Whether DeepSeek bills a request made at `moment` (aware, or naive UTC) at peak prices."""
    utc = moment.astimezone(dt.UTC) if moment.tzinfo else moment
    return utc.weekday() < 5 and any(start <= utc.hour < end for start, end in PEAK_HOURS_UTC)


def tariff(day: dt.date) -> Tariff:
    """DeepSeek's prices in force on `day`."""
    return next(t for t in TARIFFS if day >= t.since)


@dataclass(frozen=True)
class Pricing:
    """The prices of the estimate: DeepSeek's in force at each request's time, except the
    kinds the user set (`price*` settings), which hold at every hour."""

    cache_hit: float | None = None
    cache_miss: float | None = None
    output: float | None = None

    def rates(self, day: dt.date, peak: bool) -> Rates:
        listed = tariff(day)
        base = listed.peak if peak else listed.off_peak
        own = (self.cache_hit, self.cache_miss, self.output)
        return Rates(*(b if o is None else o for b, o in zip(astuple(base), own, strict=True)))

    def describe(self, days: list[str] | tuple[str, ...] = ()) -> str:
        """Which prices the estimate used, in one line (`days`: the days it covers)."""
        now = tariff(dt.date.today())
        parts = []
        for name, key, words in KINDS:
            own = getattr(self, name)
            if own is not None:
                parts.append(f"{words} ${own:g} (your {key}, at every hour)")
            else:
                off, peak = getattr(now.off_peak, name), getattr(now.peak, name)
                parts.append(f"{words} ${off:g}" + (f" (${peak:g} at peak)" if peak != off else ""))
        line = "prices per 1M tokens: " + ", ".join(parts)
        if None in (self.cache_hit, self.cache_miss, self.output):
            line += (
                f"; DeepSeek's deepseek-flash prices since {now.since.isoformat()}, each "
                f"request at the price of its hour (peak: {PEAK_WORDS})"
            )
            earlier = [d for d in days if _day(d) < now.since]
            if earlier and now is not TARIFFS[-1]:
                old = tariff(_day(earlier[0])).off_peak
                line += (
                    f"; days before at ${old.cache_hit:g} / ${old.cache_miss:g} / ${old.output:g}"
                )
        return line


def _day(name: str) -> dt.date:
    """A usage file's day key as a date (a key that is not one counts as today)."""
    try:
        return dt.date.fromisoformat(name)
    except ValueError:
        return dt.date.today()


MAX_TOKENS_PER_ANSWER = 10_000_000  # far above any context window


def token_count(value: Any) -> int:
    """A token count from an answer: a finite, non-negative number, else 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0
    if not math.isfinite(value) or value < 0:
        return 0
    return min(int(value), MAX_TOKENS_PER_ANSWER)


def prices(settings: Any) -> Pricing:
    """The estimate's prices: the user's `price*` settings where set, else DeepSeek's."""
    return Pricing(settings.price_cache_hit, settings.price_cache_miss, settings.price_output)


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

    def record_usage(self, usage: dict[str, Any], at: dt.datetime | None = None) -> None:
        """An answer's `usage`, of a request made `at` (now when not given)."""
        peak = is_peak(at or dt.datetime.now(dt.UTC))
        self.session.add_usage(usage, peak)
        self._unsaved.add_usage(usage, peak)

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


def report_lines(session: Counts | None, days: dict[str, Counts], prices: Pricing) -> list[str]:
    """Plain-text report: this session (if any), the last days, all days (each day at the
    prices of its own date), and which prices were used."""
    lines: list[str] = []
    if session is not None:
        lines.append(_line("this session", session, session.cost(prices)))
    total, total_cost = Counts(), 0.0
    for day in sorted(days):
        total.merge(days[day])
        total_cost += days[day].cost(prices, _day(day))
    for day in sorted(days)[-7:]:
        lines.append(_line(day, days[day], days[day].cost(prices, _day(day))))
    lines.append(_line("all days", total, total_cost))
    lines.append(prices.describe(sorted(days)))
    return lines


def _line(name: str, c: Counts, cost: float) -> str:
    peak = f", {c.peak_share:.0%} at peak" if c.peak_share else ""
    edits = (
        f", next edits {c.next_edits_shown} shown / {c.next_edits_accepted} accepted"
        if c.next_edits
        else ""
    )
    return (
        f"{name}: {c.requests} requests, {c.upstream} to DeepSeek, {c.shown} shown, "
        f"{c.accepted} accepted{edits}, tokens {c.prompt_tokens} in "
        f"({c.cache_hit_share:.0%} cache hits) / {c.completion_tokens} out{peak}, "
        f"~${cost:.4f}"
    )
