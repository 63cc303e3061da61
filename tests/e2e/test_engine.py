"""One protocol engine: pygls answers every message, in order, on every transport.

Completion and generate share one state; the accepted command never holds up completions;
an unknown request gets pygls's MethodNotFound in order with what follows; stdin and stdout
on one socket lose no answer; stdin from /dev/null ends the server.
"""

from __future__ import annotations

import array
import fcntl
import json
import socket
import subprocess
import sys
import termios
import threading

from lsprotocol import types

from tests.e2e.conftest import capabilities, inline, open_doc, send_inline, wait_until
from tests.e2e.lsp_wire import (
    DOC,
    ROOT,
    Wire,
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


async def test_completion_and_generate_share_one_state(start, mock, tmp_path):
    client = await start(caps=capabilities(progress=True))
    edits = record_edits(client)
    uri = (tmp_path / "calc.py").as_uri()
    open_doc(client, uri, PY)
    first = await send_inline(client, uri, 2, 4, msg_id="first")
    assert first.items[0].insert_text == "return a + b"

    mock.script({"text": "return a + b\n", "chunk_delay": 0.02}, path=CHAT)
    result = await generate(client, uri, position=pos(2, 4))
    assert result == {"applied": True, "text": "    return a + b"}
    assert len(edits) == 1 and len(mock.requests_to(CHAT)) == 1
    [(token, reports)] = client.progress_reports.items()
    assert str(token).startswith("ds-lsp-generate-")
    assert isinstance(reports[0], types.WorkDoneProgressBegin)
    assert isinstance(reports[-1], types.WorkDoneProgressEnd)

    again = await send_inline(client, uri, 2, 4, msg_id="again")  # one state for both
    assert again.items[0].insert_text == "return a + b"
    assert len(mock.fim_requests()) == 1  # the second one came from the cache


async def test_the_accepted_command_is_answered_in_order_with_completions(start, mock, tmp_path):
    client = await start()
    uri = (tmp_path / "a.py").as_uri()
    open_doc(client, uri, "x = \n")
    [item] = await inline(client, uri, 0, 4)
    accepted = client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=item.command.command, arguments=item.command.arguments)
    )
    after = await send_inline(client, uri, 0, 4, msg_id="after-accept")
    assert after.items[0].insert_text == "return a + b"
    assert await accepted is None


async def test_a_slow_completion_shows_progress(start, mock, tmp_path):
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


def test_an_unknown_request_gets_method_not_found_in_order(mock):
    proc, wire = start_stdio(mock)
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
    assert "Traceback" not in err


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


async def test_stdin_and_stdout_on_one_socket_lose_no_answer(mock):
    """socat EXEC:ds-lsp, inetd, systemd Accept=yes: both ends are one non-blocking socket.
    Answers written while the client does not read fill the socket; none is lost to a short
    write or EAGAIN (each request is answered; older ones in a burst are superseded)."""
    ours, theirs = socket.socketpair()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ds_lsp"],
        stdin=theirs,
        stdout=theirs,
        stderr=subprocess.PIPE,
        env=environment(mock),
        cwd=ROOT,
    )
    theirs.close()
    count = 1500
    burst = b"".join(frame(inline_request(f"r{i}")) for i in range(count))
    try:
        ours.sendall(b"".join(frame(m) for m in (initialize(), notification("initialized"))))
        ours.sendall(frame(did_open()) + frame(inline_request("warm")))
        _read_until(ours, b'"id": "warm"')  # the answer is in the cache now
        sender = threading.Thread(target=ours.sendall, args=(burst,), daemon=True)
        sender.start()  # answered from the cache while nobody reads: the socket fills
        await wait_until(lambda: _unread(ours) > 150_000 or not sender.is_alive(), 60)
        wire = Wire(ours.sendall, lambda: ours.recv(65536))
        answers = [wire.answer(f"r{i}")["result"]["items"] for i in range(count)]
        # a burst for one document: each answered, the newest with the suggestion
        assert [i["insertText"] for i in answers[-1]] == ["return a + b"]
        wire.send({"jsonrpc": "2.0", "id": "bye", "method": "shutdown"}, notification("exit"))
        assert wire.answer("bye")["result"] is None
        assert proc.wait(30) == 0
    finally:
        ours.close()
        err = stop(proc)
    assert "Traceback" not in err and "BlockingIOError" not in err


def _read_until(sock: socket.socket, marker: bytes) -> None:
    seen = b""
    while marker not in seen:
        data = sock.recv(65536)
        assert data, "the server closed the socket"
        seen += data


def _unread(sock: socket.socket) -> int:
    """Bytes waiting to be read on `sock`."""
    buf = array.array("i", [0])
    fcntl.ioctl(sock.fileno(), termios.FIONREAD, buf)
    return buf[0]


def _initialize_with(capabilities: dict, msg_id: str = "init") -> dict:
    init = initialize(msg_id)
    init["params"]["capabilities"] = capabilities
    return init


def test_initialized_without_params_still_pulls_the_settings(mock):
    """JSON-RPC lets a notification leave params out; `initialized` has none to give."""
    proc, wire = start_stdio(mock)
    try:
        caps = {"workspace": {"configuration": True}}
        wire.send(_initialize_with(caps), {"jsonrpc": "2.0", "method": "initialized"})
        wire.answer("init")
        pull = wire.wait_for(lambda m: m.get("method") == "workspace/configuration")
        wire.send({"jsonrpc": "2.0", "id": pull["id"], "result": [{"maxLines": 3}]}, did_open())
        wire.completion_works("after-pull")
    finally:
        err = stop(proc)
    assert "unreadable initialized" not in err


def test_a_whole_document_change_with_a_null_range_is_applied(mock):
    proc, wire = start_stdio(mock)
    try:
        wire.send(initialize(), notification("initialized"), did_open())
        wire.answer("init")
        change = {"range": None, "text": "def add(a, b):\n    x = "}
        params = {"textDocument": {"uri": DOC, "version": 2}, "contentChanges": [change]}
        wire.send(notification("textDocument/didChange", params))
        wire.send(inline_request("c", line=1, character=8))
        wire.answer("c")
        assert mock.fim_requests()[-1].body["prompt"].endswith("def add(a, b):\n    x = ")
    finally:
        stop(proc)


def test_an_unknown_method_without_params_is_method_not_found(mock):
    proc, wire = start_stdio(mock)
    try:
        wire.send(initialize(), {"jsonrpc": "2.0", "id": "odd", "method": "no/such"})
        wire.answer("init")
        assert wire.answer("odd")["error"]["code"] == -32601
    finally:
        stop(proc)


def test_answers_written_before_exit_reach_a_slow_reader(mock):
    """The answers still buffered when exit comes are written out before the server ends,
    however slowly the client reads."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ds_lsp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=environment(mock),
        cwd=ROOT,
    )
    assert proc.stdin is not None and proc.stdout is not None
    count = 600
    messages = [initialize(), notification("initialized"), did_open()]
    messages += [inline_request(f"r{i}") for i in range(count)]
    messages += [{"jsonrpc": "2.0", "id": "bye", "method": "shutdown"}, notification("exit")]
    proc.stdin.write(b"".join(frame(m) for m in messages))
    proc.stdin.close()
    out = b""
    while chunk := proc.stdout.read(4096):  # a reader slower than the server writes
        out += chunk
    assert proc.wait(30) == 0
    answered = {m["id"] for m in _messages(out) if "id" in m and "method" not in m}
    assert answered >= {f"r{i}" for i in range(count)} | {"init", "bye"}


def test_a_client_that_stops_reading_ends_the_session_quietly(mock):
    proc = subprocess.Popen(
        [sys.executable, "-m", "ds_lsp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(mock),
        cwd=ROOT,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdout.close()  # the editor went away without a word
    try:
        for i in range(2000):
            proc.stdin.write(frame(initialize() if i == 0 else inline_request(f"r{i}")))
        proc.stdin.close()
    except BrokenPipeError:
        pass
    assert proc.wait(30) == 0
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert "Traceback" not in err


def test_a_progress_bar_the_client_never_grants_does_not_hold_the_completion(mock):
    """window/workDoneProgress/create left unanswered: the slow completion is answered as
    soon as it is ready, not after the server gives up on the bar (10 s)."""
    mock.script({"delay": 1.5, "text": "slow_answer()"})
    proc, wire = start_stdio(mock)
    try:
        caps = {"window": {"workDoneProgress": True}}
        init = _initialize_with(caps)
        init["params"]["initializationOptions"]["completionProgress"] = True
        wire.send(init, notification("initialized"), did_open(), inline_request("slow"))
        wire.wait_for(lambda m: m.get("method") == "window/workDoneProgress/create")
        items = wire.answer("slow", timeout=5)["result"]["items"]
        assert [i["insertText"] for i in items] == ["slow_answer()"]
    finally:
        stop(proc)


def test_an_unreadable_answer_to_apply_edit_ends_generate_at_once(mock):
    """An answer lsprotocol cannot read (`result: null` to workspace/applyEdit) tells the
    waiting command so; it does not wait out its timeout."""
    mock.script({"text": "return a + b\n"}, path=CHAT)
    proc, wire = start_stdio(mock)
    try:
        wire.send(initialize(options={"timeoutMs": 30000}), notification("initialized"))
        wire.send(did_open(text="def add(a, b):\n    # add them\n    "))
        wire.answer("init")
        arguments = [{"textDocument": {"uri": DOC}, "position": {"line": 2, "character": 4}}]
        params = {"command": "ds-lsp.generateCodeBlock", "arguments": arguments}
        wire.send(
            {"jsonrpc": "2.0", "id": "gen", "method": "workspace/executeCommand", "params": params}
        )
        edit = wire.wait_for(lambda m: m.get("method") == "workspace/applyEdit")
        wire.send({"jsonrpc": "2.0", "id": edit["id"], "result": None})
        assert wire.answer("gen", timeout=20)["result"]["applied"] is False
    finally:
        stop(proc)


def _messages(data: bytes) -> list[dict]:
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(head.split(b"Content-Length:")[1].split(b"\r\n")[0])
        out.append(json.loads(rest[:length]))
        data = rest[length:]
    return out


async def test_snooze_pauses_automatic_suggestions_until_resumed(start, mock, tmp_path):
    """ds-lsp.snooze {"minutes": n}: automatic requests answer nothing and ask nothing
    upstream, an explicit request still answers, the status says so; 0 resumes."""
    client = await start(init={"prefetch": False})
    uri = (tmp_path / "s.py").as_uri()
    open_doc(client, uri, "x = \n")
    snooze = types.ExecuteCommandParams(command="ds-lsp.snooze", arguments=[{"minutes": 15}])
    result = await client.workspace_execute_command_async(snooze)
    assert result["snoozedUntil"]
    assert await inline(client, uri, 0, 4, invoked=False) == []
    assert mock.fim_requests() == []
    assert any(s.get("state") == "snoozed" for s in client.status)
    assert (await inline(client, uri, 0, 4))[0].insert_text == "return a + b"
    resume = types.ExecuteCommandParams(command="ds-lsp.snooze", arguments=[{"minutes": 0}])
    assert (await client.workspace_execute_command_async(resume)) == {"snoozedUntil": None}
    assert (await inline(client, uri, 0, 4, invoked=False))[0].insert_text == "return a + b"
