"""Other FIM servers end to end: openai-fim, llama.cpp /infill, Codestral, over a real socket.

For each backend the real server (stdio) talks to the local mock speaking that backend's wire
format; the tests assert the path, the body, the headers (a key only where it belongs) and
what the editor got, streamed and not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from lsprotocol import types

from tests.e2e.conftest import API_KEY, inline, open_doc, wait_until

TEXT = "import os\n\ndef add(a, b):\n    \n\nprint(add(1, 2))\n"
PREFIX = "import os\n\ndef add(a, b):\n    "
SUFFIX = "\n\nprint(add(1, 2))\n"
# no backend key may leak in from the developer's environment
CLEAN_ENV: dict[str, str | None] = {
    "DS_LSP_BACKEND": None,
    "OPENAI_FIM_API_KEY": None,
    "OPENAI_FIM_BASE_URL": None,
    "OPENAI_FIM_MODEL": None,
    "LLAMA_API_KEY": None,
    "LLAMA_CPP_BASE_URL": None,
    "CODESTRAL_API_KEY": None,
    "CODESTRAL_BASE_URL": None,
    "CODESTRAL_MODEL": None,
}


@dataclass(frozen=True)
class Backend:
    """How one backend is configured and what it sends."""

    name: str
    url_key: str
    key_key: str
    path: str
    script_path: str
    extra: tuple[tuple[str, Any], ...] = ()


BACKENDS = [
    Backend(
        "openai-fim",
        "openaiFimBaseUrl",
        "openaiFimApiKey",
        "/v1/completions",
        "/v1/completions",
        (("openaiFimModel", "qwen2.5-coder:1.5b-base"),),
    ),
    Backend("llama-cpp", "llamaCppBaseUrl", "llamaCppApiKey", "/infill", "/infill"),
    Backend(
        "codestral",
        "codestralBaseUrl",
        "codestralApiKey",
        "/v1/fim/completions",
        "/fim/completions",
    ),
]
IDS = [b.name for b in BACKENDS]


def settings_for(backend: Backend, url: str, key: str | None = None) -> dict[str, Any]:
    init: dict[str, Any] = {"backend": backend.name, backend.url_key: url, **dict(backend.extra)}
    if key:
        init[backend.key_key] = key
    return init


async def complete_once(client, tmp_path, name: str = "m.py") -> list[types.InlineCompletionItem]:
    uri = (tmp_path / name).as_uri()
    open_doc(client, uri, TEXT)
    return await inline(client, uri, 3, 4)


def fim_posts(mock) -> list:
    return [r for r in mock.requests if r.method == "POST"]


def assert_body(backend: Backend, body: dict[str, Any], stream: bool = True) -> None:
    assert body["stream"] is stream
    assert body["temperature"] == 0
    if backend.name == "llama-cpp":
        assert body["input_prefix"] == PREFIX
        assert body["input_suffix"] == SUFFIX
        assert body["input_extra"] == []
        assert body["cache_prompt"] is True
        assert 0 < body["n_predict"] <= 4096
        assert "prompt" not in body and "model" not in body and "max_tokens" not in body
    else:
        assert body["prompt"] == PREFIX
        assert body["suffix"] == SUFFIX
        assert 0 < body["max_tokens"] <= 4096
        assert "stream_options" not in body  # DeepSeek-only field
        expected = {"openai-fim": "qwen2.5-coder:1.5b-base", "codestral": "codestral-latest"}
        assert body["model"] == expected[backend.name]
    assert isinstance(body["stop"], list) and body["stop"]


@pytest.mark.parametrize("backend", BACKENDS, ids=IDS)
async def test_streamed_answer_path_body_and_no_key(start, mock, tmp_path, backend):
    client = await start(init=settings_for(backend, mock.url), env=CLEAN_ENV)
    items = await complete_once(client, tmp_path)
    assert [i.insert_text for i in items] == ["return a + b"]
    assert items[0].range.start == types.Position(line=3, character=4)
    (req,) = fim_posts(mock)
    assert req.path == backend.path
    assert_body(backend, req.body)
    assert "authorization" not in req.headers  # DEEPSEEK_API_KEY is set, and must stay home
    assert not [m for m in client.messages if m.type == types.MessageType.Error]


@pytest.mark.parametrize("backend", BACKENDS, ids=IDS)
async def test_whole_json_answer_and_own_key(start, mock, tmp_path, backend):
    mock.script({"text": "return a  + b  # sum", "json": True}, path=backend.script_path)
    key = f"{backend.name}-key-7a6b"
    client = await start(init=settings_for(backend, mock.url, key), env=CLEAN_ENV)
    items = await complete_once(client, tmp_path)
    assert [i.insert_text for i in items] == ["return a  + b  # sum"]
    posts = fim_posts(mock)
    assert [r.path for r in posts] == [backend.path]
    assert posts[0].headers["authorization"] == f"Bearer {key}"
    assert all(API_KEY not in str(r.headers) for r in mock.requests)


@pytest.mark.parametrize("backend", BACKENDS, ids=IDS)
async def test_streamed_multiline_answer_in_small_chunks(start, mock, tmp_path, backend):
    text = "total = a + b\n    return total"
    mock.script({"text": text, "chunk_size": 3}, path=backend.script_path)
    client = await start(init=settings_for(backend, mock.url), env=CLEAN_ENV)
    items = await complete_once(client, tmp_path)
    assert [i.insert_text for i in items] == [text]


@pytest.mark.parametrize("backend", BACKENDS, ids=IDS)
async def test_upstream_error_is_no_crash(start, mock, tmp_path, backend):
    mock.script({"status": 400, "error": {"message": "bad things"}}, path=backend.script_path)
    client = await start(init=settings_for(backend, mock.url), env=CLEAN_ENV)
    assert await complete_once(client, tmp_path) == []
    mock.script({"text": "return b + a"}, path=backend.script_path)
    items = await complete_once(client, tmp_path, "again.py")
    assert [i.insert_text for i in items] == ["return b + a"]


async def test_llama_cpp_works_with_no_key_anywhere(start, mock, tmp_path):
    env = {**CLEAN_ENV, "DEEPSEEK_API_KEY": None, "DEEPSEEK_BASE_URL": None}
    client = await start(init={"backend": "llama-cpp", "llamaCppBaseUrl": mock.url}, env=env)
    items = await complete_once(client, tmp_path)
    assert [i.insert_text for i in items] == ["return a + b"]
    (req,) = fim_posts(mock)
    assert req.path == "/infill" and "authorization" not in req.headers
    assert client.messages == []  # no "no API key" message


async def test_llama_cpp_key_from_its_own_environment_variable(start, mock, tmp_path):
    env = {**CLEAN_ENV, "LLAMA_API_KEY": "llama-env-key"}
    client = await start(init={"backend": "llama-cpp", "llamaCppBaseUrl": mock.url}, env=env)
    await complete_once(client, tmp_path)
    (req,) = fim_posts(mock)
    assert req.headers["authorization"] == "Bearer llama-env-key"


async def test_openai_fim_without_model_uses_first_listed(start, mock, tmp_path):
    mock.models = ["qwen2.5-coder:7b", "llama3.2:3b"]
    init = {"backend": "openai-fim", "openaiFimBaseUrl": mock.url}
    client = await start(init=init, env=CLEAN_ENV)
    await complete_once(client, tmp_path)
    assert "/v1/models" in [r.path for r in mock.requests if r.method == "GET"]
    (req,) = fim_posts(mock)
    assert req.body["model"] == "qwen2.5-coder:7b"


async def test_switching_backend_at_runtime_with_its_own_key(start, mock, tmp_path):
    """Pushed settings may switch the backend when they carry that backend's key."""
    client = await start(env=CLEAN_ENV)
    await complete_once(client, tmp_path, "a.py")
    pushed = {"backend": "llama-cpp", "llamaCppBaseUrl": mock.url, "llamaCppApiKey": "ws-llama"}
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ds-lsp": pushed})
    )
    await complete_once(client, tmp_path, "b.py")  # pushed settings apply in order
    paths = [r.path for r in fim_posts(mock)]
    assert paths[0] == "/beta/completions" and paths[-1] == "/infill"
    infill = fim_posts(mock)[-1]
    assert infill.headers["authorization"] == "Bearer ws-llama"
    assert mock.fim_requests()[0].headers["authorization"] == f"Bearer {API_KEY}"


async def test_pushed_settings_cannot_switch_the_backend_without_its_key(start, mock, tmp_path):
    client = await start(env=CLEAN_ENV)
    pushed = {"backend": "llama-cpp", "llamaCppBaseUrl": mock.url}
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ds-lsp": pushed})
    )
    await complete_once(client, tmp_path, "b.py")
    assert [r.path for r in fim_posts(mock)] == ["/beta/completions"]
    warnings = [m.message for m in client.messages if "workspace settings" in m.message]
    (warning,) = warnings  # one for both settings
    assert warning.startswith("ds-lsp: `backend`, `llamaCppBaseUrl` from the workspace settings")


async def test_unknown_backend_warns_and_keeps_deepseek(start, mock, tmp_path):
    client = await start(init={"backend": "gpt-9"}, env=CLEAN_ENV)
    await wait_until(lambda: any("backend" in m.message for m in client.messages))
    await complete_once(client, tmp_path)
    assert [r.path for r in fim_posts(mock)] == ["/beta/completions"]
