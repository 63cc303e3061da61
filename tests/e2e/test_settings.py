"""Settings from every source in order, exclusions, switches, and the completion fallback."""

from __future__ import annotations

from lsprotocol import types

from tests.e2e.conftest import capabilities, inline, open_doc
from tests.waiting import eventually


async def _sent(client, mock, tmp_path, name, field="model"):
    uri = (tmp_path / name).as_uri()
    open_doc(client, uri, f"{name} = \n")
    await inline(client, uri, 0, len(name) + 3)
    return mock.fim_requests()[-1].body[field]


async def _model_sent(client, mock, tmp_path, name):
    return await _sent(client, mock, tmp_path, name)


async def test_precedence_env_init_pulled_pushed(start, mock, tmp_path):
    """(The model and the token limits are the user's own: the workspace layers are shown
    with a setting they may set, temperature; see test_security_workspace.py.)"""
    client = await start(env={"DEEPSEEK_MODEL": "env-model"}, init={})
    assert await _model_sent(client, mock, tmp_path, "a") == "env-model"
    client = await start(env={"DEEPSEEK_MODEL": "env-model"}, init={"model": "init-model"})
    assert await _model_sent(client, mock, tmp_path, "b") == "init-model"
    client = await start(init={"temperature": 0.25}, configuration={"temperature": 0.5})
    assert await _sent(client, mock, tmp_path, "c", "temperature") == 0.5
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ds-lsp": {"temperature": 0.75}})
    )
    assert await _sent(client, mock, tmp_path, "d", "temperature") == 0.75


async def test_pulled_configuration_follows_did_change_configuration(start, mock, tmp_path):
    client = await start(configuration={"temperature": 0.5})
    assert await _sent(client, mock, tmp_path, "a", "temperature") == 0.5
    client.set_configuration({"ds-lsp": {"temperature": 0.75}})
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    names = iter(f"b{i}" for i in range(1000))

    async def second_value_sent() -> bool:
        return await _sent(client, mock, tmp_path, next(names), "temperature") == 0.75

    await eventually(second_value_sent)  # the server pulls the new settings in its own time
    assert mock.fim_requests()[-1].body["temperature"] == 0.75


async def test_bad_value_and_unknown_key_warn_once_each_and_keep_the_value(start, mock, tmp_path):
    client = await start(init={"maxTokens": "lots", "debounceMS": 1})
    await _model_sent(client, mock, tmp_path, "a")
    assert mock.fim_requests()[-1].body["max_tokens"] == 256
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await _model_sent(client, mock, tmp_path, "b")  # settings applied again: no new warnings
    texts = sorted(m.message for m in client.messages)
    assert texts == [
        'ds-lsp: `maxTokens` must be a number of tokens from 1 to 4096 (got "lots"); keeping 256',
        "ds-lsp: unknown setting `debounceMS` ignored; did you mean `debounceMs`?",
    ]
    assert all(m.type == types.MessageType.Warning for m in client.messages)


async def test_secret_files_are_never_sent(start, mock, tmp_path):
    client = await start()
    for name in (".env", ".env.local", "server.pem", "id_rsa", "deploy.key"):
        uri = (tmp_path / name).as_uri()
        open_doc(client, uri, "TOKEN=", language="plaintext")
        assert await inline(client, uri, 0, 6) == []
    assert mock.fim_requests() == []


async def test_custom_exclude_disabled_languages_and_master_switch(start, mock, tmp_path):
    client = await start(init={"exclude": ["*.secret.py"], "disabledLanguages": ["markdown"]})
    for name, lang in (("a.secret.py", "python"), ("notes.md", "markdown")):
        uri = (tmp_path / name).as_uri()
        open_doc(client, uri, "x = ", language=lang)
        assert await inline(client, uri, 0, 4) == []
    off = await start(init={"enable": False})
    uri = (tmp_path / "b.py").as_uri()
    open_doc(off, uri, "x = ")
    assert await inline(off, uri, 0, 4) == []
    assert mock.fim_requests() == []
    assert {"state": "disabled"} in [dict(s) for s in off.status]


async def _complete(client, uri, line, char):
    return await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=char),
        )
    )


async def test_completion_items_for_clients_without_inline_completion(start, mock, tmp_path):
    mock.fim_text = "rn a + b"
    client = await start(caps=capabilities(inline=False))
    uri = (tmp_path / "f.py").as_uri()
    open_doc(client, uri, "def f(a, b):\n    retu\n")
    result = await _complete(client, uri, 1, 8)
    assert result.is_incomplete is True
    (item,) = result.items
    assert item.label.startswith("retu") and item.filter_text.startswith("retu")
    assert item.text_edit.range.start == types.Position(line=1, character=4)
    assert item.text_edit.range.end == types.Position(line=1, character=8)
    assert item.text_edit.new_text == "return a + b"
    assert item.insert_text_format == types.InsertTextFormat.PlainText


async def test_multiline_item_is_an_escaped_snippet_when_supported(start, mock, tmp_path):
    mock.fim_text = "if x:\n        return {'$': 1}"
    client = await start(caps=capabilities(inline=False, snippets=True))
    uri = (tmp_path / "g.py").as_uri()
    open_doc(client, uri, "def f(x):\n    \n")
    (item,) = (await _complete(client, uri, 1, 4)).items
    assert item.insert_text_format == types.InsertTextFormat.Snippet
    assert item.text_edit.new_text == "if x:\n        return {'\\$': 1\\}$0"


async def test_inline_clients_get_no_duplicate_items_unless_always(start, mock, tmp_path):
    client = await start()
    uri = (tmp_path / "h.py").as_uri()
    open_doc(client, uri, "x = \n")
    assert list((await _complete(client, uri, 0, 4)).items) == []
    always = await start(init={"completionItems": "always"})
    open_doc(always, uri, "x = \n")
    assert len((await _complete(always, uri, 0, 4)).items) == 1
    never = await start(caps=capabilities(inline=False), init={"completionItems": "never"})
    open_doc(never, uri, "x = \n")
    assert list((await _complete(never, uri, 0, 4)).items) == []
    assert len(await inline(never, uri, 0, 4)) == 1  # inline is answered for every client


async def test_single_line_item_is_a_snippet_when_supported(start, mock, tmp_path):
    mock.fim_text = "rn a + b"
    client = await start(caps=capabilities(inline=False, snippets=True))
    uri = (tmp_path / "n.py").as_uri()
    open_doc(client, uri, "def f(a, b):\n    retu\n")
    (item,) = (await _complete(client, uri, 1, 8)).items
    assert item.insert_text_format == types.InsertTextFormat.Snippet
    assert item.text_edit.new_text == "return a + b$0"


async def test_manual_trigger_suggests_only_when_asked(start, mock, tmp_path):
    client = await start(init={"trigger": "manual"})
    uri = (tmp_path / "m.py").as_uri()
    open_doc(client, uri, "x = \n")
    assert await inline(client, uri, 0, 4, invoked=False) == []
    assert mock.fim_requests() == []
    (item,) = await inline(client, uri, 0, 4, invoked=True)
    assert item.insert_text == "return a + b"


async def test_quiet_in_comments_and_strings(start, mock, tmp_path):
    client = await start(init={"quietIn": ["comments", "strings"]})
    uri = (tmp_path / "q.py").as_uri()
    open_doc(client, uri, 'x = 1  # add the \nurl = "http://\ny = \n')
    assert await inline(client, uri, 0, 17, invoked=False) == []
    assert await inline(client, uri, 1, 14, invoked=False) == []
    assert mock.fim_requests() == []
    assert len(await inline(client, uri, 2, 4, invoked=False)) == 1  # code: as before
    assert len(await inline(client, uri, 0, 17, invoked=True)) == 1  # asked: answered
