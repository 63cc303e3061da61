"""Usage and cost: tokens from each `usage`, suggestions shown and accepted, per day.

Counts live in memory for the session and are merged into one JSON file per user
(`$XDG_STATE_HOME/ds-lsp/usage.json`, days as keys) so `ds-lsp usage` can report them.
Money is an estimate at configurable prices (USD per million tokens).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any


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


def state_file() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "ds-lsp" / "usage.json"


def load_days(path: Path | None = None) -> dict[str, Counts]:
    path = path or state_file()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    names = {f.name for f in fields(Counts)}
    days: dict[str, Counts] = {}
    for day, counts in raw.items() if isinstance(raw, dict) else ():
        if isinstance(counts, dict):
            days[day] = Counts(
                **{
                    k: int(v)
                    for k, v in counts.items()
                    if k in names and isinstance(v, (int, float))
                }
            )
    return days


class UsageBook:
    """Session counts plus the not-yet-saved part, flushed into the per-day file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.session = Counts()
        self._unsaved = Counts()

    def record(self, **increments: int) -> None:
        for name, value in increments.items():
            for counts in (self.session, self._unsaved):
                setattr(counts, name, getattr(counts, name) + value)

    def record_usage(self, usage: dict[str, Any]) -> None:
        self.session.add_usage(usage)
        self._unsaved.add_usage(usage)

    def flush(self) -> None:
        """Add what was counted since the last flush to today's entry on disk."""
        if self._unsaved == Counts():
            return
        path = self.path or state_file()
        days = load_days(path)
        today = dt.date.today().isoformat()
        days.setdefault(today, Counts()).merge(self._unsaved)
        self._unsaved = Counts()
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(
                json.dumps({d: asdict(c) for d, c in sorted(days.items())}, indent=1),
                encoding="utf-8",
            )
            tmp.replace(path)


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
    return (
        f"{name}: {c.requests} requests, {c.upstream} to DeepSeek, {c.shown} shown, "
        f"{c.accepted} accepted, tokens {c.prompt_tokens} in "
        f"({c.cache_hit_share:.0%} cache hits) / {c.completion_tokens} out, "
        f"~${c.cost(prices):.4f}"
    )
