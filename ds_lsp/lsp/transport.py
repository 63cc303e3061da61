"""The JSON-RPC frame loop over stdio, TCP or a Unix socket, hardened against hostile input.

pygls's own loop hands every parsed frame to the protocol and may stop answering after some
malformed ones. Here `FrameReader` cuts the byte stream into frames and `Connection` checks
each one before pygls sees it. The server never stops on bad input, never holds more than
one frame (at most 64 MiB) in memory, and stops only at end of input or on `exit`.

Framing and the resync rule:
- A frame is header lines (`Name: value`, each ending in a line break), a blank line, and
  `Content-Length` bytes of body. Blank lines between frames are skipped.
- Bytes where a header should start that do not look like a header line (the tail of a
  frame whose Content-Length was too small, stray output), or a line with
  `Content-Length:` inside it (a tail glued to the next header), are dropped up to the
  next `Content-Length:`; that is the resync point.
- A header block without a Content-Length, or whose value is not a plain non-negative
  number (`-5`, `abc`, `12abc`, two different values), is answered with a Parse error;
  its body is then dropped by the rule above.
- Too small a Content-Length: the cut-off body gets a Parse error; the rest resyncs.
- Too large: a line `Content-Length: <digits>` with a raw line break cannot occur inside a
  JSON body (JSON strings hold no raw line breaks), so when one shows up before the
  declared end, the body is cut there: it gets a Parse error (with its id, when what came
  parses) and the frame that follows is served. When nothing follows, a body that stops
  arriving for `STALL_S` seconds is answered and dropped the same way.
- Over `MAX_FRAME` (64 MiB): answered at once, then discarded in chunks as it arrives
  (never buffered); a `Content-Length:` header line inside it ends the discarding early.

Checks per message (`Connection.take`): JSON that parses (nesting deeper than `MAX_DEPTH`
is refused), the JSON-RPC shape, and the lifecycle: requests before `initialize` get
ServerNotInitialized (-32002) and reach nothing, notifications before it are dropped;
after `shutdown` requests get InvalidRequest and only `exit` is taken. Secrets in
`initialize`, `didChangeConfiguration` and the client's responses (workspace/configuration)
are registered with redact.py before anything logs them. A checked message goes to the
connection's target: the hot path (hot_path.py), which hands what it does not serve to
pygls through `PyglsTarget`. `Outbox` writes messages framed as pygls frames them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import stat
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ds_lsp import redact
from ds_lsp.lsp.pygls_internals import answered_elsewhere, send_payload

if TYPE_CHECKING:  # pygls is imported by the server, after the early initialize answer
    from pygls.protocol import JsonRPCProtocol

log = logging.getLogger(__name__)

PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS = -32700, -32600, -32602
SERVER_NOT_INITIALIZED, REQUEST_CANCELLED = -32002, -32800
# completion requests never get a JSON-RPC error: bad params get an empty answer
EMPTY_ANSWERS: dict[str, Any] = {
    "textDocument/inlineCompletion": {"items": []},
    "textDocument/completion": {"isIncomplete": False, "items": []},
}
MAX_FRAME = 64 << 20  # bytes of one body
MAX_HEADER = 8 << 10  # bytes of one header block
MAX_DEPTH = 100  # nesting of JSON arrays and objects; LSP messages stay under 20
STALL_S = 10.0  # a body that stops arriving this long is answered and dropped
CHUNK = 1 << 16

_HEADER_LINE = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+[ \t]*:")
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]*[ \t]*")
_BLOCK_END = re.compile(rb"\r?\n\r?\n")
_CONTENT_LENGTH = re.compile(rb"(?i)content-length[ \t]*:")
_LSP_FIRST_LINE = re.compile(rb"(?i)content-(?:length|type)[ \t]*:")
_HEADER_IN_BODY = re.compile(rb"(?i)content-length[ \t]*:[ \t]*[0-9]+[ \t]*\r?\n")
_NAME = b"content-length:"


@dataclass(frozen=True)
class FrameError:
    """A frame that cannot be read as sent: answered with a Parse error."""

    message: str
    msg_id: int | str | None = None


class FrameReader:
    """Frames from a byte stream, resyncing after malformed ones (see the module doc)."""

    def __init__(
        self,
        stream: asyncio.StreamReader,
        max_frame: int = MAX_FRAME,
        stall: float = STALL_S,
    ) -> None:
        self._stream = stream
        self._buf = bytearray()
        self._eof = False
        self._discard = 0  # bytes of an oversized frame still to drop
        self.max_frame = max_frame
        self.stall = stall

    async def starts_like_lsp(self) -> bool:
        """Whether the first line of the stream is an LSP header (`Content-Length:` or
        `Content-Type:`). A socket connection that opens with anything else — an HTTP
        request line from a web page, say — is no editor and is never attached."""
        while b"\n" not in self._buf.lstrip(b" \t\r\n") and len(self._buf) < MAX_HEADER:
            if not await self._fill():
                return False
        first = self._buf.lstrip(b" \t\r\n").split(b"\n", 1)[0]
        return _LSP_FIRST_LINE.match(first) is not None

    @property
    def buffered(self) -> int:
        """Bytes held right now (at most one frame, or a chunk of an oversized one)."""
        return len(self._buf)

    async def next(self) -> bytes | FrameError | None:
        """The next body, or the problem of the next frame; None at end of input."""
        if self._discard:
            await self._drop_oversized()
        length = await self._header()
        if length is None:
            return None
        if isinstance(length, FrameError):
            return length
        if length > self.max_frame:
            self._discard = length
            log.warning("frame of %d bytes is over the limit; discarding it", length)
            return FrameError(f"frame of {length} bytes is over the {self.max_frame} byte limit")
        return await self._body(length)

    # ---- bytes in --------------------------------------------------------------------------
    async def _fill(self, timeout: float | None = None) -> bool | None:
        """Read more bytes: True, or False at end of input, or None after `timeout`."""
        if self._eof:
            return False
        try:
            data = await asyncio.wait_for(self._stream.read(CHUNK), timeout)
        except TimeoutError:
            return None
        except (ConnectionError, OSError) as exc:
            log.info("input failed: %s", exc)
            data = b""
        if not data:
            self._eof = True
            return False
        self._buf += data
        return True

    # ---- headers ---------------------------------------------------------------------------
    async def _header(self) -> int | FrameError | None:
        """The declared length of the next frame (or its problem); None at end of input."""
        while True:
            self._drop_garbage()
            end = _BLOCK_END.search(self._buf, 0, MAX_HEADER)
            if end is not None:
                block = bytes(self._buf[: end.end()])
                del self._buf[: end.end()]
                return self._length(block)
            if len(self._buf) >= MAX_HEADER:  # a header that never ends: not a header
                log.warning("header block over %d bytes; resyncing", MAX_HEADER)
                self._drop_to_header(start=1)
                continue
            if not await self._fill():
                if self._buf.strip():
                    log.info("input ended inside a header: %r", bytes(self._buf[:80]))
                return None

    def _drop_garbage(self) -> None:
        """Drop leading blank lines, and bytes that cannot start a header."""
        blank = len(self._buf) - len(self._buf.lstrip(b" \t\r\n"))
        del self._buf[:blank]
        if not self._buf:
            return
        nl = self._buf.find(b"\n")
        line = bytes(self._buf[: nl if nl >= 0 else len(self._buf)])
        # a body's tail glued to the next header ('note: hi"}Content-Length: 52') is no header
        glued = _CONTENT_LENGTH.search(line, 1) is not None
        if not glued and _HEADER_LINE.match(line):
            return  # a header line
        if not glued and nl < 0 and _TOKEN.fullmatch(line):
            return  # what may still become a header line
        self._drop_to_header(start=1)

    def _drop_to_header(self, start: int) -> None:
        """Drop bytes up to the next `Content-Length:` at or after `start` (the resync)."""
        found = _CONTENT_LENGTH.search(self._buf, start)
        if found is not None:
            cut = found.start()
        else:  # keep a tail that may be the start of "Content-Length:"
            keep = next(
                (
                    k
                    for k in range(min(len(_NAME), len(self._buf)), 0, -1)
                    if _NAME.startswith(bytes(self._buf[-k:]).lower())
                ),
                0,
            )
            cut = len(self._buf) - keep
        if cut:
            log.warning("skipping %d bytes that are not a frame: %r", cut, bytes(self._buf[:60]))
            del self._buf[:cut]

    @staticmethod
    def _length(block: bytes) -> int | FrameError:
        """The Content-Length of a header block, or why it has none that can be trusted."""
        values = set()
        for raw in block.splitlines():
            line = raw.strip()
            if not line:
                continue
            if not _HEADER_LINE.match(line):
                return FrameError(f"malformed header line {line[:60]!r}")
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                values.add(value.strip())
        if not values:
            return FrameError("frame without a Content-Length header")
        if len(values) > 1:
            return FrameError("frame with conflicting Content-Length headers")
        value = values.pop()
        if not value.isdigit() or len(value) > 15:
            return FrameError(f"bad Content-Length {value[:20].decode('ascii', 'replace')!r}")
        return int(value)

    # ---- bodies ----------------------------------------------------------------------------
    async def _body(self, length: int) -> bytes | FrameError | None:
        scanned = 0
        while True:
            span = min(len(self._buf), length)
            found = _HEADER_IN_BODY.search(self._buf, max(0, scanned - 64), span + 64)
            if found is not None and found.start() < length:  # the length was too large
                part = bytes(self._buf[: found.start()])
                del self._buf[: found.start()]
                log.warning("Content-Length %d is larger than the frame; resyncing", length)
                return FrameError(
                    f"Content-Length {length} is larger than the body ({len(part)} bytes)",
                    _id_of(part),
                )
            if len(self._buf) >= length:
                body = bytes(self._buf[:length])
                del self._buf[:length]
                return body
            scanned = len(self._buf)
            more = await self._fill(self.stall)
            if more is False:
                log.info("input ended inside a frame")
                return None
            if more is None:
                part = bytes(self._buf)
                self._buf.clear()
                log.warning("frame stalled at %d of %d bytes; dropped", len(part), length)
                return FrameError(f"frame ended at {len(part)} of its {length} bytes", _id_of(part))

    async def _drop_oversized(self) -> None:
        """Drop the rest of an oversized frame as it arrives, a chunk at a time."""
        while self._discard:
            found = _HEADER_IN_BODY.search(self._buf, 0, min(len(self._buf), self._discard) + 64)
            if found is not None and found.start() < self._discard:
                del self._buf[: found.start()]  # a frame follows: the length was a lie
                break
            if len(self._buf) >= self._discard:
                del self._buf[: self._discard]
                break
            drop = max(0, len(self._buf) - 64)  # keep a tail: a header may straddle chunks
            del self._buf[:drop]
            self._discard -= drop
            if not await self._fill(self.stall):
                break
        self._discard = 0


def _id_of(part: bytes) -> int | str | None:
    """The id of a request whose body arrived whole but mis-framed, else None."""
    try:
        data = json.loads(part)
    except (ValueError, RecursionError):
        return None
    msg_id = data.get("id") if isinstance(data, dict) else None
    return msg_id if isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool) else None


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


def too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects nest deeper than `limit`."""
    todo = [(data, 1)]
    while todo:
        item, depth = todo.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        todo += [(c, depth + 1) for c in children if isinstance(c, (dict, list))]
    return False


Send = Callable[[dict[str, Any]], None]


class Writer(Protocol):
    """Where frames go: stdout, or a socket's StreamWriter."""

    def write(self, data: bytes) -> Any: ...

    def close(self) -> Any: ...


class Outbox:
    """Messages to the client, framed as pygls frames them, written at once."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()  # ASCII (ensure_ascii): bytes == characters
        if log.isEnabledFor(logging.DEBUG):
            log.debug("sending %s", body[:2000].decode())
        self.writer.write(
            b"Content-Length: %d\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8"
            b"\r\n\r\n%s" % (len(body), body)
        )

    def result(self, msg_id: Any, result: Any) -> None:
        self.send({"jsonrpc": "2.0", "id": msg_id, "result": result})

    def error(self, msg_id: Any, code: int, message: str) -> None:
        self.send({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}})

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})


class Target(Protocol):
    """Where checked messages go (the hot path, or pygls directly)."""

    def take(self, body: bytes, data: dict[str, Any], method: str | None) -> bool:
        """Handle one message; False when its params could not be read."""
        ...


class Connection:
    """One client's messages, checked, into one target."""

    def __init__(self, send: Send, target: Target) -> None:
        self.send = send
        self.target = target
        self.initialized = False
        self.shut_down = False

    async def serve(
        self, frames: FrameReader, settle: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        """Serve frames until end of input; `settle`, awaited before each frame is read,
        waits while the client reads slowly or the target is not ready for more."""
        while True:
            if settle is not None:
                await settle()
            item = await frames.next()
            if item is None:
                log.info("end of input")
                return
            self.take(item)

    def reply_error(self, msg_id: Any, code: int, message: str) -> None:
        self.send({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}})

    def take(self, item: bytes | FrameError) -> None:
        """Validate one frame and hand it to the target, answering errors for bad requests."""
        if isinstance(item, FrameError):
            self.reply_error(item.msg_id, PARSE_ERROR, f"Parse error: {item.message}")
            return
        data = self._parse(item)
        if data is None:
            return
        method = data.get("method")
        _register_secrets(method, data)
        if not self._allowed(data, method):
            return
        taken = self.target.take(item, data, method)
        if taken and "id" in data:
            self.initialized |= method == "initialize"
            self.shut_down |= method == "shutdown"

    def _parse(self, body: bytes) -> dict[str, Any] | None:
        """The message as JSON, or None after answering why it is not one."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            log.warning("unparseable frame: %r", body[:120])
            self.reply_error(None, PARSE_ERROR, "Parse error")
            return None
        if isinstance(data, (dict, list)) and too_deep(data):
            log.warning("message nested deeper than %d levels", MAX_DEPTH)
            msg_id = data.get("id") if isinstance(data, dict) else None
            reply_id = msg_id if isinstance(msg_id, (int, str)) else None
            self.reply_error(reply_id, INVALID_REQUEST, "Invalid request: nested too deeply")
            return None
        reason = problem(data)
        if reason:
            log.warning("malformed message (%s): %r", reason, body[:120])
            if isinstance(data, list) or (isinstance(data, dict) and "method" in data):
                msg_id = data.get("id") if isinstance(data, dict) else None
                reply_id = msg_id if isinstance(msg_id, (int, str)) else None
                self.reply_error(reply_id, INVALID_REQUEST, f"Invalid request: {reason}")
            return None
        return data

    def _allowed(self, data: dict[str, Any], method: str | None) -> bool:
        """The LSP lifecycle: initialize first, nothing but exit after shutdown."""
        if method == "exit":
            return True
        request = method is not None and "id" in data
        if self.shut_down:
            if request:
                self.reply_error(data["id"], INVALID_REQUEST, "the server is shutting down")
            return False
        if not self.initialized:
            if method == "initialize" and request:
                return True
            if request:
                self.reply_error(data["id"], SERVER_NOT_INITIALIZED, "Server not initialized")
            else:
                log.info("dropping %s before initialize", method or "a response")
            return False
        if method == "initialize":
            if request:
                self.reply_error(data["id"], INVALID_REQUEST, "initialize was already received")
            return False
        return True


class PyglsTarget:
    """Checked messages into a pygls protocol.

    A request whose params pygls cannot read gets Invalid params, except the completion
    requests, which get an empty answer.
    """

    def __init__(self, protocol: JsonRPCProtocol) -> None:
        self.protocol = protocol

    def take(
        self,
        body: bytes,
        data: dict[str, Any],
        method: str | None,
        answered: int | str | None = None,
    ) -> bool:
        """`answered`: the id of a request that was already answered (initialize, see
        initialize_answer.py); pygls handles it without replying."""
        if answered is None:
            return self._hand_over(body, data, method)
        with answered_elsewhere(self.protocol, answered):
            return self._hand_over(body, data, method)

    def _hand_over(self, body: bytes, data: dict[str, Any], method: str | None) -> bool:
        msg_id = data.get("id")
        try:
            message = json.loads(body, object_hook=self.protocol.structure_message)
        except Exception as exc:
            log.warning("cannot read %s: %s", method or "response", exc)
            if method is not None and msg_id is not None:
                empty = EMPTY_ANSWERS.get(method)
                error = {"code": INVALID_PARAMS, "message": f"Invalid params: {exc}"}
                reply = {"result": empty} if empty is not None else {"error": error}
                send_payload(self.protocol, {"jsonrpc": "2.0", "id": msg_id, **reply})
            return False
        try:
            self.protocol.handle_message(message)
        except (SystemExit, KeyboardInterrupt):
            raise
        except Exception:
            log.exception("failed to handle %s", method or "a response")
        return True


def _register_secrets(method: str | None, data: dict[str, Any]) -> None:
    """Keys the client sends (settings of every backend) are masked in every log line."""
    if method is None:
        redact.register_from(data.get("result"))
    elif method in ("initialize", "workspace/didChangeConfiguration"):
        redact.register_from(data.get("params"))


async def stdin_reader() -> asyncio.StreamReader:
    """stdin as an asyncio stream (a pipe or socket directly; anything else through a thread:
    epoll refuses /dev/null and files, and asyncio would then wait forever)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 20)
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
        if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
            raise ValueError("not a pipe")
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
