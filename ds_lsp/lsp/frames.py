"""The hardened frame reader in front of pygls: bytes in, one JSON-RPC body at a time.

pygls's own reader trusts every header. `FrameReader` cuts the byte stream into frames and
never stops on bad input, never holds more than one frame (at most 64 MiB) in memory, and
stops only at end of input. What it cannot read it reports as a `FrameError`, which the
connection (connection.py) has pygls answer with a Parse error.

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

`problem` and `too_deep` are the checks of a parsed body: the JSON-RPC shape, and nesting no
deeper than `MAX_DEPTH`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

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
                    log.info("input ended inside a header (%d bytes)", len(self._buf))
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
            # never the bytes themselves: a mis-framed body may hold a key not yet registered
            log.warning("skipping %d bytes that are not a frame", cut)
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


def valid_id(value: Any) -> bool:
    """Whether `value` can be a JSON-RPC id: a number or a string (never a boolean)."""
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def id_of(data: Any) -> int | str | None:
    """The id a message carries, when it is a valid one."""
    msg_id = data.get("id") if isinstance(data, dict) else None
    return msg_id if valid_id(msg_id) else None


def _id_of(part: bytes) -> int | str | None:
    """The id of a request whose body arrived whole but mis-framed, else None."""
    try:
        return id_of(json.loads(part))
    except (ValueError, RecursionError):
        return None


def problem(data: Any) -> str | None:
    """Why `data` is not a JSON-RPC message pygls can take, or None."""
    if not isinstance(data, dict):
        return "message is not a JSON object"
    if data.get("jsonrpc") != "2.0":
        return "jsonrpc must be '2.0'"
    if "id" in data and not valid_id(data["id"]):
        return "id must be a number or a string"
    if "method" in data:
        if not isinstance(data["method"], str):
            return "method must be a string"
        if "params" in data and not isinstance(data["params"], (dict, list, type(None))):
            return "params must be an object or an array"
    elif "id" not in data:
        return "message has neither method nor id"
    return None


def may_be_too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """False when `body` cannot nest deeper than `limit` (fewer brackets than that): a count
    at C speed spares the walk of every ordinary message."""
    return body.count(b"{") + body.count(b"[") > limit


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
