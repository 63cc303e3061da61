"""Odd text in open documents breaks nothing: a lone surrogate is sent as U+FFFD (and is
never blamed on the key), a lone `\\r` ends a line as it does in the editor, and a minified
file's one enormous line still completes, with its item at the right column."""

from __future__ import annotations

from lsprotocol import types

from tests.e2e.conftest import capabilities, change, inline, open_doc

SURROGATE = "\ud800"


async def test_a_lone_surrogate_is_sent_as_a_replacement_character(start, mock, tmp_path):
    client = await start()
    uri = (tmp_path / "calc.py").as_uri()
    open_doc(client, uri, f'LABEL = "{SURROGATE}"\ndef add(a, b):\n    ')
    items = await inline(client, uri, 2, 4)
    assert [i.insert_text for i in items] == ["return a + b"]
    assert mock.fim_requests()[0].body["prompt"].startswith('LABEL = "\ufffd"\n')
    assert client.messages == []  # no "API key rejected" for text the editor sent


async def test_a_lone_surrogate_in_another_file_or_in_generate_breaks_nothing(
    start, mock, tmp_path
):
    client = await start(init={"contextFiles": True})
    client.feature(types.WORKSPACE_APPLY_EDIT)(
        lambda params: types.ApplyWorkspaceEditResult(applied=True)
    )
    open_doc(client, (tmp_path / "util.py").as_uri(), f'def label():\n    return "{SURROGATE}"\n')
    uri = (tmp_path / "main.py").as_uri()
    open_doc(client, uri, f"# say {SURROGATE} hello\nx = label(\n")
    assert [i.insert_text for i in await inline(client, uri, 1, 10)] == ["return a + b"]
    argument = {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 0}}
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ds-lsp.generateCodeBlock", arguments=[argument])
    )
    assert result["applied"] is True
    (chat,) = mock.requests_to("chat/completions")
    assert "say \ufffd hello" in chat.body["messages"][-2]["content"]
    assert client.messages == []


async def test_an_edit_after_a_lone_carriage_return_lands_where_the_editor_put_it(
    start, mock, tmp_path
):
    client = await start()
    uri = (tmp_path / "old_mac.txt").as_uri()
    open_doc(client, uri, "first\rsecond\rthird", language="plaintext")
    change(client, uri, 2, 1, 0, "the ")
    await inline(client, uri, 1, 10)
    body = mock.fim_requests()[0].body
    assert (body["prompt"], body["suffix"]) == ("first\rthe second", "\rthird")


async def test_a_completion_item_on_a_minified_line_starts_at_the_word(start, mock, tmp_path):
    client = await start(caps=capabilities(inline=False), init={"completionItems": "always"})
    line = "".join(f"var v{i}=f({i});" for i in range(20_000)) + "var total=compu"
    uri = (tmp_path / "app.min.js").as_uri()
    open_doc(client, uri, line, language="javascript")
    mock.script({"text": "te(v1);"})
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=len(line)),
        )
    )
    (item,) = result.items
    assert item.text_edit.new_text == "compute(v1);"
    assert item.text_edit.range.start.character == len(line) - len("compu")
    assert len(mock.fim_requests()[0].body["prompt"]) <= 6000
