"""One client's messages, checked, into pygls: the step between the frame reader (frames.py)
and pygls's public `structure_message`/`handle_message`.

pygls answers every message. This module only decides which messages pygls may see as the
client sent them, and has pygls refuse the rest:
- a frame that cannot be read gets a Parse error; JSON nested deeper than `MAX_DEPTH`, or
  that is not a JSON-RPC message (a batch, a numeric method, a bad id), Invalid request;
- the lifecycle: requests before `initialize` get ServerNotInitialized (-32002) and reach
  nothing, notifications before it are dropped; a second `initialize` and every request
  after `shutdown` get InvalidRequest; `exit` is always taken;
- params that lsprotocol cannot read get Invalid params, except the completion requests,
  which get an empty answer (a completion request never gets an error).
A refusal is itself a request handed to pygls, for the reserved method `REFUSED`, whose
handler (server.py) raises the error or returns the answer; so even refusals are answered
by pygls, in order with everything else.

Keys the client sends (in `initialize`, `didChangeConfiguration` and its answers to
`workspace/configuration`) are registered with redact.py before anything can log them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from lsprotocol import types
from lsprotocol.types import ResponseError, ResponseErrorMessage
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcParseError,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import JsonRPCProtocol, JsonRPCRequestMessage

from ds_lsp import redact
from ds_lsp.lsp.frames import FrameError, FrameReader, id_of, may_be_too_deep, problem, too_deep

log = logging.getLogger(__name__)

REFUSED = "$/ds-lsp/refused"  # the reserved method of refusals (see the module docstring)
# completion requests never get a JSON-RPC error: unreadable params get an empty answer
EMPTY_ANSWERS: dict[str, Any] = {
    types.TEXT_DOCUMENT_INLINE_COMPLETION: types.InlineCompletionList(items=[]),
    types.TEXT_DOCUMENT_COMPLETION: types.CompletionList(is_incomplete=False, items=[]),
}


class Refused(JsonRpcException):
    """The error pygls answers for a refused request."""


@dataclass(frozen=True)
class Refusal:
    """What a refused request is answered: an error, or (completion requests) a result."""

    error: Refused | None = None
    result: Any = None

    def answer(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result


def refused(kind: type[JsonRpcException], message: str) -> Refused:
    """A refusal error with the code of `kind` (ParseError, InvalidRequest, ...)."""
    return Refused(message=message, code=kind.CODE)


class PyglsNoise(logging.Filter):
    """pygls logs a traceback for every error a handler raises and for every message it
    cannot structure: a refusal is no failure, and an unreadable message gets one line from
    the connection instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, Refused):
            return False
        return not str(record.msg).startswith("Unable to deserialize message")


class Connection:
    """One client's messages, checked, into the pygls protocol (whose `shut_down` says
    whether the client sent `shutdown`)."""

    def __init__(self, protocol: JsonRPCProtocol) -> None:
        self.protocol = protocol
        self.initialized = False

    @property
    def shut_down(self) -> bool:
        return bool(getattr(self.protocol, "shut_down", False))

    async def serve(self, frames: FrameReader, settle: Callable[[], Awaitable[None]]) -> None:
        """Serve frames until end of input; `settle`, awaited before each frame is read,
        waits while the server loads its core or the client reads slowly (backpressure)."""
        while True:
            await settle()
            item = await frames.next()
            if item is None:
                log.info("end of input")
                return
            self.take(item)

    def take(self, item: bytes | FrameError) -> None:
        """Check one frame and hand it to pygls, or have pygls refuse it."""
        if isinstance(item, FrameError):
            self.refuse(item.msg_id, refused(JsonRpcParseError, f"Parse error: {item.message}"))
            return
        data = self._parse(item)
        if data is None:
            return
        method = data.get("method")
        _register_secrets(method, data)
        if not self._allowed(data, method):
            return
        message = self._structure(data, method)
        if message is None:
            return
        self._hand_over(message, method)
        self.initialized |= method == types.INITIALIZE and "id" in data

    def refuse(self, msg_id: Any, error: Refused) -> None:
        """Have pygls answer request `msg_id` with `error`."""
        self._hand_over(_reserved(msg_id, Refusal(error=error)), REFUSED)

    def answer_empty(self, msg_id: Any, method: str) -> None:
        """Have pygls answer a completion request whose params it cannot read: no items."""
        self._hand_over(_reserved(msg_id, Refusal(result=EMPTY_ANSWERS[method])), REFUSED)

    def _hand_over(self, message: Any, method: str | None) -> None:
        """pygls handles `message`; whatever goes wrong in there never ends the session."""
        try:
            self.protocol.handle_message(message)
        except Exception as exc:
            debug = log.isEnabledFor(logging.DEBUG)
            what = method or "a response"
            log.warning("pygls failed to handle %s: %r", what, exc, exc_info=debug)

    def _parse(self, body: bytes) -> dict[str, Any] | None:
        """The message as JSON, or None after having it refused. Never logs the bytes: a
        broken message may hold a key not yet registered for masking."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            log.warning("unparseable frame (%d bytes)", len(body))
            self.refuse(None, refused(JsonRpcParseError, "Parse error"))
            return None
        if isinstance(data, (dict, list)) and may_be_too_deep(body) and too_deep(data):
            log.warning("message nested too deeply (%d bytes)", len(body))
            error = refused(JsonRpcInvalidRequest, "Invalid request: nested too deeply")
            self.refuse(id_of(data), error)
            return None
        reason = problem(data)
        if reason:
            log.warning("malformed message (%d bytes): %s", len(body), reason)
            if isinstance(data, list) or (isinstance(data, dict) and "method" in data):
                error = refused(JsonRpcInvalidRequest, f"Invalid request: {reason}")
                self.refuse(id_of(data), error)
            return None
        assert isinstance(data, dict)
        return data

    def _allowed(self, data: dict[str, Any], method: str | None) -> bool:
        """The LSP lifecycle: initialize first, nothing but exit after shutdown."""
        if method == types.EXIT:
            return True
        request = method is not None and "id" in data
        if self.shut_down:
            if request:
                self.refuse(
                    data["id"], refused(JsonRpcInvalidRequest, "the server is shutting down")
                )
            return False
        if not self.initialized:
            if method == types.INITIALIZE and request:
                return True
            if request:
                self.refuse(
                    data["id"], refused(JsonRpcServerNotInitialized, "Server not initialized")
                )
            else:
                log.info("dropping %s before initialize", method or "a response")
            return False
        if method == types.INITIALIZE:
            if request:
                error = refused(JsonRpcInvalidRequest, "initialize was already received")
                self.refuse(data["id"], error)
            return False
        return True

    def _structure(self, data: dict[str, Any], method: str | None) -> Any:
        """pygls's typed message, or None after having it refused (or its waiter told)."""
        if method is not None and "params" not in data:  # JSON-RPC lets params be left out
            data["params"] = {} if method == types.INITIALIZED else None
        try:
            return self.protocol.structure_message(data)
        except JsonRpcException as exc:  # params (or a result) lsprotocol cannot read
            detail = f"{exc.__cause__ or exc}".split("\n", 1)[0][:300]
            log.warning("unreadable %s: %s", method or "answer", detail)
            if method is None:  # an answer: whoever waits for it hears so now
                error = ResponseError(code=JsonRpcInvalidParams.CODE, message="unreadable answer")
                self._hand_over(ResponseErrorMessage(id=data["id"], error=error), None)
            elif "id" in data and method in EMPTY_ANSWERS:
                self.answer_empty(data["id"], method)
            elif "id" in data:
                self.refuse(data["id"], refused(JsonRpcInvalidParams, f"Invalid params: {detail}"))
            return None


def _reserved(msg_id: Any, refusal: Refusal) -> JsonRPCRequestMessage:
    """A request for the reserved method, carrying what pygls is to answer."""
    return JsonRPCRequestMessage(id=msg_id, method=REFUSED, jsonrpc="2.0", params=refusal)


def _register_secrets(method: str | None, data: dict[str, Any]) -> None:
    """Keys the client sends (settings of every backend) are masked in every log line."""
    if method is None:
        redact.register_from(data.get("result"))
    elif method in (types.INITIALIZE, types.WORKSPACE_DID_CHANGE_CONFIGURATION):
        redact.register_from(data.get("params"))
