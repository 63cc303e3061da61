"""llama.cpp's server (`llama-server`): `POST {base}/infill`.

Body: input_prefix, input_suffix, input_extra ([{filename, text}] for other files), n_predict,
temperature, stop, stream, cache_prompt. The answer is `{"content", "stop", "stop_type",
"tokens_predicted", ...}`; streamed, each `data:` event is `{"content": piece, "stop": bool}`
and the last one has `"stop": true`. The model is the one the server loaded: none is sent
unless configured. `--api-key` servers take `Authorization: Bearer`; without a key none is
sent.
"""

from __future__ import annotations

from typing import Any

from ds_lsp.upstream.backends.deepseek import DeepSeekClient
from ds_lsp.upstream.backends.http import UpstreamError
from ds_lsp.upstream.backends.wire import FimRequest, FimResult, StreamPiece, capped

# llama.cpp's stop_type -> the OpenAI finish_reason the rest of ds-lsp knows
FINISH = {"eos": "stop", "word": "stop", "limit": "length"}


def infill_body(req: FimRequest, stream: bool = True) -> dict[str, Any]:
    """The /infill body of one request."""
    body: dict[str, Any] = {
        "input_prefix": req.prompt,
        "input_suffix": req.suffix,
        "input_extra": [{"filename": name, "text": text} for name, text in req.extras],
        "n_predict": req.max_tokens,
        "temperature": req.temperature,
        "stream": stream,
        "cache_prompt": True,
    }
    if req.stop:
        body["stop"] = list(req.stop)
    if req.model:
        body["model"] = req.model
    return body


def _finish(data: dict[str, Any]) -> str | None:
    if not data.get("stop"):
        return None
    return FINISH.get(str(data.get("stop_type")), "stop")


def _usage(data: dict[str, Any]) -> dict[str, int]:
    usage = {}
    for ours, theirs in (
        ("prompt_tokens", "tokens_evaluated"),
        ("completion_tokens", "tokens_predicted"),
    ):
        value = data.get(theirs)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            usage[ours] = value
    return usage


def _raise_error(data: dict[str, Any]) -> None:
    if isinstance(data.get("error"), dict):
        raise UpstreamError("server", str(data["error"].get("message", "llama.cpp error")))


def result_from_json(data: dict[str, Any]) -> FimResult:
    """Read a non-streamed /infill answer."""
    _raise_error(data)
    text = data.get("content")
    if not isinstance(text, str):
        raise UpstreamError("garbage", "answer has no content")
    return capped(FimResult(text, _finish(data), _usage(data)))


class LlamaCppClient(DeepSeekClient):
    """Calls one llama.cpp server's /infill (the request plumbing is DeepSeekClient's)."""

    name = "llama-cpp"
    fim_path = "/infill"

    @staticmethod
    def root_of(base_url: str) -> str:
        return base_url + "/v1"

    def fim_body(self, req: FimRequest) -> dict[str, Any]:
        return infill_body(req)

    @staticmethod
    def result_from_json(data: dict[str, Any]) -> FimResult:
        return result_from_json(data)

    def decode_event(self, event: dict[str, Any]) -> StreamPiece:
        _raise_error(event)
        content = event.get("content")
        text = content if isinstance(content, str) else ""
        last = bool(event.get("stop"))  # the final event; asking to stop is moot
        return StreamPiece(text, _finish(event), _usage(event) or None, last)
