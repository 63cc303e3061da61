"""What every backend sends and gets back: the request and result types, the parts of an
OpenAI-shaped answer (choices, finish_reason, usage), and the one SSE read loop.

Each backend says only how one stream event reads (`decode`: a `StreamPiece`); `read_stream`
does the rest for all of them: usage and finish_reason, the caller's early stop, the size cap.
A FIM text longer than MAX_FIM_CHARS is not read further: the stream is closed and the
complete lines before the cap are kept (none, for one endless line). A chat answer past its
cap fails instead (no megabyte edits).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ds_lsp.upstream.backends.http import UpstreamError, sse_events

log = logging.getLogger(__name__)
MAX_FIM_CHARS = 10_000  # a suggestion is a few lines; 4096 tokens of code fit in ~16k
CHAT_DEADLINE_S = 300.0  # the whole generation, however steadily text arrives
# Since V4, DeepSeek's chat models think first unless told not to: slower, dearer, and
# `reasoning_content` before the code. Every chat request turns it off.
THINKING_DISABLED = {"type": "disabled"}

StopCheck = Callable[[str], bool]
OnText = Callable[[str], None]


@dataclass(frozen=True)
class FimRequest:
    """One fill-in-the-middle request, as sent."""

    model: str
    prompt: str
    suffix: str
    max_tokens: int
    temperature: float
    stop: tuple[str, ...] = ()
    # other files as (filename, text), for backends that take them (llama.cpp input_extra)
    extras: tuple[tuple[str, str], ...] = ()

    def body(self, stream: bool = True) -> dict[str, Any]:
        return request_body(
            {"prompt": self.prompt, "suffix": self.suffix},
            self.model,
            self.max_tokens,
            self.temperature,
            self.stop,
            stream,
        )


@dataclass(frozen=True)
class ChatPrefixRequest:
    """One chat prefix completion, as sent (generate; thinking is always off)."""

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
        return chat_body(
            self.messages(), self.model, self.max_tokens, self.temperature, self.stop, self.stream
        )


def chat_body(
    messages: list[dict[str, Any]],
    model: str,
    max_tokens: int,
    temperature: float,
    stop: tuple[str, ...],
    stream: bool,
) -> dict[str, Any]:
    """The body of every `/chat/completions` request: the messages, the parameters, and
    thinking disabled (generate and next-edit want the code alone, fast)."""
    body = request_body({"messages": messages}, model, max_tokens, temperature, stop, stream)
    body["thinking"] = dict(THINKING_DISABLED)
    return body


def request_body(
    content: dict[str, Any],
    model: str,
    max_tokens: int,
    temperature: float,
    stop: tuple[str, ...],
    stream: bool,
) -> dict[str, Any]:
    """A DeepSeek request body: `content` (prompt/suffix or messages) and the parameters."""
    body: dict[str, Any] = {
        "model": model,
        **content,
        "max_tokens": max_tokens,
        "temperature": temperature,
        "stream": stream,
    }
    if stop:
        body["stop"] = list(stop[:16])  # the API takes at most 16
    if stream:
        body["stream_options"] = {"include_usage": True}
    return body


@dataclass
class FimResult:
    """The model's raw text and what the API said about it (FIM and chat alike)."""

    text: str
    finish_reason: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)  # as sent; usage.py reads it safely


ChatResult = FimResult  # the text the model wrote after the prefix, and why it stopped


class StreamedText:
    """Text arriving in pieces: joined once per completed line for the stop check (so a
    long answer is read in linear time), and capped at `limit` characters: past it the
    reader stops (`over_limit`), or with `fail_over` the answer fails at once."""

    def __init__(self, limit: int = MAX_FIM_CHARS, fail_over: bool = False) -> None:
        self.limit = limit
        self.fail_over = fail_over
        self.size = 0
        self._parts: list[str] = []
        self._new_line = False

    def add(self, piece: str) -> None:
        self.size += len(piece)
        if self.fail_over:
            check_size(self.size, self.limit)
        self._parts.append(piece)
        self._new_line = self._new_line or "\n" in piece

    @property
    def over_limit(self) -> bool:
        return self.size > self.limit

    def text(self) -> str:
        joined = "".join(self._parts)
        self._parts = [joined]
        return joined

    def stops(self, should_stop: StopCheck | None) -> bool:
        """Whether `should_stop` ends the stream; asked only when a line was completed."""
        if should_stop is None or not self._new_line:
            return False
        self._new_line = False
        return should_stop(self.text())

    def sound(self) -> str:
        """The text, or past the cap the complete lines before it."""
        text = self.text()
        if not self.over_limit:
            return text
        cut = text.rfind("\n", 0, self.limit)
        log.warning("answer over %d characters; kept %d", self.limit, max(cut, 0))
        return text[:cut] if cut >= 0 else ""


def check_size(size: int, limit: int) -> None:
    """An answer that must not be cut (generated code) fails past its cap."""
    if size > limit:
        raise UpstreamError("garbage", f"the answer grew past {limit} characters; stopped")


# ---- the one SSE read loop ---------------------------------------------------------------------
@dataclass(frozen=True)
class StreamPiece:
    """What one stream event adds to the answer."""

    text: str = ""
    finish_reason: str | None = None
    usage: dict[str, Any] | None = None
    last: bool = False  # the server says so in the event itself (llama.cpp's `stop`)


Decode = Callable[[dict[str, Any]], StreamPiece]


async def read_stream(
    response: httpx.Response,
    decode: Decode,
    text: StreamedText,
    should_stop: StopCheck | None = None,
    on_text: OnText | None = None,
) -> FimResult:
    """Read a streamed answer to its end, to `should_stop` (asked when a line completes) or
    to the cap; `decode` reads one event (raising UpstreamError for an error event) and
    `on_text` sees each new piece. Raises UpstreamError."""
    result = FimResult("")
    async for event in sse_events(response):
        piece = decode(event)
        result.usage = piece.usage or result.usage
        result.finish_reason = piece.finish_reason or result.finish_reason
        if piece.text:
            text.add(piece.text)
            if on_text is not None:
                on_text(piece.text)
        if text.over_limit:
            result.finish_reason = "length"
            break
        if not piece.last and text.stops(should_stop):
            break
    result.text = text.sound()
    check_finish(result.finish_reason)
    return result


def decode_choices(event: dict[str, Any], text_of: Callable[[dict[str, Any]], str]) -> StreamPiece:
    """One OpenAI-shaped stream event: its choices' text (`text_of` one choice), the last
    finish_reason given, and usage."""
    raise_event_error(event)
    choices = choices_of(event)
    finish = None
    for choice in choices:
        finish = finish_of(choice) or finish
    return StreamPiece("".join(text_of(c) for c in choices), finish, usage_of(event))


# ---- the parts of an OpenAI-shaped answer ------------------------------------------------------
def usage_of(data: dict[str, Any]) -> dict[str, Any] | None:
    """The `usage` object of an answer or event, when it is one."""
    usage = data.get("usage")
    return usage if isinstance(usage, dict) and usage else None


def choices_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The choice objects of an answer or event (anything else in the list is skipped)."""
    choices = data.get("choices")
    return [c for c in choices if isinstance(c, dict)] if isinstance(choices, list) else []


def raise_event_error(event: dict[str, Any]) -> None:
    """A stream event that carries an error ends the request."""
    if isinstance(event.get("error"), dict):
        raise UpstreamError("server", str(event["error"].get("message", "stream error")))


def finish_of(choice: dict[str, Any]) -> str | None:
    """A choice's finish_reason, when it is a string."""
    reason = choice.get("finish_reason")
    return reason if isinstance(reason, str) else None


def check_finish(reason: str | None) -> None:
    """insufficient_system_resource is a failure to retry, not an answer."""
    if reason == "insufficient_system_resource":
        raise UpstreamError("resource", "insufficient_system_resource")


def capped(result: FimResult) -> FimResult:
    """A whole answer held to the stream's cap (complete lines before MAX_FIM_CHARS)."""
    if len(result.text) <= MAX_FIM_CHARS:
        return result
    text = StreamedText()
    text.add(result.text)
    return FimResult(text.sound(), "length", result.usage)


def fim_text(choice: dict[str, Any]) -> str:
    """The text one streamed FIM choice adds."""
    text = choice.get("text")
    return text if isinstance(text, str) else ""


def message_text(choice: dict[str, Any], key: str) -> str | None:
    """`choice[key].content` ("message" or "delta") as a string; None when absent."""
    holder = choice.get(key)
    content = holder.get("content") if isinstance(holder, dict) else None
    if isinstance(content, list):  # content chunks: [{"type": "text", "text": ...}]
        content = "".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
    return content if isinstance(content, str) else None


def delta_text(choice: dict[str, Any]) -> str:
    """The text one streamed chat-shaped choice adds."""
    return message_text(choice, "delta") or ""


def fim_result_from_json(data: dict[str, Any]) -> FimResult:
    """Read a non-streamed FIM answer."""
    choices = choices_of(data)
    if not choices:
        raise UpstreamError("garbage", "answer has no choices")
    choice = choices[0]
    text = choice.get("text")
    if not isinstance(text, str):
        raise UpstreamError("garbage", "choice has no text")
    check_finish(finish_of(choice))
    return FimResult(text, finish_of(choice), usage_of(data) or {})


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
