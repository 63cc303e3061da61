"""Running the server on a connection: stdio (the default), TCP or a Unix socket.

Every transport serves one session the same way: frames read by the hardened loop in
transport.py go to the hot path (hot_path.py), which answers `initialize` at once and serves
the first completion without pygls; pygls loads later for the long tail (tail.py).

TCP and Unix sockets serve one client session, like stdio: the first connection that is
let in is the session, and the server stops when that client leaves. Any other connection
while one is attached (or being checked) is closed at once and logged; it never touches
the first. A Unix socket is created with mode 0600.

The token (`--token` / `DS_LSP_TOKEN`): the first message must be the `initialize` request
carrying it as `initializationOptions.token` (or `initializationOptions["ds-lsp"].token`),
the one place every editor lets a user put a value into the handshake. A missing or wrong
token, another first message, or none within AUTH_TIMEOUT_S gets an error answer and the
connection is closed before anything is processed; the server keeps listening. The token is
removed from the message before the server or any log line sees it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import os
import socket
import stat
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from ds_lsp import redact
from ds_lsp.lsp import transport
from ds_lsp.lsp.hot_path import HotPath

log = logging.getLogger(__name__)

AUTH_TIMEOUT_S = 10.0  # a connection must send its initialize within this
PRE_AUTH_MAX_FRAME = 1 << 20  # an initialize is small; nothing big before the token is seen
TOKEN_MESSAGE = (
    "ds-lsp: this server needs its token as initializationOptions.token in the initialize "
    "request (see SECURITY.md)"
)


async def run_stdio() -> None:
    """Serve one client on stdin/stdout until end of input."""
    skip_unused_imports()
    frames = transport.FrameReader(await transport.stdin_reader())
    await serve_session(frames, transport.StdoutWriter())


async def serve_session(
    frames: transport.FrameReader,
    writer: transport.Writer,
    first: bytes | None = None,
    drain: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """One client session until it leaves: `first`, a frame already read (the token
    check's); `drain` waits while the client reads slowly."""
    hot = HotPath(transport.Outbox(writer))
    connection = transport.Connection(hot.out.send, hot)

    async def settle() -> None:  # no frame is read before the core is in: backpressure
        await hot.ready()
        if drain is not None:
            await drain()

    if first is not None:
        connection.take(first)
    await connection.serve(frames, settle)


def skip_unused_imports() -> None:
    """Optional imports that cost startup time and serve nothing in the server: httpcore
    imports trio when it is installed (ds-lsp runs on asyncio), httpx its command line
    (click, rich, pygments). None in sys.modules makes them fail at once, as if absent."""
    for name in ("trio", "httpx._main"):
        if name not in sys.modules:
            sys.modules[name] = None  # type: ignore[assignment]


def is_loopback_host(host: str) -> bool:
    """Whether `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class OneClient:
    """Lets in one client session; refuses every other connection while it is attached."""

    def __init__(self, token: str | None) -> None:
        self.token = token or None
        self.busy = False
        self.finished = asyncio.Event()  # the session ended: the server stops

    async def connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername") or "a local client"
        if self.busy:
            log.warning("refused a connection from %s: another client is attached", peer)
            writer.close()
            return
        self.busy = True
        attached = False
        try:
            limit = PRE_AUTH_MAX_FRAME if self.token else transport.MAX_FRAME
            frames = transport.FrameReader(reader, max_frame=limit)
            if not await self._speaks_lsp(frames, peer):
                return
            first = await self._let_in(frames, writer, peer) if self.token else None
            if self.token and first is None:
                return
            attached = True
            frames.max_frame = transport.MAX_FRAME
            log.info("client %s attached", peer)
            await _session(frames, writer, first)
        except (ConnectionError, OSError) as exc:
            log.info("connection from %s failed: %s", peer, exc)
        finally:
            with contextlib.suppress(Exception):
                writer.close()
            if attached:
                log.info("client %s left", peer)
                self.finished.set()
            else:
                self.busy = False

    @staticmethod
    async def _speaks_lsp(frames: transport.FrameReader, peer: Any) -> bool:
        """Only a connection that opens with an LSP header is attached (never one that
        opens with an HTTP request line, which a web page can send to a local port)."""
        try:
            ok = await asyncio.wait_for(frames.starts_like_lsp(), AUTH_TIMEOUT_S)
        except TimeoutError:
            ok = False
        if not ok:
            log.warning("refused %s: it does not open with an LSP header", peer)
        return ok

    async def _let_in(
        self, frames: transport.FrameReader, writer: asyncio.StreamWriter, peer: Any
    ) -> bytes | None:
        """The first frame, the token taken out, when it carries the token; else None."""
        try:
            first = await asyncio.wait_for(frames.next(), AUTH_TIMEOUT_S)
        except TimeoutError:
            log.warning("refused %s: no initialize within %g s", peer, AUTH_TIMEOUT_S)
            return None
        assert self.token is not None
        body, msg_id = check_token(first, self.token)
        if body is None:
            log.warning("refused %s: missing or wrong token", peer)
            answer = {
                "jsonrpc": "2.0",
                "id": msg_id,
                "error": {"code": transport.INVALID_REQUEST, "message": TOKEN_MESSAGE},
            }
            writer.write(_frame(answer))
            with contextlib.suppress(ConnectionError, OSError):
                await writer.drain()
        return body


async def _session(
    frames: transport.FrameReader, writer: asyncio.StreamWriter, first: bytes | None
) -> None:
    """The language server for one attached client, until it leaves."""
    await serve_session(frames, writer, first, drain=writer.drain)


def check_token(first: bytes | transport.FrameError | None, token: str) -> tuple[Any, Any]:
    """(the initialize frame without its token, its id) when it carries `token`, else
    (None, the id to answer)."""
    if not isinstance(first, bytes):
        return None, None
    try:
        data = json.loads(first)
    except (ValueError, RecursionError):
        return None, None
    if not isinstance(data, dict) or transport.too_deep(data):
        return None, None
    msg_id = data.get("id")
    msg_id = msg_id if isinstance(msg_id, (int, str)) and not isinstance(msg_id, bool) else None
    params = data.get("params")
    options = params.get("initializationOptions") if isinstance(params, dict) else None
    if data.get("method") != "initialize" or not isinstance(options, dict):
        return None, msg_id
    holders = [options]
    if isinstance(options.get("ds-lsp"), dict):
        holders.append(options["ds-lsp"])
    given = [h.pop("token") for h in holders if "token" in h]
    if not given or not all(_same(g, token) for g in given):
        return None, msg_id
    return json.dumps(data).encode(), msg_id


def _same(given: Any, token: str) -> bool:
    """Whether `given` is the token (compared in constant time)."""
    return isinstance(given, str) and hmac.compare_digest(given.encode(), token.encode())


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def run_tcp(host: str, port: int, token: str | None = None) -> None:
    """Listen on host:port for one client session; stop when that client leaves."""
    redact.register(token)
    skip_unused_imports()
    clients = OneClient(token)
    tcp = await asyncio.start_server(clients.connection, host, port)
    log.info("listening on %s:%d%s", host, port, " (token required)" if token else "")
    async with tcp:
        await clients.finished.wait()


async def run_unix(path: str, token: str | None = None) -> None:
    """Listen on a Unix socket (mode 0600) for one client session."""
    redact.register(token)
    skip_unused_imports()
    _clear_stale_socket(path)
    clients = OneClient(token)
    old_mask = os.umask(0o177)  # the socket is born 0600: no window where others may connect
    try:
        unix = await asyncio.start_unix_server(clients.connection, path)
    finally:
        os.umask(old_mask)
    os.chmod(path, 0o600)
    log.info("listening on %s%s", path, " (token required)" if token else "")
    try:
        async with unix:
            await clients.finished.wait()
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _clear_stale_socket(path: str) -> None:
    """Remove a socket file a dead server left; refuse to touch anything else."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        raise SystemExit(f"ds-lsp: {path} exists and is not a socket; not replacing it")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(path)
        except OSError:
            os.unlink(path)  # nobody listens: stale
            return
    raise SystemExit(f"ds-lsp: another server is listening on {path}")
