"""Upstream answers that would hurt: the stop check runs once per line, text is capped,
SSE lines are bounded, and poisoned `usage` numbers count as nothing."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator

import httpx
import pytest

from ds_lsp.upstream.backends.http import MAX_SSE_LINE, UpstreamError, sse_events
from ds_lsp.upstream.backends.wire import MAX_FIM_CHARS, StreamedText
from ds_lsp.usage import Counts, token_count


def test_the_stop_check_runs_only_when_a_line_completes() -> None:
    seen: list[str] = []
    text = StreamedText()
    for piece in ["de", "f f():", "\n    ret", "urn 1", "\n"]:
        text.add(piece)
        text.stops(lambda t: seen.append(t) or False)
    assert seen == ["def f():\n    ret", "def f():\n    return 1\n"]


def test_text_past_the_cap_keeps_its_complete_lines() -> None:
    text = StreamedText()
    line = "x = 1\n"
    while not text.over_limit:
        text.add(line)
    kept = text.sound()
    assert kept.startswith(line) and len(kept) <= MAX_FIM_CHARS and not kept.endswith("\n")


def test_one_endless_line_past_the_cap_keeps_nothing() -> None:
    text = StreamedText()
    text.add("y" * (MAX_FIM_CHARS + 1))
    assert text.over_limit and text.sound() == ""


async def _events(chunks: list[bytes]) -> list[dict]:
    async def body() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    response = httpx.Response(200, content=body())
    return [event async for event in sse_events(response)]


async def test_sse_events_split_across_chunks_and_skip_keepalives() -> None:
    chunks = [
        b": keep-alive\n\nda",
        b'ta: {"a": 1}\n',
        b"\n",
        b'data: {"b": 2}\n\ndata: [DONE]\n\n',
    ]
    assert await _events(chunks) == [{"a": 1}, {"b": 2}]


async def test_an_sse_line_over_the_limit_is_garbage() -> None:
    chunks = [b'data: {"text": "'] + [b"z" * 65536] * (MAX_SSE_LINE // 65536 + 2)
    with pytest.raises(UpstreamError) as raised:
        await _events(chunks)
    assert raised.value.kind == "garbage"


async def test_nothing_after_done_is_read_without_bound() -> None:
    chunks = [b'data: {"a": 1}\n\ndata: [DONE]\n\n'] + [b"junk" * 16384] * 1000
    assert await _events(chunks) == [{"a": 1}]


@pytest.mark.parametrize(
    ("value", "count"),
    [
        (12, 12),
        (12.7, 12),
        (math.nan, 0),
        (math.inf, 0),
        (-math.inf, 0),
        (-5, 0),
        ("12", 0),
        (True, 0),
        (None, 0),
        ([3], 0),
        (1e300, 10_000_000),
    ],
)
def test_token_counts_are_finite_and_non_negative(value: object, count: int) -> None:
    assert token_count(value) == count


@pytest.mark.parametrize("usage", [None, "lots", [1, 2], 7, {"prompt_tokens": math.nan}])
def test_poisoned_usage_adds_nothing_and_never_raises(usage: object) -> None:
    counts = Counts()
    counts.add_usage(usage)
    assert counts == Counts()
