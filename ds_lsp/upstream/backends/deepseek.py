"""DeepSeek's wire format: FIM (`POST {baseUrl}/completions`), `/models`, `/user/balance`.

The FIM call streams (SSE) so a suggestion can end early: the caller's `should_stop` sees the
text so far each time a line is completed (the only moment its answer can change), and
returning True closes the stream (fewer output tokens, an earlier answer). A JSON
(non-streamed) answer is accepted too.

A FIM text longer than MAX_FIM_CHARS is not read further: the stream is closed and the
complete lines before the cap are kept (none, for one endless line).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ds_lsp.config import api_root
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

log = logging.getLogger(__name__)
MAX_FIM_CHARS = 10_000  # a suggestion is a few lines; 4096 tokens of code fit in ~16k


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


StopCheck = Callable[[str], bool]


class StreamedText:
    """Text arriving in pieces: joined once per completed line for the stop check (so a
    long answer is read in linear time), and capped at `limit` characters."""

    def __init__(self, limit: int = MAX_FIM_CHARS) -> None:
        self.limit = limit
        self.size = 0
        self._parts: list[str] = []
        self._new_line = False

    def add(self, piece: str) -> None:
        self._parts.append(piece)
        self.size += len(piece)
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


def usage_of(data: dict[str, Any]) -> dict[str, Any] | None:
    """The `usage` object of an answer or event, when it is one."""
    usage = data.get("usage")
    return usage if isinstance(usage, dict) and usage else None


def choices_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The choice objects of an answer or event (anything else in the list is skipped)."""
    choices = data.get("choices")
    return [c for c in choices if isinstance(c, dict)] if isinstance(choices, list) else []


class DeepSeekClient:
    """Calls one DeepSeek-compatible endpoint with a shared httpx client.

    Subclasses for other OpenAI-like FIM formats override `fim_path`, `fim_body`,
    `stream_text` and `result_from_json`.
    """

    name = "deepseek"
    fim_path = "/completions"

    def __init__(self, client: httpx.AsyncClient, base_url: str, api_key: str | None) -> None:
        self.client = client
        self.base_url = base_url.rstrip("/")
        self.api_root = self.root_of(self.base_url)
        self._api_key = api_key

    @staticmethod
    def root_of(base_url: str) -> str:
        """Where GET /models lives: DeepSeek's API root is the base URL without /beta."""
        return api_root(base_url)

    def _headers(self) -> dict[str, str]:
        if not self._api_key:
            return {}
        return {"Authorization": f"Bearer {self._api_key}"}

    def fim_body(self, req: FimRequest) -> dict[str, Any]:
        """The JSON body of a streamed FIM request."""
        return req.body()

    @staticmethod
    def stream_text(choice: dict[str, Any]) -> str:
        """The text one streamed choice adds."""
        text = choice.get("text")
        return text if isinstance(text, str) else ""

    @staticmethod
    def result_from_json(data: dict[str, Any]) -> FimResult:
        """Read a non-streamed answer."""
        return fim_result_from_json(data)

    async def fim(self, req: FimRequest, should_stop: StopCheck | None = None) -> FimResult:
        """POST the FIM request; raises UpstreamError."""
        try:
            return await self._fim(req, should_stop)
        except (httpx.HTTPError, UnicodeEncodeError) as exc:
            raise network_error(exc) from None

    async def _fim(self, req: FimRequest, should_stop: StopCheck | None) -> FimResult:
        url = f"{self.base_url}{self.fim_path}"
        body = self.fim_body(req)
        async with self.client.stream("POST", url, json=body, headers=self._headers()) as r:
            if r.status_code != 200:
                error = await read_capped(r, MAX_ERROR_BODY, truncate=True)
                raise error_from_response(r.status_code, error, r.headers, req.model)
            if "text/event-stream" in r.headers.get("content-type", ""):
                return await self._read_stream(r, should_stop)
            result = self.result_from_json(parse_json_body(await read_capped(r, MAX_JSON_BODY)))
            return capped(result)

    async def _read_stream(self, r: httpx.Response, should_stop: StopCheck | None) -> FimResult:
        result = FimResult("")
        text = StreamedText()
        async for event in sse_events(r):
            raise_event_error(event)
            result.usage = usage_of(event) or result.usage
            for choice in choices_of(event):
                text.add(self.stream_text(choice))
                result.finish_reason = finish_of(choice) or result.finish_reason
            if text.over_limit:
                result.finish_reason = "length"
                break
            if text.stops(should_stop):
                break
        result.text = text.sound()
        check_finish(result.finish_reason)
        return result

    async def chat_prefix(self, req: Any, on_text: Callable[[str], None] | None = None) -> Any:
        """POST {base_url}/chat/completions (see chat.py); raises UpstreamError."""
        from ds_lsp.upstream.backends.chat import chat_prefix

        return await chat_prefix(self, req, on_text)

    def headers(self) -> dict[str, str]:
        """The Authorization header for this client's own host (none without a key)."""
        return self._headers()

    async def get_json(self, path: str) -> dict[str, Any]:
        """GET {api_root}{path}: /models, /user/balance."""
        try:
            url = f"{self.api_root}{path}"
            async with self.client.stream("GET", url, headers=self._headers()) as r:
                if r.status_code != 200:
                    error = await read_capped(r, MAX_ERROR_BODY, truncate=True)
                    raise error_from_response(r.status_code, error, r.headers)
                return parse_json_body(await read_capped(r, MAX_JSON_BODY))
        except (httpx.HTTPError, UnicodeEncodeError) as exc:
            raise network_error(exc) from None

    async def list_models(self) -> list[str]:
        data = await self.get_json("/models")
        items = data.get("data")
        if not isinstance(items, list):
            raise UpstreamError("garbage", "/models answer has no data list")
        return [str(m["id"]) for m in items if isinstance(m, dict) and m.get("id")]


def raise_event_error(event: dict[str, Any]) -> None:
    """A stream event that carries an error ends the request."""
    if isinstance(event.get("error"), dict):
        raise UpstreamError("server", str(event["error"].get("message", "stream error")))


def finish_of(choice: dict[str, Any]) -> str | None:
    """A choice's finish_reason, when it is a string."""
    reason = choice.get("finish_reason")
    return reason if isinstance(reason, str) else None


def capped(result: FimResult) -> FimResult:
    """A whole answer held to the stream's cap (complete lines before MAX_FIM_CHARS)."""
    if len(result.text) <= MAX_FIM_CHARS:
        return result
    text = StreamedText()
    text.add(result.text)
    return FimResult(text.sound(), "length", result.usage)


def check_finish(reason: str | None) -> None:
    """insufficient_system_resource is a failure to retry, not an answer."""
    if reason == "insufficient_system_resource":
        raise UpstreamError("resource", "insufficient_system_resource")


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
