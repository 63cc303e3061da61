"""Error classification, retries within a deadline, SSE parsing."""

from __future__ import annotations

import time

import httpx
import pytest

from ds_lsp.upstream.backends.http import (
    RetryPolicy,
    UpstreamError,
    error_from_response,
    is_loopback,
    parse_json_body,
    sse_events,
    with_retries,
)


@pytest.mark.parametrize(
    "status, body, kind",
    [
        (401, b'{"error": {"message": "Authentication Fails"}}', "auth"),
        (402, b'{"error": {"message": "Insufficient Balance"}}', "balance"),
        (400, b'{"error": {"message": "Model Not Exist"}}', "model"),
        (422, b'{"error": {"message": "max_tokens too big"}}', "bad_request"),
        (429, b"", "rate_limit"),
        (503, b"<html>", "server"),
    ],
)
def test_error_classification(status, body, kind):
    err = error_from_response(status, body, httpx.Headers({"retry-after": "2"}))
    assert err.kind == kind
    assert err.retryable == (kind in ("rate_limit", "server"))


def test_json_body_with_leading_keepalive_lines():
    assert parse_json_body(b'\n\n\n{"a": 1}') == {"a": 1}
    with pytest.raises(UpstreamError):
        parse_json_body(b"<html>")


async def test_retries_stop_at_the_deadline():
    calls = 0

    async def failing():
        nonlocal calls
        calls += 1
        raise UpstreamError("server", "boom", 503)

    with pytest.raises(UpstreamError):
        await with_retries(failing, time.monotonic() + 0.3, RetryPolicy(base_delay=0.05))
    assert 2 <= calls <= 5


async def test_retry_after_is_honoured_and_non_retryable_is_not_retried():
    calls = []

    async def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise UpstreamError("rate_limit", "slow down", 429, retry_after=0.0)
        return "ok"

    assert await with_retries(flaky, time.monotonic() + 5) == "ok"

    async def auth():
        calls.append(2)
        raise UpstreamError("auth", "no", 401)

    with pytest.raises(UpstreamError):
        await with_retries(auth, time.monotonic() + 5)
    assert calls == [1, 1, 2]


async def test_sse_skips_comments_and_keeps_line_separators():
    chunks = [b": keep-alive\n\n", b'data: {"t": "a\xe2\x80\xa8', b'b"}\n\n', b"data: [DONE]\n\n"]

    async def stream():
        for chunk in chunks:
            yield chunk

    response = httpx.Response(200, content=stream())
    events = [e async for e in sse_events(response)]
    assert events == [{"t": "a\u2028b"}]


def test_loopback_detection():
    assert is_loopback("http://127.0.0.1:8080/beta") and is_loopback("http://localhost")
    assert not is_loopback("https://api.deepseek.com/beta")


async def test_a_last_event_without_its_line_break_is_kept():
    async def stream():
        yield b'data: {"t": 1}\n\ndata: {"t": 2}'

    events = [e async for e in sse_events(httpx.Response(200, content=stream()))]
    assert events == [{"t": 1}, {"t": 2}]


async def test_a_key_headers_cannot_carry_is_an_auth_problem():
    from ds_lsp.upstream.backends.deepseek import DeepSeekClient, FimRequest

    async with httpx.AsyncClient() as http:
        client = DeepSeekClient(http, "http://127.0.0.1:9/beta", "sk-abc\u2019")
        with pytest.raises(UpstreamError) as err:
            await client.fim(FimRequest("m", "p", "s", 8, 0))
    assert err.value.kind == "auth"
