"""Every use of pygls's private API, in one place (pygls is pinned to ~=2.1.1).

Each buys a measured win or a fix pygls has no public hook for:
- `send_payload`: the hardened frame loop (transport.py) answers malformed frames itself;
- `answered_elsewhere`: the hot path answers `initialize` (initialize_answer.py) long before
  pygls is imported, so pygls's own answer to that request must be dropped;
- `request_future`: pygls runs a command handler in a task of its own that
  `$/cancelRequest` does not reach; generate links the request's future to its work;
- `shut_down`: the hot path serves `shutdown`; pygls, when loaded, must still cancel its
  requests in flight and refuse what follows, as its own shutdown handler does.
tests/unit/test_pygls_internals.py fails when any of these disappears from pygls.
Nothing here imports pygls: the transport runs before pygls is loaded.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pygls.protocol import JsonRPCProtocol, LanguageServerProtocol


def send_payload(protocol: JsonRPCProtocol, payload: Any) -> None:
    """Write one JSON-RPC message (a dict or a pygls message object) to the client."""
    protocol._send_data(payload)


@contextlib.contextmanager
def answered_elsewhere(protocol: JsonRPCProtocol, msg_id: int | str) -> Iterator[None]:
    """Drop whatever the protocol sends as the response to request `msg_id` in this block."""
    send = protocol._send_data

    def send_unless_answered(data: Any) -> None:
        if isinstance(data, dict) and data.get("id") == msg_id and "method" not in data:
            return
        if getattr(data, "id", None) == msg_id and not hasattr(data, "method"):
            return
        send(data)

    protocol._send_data = send_unless_answered  # type: ignore[method-assign]
    try:
        yield
    finally:
        del protocol._send_data  # back to the class's method


def request_future(protocol: JsonRPCProtocol) -> Any:
    """pygls's future of the request being handled; `$/cancelRequest` cancels it."""
    msg_id = protocol.msg_id
    return protocol._request_futures.get(msg_id) if msg_id is not None else None


def shut_down(protocol: LanguageServerProtocol) -> None:
    """Run pygls's own `shutdown` handling (no ds-lsp handler is registered for it): every
    request in flight is cancelled, and messages but `exit` are refused from now on."""
    for _ in protocol.lsp_shutdown():
        raise RuntimeError("a pygls shutdown handler is registered; the hot path serves it")
