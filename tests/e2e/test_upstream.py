"""Upstream behaviour: keep-alive lines, errors, retries, deadlines, one message per problem."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.e2e.conftest import API_KEY, inline, open_doc


async def _ask(client, tmp_path, name="a.py", text="x = \n", line=0, char=4):
    uri = (tmp_path / name).as_uri()
    open_doc(client, uri, text)
    return await inline(client, uri, line, char)


async def test_json_answer_after_blank_keepalive_lines(start, mock, tmp_path):
    mock.script({"json": True, "keepalive": 5, "text": "42"})
    assert [i.insert_text for i in await _ask(await start(), tmp_path)] == ["42"]


async def test_sse_keepalive_comments_are_skipped(start, mock, tmp_path):
    mock.script({"keepalive": 4, "text": "forty_two()", "chunk_size": 3})
    assert [i.insert_text for i in await _ask(await start(), tmp_path)] == ["forty_two()"]


async def test_line_separator_inside_json_string_survives(start, mock, tmp_path):
    mock.script({"text": "s = 'a\u2028b'", "chunk_size": 100})
    assert [i.insert_text for i in await _ask(await start(), tmp_path)] == ["s = 'a\u2028b'"]


@pytest.mark.parametrize(
    "reply",
    [
        {"status": 429, "retry_after": 0},
        {"status": 500},
        {"status": 503},
        {"drop": True},
        {"finish_reason": "insufficient_system_resource", "text": "bad"},
    ],
    ids=["429-retry-after", "500", "503", "dropped-connection", "insufficient-resource"],
)
async def test_transient_failures_are_retried(start, mock, tmp_path, reply):
    mock.script(reply, {"text": "ok()"})
    client = await start()
    assert [i.insert_text for i in await _ask(client, tmp_path)] == ["ok()"]
    assert len(mock.fim_requests()) == 2
    assert client.messages == []


async def test_garbage_answer_gives_empty_items_and_server_survives(start, mock, tmp_path):
    mock.script({"garbage": "<html>oops</html>"}, {"text": "fine()"})
    client = await start()
    assert await _ask(client, tmp_path) == []
    assert [i.insert_text for i in await _ask(client, tmp_path, "b.py")] == ["fine()"]


async def test_deadline_holds_even_while_keepalive_lines_trickle(start, mock, tmp_path):
    mock.script({"json": True, "keepalive": 200, "keepalive_gap": 0.05, "text": "late()"})
    client = await start(init={"timeoutMs": 500})
    assert await _ask(client, tmp_path) == []
    assert client.messages == []  # a timeout is logged and shown in status, not a popup
    assert any(s.get("state") == "error" for s in client.status)


async def test_slow_upstream_times_out_with_empty_items(start, mock, tmp_path):
    mock.script({"delay": 3, "text": "late()"})
    client = await start(init={"timeoutMs": 300})
    assert await _ask(client, tmp_path) == []


async def test_401_shows_one_message_until_fixed_then_again(start, mock, tmp_path):
    err = {"status": 401, "error": {"message": "Authentication Fails", "type": "auth"}}
    mock.script(err, err, err, {"text": "ok()"}, err)
    client = await start()
    for i in range(3):
        assert await _ask(client, tmp_path, f"f{i}.py") == []
    assert len(client.messages) == 1
    assert client.messages[0].type == types.MessageType.Error
    assert "DEEPSEEK_API_KEY" in client.messages[0].message
    assert (await _ask(client, tmp_path, "ok.py"))[0].insert_text == "ok()"
    assert await _ask(client, tmp_path, "again.py", text="y = \n") == []
    assert len(client.messages) == 2
    assert len(mock.fim_requests()) == 5  # 401 is never retried
    assert all(API_KEY not in m.message for m in client.messages)


@pytest.mark.parametrize(
    ("client_name", "words", "not_words"),
    [
        ("Visual Studio Code", "DeepSeek: Set API Key", "DEEPSEEK_API_KEY"),
        ("code-server", "DeepSeek: Set API Key", "DEEPSEEK_API_KEY"),
        ("Neovim", "DEEPSEEK_API_KEY", "Set API Key"),
        ("helix", "initializationOptions", "Set API Key"),
    ],
)
async def test_the_key_message_speaks_the_editors_language(
    start, mock, tmp_path, client_name, words, not_words
):
    mock.script({"status": 401})
    client = await start(client_name=client_name)
    assert await _ask(client, tmp_path) == []
    (message,) = client.messages
    assert words in message.message and not_words not in message.message


async def test_402_says_top_up(start, mock, tmp_path):
    mock.script({"status": 402, "error": {"message": "Insufficient Balance"}})
    client = await start()
    assert await _ask(client, tmp_path) == []
    assert len(client.messages) == 1 and "balance" in client.messages[0].message.lower()


async def test_rejected_model_names_it_and_the_listed_models(start, mock, tmp_path):
    mock.script({"status": 400, "error": {"message": "Model Not Exist"}})
    client = await start(init={"model": "deepseek-coder"})
    assert await _ask(client, tmp_path) == []
    (message,) = client.messages
    assert "deepseek-coder" in message.message
    assert "deepseek-flash" in message.message and "deepseek-v4-pro" in message.message


async def test_missing_key_says_how_to_set_it_and_sends_nothing(start, mock, tmp_path):
    client = await start(
        init={"baseUrl": "https://api.deepseek.com"},
        env={"DEEPSEEK_API_KEY": None, "DEEPSEEK_BASE_URL": None},
    )
    assert await _ask(client, tmp_path) == []
    assert await _ask(client, tmp_path, "b.py") == []
    assert len(client.messages) == 1 and "DEEPSEEK_API_KEY" in client.messages[0].message


async def test_key_never_appears_in_the_log(start, mock, tmp_path):
    log = tmp_path / "secret.log"
    mock.script({"status": 401}, {"status": 422, "error": {"message": f"bad {API_KEY}"}})
    client = await start(log_file=log)
    await _ask(client, tmp_path)
    await _ask(client, tmp_path, "b.py")
    text = log.read_text()
    assert "upstream error" in text
    assert API_KEY not in text
    assert all(API_KEY not in m.message for m in client.messages)


async def test_loopback_is_never_proxied(start, mock, tmp_path):
    proxy = "http://127.0.0.1:9"  # nothing listens there
    client = await start(
        env={
            "HTTP_PROXY": proxy,
            "HTTPS_PROXY": proxy,
            "ALL_PROXY": proxy,
            "http_proxy": proxy,
            "NO_PROXY": "",
        }
    )
    assert (await _ask(client, tmp_path))[0].insert_text == "return a + b"


async def test_after_a_rejected_model_the_next_completion_resolves_again(start, mock, tmp_path):
    mock.models = ["deepseek-chat"]
    mock.script({"status": 400, "error": {"message": "Model Not Exist"}})
    client = await start()
    assert await _ask(client, tmp_path) == []
    mock.models = ["deepseek-flash"]  # DeepSeek renamed its models meanwhile
    assert await _ask(client, tmp_path, "b.py", text="y = \n")
    assert [r.body["model"] for r in mock.fim_requests()] == ["deepseek-chat", "deepseek-flash"]
