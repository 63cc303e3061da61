"""ds-lsp.generateCodeBlock end to end: the real server over stdio, the mock DeepSeek over HTTP.

Covers the chat prefix request body, the applied edit (position, range, indentation, fences,
prose), the result, $/progress, cancellation (progress cancel and $/cancelRequest, both
stopping the HTTP stream), errors, a document that changes while generating, and the
code action that leads to the command.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled

from tests.e2e.conftest import API_KEY, capabilities, change, open_doc, wait_until
from tests.mock_deepseek import MockDeepSeek

COMMAND = "ds-lsp.generateCodeBlock"
CHAT = "chat/completions"


# ---- helpers ---------------------------------------------------------------------------------
def record_edits(client: Any, applied: bool = True) -> list[types.ApplyWorkspaceEditParams]:
    edits: list[types.ApplyWorkspaceEditParams] = []

    def on_apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        edits.append(params)
        return types.ApplyWorkspaceEditResult(applied=applied)

    client.feature(types.WORKSPACE_APPLY_EDIT)(on_apply)
    return edits


def text_edits(params: types.ApplyWorkspaceEditParams, uri: str) -> list[types.TextEdit]:
    edit = params.edit
    if edit.document_changes:
        return [e for dc in edit.document_changes if dc.text_document.uri == uri for e in dc.edits]
    return list((edit.changes or {}).get(uri, []))


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply ASCII-only edits (UTF-16 columns = characters), last first."""
    lines = text.split("\n")

    def offset(pos: types.Position) -> int:
        return sum(len(x) + 1 for x in lines[: pos.line]) + pos.character

    for e in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


def pos(line: int, character: int) -> dict[str, int]:
    return {"line": line, "character": character}


async def generate(client: Any, uri: str, **where: Any) -> dict[str, Any]:
    argument = {"textDocument": {"uri": uri}, **where}
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=COMMAND, arguments=[argument])
    )
    return dict(result)


def chat_bodies(mock: MockDeepSeek) -> list[dict[str, Any]]:
    return [r.body for r in mock.requests_to(CHAT)]


def shown(client: Any) -> list[str]:
    return [m.message for m in client.messages]


# ---- the request -----------------------------------------------------------------------------
PY = "def add(a, b):\n    # return the sum of a and b\n    \n"


async def test_request_body_from_comment(start, mock, tmp_path):
    client = await start()
    edits = record_edits(client)
    uri = (tmp_path / "calc.py").as_uri()
    open_doc(client, uri, PY)
    mock.script({"text": "return a + b\n```\nThat is all."}, path=CHAT)

    result = await generate(client, uri, position=pos(2, 4))

    [request] = mock.requests_to(CHAT)
    assert request.path == "/beta/chat/completions"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    body = request.body
    assert body["model"] == "deepseek-flash"  # resolved from GET /models
    assert body["stop"] == ["```"]
    assert body["max_tokens"] == 4096
    assert body["stream"] is True
    assert body["thinking"] == {"type": "disabled"}  # V4 chat models think unless told not to
    system, user, prefix = body["messages"]
    assert system["role"] == "system" and "code only" in system["content"]
    assert prefix == {"role": "assistant", "content": "```python\n", "prefix": True}
    assert user["role"] == "user"
    assert "Instruction:\nreturn the sum of a and b\n" in user["content"]
    assert "Language: python" in user["content"]
    assert "File: calc.py" in user["content"]
    assert "    # return the sum of a and b\n    <CURSOR>\n" in user["content"]
    assert result == {"applied": True, "text": "    return a + b"}
    [params] = edits
    assert apply_edits(PY, text_edits(params, uri)) == (
        "def add(a, b):\n    # return the sum of a and b\n    return a + b\n"
    )


async def test_settings_shape_the_request(start, mock, tmp_path):
    client = await start(
        init={"generateMaxTokens": 8000, "model": "deepseek-v4-pro", "temperature": 0.5}
    )
    record_edits(client)
    uri = (tmp_path / "a.ts").as_uri()
    open_doc(client, uri, "// greet the user\n", language="typescript")
    mock.script({"text": "console.log('hi');\n"}, path=CHAT)
    result = await generate(client, uri, position=pos(1, 0))
    [body] = chat_bodies(mock)
    assert (body["model"], body["max_tokens"], body["temperature"]) == (
        "deepseek-v4-pro",
        8000,
        0.5,
    )
    assert body["messages"][2]["content"] == "```typescript\n"
    assert result["applied"] is True


async def test_instruction_argument_wins(start, mock, tmp_path):
    client = await start()
    edits = record_edits(client)
    uri = (tmp_path / "main.go").as_uri()
    text = "package main\n\n// a comment that is not the instruction\nfunc main() {\n\t\n}\n"
    open_doc(client, uri, text, language="go")
    mock.script({"text": 'fmt.Println("hi")\n'}, path=CHAT)
    result = await generate(client, uri, position=pos(4, 1), instruction="print hi")
    [body] = chat_bodies(mock)
    assert "Instruction:\nprint hi\n" in body["messages"][1]["content"]
    assert "not the instruction" not in body["messages"][1]["content"].split("```")[0]
    assert result == {"applied": True, "text": '\tfmt.Println("hi")'}
    assert apply_edits(text, text_edits(edits[0], uri)) == text.replace(
        "\t\n}", '\tfmt.Println("hi")\n}'
    )


# ---- where and how the code lands ------------------------------------------------------------
SEL = "def total(xs):\n    loop over xs and sum them\n    return 0\n"


async def test_range_replaced_with_selection_as_instruction(start, mock, tmp_path):
    client = await start()
    edits = record_edits(client)
    uri = (tmp_path / "t.py").as_uri()
    open_doc(client, uri, SEL)
    mock.script({"text": "s = 0\nfor x in xs:\n    s += x\n```"}, path=CHAT)
    rng = {"start": pos(1, 0), "end": pos(2, 0)}  # the whole line, newline included
    result = await generate(client, uri, range=rng)
    user = chat_bodies(mock)[0]["messages"][1]["content"]
    assert "Instruction:\n    loop over xs and sum them\n" in user
    assert "<SELECTION>    loop over xs and sum them\n</SELECTION>" in user
    assert result["text"] == "    s = 0\n    for x in xs:\n        s += x"
    [edit] = text_edits(edits[0], uri)
    assert (edit.range.start.line, edit.range.start.character) == (1, 0)
    assert (edit.range.end.line, edit.range.end.character) == (2, 0)
    assert apply_edits(SEL, [edit]) == (
        "def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return 0\n"
    )


async def test_range_mid_line_with_instruction(start, mock, tmp_path):
    client = await start()
    edits = record_edits(client)
    uri = (tmp_path / "m.py").as_uri()
    text = "def f(a, b):\n    return a + b\n"
    open_doc(client, uri, text)
    mock.script({"text": "(a or 0) + (b or 0)\n```"}, path=CHAT)
    rng = {"start": pos(1, 11), "end": pos(1, 16)}
    result = await generate(client, uri, range=rng, instruction="treat None as 0")
    assert result["applied"] is True
    assert apply_edits(text, text_edits(edits[0], uri)) == (
        "def f(a, b):\n    return (a or 0) + (b or 0)\n"
    )


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param(
            "for x in xs:\n    print(x)\n```", "for x in xs:\n        print(x)", id="closing-fence"
        ),
        pytest.param(
            "Sure! Here is the code you asked for:\n\nfor x in xs:\n    print(x)\n",
            "for x in xs:\n        print(x)",
            id="leading-prose",
        ),
        pytest.param(
            "        for x in xs:\n            print(x)\n\nThis loop prints each item.",
            "for x in xs:\n        print(x)",
            id="over-indented-and-trailing-prose",
        ),
    ],
)
async def test_fences_prose_and_indentation(start, mock, tmp_path, answer, expected):
    client = await start()
    edits = record_edits(client)
    uri = (tmp_path / "p.py").as_uri()
    text = "def show(xs):\n    # print every item\n    \n"
    open_doc(client, uri, text)
    mock.script({"text": answer}, path=CHAT)
    result = await generate(client, uri, position=pos(2, 4))
    assert result == {"applied": True, "text": "    " + expected}
    assert apply_edits(text, text_edits(edits[0], uri)) == (
        "def show(xs):\n    # print every item\n    " + expected + "\n"
    )


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("class A:\n    def f(self):\n        return 1\n\n", 3),
        ("def a():\n    return 1\n\n\nprint(a())\n", 2),
    ],
    ids=["end-of-file", "between-blocks"],
)
async def test_column_0_below_an_indented_block_gets_top_level_code(
    start, mock, tmp_path, text: str, line: int
) -> None:
    client = await start()
    edits = record_edits(client)
    uri = (tmp_path / "top.py").as_uri()
    open_doc(client, uri, text)
    mock.script({"text": "def b():\n    return 2\n```"}, path=CHAT)
    result = await generate(client, uri, position=pos(line, 0), instruction="a function b")
    assert result["applied"] is True
    after = apply_edits(text, text_edits(edits[0], uri))
    lines = after.split("\n")
    assert lines[line : line + 2] == ["def b():", "    return 2"]  # top level, not nested
    assert after.endswith("\n")  # the file keeps its final newline


async def test_cursor_on_comment_writes_below_it(start, mock, tmp_path):
    client = await start()
    edits = record_edits(client)
    uri = (tmp_path / "c.py").as_uri()
    text = "class A:\n    # a method that returns 1\n    pass\n"
    open_doc(client, uri, text)
    mock.script({"text": "def one(self):\n    return 1\n"}, path=CHAT)
    result = await generate(client, uri, position=pos(1, 7))
    assert result["applied"] is True
    assert apply_edits(text, text_edits(edits[0], uri)) == (
        "class A:\n    # a method that returns 1\n    def one(self):\n        return 1\n    pass\n"
    )


async def test_block_comment_and_docstring(start, mock, tmp_path):
    client = await start()
    record_edits(client)
    uri_c = (tmp_path / "a.c").as_uri()
    open_doc(client, uri_c, "/*\n * swap two ints\n */\n", language="c")
    uri_py = (tmp_path / "d.py").as_uri()
    open_doc(client, uri_py, 'def f():\n    """Return the answer."""\n    \n')
    mock.script({"text": "int t;\n"}, {"text": "return 42\n"}, path=CHAT)
    assert (await generate(client, uri_c, position=pos(3, 0)))["applied"]
    assert (await generate(client, uri_py, position=pos(2, 4)))["applied"]
    first, second = (b["messages"][1]["content"] for b in chat_bodies(mock))
    assert "Instruction:\nswap two ints\n" in first
    assert "Instruction:\nReturn the answer.\n" in second


async def test_versioned_edit_when_client_supports_document_changes(start, mock, tmp_path):
    caps = capabilities()
    caps.workspace.workspace_edit = types.WorkspaceEditClientCapabilities(document_changes=True)
    client = await start(caps=caps)
    edits = record_edits(client)
    uri = (tmp_path / "v.py").as_uri()
    open_doc(client, uri, PY)
    change(client, uri, 7, 0, 0, "")  # version 7, no text change
    mock.script({"text": "return a + b\n"}, path=CHAT)
    await generate(client, uri, position=pos(2, 4))
    [dc] = edits[0].edit.document_changes
    assert (dc.text_document.uri, dc.text_document.version) == (uri, 7)
    assert edits[0].edit.changes is None


async def test_edit_not_applied_by_client(start, mock, tmp_path):
    client = await start()
    record_edits(client, applied=False)
    uri = (tmp_path / "n.py").as_uri()
    open_doc(client, uri, PY)
    mock.script({"text": "return a + b\n"}, path=CHAT)
    result = await generate(client, uri, position=pos(2, 4))
    assert result["applied"] is False and result["text"] == "    return a + b"


async def test_client_that_never_answers_apply_edit_still_gets_a_result(start, mock, tmp_path):
    """Vim's ALE applies the edit but never answers workspace/applyEdit."""
    client = await start(init={"timeoutMs": 300})
    seen: list[types.ApplyWorkspaceEditParams] = []
    never: asyncio.Future = asyncio.get_running_loop().create_future()

    async def on_apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        seen.append(params)
        return await never

    client.feature(types.WORKSPACE_APPLY_EDIT)(on_apply)
    uri = (tmp_path / "ale.py").as_uri()
    open_doc(client, uri, PY)
    mock.script({"text": "return a + b\n"}, path=CHAT)
    result = await asyncio.wait_for(generate(client, uri, position=pos(2, 4)), 20)
    assert len(seen) == 1 and result["applied"] is False, result
    assert result["text"] == "    return a + b"
    never.cancel()


# ---- the document changes while generating ---------------------------------------------------
async def test_document_changed_elsewhere_edit_follows_the_anchor(start, mock, tmp_path):
    client = await start()
    edits = record_edits(client)
    uri = (tmp_path / "r.py").as_uri()
    open_doc(client, uri, PY)
    mock.script({"text": "return a + b\n", "delay": 0.6}, path=CHAT)
    task = asyncio.ensure_future(generate(client, uri, position=pos(2, 4)))
    await wait_until(lambda: mock.requests_to(CHAT))
    change(client, uri, 2, 0, 0, "import math\n\n")  # two lines above: the place moves down
    result = await task
    assert result["applied"] is True
    [edit] = text_edits(edits[0], uri)
    assert (edit.range.start.line, edit.range.start.character) == (4, 4)
    assert apply_edits("import math\n\n" + PY, [edit]) == (
        "import math\n\ndef add(a, b):\n    # return the sum of a and b\n    return a + b\n"
    )


async def test_document_changed_at_the_place_edit_refused(start, mock, tmp_path):
    client = await start()
    edits = record_edits(client)
    uri = (tmp_path / "x.py").as_uri()
    open_doc(client, uri, PY)
    mock.script({"text": "return a + b\n", "delay": 0.6}, path=CHAT)
    task = asyncio.ensure_future(generate(client, uri, position=pos(2, 4)))
    await wait_until(lambda: mock.requests_to(CHAT))
    change(client, uri, 2, 2, 4, "x = 1")  # the user types where the code was to go
    result = await task
    assert result["applied"] is False
    assert result["text"] == "return a + b"  # still handed back
    assert edits == []
    assert any("document changed" in m for m in shown(client))


# ---- progress and cancellation ---------------------------------------------------------------
LONG = "".join(f"x{i} = {i}\n" for i in range(40))


async def test_progress_begin_report_end(start, mock, tmp_path):
    client = await start(caps=capabilities(progress=True))
    record_edits(client)
    uri = (tmp_path / "g.py").as_uri()
    open_doc(client, uri, PY)
    mock.script({"text": LONG, "chunk_delay": 0.03, "chunk_size": 16}, path=CHAT)
    result = await generate(client, uri, position=pos(2, 4))
    assert result["applied"] is True
    [(token, reports)] = client.progress_reports.items()
    assert str(token).startswith("ds-lsp-generate-")
    begin, *middle, end = reports
    assert isinstance(begin, types.WorkDoneProgressBegin)
    assert begin.cancellable is True and begin.message == "return the sum of a and b"
    assert middle and all(isinstance(r, types.WorkDoneProgressReport) for r in middle)
    assert isinstance(end, types.WorkDoneProgressEnd) and end.message == "inserting 40 lines"


async def test_no_progress_without_client_support(start, mock, tmp_path):
    client = await start(caps=capabilities(progress=False))
    record_edits(client)
    uri = (tmp_path / "g.py").as_uri()
    open_doc(client, uri, PY)
    mock.script({"text": "return a + b\n"}, path=CHAT)
    assert (await generate(client, uri, position=pos(2, 4)))["applied"]
    assert client.progress_reports == {}


async def test_progress_cancel_stops_the_stream(start, mock, tmp_path):
    client = await start(caps=capabilities(progress=True))
    edits = record_edits(client)
    uri = (tmp_path / "k.py").as_uri()
    open_doc(client, uri, PY)
    mock.script({"text": LONG * 5, "chunk_delay": 0.05}, path=CHAT)
    task = asyncio.ensure_future(generate(client, uri, position=pos(2, 4)))
    await wait_until(lambda: any(len(r) >= 2 for r in client.progress_reports.values()))
    [token] = client.progress_reports
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    result = await asyncio.wait_for(task, 5)
    assert result["applied"] is False and result["message"] == "cancelled"
    assert edits == []
    assert isinstance(client.progress_reports[token][-1], types.WorkDoneProgressEnd)
    await wait_until(lambda: mock.aborted == 1)


async def test_cancel_request_stops_the_stream(start, mock, tmp_path):
    client = await start()
    edits = record_edits(client)
    uri = (tmp_path / "q.py").as_uri()
    open_doc(client, uri, PY)
    mock.script({"text": LONG * 5, "chunk_delay": 0.05}, path=CHAT)
    params = types.ExecuteCommandParams(
        command=COMMAND, arguments=[{"textDocument": {"uri": uri}, "position": pos(2, 4)}]
    )
    future = asyncio.ensure_future(
        client.protocol.send_request_async(types.WORKSPACE_EXECUTE_COMMAND, params, msg_id="gen-1")
    )
    await wait_until(lambda: mock.requests_to(CHAT))
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="gen-1"))
    with pytest.raises(JsonRpcRequestCancelled):
        await asyncio.wait_for(future, 5)
    await wait_until(lambda: mock.aborted == 1)
    await client.workspace_execute_command_async(  # a round trip: nothing else is on its way
        types.ExecuteCommandParams(command="ds-lsp.showUsage", arguments=[])
    )
    assert edits == []


# ---- refusals and errors ---------------------------------------------------------------------
async def test_no_instruction_no_request(start, mock, tmp_path):
    client = await start()
    edits = record_edits(client)
    uri = (tmp_path / "e.py").as_uri()
    open_doc(client, uri, "x = 1\n\n")
    result = await generate(client, uri, position=pos(1, 0))
    assert result["applied"] is False and result["text"] == ""
    assert mock.requests_to(CHAT) == []
    assert edits == []
    assert any("nothing to generate from" in m for m in shown(client))


async def test_whitespace_selection_is_no_selection(start, mock, tmp_path):
    client = await start()
    record_edits(client)
    uri = (tmp_path / "w.py").as_uri()
    open_doc(client, uri, "x = 1\n\n")
    rng = {"start": pos(0, 5), "end": pos(1, 0)}  # Helix: a lone newline
    result = await generate(client, uri, range=rng)
    assert result["applied"] is False
    assert mock.requests_to(CHAT) == []


@pytest.mark.parametrize(
    ("reply", "needle"),
    [
        pytest.param({"status": 401}, "rejected the API key", id="401-key"),
        pytest.param({"status": 402}, "balance is insufficient", id="402-balance"),
        pytest.param(
            {"status": 400, "error": {"message": "Model Not Exist"}},
            "deepseek-flash, deepseek-v4-pro",
            id="400-model",
        ),
        pytest.param(
            {"status": 503, "retry_after": 30}, "could not generate code", id="503-overloaded"
        ),
    ],
)
async def test_upstream_errors_one_message_nothing_inserted(start, mock, tmp_path, reply, needle):
    client = await start()
    edits = record_edits(client)
    uri = (tmp_path / "f.py").as_uri()
    open_doc(client, uri, PY)
    mock.script(reply, reply, path=CHAT)
    first = await generate(client, uri, position=pos(2, 4))
    second = await generate(client, uri, position=pos(2, 4))
    assert first["applied"] is False and second["applied"] is False
    assert first["text"] == ""
    assert edits == []
    errors = [m for m in shown(client) if needle in m]
    assert len(errors) == 1, shown(client)


async def test_timeout(start, mock, tmp_path):
    client = await start(init={"timeoutMs": 150})  # generation waits 4 x 150 ms for code
    edits = record_edits(client)
    uri = (tmp_path / "s.py").as_uri()
    open_doc(client, uri, PY)
    mock.script({"text": "return a + b\n", "delay": 2}, path=CHAT)
    result = await generate(client, uri, position=pos(2, 4))
    assert result == {"applied": False, "text": "", "message": "timed out"}
    assert edits == []
    assert any("sent no code for 0.6 s" in m for m in shown(client))


async def test_no_key(start, mock, tmp_path):
    client = await start(
        env={"DEEPSEEK_API_KEY": None, "DEEPSEEK_BASE_URL": "https://api.deepseek.com"}
    )
    record_edits(client)
    uri = (tmp_path / "k.py").as_uri()
    open_doc(client, uri, PY)
    result = await generate(client, uri, position=pos(2, 4))
    assert result["applied"] is False
    assert any("No DeepSeek API key" in m for m in shown(client))


async def test_excluded_file_is_never_sent(start, mock, tmp_path):
    client = await start()
    record_edits(client)
    uri = (tmp_path / ".env").as_uri()
    open_doc(client, uri, "# make a secret\n\n", language="dotenv")
    result = await generate(client, uri, position=pos(1, 0))
    assert result["applied"] is False
    assert mock.requests_to(CHAT) == []


# ---- the code action -------------------------------------------------------------------------
async def code_actions(
    client: Any,
    uri: str,
    start: tuple[int, int],
    end: tuple[int, int],
    only: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The raw JSON answer: lsprotocol's client-side converter reads a CodeAction that has a
    command as a Command (the union's first member), so the test reads the wire format."""
    rng = types.Range(
        start=types.Position(line=start[0], character=start[1]),
        end=types.Position(line=end[0], character=end[1]),
    )
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=rng,
        context=types.CodeActionContext(diagnostics=[], only=only),
    )
    msg_id = f"ca-{start}-{end}-{only}"
    future = client.protocol.send_request(types.TEXT_DOCUMENT_CODE_ACTION, params, msg_id=msg_id)
    client.protocol._result_types[msg_id] = None  # keep the JSON as sent
    return list(await asyncio.wrap_future(future) or [])


async def test_code_action_on_comment_runs_the_command(start, mock, tmp_path):
    client = await start()
    edits = record_edits(client)
    uri = (tmp_path / "h.py").as_uri()
    open_doc(client, uri, PY)
    # Helix: the cursor is a one-character selection (here the newline after the comment)
    [action] = await code_actions(client, uri, (1, 31), (2, 0))
    assert action["kind"] == "refactor.rewrite"
    assert action["title"].startswith("Generate code with DeepSeek")
    assert action["command"]["command"] == COMMAND
    arguments = action["command"]["arguments"]
    assert arguments == [{"textDocument": {"uri": uri}, "position": pos(1, 31)}]
    mock.script({"text": "return a + b\n"}, path=CHAT)
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=COMMAND, arguments=arguments)
    )
    assert result["applied"] is True
    assert apply_edits(PY, text_edits(edits[0], uri)) == (
        "def add(a, b):\n    # return the sum of a and b\n    return a + b\n    \n"
    )


async def test_code_action_on_selection(start, mock, tmp_path):
    client = await start()
    uri = (tmp_path / "h.py").as_uri()
    open_doc(client, uri, SEL)
    [action] = await code_actions(client, uri, (1, 4), (1, 29))
    rng = {"start": pos(1, 4), "end": pos(1, 29)}
    assert action["command"]["arguments"] == [{"textDocument": {"uri": uri}, "range": rng}]


@pytest.mark.parametrize(
    ("start_at", "end_at", "only", "offered"),
    [
        pytest.param((2, 4), (2, 4), None, True, id="cursor-below-comment"),
        pytest.param((0, 3), (0, 4), None, False, id="one-char-on-code"),
        pytest.param((2, 4), (3, 0), None, True, id="helix-newline-below-comment"),
        pytest.param((2, 4), (2, 4), ["source"], False, id="only-source"),
        pytest.param((2, 4), (2, 4), ["refactor"], True, id="only-refactor"),
    ],
)
async def test_code_action_offered(start, mock, tmp_path, start_at, end_at, only, offered):
    client = await start()
    uri = (tmp_path / "o.py").as_uri()
    open_doc(client, uri, PY)
    actions = await code_actions(client, uri, start_at, end_at, only)
    assert bool(actions) is offered
