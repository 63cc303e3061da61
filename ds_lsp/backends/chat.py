"""DeepSeek chat prefix completion (beta): `POST {baseUrl}/chat/completions`.

The conversation ends with an assistant message flagged `"prefix": true` (an opening code
fence), so the model continues inside the fence; `stop: ["```"]` ends it at the closing
fence. The answer streams (SSE, `choices[0].delta.content`) so the caller can show progress
and cancel (leaving the `async with` closes the HTTP stream); a JSON answer
(`choices[0].message.content`) is accepted too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ds_lsp.backends.deepseek import DeepSeekClient
from ds_lsp.backends.http import (
    UpstreamError,
    error_from_response,
    network_error,
    parse_json_body,
    sse_events,
)

OnText = Callable[[str], None]


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

    def messages(self) -> list[dict[str, Any]]:
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": self.user},
            {"role": "assistant", "content": self.prefix, "prefix": True},
        ]

    def body(self) -> dict[str, Any]:
        stream = self.stream
        body: dict[str, Any] = {
            "model": self.model,
            "messages": self.messages(),
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "stop": list(self.stop[:16]),
            "stream": stream,
        }
        if stream:
            body["stream_options"] = {"include_usage": True}
        return body


@dataclass
class ChatResult:
    """The text the model wrote after the prefix, and why it stopped."""

    text: str
    finish_reason: str | None = None
    usage: dict[str, int] = field(default_factory=dict)


async def chat_prefix(
    ds: DeepSeekClient, req: ChatPrefixRequest, on_text: OnText | None = None
) -> ChatResult:
    """POST /chat/completions; `on_text` sees each new piece of text as it arrives.

    Raises UpstreamError.
    """
    try:
        return await _chat(ds, req, on_text)
    except (httpx.HTTPError, UnicodeEncodeError) as exc:
        raise network_error(exc) from None


async def _chat(ds: DeepSeekClient, req: ChatPrefixRequest, on_text: OnText | None) -> ChatResult:
    url = f"{ds.base_url}/chat/completions"
    headers = ds._headers()
    async with ds.client.stream("POST", url, json=req.body(), headers=headers) as r:
        if r.status_code != 200:
            raise error_from_response(r.status_code, await r.aread(), r.headers, req.model)
        if "text/event-stream" in r.headers.get("content-type", ""):
            return await _read_stream(r, on_text)
        result = chat_result_from_json(parse_json_body(await r.aread()))
        if on_text is not None:
            on_text(result.text)
        return result


async def _read_stream(r: httpx.Response, on_text: OnText | None) -> ChatResult:
    result = ChatResult("")
    parts: list[str] = []
    async for event in sse_events(r):
        if isinstance(event.get("error"), dict):
            raise UpstreamError("server", str(event["error"].get("message", "stream error")))
        if event.get("usage"):
            result.usage = event["usage"]
        for choice in event.get("choices") or []:
            delta = choice.get("delta") or {}
            piece = delta.get("content") if isinstance(delta, dict) else None
            if piece:
                piece = str(piece)
                parts.append(piece)
                if on_text is not None:
                    on_text(piece)
            result.finish_reason = choice.get("finish_reason") or result.finish_reason
    result.text = "".join(parts)
    _check_finish(result.finish_reason)
    return result


def _check_finish(reason: str | None) -> None:
    if reason == "insufficient_system_resource":
        raise UpstreamError("resource", "insufficient_system_resource")


def chat_result_from_json(data: dict[str, Any]) -> ChatResult:
    """Read a non-streamed chat answer."""
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise UpstreamError("garbage", "answer has no choices")
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, str):
        raise UpstreamError("garbage", "choice has no message content")
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    _check_finish(choices[0].get("finish_reason"))
    return ChatResult(content, choices[0].get("finish_reason"), usage)
