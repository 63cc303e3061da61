"""The chat prefix wire format: request body, SSE and JSON answers, errors (real socket)."""

from __future__ import annotations

import pytest

from ds_lsp.upstream.backends.chat import ChatPrefixRequest, chat_prefix
from ds_lsp.upstream.backends.deepseek import DeepSeekClient
from ds_lsp.upstream.backends.http import UpstreamError, make_client
from tests.mock_deepseek import MockDeepSeek

REQ = ChatPrefixRequest("deepseek-flash", "system text", "user text", "```python\n", 4096)


def test_body_turns_thinking_off():
    assert REQ.body() == {
        "model": "deepseek-flash",
        "messages": [
            {"role": "system", "content": "system text"},
            {"role": "user", "content": "user text"},
            {"role": "assistant", "content": "```python\n", "prefix": True},
        ],
        "max_tokens": 4096,
        "temperature": 0.0,
        "stop": ["```"],
        "stream": True,
        "stream_options": {"include_usage": True},
        "thinking": {"type": "disabled"},
    }


@pytest.fixture
def mock():
    server = MockDeepSeek().start()
    yield server
    server.stop()


async def call(mock: MockDeepSeek, req: ChatPrefixRequest = REQ, pieces: list | None = None):
    http = make_client(mock.url)
    try:
        ds = DeepSeekClient(http, mock.url + "/beta", "sk-x")
        return await chat_prefix(ds, req, pieces.append if pieces is not None else None)
    finally:
        await http.aclose()


@pytest.mark.parametrize("stream", [True, False], ids=["sse", "json"])
async def test_answer(mock, stream):
    mock.script(
        {"text": "x = 1\ny = 2\n```\nprose", "keepalive": 2, "chunk_size": 4},
        path="chat/completions",
    )
    pieces: list[str] = []
    req = ChatPrefixRequest(**{**REQ.__dict__, "stream": stream})
    result = await call(mock, req, pieces)
    assert result.text == "x = 1\ny = 2\n"
    assert "".join(pieces) == result.text
    assert len(pieces) == (3 if stream else 1)
    assert result.finish_reason == "stop" and result.usage["completion_tokens"] >= 1
    [rec] = mock.requests_to("/beta/chat/completions")
    assert rec.headers["authorization"] == "Bearer sk-x" and rec.body["stream"] is stream


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        pytest.param({"status": 401}, "auth", id="401"),
        pytest.param({"status": 402}, "balance", id="402"),
        pytest.param(
            {"status": 400, "error": {"message": "Model Not Exist"}}, "model", id="400-model"
        ),
        pytest.param({"status": 503}, "server", id="503"),
        pytest.param({"garbage": "not json"}, "garbage", id="garbage"),
        pytest.param(
            {"finish_reason": "insufficient_system_resource", "text": "x"},
            "resource",
            id="resource",
        ),
        pytest.param({"drop": True}, "network", id="dropped"),
    ],
)
async def test_errors(mock, reply, kind):
    mock.script(reply, path="chat/completions")
    with pytest.raises(UpstreamError) as info:
        await call(mock)
    assert info.value.kind == kind
