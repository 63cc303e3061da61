"""FIM backends: one module per wire format, one interface, chosen by `settings.backend`.

- `deepseek`: DeepSeek's FIM (`POST {baseUrl}/completions`), backends/deepseek.py
- `openai-fim`: OpenAI-style `POST {base}/v1/completions` with `suffix`, backends/openai_fim.py
- `llama-cpp`: llama.cpp's `POST {base}/infill`, backends/llama_cpp.py
- `codestral`: Mistral's `POST {base}/v1/fim/completions`, backends/codestral.py

Each backend holds only its own base URL and key: a key is never sent anywhere else, and
local servers without a key get no Authorization header.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import httpx

from ds_lsp import redact
from ds_lsp.backends.codestral import DEFAULT_MODEL as CODESTRAL_MODEL
from ds_lsp.backends.codestral import CodestralClient
from ds_lsp.backends.deepseek import DeepSeekClient, FimRequest, FimResult, StopCheck
from ds_lsp.backends.llama_cpp import LlamaCppClient
from ds_lsp.backends.openai_fim import OpenAIFimClient

if TYPE_CHECKING:
    from ds_lsp.config import Settings

__all__ = ["FimBackend", "backend_base_url", "configured_model", "create_backend"]

DEFAULT_URLS = {
    "openai-fim": "http://127.0.0.1:11434",
    "llama-cpp": "http://127.0.0.1:8080",
    "codestral": "https://codestral.mistral.ai",
}


class FimBackend(Protocol):
    """What the engine needs from a FIM server."""

    name: str

    async def fim(self, req: FimRequest, should_stop: StopCheck | None = None) -> FimResult:
        """One completion; `should_stop(text_so_far)` may end a stream early."""
        ...

    async def list_models(self) -> list[str]:
        """The model names the server lists."""
        ...


def backend_base_url(settings: Settings) -> str:
    """The base URL of the active backend (the only host its key goes to)."""
    urls = {
        "openai-fim": settings.openai_fim_base_url,
        "llama-cpp": settings.llama_cpp_base_url,
        "codestral": settings.codestral_base_url,
    }
    if settings.backend in urls:
        return (urls[settings.backend] or DEFAULT_URLS[settings.backend]).strip().rstrip("/")
    return settings.base_url


def backend_identity(settings: Settings) -> tuple[str | None, ...]:
    """What, when changed, needs a new HTTP client: the backend, its URL and its key."""
    return (settings.backend, backend_base_url(settings), _key(settings))


def configured_model(settings: Settings) -> str | None:
    """The model a non-DeepSeek backend uses; None = ask its /v1/models (openai-fim only).

    llama.cpp serves the model it loaded, so it needs none ('').
    """
    if settings.backend == "openai-fim":
        return settings.openai_fim_model
    if settings.backend == "codestral":
        return settings.codestral_model or CODESTRAL_MODEL
    if settings.backend == "llama-cpp":
        return ""
    return settings.model


def _key(settings: Settings) -> str | None:
    keys = {
        "openai-fim": settings.openai_fim_api_key,
        "llama-cpp": settings.llama_cpp_api_key,
        "codestral": settings.codestral_api_key,
    }
    return keys.get(settings.backend, settings.api_key)


def create_backend(settings: Settings, http_client: httpx.AsyncClient) -> FimBackend:
    """The client for `settings.backend`, holding only that backend's URL and key."""
    key = _key(settings)
    redact.register(key)
    url = backend_base_url(settings)
    if settings.backend == "openai-fim":
        return OpenAIFimClient(http_client, url, key)
    if settings.backend == "llama-cpp":
        return LlamaCppClient(http_client, url, key)
    if settings.backend == "codestral":
        return CodestralClient(http_client, url, key)
    return DeepSeekClient(http_client, settings.base_url, settings.api_root, key)
