"""Mistral Codestral FIM: `POST {base}/v1/fim/completions`, answered in the chat shape.

Body: model, prompt, suffix, max_tokens, temperature, stop, stream. A whole answer holds
`choices[0].message.content`; a streamed one sends `choices[0].delta.content` events and
ends with `[DONE]`, like OpenAI's chat streams.
"""

from __future__ import annotations

from typing import Any

from ds_lsp.upstream.backends.openai_fim import OpenAIFimClient
from ds_lsp.upstream.backends.wire import FimResult, chat_result_from_json, delta_text


class CodestralClient(OpenAIFimClient):
    """`POST {base}/v1/fim/completions` with the Codestral key (the OpenAI-style body)."""

    name = "codestral"
    fim_path = "/fim/completions"

    @staticmethod
    def stream_text(choice: dict[str, Any]) -> str:
        return delta_text(choice)

    @staticmethod
    def result_from_json(data: dict[str, Any]) -> FimResult:
        return chat_result_from_json(data)
