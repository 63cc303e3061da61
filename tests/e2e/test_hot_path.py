"""The first completion without pygls, and pygls taking over the long tail after it.

The server's DEBUG log says, as it answers each completion, whether pygls was imported; the
tests read that line (events, not timing) and then use what only pygls serves.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from lsprotocol import types

from tests.e2e.conftest import capabilities, inline, open_doc, send_inline, wait_until
from tests.e2e.lsp_wire import (
    did_open,
    environment,
    frame,
    initialize,
    inline_request,
    notification,
    start_stdio,
    stop,
)
from tests.e2e.test_generate import CHAT, PY, generate, pos, record_edits

ANSWERED = re.compile(r"answering textDocument/inlineCompletion (\S+) \(pygls ([a-z ]+)\)")


def answers_logged(log: Path) -> dict[str, str]:
    """Request id -> what the log said of pygls when its completion was answered."""
    return dict(ANSWERED.findall(log.read_text()))


async def test_first_completion_is_served_before_pygls_loads_then_generate_works(
    start, mock, tmp_path
):
    log = tmp_path / "hot.log"
    client = await start(caps=capabilities(progress=True), log_file=log)
    edits = record_edits(client)
    uri = (tmp_path / "calc.py").as_uri()
    open_doc(client, uri, PY)
    first = await send_inline(client, uri, 2, 4, msg_id="first")
    assert first.items[0].insert_text == "return a + b"
    assert answers_logged(log)["'first'"] == "not imported"

    mock.script({"text": "return a + b\n", "chunk_delay": 0.02}, path=CHAT)
    result = await generate(client, uri, position=pos(2, 4))  # pygls loads for it
    assert result == {"applied": True, "text": "    return a + b"}
    assert len(edits) == 1 and len(mock.requests_to(CHAT)) == 1
    [(token, reports)] = client.progress_reports.items()
    assert str(token).startswith("ds-lsp-generate-")
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)

    again = await send_inline(client, uri, 2, 4, msg_id="again")  # one state for both
    assert again.items[0].insert_text == "return a + b"
    assert answers_logged(log)["'again'"] == "loaded"
    assert "pygls loaded" in log.read_text()


async def test_pygls_loads_in_the_background_once_the_client_is_quiet(start, mock, tmp_path):
    log = tmp_path / "idle.log"
    client = await start(log_file=log)
    uri = (tmp_path / "q.py").as_uri()
    open_doc(client, uri, "x = \n")
    assert (await inline(client, uri, 0, 4))[0].insert_text == "return a + b"
    await wait_until(lambda: "pygls loaded" in log.read_text(), timeout=20)
    assert "loading pygls now" not in log.read_text()  # nothing had to wait for it
    assert (await inline(client, uri, 0, 4))[0].insert_text == "return a + b"


async def test_accepted_suggestion_does_not_hold_up_completions(start, mock, tmp_path):
    """ds-lsp.acceptedSuggestion (pygls's) waits for pygls to load in the background; the
    completion sent right after it is answered meanwhile, and the command after that."""
    log = tmp_path / "accept.log"
    client = await start(log_file=log)
    uri = (tmp_path / "a.py").as_uri()
    open_doc(client, uri, "x = \n")
    [item] = await inline(client, uri, 0, 4)
    accepted = client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=item.command.command, arguments=item.command.arguments)
    )
    after = await send_inline(client, uri, 0, 4, msg_id="after-accept")
    assert after.items[0].insert_text == "return a + b"
    assert await accepted is None
    assert "loading pygls now" not in log.read_text()


async def test_completion_progress_on_the_hot_path(start, mock, tmp_path):
    mock.script({"delay": 1.5, "text": "slow_answer()"})
    client = await start(caps=capabilities(progress=True), init={"completionProgress": True})
    uri = (tmp_path / "p.py").as_uri()
    open_doc(client, uri, "x = \n")
    [item] = await inline(client, uri, 0, 4)
    assert item.insert_text == "slow_answer()"
    [(token, reports)] = client.progress_reports.items()
    assert str(token).startswith("ds-lsp-complete-")
    begin, end = reports
    assert isinstance(begin, types.WorkDoneProgressBegin) and begin.title == "DeepSeek"
    assert isinstance(end, types.WorkDoneProgressEnd)


def test_an_unknown_request_loads_pygls_and_order_is_kept(mock):
    """A request only pygls can answer waits for it; what came before and after is served
    in order (MethodNotFound from pygls, then the completion)."""
    proc, wire = start_stdio(mock, "--log-level", "DEBUG")
    try:
        wire.send(initialize(), notification("initialized"), did_open())
        wire.answer("init")
        wire.send_raw(
            frame({"jsonrpc": "2.0", "id": "odd", "method": "no/suchMethod", "params": {}})
            + frame(inline_request("next"))
        )
        assert wire.answer("odd")["error"]["code"] == -32601
        assert [i["insertText"] for i in wire.answer("next")["result"]["items"]] == ["return a + b"]
        odd = next(i for i, m in enumerate(wire.messages) if m.get("id") == "odd")
        nxt = next(i for i, m in enumerate(wire.messages) if m.get("id") == "next")
        assert odd < nxt
    finally:
        err = stop(proc)
    assert "loading pygls now: no/suchMethod came" in err


def test_stdin_from_dev_null_ends_the_server(mock):
    """epoll refuses /dev/null: the server reads it through a thread and sees its end."""
    proc = subprocess.run(
        [sys.executable, "-m", "ds_lsp"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=environment(mock),
        timeout=30,
    )
    assert proc.returncode == 0 and proc.stdout == b""
