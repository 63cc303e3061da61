"""Mistral Codestral FIM: `POST {base}/v1/fim/completions`, answered in the chat shape.

Body: model, prompt, suffix, max_tokens, temperature, stop, stream. A whole answer holds
`choices[0].message.content`; a streamed one sends `choices[0].delta.content` events and
ends with `[DONE]`, like OpenAI's chat streams.
"""

from __future__ import annotations

from typing import Any

import httpx

from ds_lsp.backends.chat import chat_result_from_json, message_text
from ds_lsp.backends.deepseek import DeepSeekClient, FimRequest, FimResult
from ds_lsp.backends.openai_fim import api_root, fim_body

DEFAULT_MODEL = "codestral-latest"


class CodestralClient(DeepSeekClient):
    """`POST {base}/v1/fim/completions` with the Codestral key."""

    name = "codestral"
    fim_path = "/fim/completions"

    def __init__(self, client: httpx.AsyncClient, base_url: str, api_key: str | None) -> None:
        root = api_root(base_url)
        super().__init__(client, root, root, api_key)

    def fim_body(self, req: FimRequest) -> dict[str, Any]:
        return fim_body(req)

    @staticmethod
    def stream_text(choice: dict[str, Any]) -> str:
        return message_text(choice, "delta") or ""

    @staticmethod
    def result_from_json(data: dict[str, Any]) -> FimResult:
        return chat_result_from_json(data)
