"""The hot path in-process: where the client's answers and cancels go (its own requests vs
pygls's), and that pygls takes over with the same state."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from ds_lsp.lsp import transport
from ds_lsp.lsp.hot_path import HotPath

DOC = "file:///w/calc.py"


class Capture:
    """A writer that keeps every message written."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def write(self, data: bytes) -> None:
        while data:
            head, _, rest = data.partition(b"\r\n\r\n")
            length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            self.messages.append(json.loads(rest[:length]))
            data = rest[length:]

    def close(self) -> None:
        pass

    def answer(self, msg_id: Any) -> dict[str, Any]:
        [found] = [m for m in self.messages if m.get("id") == msg_id and "method" not in m]
        return found


def message(**fields: Any) -> bytes:
    return json.dumps({"jsonrpc": "2.0", **fields}).encode()


@pytest.fixture
async def served(monkeypatch: pytest.MonkeyPatch) -> tuple[HotPath, transport.Connection, Capture]:
    """A hot path past initialize, with its core in and a document open (no API key: nothing
    goes upstream)."""
    monkeypatch.delenv("DEEPSEEK_API_KEY", raising=False)
    capture = Capture()
    hot = HotPath(transport.Outbox(capture))
    connection = transport.Connection(hot.out.send, hot)
    caps = {"workspace": {"configuration": True}}
    connection.take(message(id=1, method="initialize", params={"capabilities": caps}))
    await hot.ready()
    connection.take(message(method="initialized", params={}))
    item = {"uri": DOC, "languageId": "python", "version": 1, "text": "x = \n"}
    connection.take(message(method="textDocument/didOpen", params={"textDocument": item}))
    return hot, connection, capture


async def test_initialize_is_answered_before_the_core_is_in(monkeypatch) -> None:
    monkeypatch.delenv("DEEPSEEK_API_KEY", raising=False)
    capture = Capture()
    hot = HotPath(transport.Outbox(capture))
    transport.Connection(hot.out.send, hot).take(
        message(id=1, method="initialize", params={"capabilities": {}})
    )
    assert capture.answer(1)["result"]["serverInfo"]["name"] == "ds-lsp"
    assert hot.state is None  # the core comes in afterwards
    await hot.ready()
    assert hot.state is not None and hot.state.docs.encoding == "utf-16"


async def test_the_answer_to_the_hot_paths_own_request_comes_back_to_it(served) -> None:
    hot, connection, capture = served
    [pull] = [m for m in capture.messages if m.get("method") == "workspace/configuration"]
    assert pull["id"].startswith("ds-lsp-")
    connection.take(message(id=pull["id"], result=[{"temperature": 0.5}]))
    await asyncio.wait_for(hot.state.configured.wait(), 5)
    assert hot.state.settings.temperature == 0.5


async def test_an_answer_to_pygls_goes_to_pygls(served) -> None:
    hot, connection, _ = served
    connection.take(message(id="0e7c-uuid", result=None))  # pygls not loaded: dropped
    hot.tail.load_now("test")
    protocol = hot.tail.server.protocol
    before = set(protocol._request_futures)
    future = protocol.send_request("test/askTheClient", {"question": 1})
    [sent_id] = set(protocol._request_futures) - before
    assert not sent_id.startswith("ds-lsp-")
    connection.take(message(id=sent_id, result={"answer": 42}))
    assert future.result(timeout=1).answer == 42


async def test_pygls_adopts_the_hot_paths_state(served) -> None:
    hot, _, _ = served
    hot.tail.load_now("test")
    server = hot.tail.server
    assert server.state is hot.state and server.docs.get(DOC) is not None
    assert server.client_capabilities.workspace.configuration is True  # the replayed initialize


async def test_cancel_request_reaches_the_hot_paths_request_and_pygls_others(served) -> None:
    hot, connection, capture = served
    hot.state.configured.clear()  # the completion waits for the settings pull meanwhile
    params = {
        "textDocument": {"uri": DOC},
        "position": {"line": 0, "character": 4},
        "context": {"triggerKind": 1},
    }
    connection.take(message(id=7, method="textDocument/inlineCompletion", params=params))
    connection.take(message(method="$/cancelRequest", params={"id": 7}))
    for _ in range(20):
        await asyncio.sleep(0)
    assert capture.answer(7)["error"]["code"] == transport.REQUEST_CANCELLED

    hot.tail.load_now("test")
    protocol = hot.tail.server.protocol
    future = asyncio.get_running_loop().create_future()
    protocol._request_futures["pygls-9"] = future
    connection.take(message(method="$/cancelRequest", params={"id": "pygls-9"}))
    assert future.cancelled()


async def test_notifications_for_pygls_wait_for_it_in_order(served) -> None:
    hot, connection, _ = served
    connection.take(message(method="$/setTrace", params={"value": "verbose"}))
    assert not hot.tail.loaded
    hot.tail.load_now("test")
    assert hot.tail.server.protocol.trace == "verbose"


async def test_shutdown_cancels_in_flight_requests_and_pygls_refuses_more(served) -> None:
    hot, connection, capture = served
    hot.tail.load_now("test")
    hot.state.configured.clear()
    params = {
        "textDocument": {"uri": DOC},
        "position": {"line": 0, "character": 4},
        "context": {"triggerKind": 1},
    }
    connection.take(message(id=8, method="textDocument/inlineCompletion", params=params))
    await asyncio.sleep(0)
    connection.take(message(id=9, method="shutdown"))
    assert capture.answer(9)["result"] is None
    for _ in range(20):
        await asyncio.sleep(0)
    assert capture.answer(8)["error"]["code"] == transport.REQUEST_CANCELLED
    assert hot.tail.server.protocol._shutdown is True
    with pytest.raises(SystemExit) as stopped:
        connection.take(message(method="exit"))
    assert stopped.value.code == 0
