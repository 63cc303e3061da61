"""DeepSeek's wire format: FIM (`POST {baseUrl}/completions`), `/models`, `/user/balance`.

The FIM call streams (SSE) so a suggestion can end early: the caller's `should_stop` sees the
text so far after every event, and returning True closes the stream (fewer output tokens, an
earlier answer). A JSON (non-streamed) answer is accepted too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ds_lsp.config import api_root
from ds_lsp.upstream.backends.http import (
    UpstreamError,
    error_from_response,
    network_error,
    parse_json_body,
    sse_events,
)

log = logging.getLogger(__name__)


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
    usage: dict[str, int] = field(default_factory=dict)


StopCheck = Callable[[str], bool]


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
        return str(choice.get("text") or "")

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
                raise error_from_response(r.status_code, await r.aread(), r.headers, req.model)
            if "text/event-stream" in r.headers.get("content-type", ""):
                return await self._read_stream(r, should_stop)
            return self.result_from_json(parse_json_body(await r.aread()))

    async def _read_stream(self, r: httpx.Response, should_stop: StopCheck | None) -> FimResult:
        result = FimResult("")
        parts: list[str] = []
        async for event in sse_events(r):
            raise_event_error(event)
            if event.get("usage"):
                result.usage = event["usage"]
            for choice in event.get("choices") or []:
                parts.append(self.stream_text(choice))
                result.finish_reason = choice.get("finish_reason") or result.finish_reason
            if should_stop and parts and should_stop("".join(parts)):
                break
        result.text = "".join(parts)
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
            r = await self.client.get(f"{self.api_root}{path}", headers=self._headers())
        except (httpx.HTTPError, UnicodeEncodeError) as exc:
            raise network_error(exc) from None
        if r.status_code != 200:
            raise error_from_response(r.status_code, r.content, r.headers)
        return parse_json_body(r.content)

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


def check_finish(reason: str | None) -> None:
    """insufficient_system_resource is a failure to retry, not an answer."""
    if reason == "insufficient_system_resource":
        raise UpstreamError("resource", "insufficient_system_resource")


def fim_result_from_json(data: dict[str, Any]) -> FimResult:
    """Read a non-streamed FIM answer."""
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise UpstreamError("garbage", "answer has no choices")
    choice = choices[0]
    text = choice.get("text")
    if not isinstance(text, str):
        raise UpstreamError("garbage", "choice has no text")
    usage = data["usage"] if isinstance(data.get("usage"), dict) else {}
    check_finish(choice.get("finish_reason"))
    return FimResult(text, choice.get("finish_reason"), usage)
