"""The JSON-RPC frame loop over stdio or TCP, hardened against malformed input.

pygls's own loop hands every parsed frame to the protocol and may stop answering after some
malformed ones (a numeric "method", a batch array, a non-object body). This loop reads
`Content-Length` frames from an asyncio stream, rejects what is not a well-formed JSON-RPC
message with the proper error response (or a log line for notifications), and only then
passes the message to pygls. It never stops on bad input; it stops at end of input or on
`exit`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ds_lsp.lsp.pygls_internals import answered_elsewhere, send_payload

if TYPE_CHECKING:  # pygls is imported by the server, after the early initialize answer
    from pygls.protocol import JsonRPCProtocol

log = logging.getLogger(__name__)

PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS = -32700, -32600, -32602
# completion requests never get a JSON-RPC error: bad params get an empty answer
EMPTY_ANSWERS: dict[str, Any] = {
    "textDocument/inlineCompletion": {"items": []},
    "textDocument/completion": {"isIncomplete": False, "items": []},
}


async def read_frame(reader: asyncio.StreamReader) -> bytes | None:
    """The body of the next frame; None at end of input."""
    length = None
    while True:
        line = await reader.readline()
        if not line:
            return None
        text = line.decode("ascii", "replace").strip()
        if not text:
            if length is not None:
                break
            continue
        name, _, value = text.partition(":")
        if name.strip().lower() == "content-length":
            try:
                length = int(value.strip())
            except ValueError:
                log.warning("bad Content-Length header: %r", text[:80])
    return await reader.readexactly(length) if length else b""


def problem(data: Any) -> str | None:
    """Why `data` is not a JSON-RPC message pygls can take, or None."""
    if not isinstance(data, dict):
        return "message is not a JSON object"
    if data.get("jsonrpc") != "2.0":
        return "jsonrpc must be '2.0'"
    msg_id = data.get("id")
    if ("id" in data and not isinstance(msg_id, (int, str))) or isinstance(msg_id, bool):
        return "id must be a number or a string"
    if "method" in data:
        if not isinstance(data["method"], str):
            return "method must be a string"
        if "params" in data and not isinstance(data["params"], (dict, list, type(None))):
            return "params must be an object or an array"
    elif "id" not in data:
        return "message has neither method nor id"
    return None


def _reply_error(protocol: JsonRPCProtocol, msg_id: Any, code: int, message: str) -> None:
    payload = {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}
    send_payload(protocol, payload)


FastHandlers = dict[str, Callable[[Any], None]]


def handle_body(
    protocol: JsonRPCProtocol,
    body: bytes,
    fast: FastHandlers | None = None,
    answered: int | str | None = None,
) -> None:
    """Validate one frame and hand it to pygls, answering errors for bad requests.

    Notifications in `fast` (didChange: every keystroke) skip pygls's typed structuring and
    go straight to their handler as plain JSON. `answered`: the id of a request that was
    already answered (initialize, see initialize_answer.py); pygls handles it without replying.
    """
    if answered is not None:
        with answered_elsewhere(protocol, answered):
            handle_body(protocol, body, fast)
        return
    try:
        data = json.loads(body)
    except ValueError:
        log.warning("unparseable frame: %r", body[:120])
        _reply_error(protocol, None, PARSE_ERROR, "Parse error")
        return
    reason = problem(data)
    msg_id = data.get("id") if isinstance(data, dict) else None
    if reason:
        log.warning("malformed message (%s): %r", reason, body[:120])
        if isinstance(data, list) or (isinstance(data, dict) and "method" in data):
            reply_id = msg_id if isinstance(msg_id, (int, str)) else None
            _reply_error(protocol, reply_id, INVALID_REQUEST, f"Invalid request: {reason}")
        return
    handler = fast.get(data.get("method", "")) if fast and "id" not in data else None
    if handler is not None:
        try:
            handler(data.get("params"))
        except Exception:
            log.exception("failed to handle %s", data["method"])
        return
    try:
        message = json.loads(body, object_hook=protocol.structure_message)
    except Exception as exc:
        log.warning("cannot read %s: %s", data.get("method", "response"), exc)
        if "method" in data and msg_id is not None:
            empty = EMPTY_ANSWERS.get(data["method"])
            if empty is not None:
                send_payload(protocol, {"jsonrpc": "2.0", "id": msg_id, "result": empty})
            else:
                _reply_error(protocol, msg_id, INVALID_PARAMS, f"Invalid params: {exc}")
        return
    try:
        protocol.handle_message(message)
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception:
        log.exception("failed to handle %s", data.get("method", "a response"))


async def serve(
    reader: asyncio.StreamReader, protocol: JsonRPCProtocol, fast: FastHandlers | None = None
) -> None:
    """Serve frames until end of input."""
    while True:
        try:
            body = await read_frame(reader)
        except asyncio.IncompleteReadError:
            log.info("input ended inside a frame")
            return
        except ValueError as exc:  # a header line longer than the stream limit
            log.warning("skipping bad input: %s", exc)
            continue
        if body is None:
            log.info("end of input")
            return
        if body:
            handle_body(protocol, body, fast)


async def stdin_reader() -> asyncio.StreamReader:
    """stdin as an asyncio stream (a pipe directly; anything else through a thread)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 20)
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    except (ValueError, OSError):
        threading.Thread(target=_pump, args=(loop, reader), daemon=True).start()
    return reader


def _pump(loop: asyncio.AbstractEventLoop, reader: asyncio.StreamReader) -> None:
    read = getattr(sys.stdin.buffer, "read1", sys.stdin.buffer.read)
    while data := read(65536):
        loop.call_soon_threadsafe(reader.feed_data, data)
    loop.call_soon_threadsafe(reader.feed_eof)


class StdoutWriter:
    """Frames to stdout, flushed at once."""

    def __init__(self) -> None:
        self._out = sys.stdout.buffer

    def write(self, data: bytes) -> None:
        self._out.write(data)
        self._out.flush()

    def close(self) -> None:
        self._out.flush()
