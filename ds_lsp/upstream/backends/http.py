"""HTTP plumbing shared by every backend: one long-lived client, errors, SSE, retries.

One `httpx.AsyncClient` per base URL, kept alive between completions. Proxies come from the
environment, except for loopback hosts, which are never proxied. Streamed answers are split
on b"\\n" (httpx's aiter_lines also splits on U+2028/U+2029, which JSON strings may hold);
blank keep-alive lines and `: keep-alive` comments are skipped. Retries (429, 5xx,
insufficient_system_resource, dropped connections) use jittered backoff, honour
Retry-After, and stay inside the caller's deadline.

A hostile or broken server cannot make ds-lsp hold unbounded data: one SSE line is at most
MAX_SSE_LINE bytes, a whole JSON answer MAX_JSON_BODY, an error body is cut at
MAX_ERROR_BODY; the backends cap the text itself (deepseek.py, chat.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from ds_lsp import masking
from ds_lsp.config import is_loopback

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRY_STATUS = (429, 500, 502, 503, 504)
MAX_SSE_LINE = 1 << 20  # one stream event; DeepSeek's are a few hundred bytes
MAX_DRAIN = 1 << 16  # read after [DONE] to keep the connection; a server may not end
MAX_JSON_BODY = 8 << 20  # a whole answer, /models listing or chat reply
MAX_ERROR_BODY = 1 << 16  # an error body is read only to be shown


class UpstreamError(Exception):
    """An upstream failure, classified by `kind`.

    kinds: auth, balance, model, bad_request, rate_limit, server, resource, garbage,
    network, timeout, refused (a private key: nothing sent), local (a request ds-lsp could
    not build: never blamed on the key).
    """

    def __init__(
        self, kind: str, message: str, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.kind in ("rate_limit", "server", "resource", "network")


class UpstreamClient(httpx.AsyncClient):
    """The one door to upstream: every JSON body any request carries (FIM, generate,
    context, next edit) is built by masking.outgoing_body: secrets masked, a private key
    refused (UpstreamError "refused", nothing sent), lone surrogates sent as U+FFFD."""

    on_masked: Callable[[list[masking.Found]], None] | None = None

    def build_request(self, method: str, url: Any, **kwargs: Any) -> httpx.Request:
        body = kwargs.pop("json", None)
        if body is not None:
            try:
                kwargs["content"] = masking.outgoing_body(body, self.on_masked)
            except masking.PrivateKeyFound:
                raise UpstreamError("refused", REFUSED_MESSAGE) from None
            headers = dict(httpx.Headers(kwargs.get("headers")))
            kwargs["headers"] = {**headers, "Content-Type": "application/json"}
        return super().build_request(method, url, **kwargs)


REFUSED_MESSAGE = (
    "ds-lsp sent nothing: the text for the request holds a private key. Move the key out "
    "of the file, or add the file to the `exclude` setting."
)


def make_client(
    base_url: str, on_masked: Callable[[list[masking.Found]], None] | None = None
) -> UpstreamClient:
    """A keep-alive client; trust_env (proxies) only for non-loopback hosts.

    A plain-http URL (a local server: config refuses http:// elsewhere) gets a TLS
    context without CA certificates, since loading them costs ~20 ms at startup and none of
    this client's requests uses TLS (one that did could verify no server, so it would fail).
    """
    plain = urlsplit(base_url).scheme == "http"
    client = UpstreamClient(
        verify=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT) if plain else True,
        trust_env=not is_loopback(base_url),
        follow_redirects=False,
        timeout=httpx.Timeout(30.0, connect=10.0),
        limits=httpx.Limits(max_keepalive_connections=8, keepalive_expiry=300.0),
        headers={"User-Agent": "ds-lsp"},
    )
    client.on_masked = on_masked
    return client


def error_from_response(
    status: int, body: bytes, headers: httpx.Headers, model: str | None = None
) -> UpstreamError:
    """Classify a non-200 answer."""
    message = _error_message(body)
    retry_after = _retry_after(headers.get("retry-after"))
    if status == 401:
        return UpstreamError("auth", message, status)
    if status == 402:
        return UpstreamError("balance", message, status)
    if status in RETRY_STATUS:
        kind = "rate_limit" if status == 429 else "server"
        return UpstreamError(kind, message, status, retry_after)
    if status in (400, 404, 422) and _names_model(message, model):
        return UpstreamError("model", message, status)
    return UpstreamError("bad_request", message, status)


def _names_model(message: str, model: str | None) -> bool:
    low = message.lower()
    return "model" in low or bool(model and model.lower() in low)


def _error_message(body: bytes) -> str:
    try:
        data = json.loads(body)
        err = data.get("error", data) if isinstance(data, dict) else data
        msg = err.get("message") if isinstance(err, dict) else err
        return str(msg)[:300]
    except (ValueError, AttributeError, RecursionError):
        return body.decode("utf-8", "replace").strip()[:300] or "(empty body)"


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def parse_json_body(body: bytes) -> dict[str, Any]:
    """A non-streamed answer; DeepSeek may send blank keep-alive lines first."""
    try:
        data = json.loads(body.strip() or b"null")
    except (ValueError, RecursionError) as exc:
        raise UpstreamError("garbage", f"unparseable answer: {body[:80]!r}") from exc
    if not isinstance(data, dict):
        raise UpstreamError("garbage", "answer is not a JSON object")
    return data


async def sse_events(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """The JSON events of a server-sent-events stream, until [DONE].

    Linear in the bytes received: each byte is searched for a line break once. A line
    longer than MAX_SSE_LINE ends the stream as garbage instead of growing without bound.
    """
    buffer = bytearray()
    scanned = 0  # bytes of `buffer` known to hold no line break
    drained = 0
    async for chunk in response.aiter_bytes():
        if drained:  # after [DONE]: read a little on, so httpx may keep the connection
            drained += len(chunk)
            if drained > MAX_DRAIN:
                return
            continue
        buffer += chunk
        while (nl := buffer.find(b"\n", scanned)) >= 0:
            line = bytes(buffer[:nl]).strip()
            del buffer[: nl + 1]
            scanned = 0
            event = _sse_event(line)
            if event is _DONE:
                drained = 1
                break
            if event is not None:
                yield event
        else:
            scanned = len(buffer)
            if scanned > MAX_SSE_LINE:
                raise UpstreamError("garbage", f"stream line over {MAX_SSE_LINE} bytes")
    if not drained:  # a last event without its line break
        with contextlib.suppress(UpstreamError):
            event = _sse_event(bytes(buffer).strip())
            if event is not None and event is not _DONE:
                yield event


_DONE: dict[str, Any] = {}


def _sse_event(line: bytes) -> dict[str, Any] | None:
    """The event one SSE line carries; None for comments and keep-alives; _DONE at the end."""
    if not line.startswith(b"data:"):
        return None  # blank keep-alive lines, `: keep-alive` comments, other fields
    data = line[5:].strip()
    if data == b"[DONE]":
        return _DONE
    try:
        event = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise UpstreamError("garbage", f"bad stream event: {data[:80]!r}") from exc
    return event if isinstance(event, dict) else None


async def read_capped(response: httpx.Response, limit: int, truncate: bool = False) -> bytes:
    """A whole (non-streamed) body of at most `limit` bytes; longer is garbage, or with
    `truncate` (error bodies, read only to be shown) cut at `limit`."""
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) > limit:
            if truncate:
                return bytes(data[:limit])
            raise UpstreamError("garbage", f"answer over {limit} bytes")
    return bytes(data)


@dataclass
class RetryPolicy:
    """Backoff between attempts, bounded by an absolute deadline (loop time)."""

    base_delay: float = 0.25
    max_delay: float = 4.0
    max_attempts: int = 5


async def with_retries(
    call: Callable[[], Awaitable[T]], deadline: float, policy: RetryPolicy | None = None
) -> T:
    """Run `call`, retrying retryable UpstreamErrors while the deadline allows."""
    policy = policy or RetryPolicy()
    attempt = 0
    while True:
        try:
            return await call()
        except UpstreamError as exc:
            attempt += 1
            if not exc.retryable or attempt >= policy.max_attempts:
                raise
            delay = exc.retry_after
            if delay is None:
                delay = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
                delay *= random.uniform(0.5, 1.0)
            if time.monotonic() + delay >= deadline:
                raise
            status = f" {exc.status}" if exc.status else ""
            log.debug("upstream %s%s; retry %d in %.2fs", exc.kind, status, attempt, delay)
            await asyncio.sleep(delay)


def network_error(exc: Exception) -> UpstreamError:
    """An httpx transport failure as an UpstreamError (no URL credentials, no headers)."""
    if isinstance(exc, UnicodeEncodeError):
        if str(exc.object).startswith("Bearer "):  # the key holds a stray character
            return UpstreamError("auth", "the API key has characters HTTP headers cannot carry")
        return UpstreamError("local", f"the request could not be encoded: {exc.reason}")
    return UpstreamError("network", _network_words(exc)[:200])


NETWORK_WORDS: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectionRefusedError, "connection refused"),
    (socket.gaierror, "host name not found"),
    (ssl.SSLCertVerificationError, "TLS certificate not trusted"),
    (httpx.ConnectTimeout, "no answer to the connection"),
)


def _network_words(exc: BaseException) -> str:
    """What failed, in the words of the innermost cause httpx wraps (`connection refused`
    rather than `ConnectError: All connection attempts failed`)."""
    causes: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(causes) < 8:
        causes.append(seen)
        seen = seen.__cause__ or seen.__context__
    for kind, words in NETWORK_WORDS:
        if any(isinstance(c, kind) for c in causes):
            return words
    return f"{type(exc).__name__}: {exc}"
