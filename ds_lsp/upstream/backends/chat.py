"""DeepSeek chat prefix completion (beta): `POST {baseUrl}/chat/completions`.

The conversation ends with an assistant message flagged `"prefix": true` (an opening code
fence), so the model continues inside the fence; `stop: ["```"]` ends it at the closing
fence. The answer streams (SSE, `choices[0].delta.content`) so the caller can show progress
and cancel (leaving the `async with` closes the HTTP stream); a JSON answer
(`choices[0].message.content`) is accepted too. The request type is wire.py's.

Bounded against a server that never stops: the whole call ends after the request's
`deadline_s` however steadily text arrives, and an answer past MAX_CHAT_CHARS characters
fails (no megabyte edits); both with a message that says so.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

import httpx

from ds_lsp.upstream.backends.http import (
    MAX_ERROR_BODY,
    MAX_JSON_BODY,
    UpstreamError,
    error_from_response,
    network_error,
    parse_json_body,
    read_capped,
)
from ds_lsp.upstream.backends.wire import (
    ChatPrefixRequest,
    ChatResult,
    OnText,
    StreamedText,
    StreamPiece,
    chat_result_from_json,
    check_size,
    decode_choices,
    delta_text,
    read_stream,
)

MAX_CHAT_CHARS = 200_000  # generated code; generateMaxTokens (8192 at most) is ~40k


class Endpoint(Protocol):
    """Where a chat request goes: the shared connection, the base URL and its key."""

    client: httpx.AsyncClient
    base_url: str

    def headers(self) -> dict[str, str]: ...


async def chat_prefix(
    ds: Endpoint, req: ChatPrefixRequest, on_text: OnText | None = None
) -> ChatResult:
    """POST /chat/completions; `on_text` sees each new piece of text as it arrives.

    Raises UpstreamError.
    """
    try:
        async with asyncio.timeout(req.deadline_s):
            return await _chat(ds, req, on_text)
    except (httpx.HTTPError, UnicodeEncodeError) as exc:
        raise network_error(exc) from None
    except TimeoutError:
        raise UpstreamError(
            "timeout", f"the answer was still coming after {req.deadline_s:g} s; stopped"
        ) from None


async def _chat(ds: Endpoint, req: ChatPrefixRequest, on_text: OnText | None) -> ChatResult:
    url = f"{ds.base_url}/chat/completions"
    async with ds.client.stream("POST", url, json=req.body(), headers=ds.headers()) as r:
        if r.status_code != 200:
            error = await read_capped(r, MAX_ERROR_BODY, truncate=True)
            raise error_from_response(r.status_code, error, r.headers, req.model)
        if "text/event-stream" in r.headers.get("content-type", ""):
            text = StreamedText(MAX_CHAT_CHARS, fail_over=True)
            return await read_stream(r, _decode, text, on_text=on_text)
        result = chat_result_from_json(parse_json_body(await read_capped(r, MAX_JSON_BODY)))
        check_size(len(result.text), MAX_CHAT_CHARS)
        if on_text is not None:
            on_text(result.text)
        return result


def _decode(event: dict[str, Any]) -> StreamPiece:
    return decode_choices(event, delta_text)
