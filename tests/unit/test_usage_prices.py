"""The cost estimate: DeepSeek's prices in force when each request was made (peak hours
double since 2026-08-16), the user's price settings at every hour, old usage files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ds_lsp import config, usage
from ds_lsp.usage import Counts, Pricing, UsageBook, is_peak, read_days, report_lines

UTC = dt.UTC
AFTER, BEFORE = dt.date(2026, 9, 7), dt.date(2026, 8, 1)


@pytest.mark.parametrize(
    ("moment", "peak"),
    [
        (dt.datetime(2026, 9, 7, 0, 59, tzinfo=UTC), False),
        (dt.datetime(2026, 9, 7, 1, 0, tzinfo=UTC), True),
        (dt.datetime(2026, 9, 7, 3, 59, tzinfo=UTC), True),
        (dt.datetime(2026, 9, 7, 4, 0, tzinfo=UTC), False),
        (dt.datetime(2026, 9, 7, 6, 0, tzinfo=UTC), True),
        (dt.datetime(2026, 9, 11, 9, 59, tzinfo=UTC), True),
        (dt.datetime(2026, 9, 11, 10, 0, tzinfo=UTC), False),
        (dt.datetime(2026, 9, 12, 2, 0, tzinfo=UTC), False),
        (dt.datetime(2026, 9, 7, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), False),
        (dt.datetime(2026, 9, 7, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))), True),
    ],
    ids=[
        "before-01", "01:00", "03:59", "04:00", "06:00", "friday-09:59", "10:00", "saturday",
        "beijing-08:00-is-00:00-utc", "beijing-10:30-is-02:30-utc",
    ],
)  # fmt: skip
def test_peak_hours_are_weekdays_01_04_and_06_10_utc(moment: dt.datetime, peak: bool) -> None:
    assert is_peak(moment) is peak


def _day(peak: bool, hit: int = 800_000, miss: int = 200_000, out: int = 100_000) -> Counts:
    counts = Counts()
    counts.add_usage(
        {
            "prompt_tokens": hit + miss,
            "prompt_cache_hit_tokens": hit,
            "prompt_cache_miss_tokens": miss,
            "completion_tokens": out,
        },
        peak=peak,
    )
    return counts


@pytest.mark.parametrize(
    ("day", "peak", "usd"),
    [
        (AFTER, False, 0.8 * 0.003 + 0.2 * 0.15 + 0.1 * 0.60),
        (AFTER, True, 0.8 * 0.006 + 0.2 * 0.30 + 0.1 * 1.20),
        (BEFORE, False, 0.8 * 0.0028 + 0.2 * 0.14 + 0.1 * 0.28),
        (BEFORE, True, 0.8 * 0.0028 + 0.2 * 0.14 + 0.1 * 0.28),  # no peak prices then
    ],
    ids=["off-peak", "peak", "before-2026-08-16", "peak-hours-before-2026-08-16"],
)
def test_each_request_at_the_price_of_its_time(day: dt.date, peak: bool, usd: float) -> None:
    assert _day(peak).cost(Pricing(), day) == pytest.approx(usd)


def test_a_set_price_holds_at_every_hour() -> None:
    prices = Pricing(output=1.0)
    both = _day(peak=False)
    both.merge(_day(peak=True))
    hit_miss = 0.8 * (0.003 + 0.006) + 0.2 * (0.15 + 0.30)
    assert both.cost(prices, AFTER) == pytest.approx(hit_miss + 0.2 * 1.0)
    assert "output $1 (your priceOutput, at every hour)" in prices.describe()


def test_the_price_settings_are_unset_by_default_and_settable() -> None:
    assert usage.prices(config.Settings()) == Pricing()
    own, _ = config.resolve({"priceCacheHit": 0.01, "priceOutput": 0})
    assert usage.prices(own) == Pricing(0.01, None, 0.0)


def test_the_report_says_which_prices_it_used() -> None:
    days = {BEFORE.isoformat(): _day(False), AFTER.isoformat(): _day(True)}
    lines = report_lines(None, days, Pricing())
    assert lines[1].startswith("2026-09-07:") and "100% at peak" in lines[1]
    assert lines[-2].startswith("all days:")
    assert lines[-1] == (
        "prices per 1M tokens: cache hit $0.003 ($0.006 at peak), miss $0.15 ($0.3 at peak), "
        "output $0.6 ($1.2 at peak); DeepSeek's deepseek-flash prices since 2026-08-16, each "
        "request at the price of its hour (peak: weekdays 01:00-04:00 and 06:00-10:00 UTC); "
        "days before at $0.0028 / $0.14 / $0.28"
    )
    total = _day(False).cost(Pricing(), BEFORE) + _day(True).cost(Pricing(), AFTER)
    assert lines[-2].endswith(f"~${total:.4f}")


def test_an_old_usage_file_reads_as_off_peak(tmp_path: Path) -> None:
    path = tmp_path / "usage.json"
    old = {"prompt_tokens": 1_000_000, "cache_hit_tokens": 0, "cache_miss_tokens": 1_000_000}
    path.write_text(json.dumps({"2026-09-07": old}))
    days, problem = read_days(path)
    assert problem is None and days["2026-09-07"].peak_share == 0
    assert days["2026-09-07"].cost(Pricing(), AFTER) == pytest.approx(0.15)


def test_the_book_counts_peak_tokens_apart(tmp_path: Path) -> None:
    book = UsageBook(tmp_path / "usage.json")
    answer = {"prompt_tokens": 10, "prompt_cache_hit_tokens": 4, "completion_tokens": 3}
    book.record_usage(answer, at=dt.datetime(2026, 9, 7, 2, tzinfo=UTC))
    book.record_usage(answer, at=dt.datetime(2026, 9, 7, 12, tzinfo=UTC))
    book.flush()
    (saved,) = json.loads((tmp_path / "usage.json").read_text()).values()
    assert (saved["cache_hit_tokens"], saved["peak_cache_hit_tokens"]) == (8, 4)
    assert (saved["cache_miss_tokens"], saved["peak_cache_miss_tokens"]) == (12, 6)
    assert (saved["completion_tokens"], saved["peak_completion_tokens"]) == (6, 3)
