"""Inline completion end to end: what crossed the socket and what the editor got."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from tests.e2e.conftest import (
    API_KEY,
    capabilities,
    change,
    fetches_done,
    inline,
    open_doc,
    send_inline,
    wait_until,
)


async def test_initialize_advertises_every_capability_non_empty(start):
    client = await start()
    caps = client.init_result.capabilities
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert caps.inline_completion_provider is not None
    assert caps.completion_provider.trigger_characters
    assert "ds-lsp.generateCodeBlock" in caps.execute_command_provider.commands
    assert caps.code_action_provider.code_action_kinds
    assert client.init_result.server_info.name == "ds-lsp"
    assert caps.position_encoding == types.PositionEncodingKind.Utf16
    raw = client.protocol._converter.unstructure(caps)

    def empties(obj, path=""):
        if isinstance(obj, dict):
            if not obj:
                yield path
            for key, value in obj.items():
                yield from empties(value, f"{path}.{key}")

    assert list(empties(raw)) == []


async def test_request_body_headers_and_model_resolution(start, mock, tmp_path):
    client = await start()
    uri = (tmp_path / "m.py").as_uri()
    open_doc(client, uri, "import os\n\ndef add(a, b):\n    \n\nprint(add(1, 2))\n")
    items = await inline(client, uri, 3, 4)
    assert items[0].insert_text == "return a + b"
    assert items[0].range.start == types.Position(line=3, character=4)
    (req,) = mock.fim_requests()
    assert req.path == "/beta/completions"
    assert req.headers["authorization"] == f"Bearer {API_KEY}"
    body = req.body
    assert body["model"] == "deepseek-flash"  # first preferred model that /models lists
    assert body["prompt"] == "import os\n\ndef add(a, b):\n    "
    assert body["suffix"] == "\n\nprint(add(1, 2))\n"
    assert body["temperature"] == 0
    assert 0 < body["max_tokens"] <= 4096
    assert len(body["stop"]) <= 16
    assert body["stream"] is True
    assert [r.path for r in mock.requests_to("/models")] == ["/models"]


async def test_connection_opened_at_initialized_serves_the_first_completion(start, mock, tmp_path):
    client = await start()
    await wait_until(lambda: mock.requests_to("/models"))
    assert len(mock.requests_to("/models")) == 1 and mock.fim_requests() == []
    uri = (tmp_path / "first.py").as_uri()
    open_doc(client, uri, "x = \ny = \nz = \n")
    for line in range(3):  # streamed answers are read to the end: the connection stays
        assert await inline(client, uri, line, 4)
    assert len(mock.fim_requests()) == 3
    assert mock.connections == 1  # the warm connection served every completion


async def test_model_resolution_prefers_listed_names(start, mock, tmp_path):
    mock.models = ["other-model", "deepseek-v4-flash", "deepseek-chat"]
    client = await start()
    uri = (tmp_path / "m.py").as_uri()
    open_doc(client, uri, "x = \n")
    await inline(client, uri, 0, 4)
    assert mock.fim_requests()[0].body["model"] == "deepseek-v4-flash"


async def test_model_falls_back_when_listing_fails(start, mock, tmp_path):
    mock.script({"status": 500}, {"status": 500}, {"status": 500}, path="/models")
    mock.models = []
    client = await start()
    uri = (tmp_path / "m.py").as_uri()
    open_doc(client, uri, "x = \n")
    await inline(client, uri, 0, 4)
    assert mock.fim_requests()[0].body["model"] in ("deepseek-v4-flash",)


async def test_configured_model_is_used_as_is(start, mock, tmp_path):
    client = await start(init={"model": "my-own-model"})
    uri = (tmp_path / "m.py").as_uri()
    open_doc(client, uri, "x = \n")
    await inline(client, uri, 0, 4)
    assert mock.fim_requests()[0].body["model"] == "my-own-model"


async def test_incremental_edits_build_the_prompt(start, mock, tmp_path):
    client = await start()
    uri = (tmp_path / "e.py").as_uri()
    open_doc(client, uri, "a = 1\nb = 2\n")
    change(client, uri, 2, 1, 5, "\nc = ")  # after "b = 2"
    change(client, uri, 3, 0, 0, "# top\n")  # new first line
    change(client, uri, 4, 1, 4, "11", end=(1, 5))  # a = 1 -> a = 11
    items = await inline(client, uri, 3, 4)
    assert items
    body = mock.fim_requests()[-1].body
    assert body["prompt"] == "# top\na = 11\nb = 2\nc = "
    assert body["suffix"] == "\n"


async def test_malformed_did_change_is_ignored_and_loses_nothing(start, mock, tmp_path):
    client = await start()
    uri = (tmp_path / "bad.py").as_uri()
    open_doc(client, uri, "x = \n")
    bad_range = {"start": {"line": "one", "character": 0}, "end": {"line": 0, "character": 0}}
    for params in (
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": bad_range, "text": "BROKEN"}],
        },
        {"textDocument": {"uri": uri, "version": 3}, "contentChanges": "nope"},
        [1, 2],
    ):
        # raw frames: the typed client refuses to send malformed params
        client.protocol._send_data(
            {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": params}
        )
    change(client, uri, 4, 0, 4, "4")
    assert await inline(client, uri, 0, 5)
    assert mock.fim_requests()[0].body["prompt"] == "x = 4"


async def test_utf16_and_utf32_positions(start, mock, tmp_path):
    text = "s = '😀😀' + \nz = 0\n"
    for encodings, column in ((None, 13), (["utf-32", "utf-16"], 11)):
        mock.clear()
        client = await start(caps=capabilities(encodings=encodings))
        uri = (tmp_path / f"u{column}.py").as_uri()
        open_doc(client, uri, text)
        await inline(client, uri, 0, column)
        assert mock.fim_requests()[0].body["prompt"] == "s = '😀😀' + "
    assert client.init_result.capabilities.position_encoding == "utf-32"


async def test_same_request_twice_is_served_from_cache(start, mock, tmp_path):
    client = await start()
    uri = (tmp_path / "c.py").as_uri()
    open_doc(client, uri, "def f():\n    \n")
    first = await inline(client, uri, 1, 4)
    second = await inline(client, uri, 1, 4)
    assert first[0].insert_text == second[0].insert_text == "return a + b"
    assert len(mock.fim_requests()) == 1


async def test_typing_through_a_suggestion_needs_no_request(start, mock, tmp_path):
    client = await start(init={"debounceMs": 150})
    uri = (tmp_path / "t.py").as_uri()
    open_doc(client, uri, "def f(a, b):\n    \n")
    assert (await inline(client, uri, 1, 4))[0].insert_text == "return a + b"
    typed = ""
    for version, ch in enumerate("return a", start=2):
        change(client, uri, version, 1, 4 + len(typed), ch)
        typed += ch
        items = await inline(client, uri, 1, 4 + len(typed), invoked=False)
        assert items[0].insert_text == "return a + b"[len(typed) :]
    assert len(mock.fim_requests()) == 1


async def test_accepted_line_gets_the_next_line_prefetched_and_served_after_enter(
    start, mock, tmp_path
):
    mock.script({"text": "total = 0"}, {"text": "    for x in xs:\n        total += x"})
    client = await start(init={"prefetch": True})
    uri = (tmp_path / "n.py").as_uri()
    open_doc(client, uri, "def s(xs):\n    \n")
    (item,) = await inline(client, uri, 1, 4)
    assert item.insert_text == "total = 0"
    assert len(mock.fim_requests()) == 1  # shown is not accepted: nothing asked ahead yet
    change(client, uri, 2, 1, 4, "total = 0")  # the editor inserts it, then runs the command
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=item.command.command, arguments=item.command.arguments)
    )
    await wait_until(lambda: fetches_done(client) == 2)  # the prefetch, in the background
    second = mock.fim_requests()[1].body
    assert second["prompt"] == "def s(xs):\n    total = 0\n"
    assert second["suffix"] == "\n"
    change(client, uri, 3, 1, 13, "\n    ")  # Enter, auto-indent
    items = await inline(client, uri, 2, 4, invoked=False)
    assert items[0].insert_text == "for x in xs:\n        total += x"
    assert len(mock.fim_requests()) == 2  # served from the prefetch


async def test_after_an_unused_guess_the_third_character_asks_nothing(start, mock, tmp_path):
    mock.script({"delay": 0.3, "text": "zzz()"})  # the guess for line 0: wrong
    client = await start(init={"prefetch": True, "debounceMs": 5000})
    uri = (tmp_path / "g.py").as_uri()
    open_doc(client, uri, "\n\n")
    for n, ch in enumerate("abc"):  # line 0, key by key, a request after each
        change(client, uri, 2 + n, 0, n, ch)
        send_inline(client, uri, 0, n + 1, invoked=False)
    await wait_until(lambda: mock.fim_requests())  # the third character asks at once
    change(client, uri, 5, 0, 3, "d")  # the user types on: the guess is not shown
    send_inline(client, uri, 0, 4, invoked=False)
    await wait_until(lambda: fetches_done(client) == 1)  # it lands in the cache, unused
    for n, ch in enumerate("abc"):  # line 1: the guess for line 0 was wasted
        change(client, uri, 6 + n, 1, n, ch)
        last = send_inline(client, uri, 1, n + 1, invoked=False, msg_id=f"g{n}")
    other = (tmp_path / "o.py").as_uri()
    open_doc(client, other, "x = \n")
    await inline(client, other, 0, 4)  # answered after those keys were handled
    assert [r.body["prompt"] for r in mock.fim_requests()] == ["abc", "x = "]
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="g2"))
    await asyncio.gather(last, return_exceptions=True)


async def test_one_speculative_request_per_document_at_a_time(start, mock, tmp_path):
    mock.script({"text": "total = 0"}, {"delay": 1.0, "text": "    return total"})
    client = await start(init={"prefetch": True, "debounceMs": 5000})
    uri = (tmp_path / "one.py").as_uri()
    open_doc(client, uri, "def s(xs):\n    \n")
    (item,) = await inline(client, uri, 1, 4)
    change(client, uri, 2, 1, 4, "total = 0")
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=item.command.command, arguments=item.command.arguments)
    )
    await wait_until(lambda: len(mock.fim_requests()) == 2)  # the next line, held upstream
    change(client, uri, 3, 1, 13, "\n    ")
    for n, ch in enumerate("ret"):  # the third character would ask at once
        change(client, uri, 4 + n, 2, 4 + n, ch)
        last = send_inline(client, uri, 2, 5 + n, invoked=False, msg_id=f"r{n}")
    await wait_until(lambda: mock.answered == 2)  # the held answer went out
    assert len(mock.fim_requests()) == 2
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="r2"))
    await asyncio.gather(last, return_exceptions=True)


async def test_first_ask_of_a_line_survives_the_next_keys_cancel(start, mock, tmp_path):
    mock.script({"delay": 0.5, "text": "ult = compute(41) + 1"})
    client = await start(init={"prefetch": True, "debounceMs": 60000})
    uri = (tmp_path / "f.py").as_uri()
    open_doc(client, uri, "res\n")
    params = types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=0, character=3),
        context=types.InlineCompletionContext(
            trigger_kind=types.InlineCompletionTriggerKind.Automatic
        ),
    )
    client.protocol.send_request(types.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id="k1")
    await wait_until(lambda: mock.fim_requests())  # no 60 s debounce for the first ask
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="k1"))
    change(client, uri, 2, 0, 3, "u")  # the next key
    await wait_until(lambda: fetches_done(client) == 1)  # the answer still lands in the cache
    items = await inline(client, uri, 0, 4, invoked=False)
    assert items[0].insert_text == "lt = compute(41) + 1"
    prompts = [r.body["prompt"] for r in mock.fim_requests()]
    assert prompts[0] == "res" and "resu" not in prompts  # served by typing through


async def test_newest_request_wins_and_older_ones_return_empty(start, mock, tmp_path):
    client = await start(init={"debounceMs": 60000})
    uri = (tmp_path / "w.py").as_uri()
    open_doc(client, uri, "x = \n")
    older = [send_inline(client, uri, 0, 4, invoked=False) for _ in range(3)]  # sent first
    newest = await inline(client, uri, 0, 4, invoked=True)  # invoked: no debounce
    assert newest[0].insert_text == "return a + b"
    assert [list((await f).items) for f in older] == [[], [], []]
    assert len(mock.fim_requests()) == 1


async def test_superseded_request_aborts_its_http_call(start, mock, tmp_path):
    mock.script({"delay": 30, "text": "slow()"}, {"text": "fast()"})
    client = await start()
    uri = (tmp_path / "s.py").as_uri()
    open_doc(client, uri, "x = \ny = \n")
    slow = send_inline(client, uri, 0, 4)
    await wait_until(lambda: mock.fim_requests())
    fast = await inline(client, uri, 1, 4)
    assert fast[0].insert_text == "fast()"
    assert list((await slow).items) == []
    await wait_until(lambda: mock.aborted == 1)  # the server hung up on the slow answer
    assert mock.answered == 1


async def test_cancel_request_returns_promptly_and_server_keeps_working(start, mock, tmp_path):
    """Promptly: the cancelled request is answered while upstream has not answered yet (a
    30 s delay), and its HTTP call is aborted."""
    mock.script({"delay": 30, "text": "slow()"})
    client = await start()
    uri = (tmp_path / "k.py").as_uri()
    open_doc(client, uri, "x = \n")
    params = types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=0, character=4),
        context=types.InlineCompletionContext(
            trigger_kind=types.InlineCompletionTriggerKind.Invoked
        ),
    )
    pending = client.protocol.send_request(
        types.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id="cancel-me"
    )
    await wait_until(lambda: mock.fim_requests())
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="cancel-me"))
    try:
        answer = await asyncio.wait_for(asyncio.wrap_future(pending), 20)
        assert answer is None or list(answer.items) == []
    except Exception as exc:  # RequestCancelled is the other allowed answer
        assert "cancel" in str(exc).lower()
    assert mock.answered == 0  # answered before upstream was
    await wait_until(lambda: mock.aborted == 1)
    items = await inline(client, uri, 0, 4)
    assert items[0].insert_text == "return a + b"


async def test_multiline_and_single_line_modes(start, mock, tmp_path):
    mock.script(
        {"text": "total = 0\n    for x in xs:\n        total += x\n    return total\n\n\nprint(1)"},
        {"text": "a, b)\nprint('more')"},
        {"text": "a, b"},
    )
    client = await start()
    uri = (tmp_path / "l.py").as_uri()
    open_doc(client, uri, "def s(xs):\n    \n\nvalue = add()\nother = add() + 1\n")
    multi = await inline(client, uri, 1, 4)
    body = "total = 0\n    for x in xs:\n        total += x\n    return total"
    assert multi[0].insert_text == body
    assert mock.fim_requests()[0].body["stop"] == ["\n\n\n"]
    closers = await inline(client, uri, 3, 12)
    assert closers[0].insert_text == "a, b"  # the ")" already follows the cursor
    single = await inline(client, uri, 4, 12)
    assert single[0].insert_text == "a, b"
    assert mock.fim_requests()[2].body["stop"] == ["\n"]  # code follows: one line only


async def test_unknown_document_and_impossible_positions_get_empty_items(start, mock, tmp_path):
    client = await start()
    assert await inline(client, "file:///nowhere.py", 0, 0) == []
    uri = (tmp_path / "p.py").as_uri()
    open_doc(client, uri, "x = 1\n")
    assert await inline(client, uri, 500, 0) == []
    assert await inline(client, uri, 0, 999)  # past the end of a line: clamped
    assert len(mock.fim_requests()) == 1


async def test_huge_file_still_answers(start, mock, tmp_path):
    line = "value_%d = compute(value_%d) + 1  # padding padding padding\n"
    text = "".join(line % (i, i) for i in range(320_000))  # ~20 MB
    assert len(text) > 20_000_000
    client = await start()
    uri = (tmp_path / "big.py").as_uri()
    open_doc(client, uri, text)
    change(client, uri, 2, 200_000, 0, "x = ")
    items = await inline(client, uri, 200_000, 4)
    assert items[0].insert_text == "return a + b"
    body = mock.fim_requests()[0].body
    assert len(body["prompt"]) <= 6000 and len(body["suffix"]) <= 2000
