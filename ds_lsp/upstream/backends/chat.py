"""DeepSeek chat prefix completion (beta): `POST {baseUrl}/chat/completions`.

The conversation ends with an assistant message flagged `"prefix": true` (an opening code
fence), so the model continues inside the fence; `stop: ["```"]` ends it at the closing
fence. The answer streams (SSE, `choices[0].delta.content`) so the caller can show progress
and cancel (leaving the `async with` closes the HTTP stream); a JSON answer
(`choices[0].message.content`) is accepted too.

Bounded against a server that never stops: the whole call ends after the request's
`deadline_s` however steadily text arrives, and an answer past MAX_CHAT_CHARS characters
fails (no megabyte edits); both with a message that says so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ds_lsp.upstream.backends.deepseek import (
    DeepSeekClient,
    FimResult,
    check_finish,
    choices_of,
    finish_of,
    raise_event_error,
    request_body,
    usage_of,
)
from ds_lsp.upstream.backends.http import (
    MAX_ERROR_BODY,
    MAX_JSON_BODY,
    UpstreamError,
    error_from_response,
    network_error,
    parse_json_body,
    read_capped,
    sse_events,
)

OnText = Callable[[str], None]
MAX_CHAT_CHARS = 200_000  # generated code; generateMaxTokens (8192 at most) is ~40k
CHAT_DEADLINE_S = 300.0  # the whole generation, however steadily text arrives


@dataclass(frozen=True)
class ChatPrefixRequest:
    """One chat prefix completion, as sent."""

    model: str
    system: str
    user: str
    prefix: str  # the assistant's opening, e.g. "```python\n"
    max_tokens: int
    temperature: float = 0.0
    stop: tuple[str, ...] = ("```",)
    stream: bool = True
    deadline_s: float = CHAT_DEADLINE_S  # the whole call, retries aside

    def messages(self) -> list[dict[str, Any]]:
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": self.user},
            {"role": "assistant", "content": self.prefix, "prefix": True},
        ]

    def body(self) -> dict[str, Any]:
        """The request body; thinking disabled (V4 chat models think by default: slower and
        dearer, and generate and next edit want the code alone)."""
        return request_body(
            {"messages": self.messages(), "thinking": {"type": "disabled"}},
            self.model,
            self.max_tokens,
            self.temperature,
            self.stop,
            self.stream,
        )


ChatResult = FimResult  # the text the model wrote after the prefix, and why it stopped


async def chat_prefix(
    ds: DeepSeekClient, req: ChatPrefixRequest, on_text: OnText | None = None
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


async def _chat(ds: DeepSeekClient, req: ChatPrefixRequest, on_text: OnText | None) -> ChatResult:
    url = f"{ds.base_url}/chat/completions"
    headers = ds.headers()
    async with ds.client.stream("POST", url, json=req.body(), headers=headers) as r:
        if r.status_code != 200:
            error = await read_capped(r, MAX_ERROR_BODY, truncate=True)
            raise error_from_response(r.status_code, error, r.headers, req.model)
        if "text/event-stream" in r.headers.get("content-type", ""):
            return await _read_stream(r, on_text)
        result = chat_result_from_json(parse_json_body(await read_capped(r, MAX_JSON_BODY)))
        _check_size(len(result.text))
        if on_text is not None:
            on_text(result.text)
        return result


async def _read_stream(r: httpx.Response, on_text: OnText | None) -> ChatResult:
    result = ChatResult("")
    parts: list[str] = []
    size = 0
    async for event in sse_events(r):
        raise_event_error(event)
        result.usage = usage_of(event) or result.usage
        for choice in choices_of(event):
            piece = message_text(choice, "delta")
            if piece:
                size += len(piece)
                _check_size(size)
                parts.append(piece)
                if on_text is not None:
                    on_text(piece)
            result.finish_reason = finish_of(choice) or result.finish_reason
    result.text = "".join(parts)
    check_finish(result.finish_reason)
    return result


def _check_size(size: int) -> None:
    if size > MAX_CHAT_CHARS:
        raise UpstreamError("garbage", f"the answer grew past {MAX_CHAT_CHARS} characters; stopped")


def message_text(choice: dict[str, Any], key: str) -> str | None:
    """`choice[key].content` ("message" or "delta") as a string; None when absent."""
    holder = choice.get(key)
    content = holder.get("content") if isinstance(holder, dict) else None
    if isinstance(content, list):  # content chunks: [{"type": "text", "text": ...}]
        content = "".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
    return content if isinstance(content, str) else None


def chat_result_from_json(data: dict[str, Any]) -> ChatResult:
    """Read a non-streamed chat-shaped answer (chat completions, Codestral FIM)."""
    choices = choices_of(data)
    if not choices:
        raise UpstreamError("garbage", "answer has no choices")
    content = message_text(choices[0], "message")
    if content is None:
        raise UpstreamError("garbage", "choice has no message content")
    check_finish(finish_of(choices[0]))
    return ChatResult(content, finish_of(choices[0]), usage_of(data) or {})
