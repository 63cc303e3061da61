"""FIM backends: one module per wire format, one interface, one registry entry each.

- `deepseek`: DeepSeek's FIM (`POST {baseUrl}/completions`), deepseek.py
- `openai-fim`: OpenAI-style `POST {base}/v1/completions` with `suffix`, openai_fim.py
- `llama-cpp`: llama.cpp's `POST {base}/infill`, llama_cpp.py
- `codestral`: Mistral's `POST {base}/v1/fim/completions`, codestral.py

A backend's settings (URL, key, model: keys, environment variables, defaults) are declared
once in `config.Settings`, tagged with the backend's name; `REGISTRY` adds how to build its
client. Each client holds only its own base URL and key: a key is never sent anywhere else,
and local servers without a key get no Authorization header.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

import httpx

from ds_lsp import config, redact
from ds_lsp.config import is_loopback
from ds_lsp.upstream.backends.codestral import CodestralClient
from ds_lsp.upstream.backends.deepseek import DeepSeekClient
from ds_lsp.upstream.backends.llama_cpp import LlamaCppClient
from ds_lsp.upstream.backends.openai_fim import OpenAIFimClient
from ds_lsp.upstream.backends.wire import (
    ChatPrefixRequest,
    ChatResult,
    FimRequest,
    FimResult,
    OnText,
    StopCheck,
)

if TYPE_CHECKING:
    from ds_lsp.config import Settings

__all__ = ["REGISTRY", "Backend", "FimBackend", "base_url", "configured_model", "create"]


class FimBackend(Protocol):
    """What the completion pipeline needs from a FIM server."""

    name: str

    async def fim(self, req: FimRequest, should_stop: StopCheck | None = None) -> FimResult:
        """One completion; `should_stop(text_so_far)` may end a stream early."""
        ...

    async def list_models(self) -> list[str]:
        """The model names the server lists."""
        ...

    async def chat_prefix(self, req: ChatPrefixRequest, on_text: OnText | None) -> ChatResult:
        """A chat prefix completion (generate); `on_text` sees each piece as it arrives."""
        ...


ClientFactory = Callable[[httpx.AsyncClient, str, "str | None"], DeepSeekClient]


@dataclass(frozen=True)
class Backend:
    """How to reach one kind of FIM server; its settings are tagged fields of `Settings`."""

    client: ClientFactory
    key_required_on: tuple[str, ...] = ()  # hosts that refuse a request without a key


REGISTRY: dict[str, Backend] = {
    "deepseek": Backend(DeepSeekClient, key_required_on=config.DEEPSEEK_HOSTS),
    "openai-fim": Backend(OpenAIFimClient),
    "llama-cpp": Backend(LlamaCppClient),
    "codestral": Backend(CodestralClient),
}


def _setting(settings: Settings, role: str) -> str | None:
    f = config.backend_field(settings.backend, role)
    if f is None:
        return None
    value = getattr(settings, f.name) or config.field_default(f)  # empty: the default
    return str(value) if value is not None else None


def base_url(settings: Settings) -> str:
    """The base URL of the active backend (the only host its key goes to)."""
    return str(_setting(settings, "url") or "").strip().rstrip("/")


def api_key(settings: Settings) -> str | None:
    return _setting(settings, "key")


def configured_model(settings: Settings) -> str | None:
    """The configured model; None = ask the server's /models; '' = the server's own model
    (a backend without a model setting: llama.cpp serves the model it loaded)."""
    if config.backend_field(settings.backend, "model") is None:
        return ""
    return _setting(settings, "model")


def model_setting_key(settings: Settings) -> str:
    """The camelCase key of the active backend's model setting (for messages)."""
    f = config.backend_field(settings.backend, "model")
    return f.metadata["key"] if f is not None else "model"


def identity(settings: Settings) -> tuple[str | None, ...]:
    """What, when changed, needs a new HTTP client: the backend, its URL and its key."""
    return (settings.backend, base_url(settings), api_key(settings))


def has_key(settings: Settings) -> bool:
    """Whether a request may go out: a key is set, or the server does not need one."""
    if api_key(settings):
        return True
    url = base_url(settings)
    host = urlsplit(url).hostname or ""
    return host not in REGISTRY[settings.backend].key_required_on or is_loopback(url)


def create(settings: Settings, http_client: httpx.AsyncClient) -> FimBackend:
    """The client for `settings.backend`, holding only that backend's URL and key."""
    key = api_key(settings)
    redact.register(key)
    return REGISTRY[settings.backend].client(http_client, base_url(settings), key)
