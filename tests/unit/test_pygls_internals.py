"""The pygls internals ds-lsp relies on (lsp/pygls_internals.py) still exist and behave.

pygls is pinned to ~=2.1.1; a newer pygls that renames any of these fails here, by name,
rather than in an editor.
"""

from __future__ import annotations

import asyncio
import json
from importlib.metadata import version

from ds_lsp.lsp import pygls_internals
from ds_lsp.lsp.server import create_server


class Capture:
    """A writer that keeps every frame the protocol writes."""

    def __init__(self) -> None:
        self.frames: list[dict] = []

    def write(self, data: bytes) -> None:
        self.frames.append(json.loads(data.split(b"\r\n\r\n", 1)[1]))

    def close(self) -> None:
        pass


def _protocol():  # type: ignore[no-untyped-def]
    server = create_server()
    capture = Capture()
    server.protocol.set_writer(capture)
    return server.protocol, capture


def test_pygls_is_the_pinned_minor_version() -> None:
    assert version("pygls").startswith("2.1.")


def test_send_payload_writes_a_raw_message() -> None:
    protocol, capture = _protocol()
    pygls_internals.send_payload(protocol, {"jsonrpc": "2.0", "id": 7, "result": None})
    assert capture.frames == [{"jsonrpc": "2.0", "id": 7, "result": None}]


def test_answered_elsewhere_drops_only_that_requests_answer() -> None:
    protocol, capture = _protocol()
    with pygls_internals.answered_elsewhere(protocol, 3):
        pygls_internals.send_payload(protocol, {"jsonrpc": "2.0", "id": 3, "result": 1})
        pygls_internals.send_payload(protocol, {"jsonrpc": "2.0", "id": 4, "result": 2})
    pygls_internals.send_payload(protocol, {"jsonrpc": "2.0", "id": 3, "result": 3})
    assert [f["result"] for f in capture.frames] == [2, 3]


async def test_request_future_is_the_one_cancel_request_cancels() -> None:
    protocol, _ = _protocol()
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    protocol._request_futures["req-1"] = future
    protocol._ctx_msg_id.set("req-1")  # what pygls does while it handles request req-1
    assert pygls_internals.request_future(protocol) is future
    protocol._handle_cancel_notification("req-1")  # what $/cancelRequest does
    assert future.cancelled()


async def test_shut_down_cancels_what_pygls_runs_and_refuses_what_follows() -> None:
    protocol, _ = _protocol()
    future = asyncio.get_running_loop().create_future()
    protocol._request_futures["gen-1"] = future  # a command in flight
    pygls_internals.shut_down(protocol)
    assert future.cancelled() and protocol._shutdown is True


def test_the_protocol_structures_and_handles_messages() -> None:
    """transport.py hands pygls parsed frames through these two public-but-low-level calls."""
    protocol, _ = _protocol()
    assert callable(protocol.structure_message) and callable(protocol.handle_message)
    assert hasattr(protocol, "msg_id") and isinstance(protocol._request_futures, dict)
