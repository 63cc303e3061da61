"""Backends without a socket: body builders, answer parsers, the factory and key isolation."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from ds_lsp.config import Settings, backend_names, resolve
from ds_lsp.upstream.backends import (
    REGISTRY,
    base_url,
    codestral,
    configured_model,
    create,
    has_key,
    llama_cpp,
    openai_fim,
)
from ds_lsp.upstream.backends.codestral import CodestralClient
from ds_lsp.upstream.backends.deepseek import DeepSeekClient, FimRequest
from ds_lsp.upstream.backends.http import UpstreamError
from ds_lsp.upstream.backends.llama_cpp import LlamaCppClient
from ds_lsp.upstream.backends.openai_fim import OpenAIFimClient

BACKENDS = backend_names()

REQ = FimRequest("m", "def f(", "):\n", 64, 0.2, ("\n",))
KEYS = dict(
    api_key="sk-deepseek",
    openai_fim_api_key="sk-openai",
    llama_cpp_api_key="sk-llama",
    codestral_api_key="sk-mistral",
)


def test_openai_fim_body_is_deepseek_shape_without_stream_options() -> None:
    assert openai_fim.fim_body(REQ) == {
        "model": "m",
        "prompt": "def f(",
        "suffix": "):\n",
        "max_tokens": 64,
        "temperature": 0.2,
        "stream": True,
        "stop": ["\n"],
    }


@pytest.mark.parametrize(
    ("given", "root"),
    [
        ("http://127.0.0.1:11434", "http://127.0.0.1:11434/v1"),
        ("http://127.0.0.1:11434/", "http://127.0.0.1:11434/v1"),
        ("http://gw.example/v1/", "http://gw.example/v1"),
    ],
    ids=["bare", "trailing-slash", "already-v1"],
)
def test_openai_fim_root(given: str, root: str) -> None:
    assert openai_fim.api_root(given) == root


def test_llama_cpp_body_with_extras() -> None:
    req = dataclasses.replace(REQ, model="", extras=(("util.py", "def g(): ..."),))
    assert llama_cpp.infill_body(req, stream=False) == {
        "input_prefix": "def f(",
        "input_suffix": "):\n",
        "input_extra": [{"filename": "util.py", "text": "def g(): ..."}],
        "n_predict": 64,
        "temperature": 0.2,
        "stream": False,
        "cache_prompt": True,
        "stop": ["\n"],
    }


def test_llama_cpp_body_sends_a_model_only_when_configured() -> None:
    assert llama_cpp.infill_body(REQ)["model"] == "m"
    assert "model" not in llama_cpp.infill_body(dataclasses.replace(REQ, model=""))


@pytest.mark.parametrize(
    ("answer", "text", "finish"),
    [
        ({"content": "x)", "stop": True, "stop_type": "eos"}, "x)", "stop"),
        (
            {"content": "x", "stop": True, "stop_type": "limit", "tokens_predicted": 64},
            "x",
            "length",
        ),
        ({"content": "", "stop": True}, "", "stop"),
    ],
    ids=["eos", "limit", "empty"],
)
def test_llama_cpp_answer(answer: dict, text: str, finish: str) -> None:
    result = llama_cpp.result_from_json(answer)
    assert (result.text, result.finish_reason) == (text, finish)


@pytest.mark.parametrize(
    "answer", [{"stop": True}, {"error": {"message": "no slot"}}], ids=["no-content", "error"]
)
def test_llama_cpp_bad_answer(answer: dict) -> None:
    with pytest.raises(UpstreamError):
        llama_cpp.result_from_json(answer)


def test_codestral_body() -> None:
    client = codestral.CodestralClient(None, "https://codestral.mistral.ai", None)  # type: ignore[arg-type]
    assert client.fim_path == "/fim/completions" and client.base_url.endswith("/v1")
    assert client.fim_body(REQ) == {
        "model": "m",
        "prompt": "def f(",
        "suffix": "):\n",
        "max_tokens": 64,
        "temperature": 0.2,
        "stream": True,
        "stop": ["\n"],
    }


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        (
            {
                "choices": [
                    {"message": {"role": "assistant", "content": "x"}, "finish_reason": "stop"}
                ]
            },
            "x",
        ),
        (
            {
                "choices": [
                    {
                        "message": {
                            "content": [
                                {"type": "text", "text": "a"},
                                {"type": "text", "text": "b"},
                            ]
                        }
                    }
                ]
            },
            "ab",
        ),
    ],
    ids=["string", "chunks"],
)
def test_codestral_answer(answer: dict, text: str) -> None:
    assert codestral.CodestralClient.result_from_json(answer).text == text


@pytest.mark.parametrize(
    "answer",
    [{"choices": []}, {"choices": [{"text": "x"}]}],
    ids=["no-choices", "completion-shape"],
)
def test_codestral_bad_answer(answer: dict) -> None:
    with pytest.raises(UpstreamError):
        codestral.CodestralClient.result_from_json(answer)


def test_codestral_stream_delta() -> None:
    assert CodestralClient.stream_text({"delta": {"content": "pi"}}) == "pi"
    assert CodestralClient.stream_text({"delta": {}}) == ""


@pytest.mark.parametrize(
    ("backend", "cls", "url", "key"),
    [
        ("deepseek", DeepSeekClient, "https://api.deepseek.com/beta", "sk-deepseek"),
        ("openai-fim", OpenAIFimClient, "http://127.0.0.1:11434/v1", "sk-openai"),
        ("llama-cpp", LlamaCppClient, "http://127.0.0.1:8080", "sk-llama"),
        ("codestral", CodestralClient, "https://codestral.mistral.ai/v1", "sk-mistral"),
    ],
    ids=list(BACKENDS),
)
async def test_factory_gives_each_backend_only_its_own_url_and_key(backend, cls, url, key):
    settings = Settings(backend=backend, **KEYS)
    async with httpx.AsyncClient() as http:
        client = create(settings, http)
    assert type(client) is cls and client.name == backend
    assert client.base_url == url
    assert client.headers() == {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize("backend", ["openai-fim", "llama-cpp", "codestral"])
async def test_no_key_no_authorization_header(backend: str) -> None:
    async with httpx.AsyncClient() as http:
        client = create(Settings(backend=backend, api_key="sk-deepseek"), http)
    assert client.headers() == {}


@pytest.mark.parametrize(
    ("settings", "model"),
    [
        (Settings(), None),
        (Settings(model="deepseek-chat"), "deepseek-chat"),
        (Settings(backend="openai-fim"), None),
        (Settings(backend="openai-fim", model="deepseek-chat", openai_fim_model="q"), "q"),
        (Settings(backend="llama-cpp"), ""),
        (Settings(backend="codestral"), "codestral-latest"),
        (Settings(backend="codestral", codestral_model=""), "codestral-latest"),
    ],
    ids=[
        "deepseek-resolved",
        "deepseek-set",
        "openai-listed",
        "openai-set",
        "llama-none",
        "codestral-default",
        "codestral-empty",
    ],
)
def test_configured_model(settings: Settings, model: str | None) -> None:
    assert configured_model(settings) == model


def test_base_url_of_active_backend() -> None:
    s = Settings(backend="llama-cpp", llama_cpp_base_url="http://box:9000/")
    assert base_url(s) == "http://box:9000"
    assert base_url(Settings()) == "https://api.deepseek.com/beta"


def test_settings_parse_backend_and_keys_stay_out_of_repr() -> None:
    settings, report = resolve({"backend": "codestral", "codestralApiKey": "sk-mistral-1"})
    assert settings.backend == "codestral" and not report.invalid
    assert "sk-mistral-1" not in repr(settings)
    _, report = resolve({"backend": "vllm"})
    assert report.invalid and "backend" in report.invalid[0]


def test_every_backend_with_settings_has_a_client_and_a_url() -> None:
    assert set(REGISTRY) == set(BACKENDS)
    for backend in BACKENDS:
        assert base_url(Settings(backend=backend)).startswith("http")


@pytest.mark.parametrize(
    ("settings", "ok"),
    [
        (Settings(), False),
        (Settings(api_key="sk-x"), True),
        (Settings(base_url="http://127.0.0.1:9/beta"), True),
        (Settings(base_url="https://gateway.example/beta"), True),
        (Settings(backend="openai-fim"), True),
    ],
    ids=["deepseek-no-key", "deepseek-key", "loopback", "other-host", "local-backend"],
)
def test_a_key_is_needed_only_by_deepseeks_own_host(settings: Settings, ok: bool) -> None:
    assert has_key(settings) is ok
