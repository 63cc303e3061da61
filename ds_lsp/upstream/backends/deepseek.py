"""DeepSeek's wire format: FIM (`POST {baseUrl}/completions`), `/models`, `/user/balance`,
and chat prefix completion (chat.py) on the same connection.

The FIM call streams (SSE) so a suggestion can end early: the caller's `should_stop` sees the
text so far each time a line is completed (the only moment its answer can change), and
returning True closes the stream (fewer output tokens, an earlier answer). A JSON
(non-streamed) answer is accepted too. The request and result types and the stream reader
are every backend's (wire.py).
"""

from __future__ import annotations

from typing import Any

import httpx

from ds_lsp.config import api_root
from ds_lsp.upstream.backends.chat import chat_prefix
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
    MAX_FIM_CHARS,
    ChatPrefixRequest,
    ChatResult,
    FimRequest,
    FimResult,
    OnText,
    StopCheck,
    StreamedText,
    StreamPiece,
    capped,
    decode_choices,
    fim_result_from_json,
    fim_text,
    read_stream,
)

__all__ = ["MAX_FIM_CHARS", "DeepSeekClient", "FimRequest", "FimResult", "StopCheck"]


class DeepSeekClient:
    """Calls one DeepSeek-compatible endpoint with a shared httpx client.

    Subclasses for other OpenAI-like FIM formats override `fim_path`, `fim_body`,
    `stream_text` (or all of `decode_event`) and `result_from_json`.
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

    def headers(self) -> dict[str, str]:
        """The Authorization header for this client's own host (none without a key)."""
        if not self._api_key:
            return {}
        return {"Authorization": f"Bearer {self._api_key}"}

    def fim_body(self, req: FimRequest) -> dict[str, Any]:
        """The JSON body of a streamed FIM request."""
        return req.body()

    @staticmethod
    def stream_text(choice: dict[str, Any]) -> str:
        """The text one streamed choice adds."""
        return fim_text(choice)

    def decode_event(self, event: dict[str, Any]) -> StreamPiece:
        """What one stream event adds (raises UpstreamError for an error event)."""
        return decode_choices(event, self.stream_text)

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
        async with self.client.stream("POST", url, json=body, headers=self.headers()) as r:
            if r.status_code != 200:
                error = await read_capped(r, MAX_ERROR_BODY, truncate=True)
                raise error_from_response(r.status_code, error, r.headers, req.model)
            if "text/event-stream" in r.headers.get("content-type", ""):
                return await read_stream(r, self.decode_event, StreamedText(), should_stop)
            result = self.result_from_json(parse_json_body(await read_capped(r, MAX_JSON_BODY)))
            return capped(result)

    async def chat_prefix(
        self, req: ChatPrefixRequest, on_text: OnText | None = None
    ) -> ChatResult:
        """POST {base_url}/chat/completions (see chat.py); raises UpstreamError."""
        return await chat_prefix(self, req, on_text)

    async def get_json(self, path: str) -> dict[str, Any]:
        """GET {api_root}{path}: /models, /user/balance."""
        try:
            url = f"{self.api_root}{path}"
            async with self.client.stream("GET", url, headers=self.headers()) as r:
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
