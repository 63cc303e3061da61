"""DeepSeek chat prefix completion (beta): `POST {baseUrl}/chat/completions`.

The conversation ends with an assistant message flagged `"prefix": true` (an opening code
fence), so the model continues inside the fence; `stop: ["```"]` ends it at the closing
fence. The answer streams (SSE, `choices[0].delta.content`) so the caller can show progress
and cancel (leaving the `async with` closes the HTTP stream); a JSON answer
(`choices[0].message.content`) is accepted too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ds_lsp.upstream.backends.deepseek import (
    DeepSeekClient,
    FimResult,
    check_finish,
    raise_event_error,
    request_body,
)
from ds_lsp.upstream.backends.http import (
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
        return request_body(
            {"messages": self.messages()},
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
        return await _chat(ds, req, on_text)
    except (httpx.HTTPError, UnicodeEncodeError) as exc:
        raise network_error(exc) from None


async def _chat(ds: DeepSeekClient, req: ChatPrefixRequest, on_text: OnText | None) -> ChatResult:
    url = f"{ds.base_url}/chat/completions"
    headers = ds.headers()
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
        raise_event_error(event)
        if event.get("usage"):
            result.usage = event["usage"]
        for choice in event.get("choices") or []:
            piece = message_text(choice, "delta")
            if piece:
                parts.append(piece)
                if on_text is not None:
                    on_text(piece)
            result.finish_reason = choice.get("finish_reason") or result.finish_reason
    result.text = "".join(parts)
    check_finish(result.finish_reason)
    return result


def message_text(choice: dict[str, Any], key: str) -> str | None:
    """`choice[key].content` ("message" or "delta") as a string; None when absent."""
    holder = choice.get(key)
    content = holder.get("content") if isinstance(holder, dict) else None
    if isinstance(content, list):  # content chunks: [{"type": "text", "text": ...}]
        content = "".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
    return content if isinstance(content, str) else None


def chat_result_from_json(data: dict[str, Any]) -> ChatResult:
    """Read a non-streamed chat-shaped answer (chat completions, Codestral FIM)."""
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise UpstreamError("garbage", "answer has no choices")
    content = message_text(choices[0], "message")
    if content is None:
        raise UpstreamError("garbage", "choice has no message content")
    usage = data["usage"] if isinstance(data.get("usage"), dict) else {}
    check_finish(choices[0].get("finish_reason"))
    return ChatResult(content, choices[0].get("finish_reason"), usage)
