"""Mistral Codestral FIM: `POST {base}/v1/fim/completions`, answered in the chat shape.

Body: model, prompt, suffix, max_tokens, temperature, stop, stream. A whole answer holds
`choices[0].message.content`; a streamed one sends `choices[0].delta.content` events and
ends with `[DONE]`, like OpenAI's chat streams.
"""

from __future__ import annotations

from typing import Any

import httpx

from ds_lsp.backends.deepseek import DeepSeekClient, FimRequest, FimResult
from ds_lsp.backends.http import UpstreamError

DEFAULT_MODEL = "codestral-latest"


def fim_body(req: FimRequest, stream: bool = True) -> dict[str, Any]:
    """The Codestral FIM body (no DeepSeek-only fields)."""
    body: dict[str, Any] = {
        "model": req.model,
        "prompt": req.prompt,
        "suffix": req.suffix,
        "max_tokens": req.max_tokens,
        "temperature": req.temperature,
        "stream": stream,
    }
    if req.stop:
        body["stop"] = list(req.stop)
    return body


def message_text(choice: dict[str, Any], key: str) -> str | None:
    """`choice[key].content` as a string (None when absent or not text)."""
    holder = choice.get(key)
    content = holder.get("content") if isinstance(holder, dict) else None
    if isinstance(content, list):  # content chunks: [{"type": "text", "text": ...}]
        content = "".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
    return content if isinstance(content, str) else None


def result_from_json(data: dict[str, Any]) -> FimResult:
    """Read a non-streamed Codestral answer."""
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise UpstreamError("garbage", "answer has no choices")
    text = message_text(choices[0], "message")
    if text is None:
        raise UpstreamError("garbage", "choice has no message content")
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return FimResult(text, choices[0].get("finish_reason"), usage)


class CodestralClient(DeepSeekClient):
    """`POST {base}/v1/fim/completions` with the Codestral key."""

    name = "codestral"
    fim_path = "/fim/completions"

    def __init__(self, client: httpx.AsyncClient, base_url: str, api_key: str | None) -> None:
        url = base_url.strip().rstrip("/")
        root = url if url.endswith("/v1") else url + "/v1"
        super().__init__(client, root, root, api_key)

    def fim_body(self, req: FimRequest) -> dict[str, Any]:
        return fim_body(req)

    @staticmethod
    def stream_text(choice: dict[str, Any]) -> str:
        return message_text(choice, "delta") or ""

    @staticmethod
    def result_from_json(data: dict[str, Any]) -> FimResult:
        return result_from_json(data)
