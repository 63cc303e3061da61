"""OpenAI-style FIM: `POST {base}/v1/completions` with `suffix` (Ollama, LM Studio, gateways).

The body and the answer have DeepSeek's FIM shape (`choices[].text`, SSE when streamed), so
this is the DeepSeek client pointed at `{base}/v1`, without DeepSeek's `stream_options`
(strict servers reject fields they do not know). Models are listed by `GET {base}/v1/models`.
"""

from __future__ import annotations

from typing import Any

import httpx

from ds_lsp.upstream.backends.deepseek import DeepSeekClient
from ds_lsp.upstream.backends.wire import FimRequest


def api_root(base_url: str) -> str:
    """`{base}/v1`, whether or not the user already wrote the `/v1`."""
    url = base_url.strip().rstrip("/")
    return url if url.endswith("/v1") else url + "/v1"


def fim_body(req: FimRequest, stream: bool = True) -> dict[str, Any]:
    """DeepSeek's FIM body minus `stream_options`."""
    body = req.body(stream)
    body.pop("stream_options", None)
    return body


class OpenAIFimClient(DeepSeekClient):
    """`POST {base}/v1/completions`; no Authorization header without a key."""

    name = "openai-fim"

    def __init__(self, client: httpx.AsyncClient, base_url: str, api_key: str | None) -> None:
        super().__init__(client, api_root(base_url), api_key)

    @staticmethod
    def root_of(base_url: str) -> str:
        return base_url

    def fim_body(self, req: FimRequest) -> dict[str, Any]:
        return fim_body(req)
