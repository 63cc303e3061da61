"""Running the server on a connection: stdio (the default), TCP or a Unix socket.

Every transport serves one session the same way: the hardened frame reader (frames.py)
cuts the byte stream into frames, the connection (connection.py) checks each one and hands
it to pygls (server.py), and pygls writes every answer through one asyncio writer, which
never loses a byte to a short write (stdin and stdout may be one non-blocking socket:
`socat EXEC:ds-lsp`, inetd, systemd `Accept=yes`).

TCP and Unix sockets serve one client session, like stdio: the first connection that is
let in is the session, and the server stops when that client leaves. Until then a few
connections (PRE_AUTH_SLOTS) may be checked at once, each for at most AUTH_TIMEOUT_S, so one
silent local connection cannot hold the door; once a client is attached, any other
connection is closed at once and logged. A Unix socket is created with mode 0600.

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
import threading
from typing import Any, Protocol

from ds_lsp import redact
from ds_lsp.lsp import frames as framing

log = logging.getLogger(__name__)

AUTH_TIMEOUT_S = 5.0  # a connection must open with an LSP header, and its initialize, by then
PRE_AUTH_SLOTS = 4  # connections checked at once before one is attached
SETTLE_TIMEOUT_S = 1.0  # at the end, requests in flight get this long to answer
FLUSH_TIMEOUT_S = 5.0  # the client may have stopped reading
PRE_AUTH_MAX_FRAME = 1 << 20  # an initialize is small; nothing big before the token is seen
TOKEN_MESSAGE = (
    "ds-lsp: this server needs its token as initializationOptions.token in the initialize "
    "request (see SECURITY.md)"
)


class Writer(Protocol):
    """Where pygls writes frames: an asyncio StreamWriter, or blocking stdout."""

    def write(self, data: bytes) -> Any: ...

    async def drain(self) -> None: ...

    def close(self) -> Any: ...


async def run_stdio() -> None:
    """Serve one client on stdin/stdout until end of input."""
    skip_unused_imports()
    reader, writer = await stdio_streams()
    await serve_session(framing.FrameReader(reader), writer=writer)


async def serve_session(
    frames: framing.FrameReader, first: bytes | framing.FrameError | None = None, *, writer: Writer
) -> None:
    """One client session until it leaves (or sends exit); `first`, a frame already read
    (the socket check's)."""
    from ds_lsp.lsp.connection import Connection
    from ds_lsp.lsp.server import create_server

    server = create_server()
    server.protocol.set_writer(writer)
    connection = Connection(server.protocol)

    async def settle() -> None:  # no frame is read before the core is in: backpressure
        await server.ready()
        await writer.drain()

    try:
        if first is not None:
            connection.take(first)
        await connection.serve(frames, settle)
    except ConnectionError as exc:  # the client stopped reading: nobody to answer
        log.info("client went away: %s", exc)
    finally:
        await server.settle_requests(SETTLE_TIMEOUT_S)
        await _flush(writer)


async def _flush(writer: Writer) -> None:
    """Write out what is buffered (the last answers, before exit), then close: the buffer
    is drained to empty while the client reads, for at most FLUSH_TIMEOUT_S."""
    transport = getattr(writer, "transport", None)
    with contextlib.suppress(ConnectionError, OSError, RuntimeError, TimeoutError):
        if transport is not None and not transport.is_closing():
            transport.set_write_buffer_limits(high=0)  # drain() now waits for an empty buffer
            await asyncio.wait_for(writer.drain(), FLUSH_TIMEOUT_S)
        writer.close()


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
        self.attached = False
        self.checking = 0  # connections being checked now
        self.finished = asyncio.Event()  # the session ended: the server stops
        self.exit_code = 0
        self._refuser: Any = None  # one pygls server that answers refused tokens

    async def connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername") or "a local client"
        if self.attached or self.checking >= PRE_AUTH_SLOTS:
            why = "another client is attached" if self.attached else "too many waiting"
            log.warning("refused a connection from %s: %s", peer, why)
            writer.close()
            return
        self.checking += 1
        try:
            let_in = await self._check(reader, writer, peer)
        except asyncio.CancelledError:  # the server is stopping (3.11 would log it)
            writer.close()
            return
        finally:
            self.checking -= 1
        if let_in is None or self.attached:
            if let_in is not None:
                log.warning("refused %s: another client was attached meanwhile", peer)
            with contextlib.suppress(Exception):
                writer.close()
            return
        self.attached = True
        log.info("client %s attached", peer)
        try:
            await serve_session(*let_in, writer=writer)
        except SystemExit as exc:  # the client sent exit: the server stops with its code
            self.exit_code = exc.code if isinstance(exc.code, int) else 1
        except (ConnectionError, OSError) as exc:
            log.info("connection from %s failed: %s", peer, exc)
        finally:
            with contextlib.suppress(Exception):
                writer.close()
            log.info("client %s left", peer)
            self.finished.set()

    async def _check(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: Any
    ) -> tuple[framing.FrameReader, bytes | framing.FrameError] | None:
        """(frames, the first frame, without its token) for a connection that may be let in:
        within AUTH_TIMEOUT_S it opens with an LSP header (never an HTTP request line, which
        a web page can send to a local port) and sends its first frame, which with a token
        must be the initialize that carries it. None when it may not."""
        limit = PRE_AUTH_MAX_FRAME if self.token else framing.MAX_FRAME
        frames = framing.FrameReader(reader, max_frame=limit)
        try:
            async with asyncio.timeout(AUTH_TIMEOUT_S):
                if not await frames.starts_like_lsp():
                    log.warning("refused %s: it does not open with an LSP header", peer)
                    return None
                first = await frames.next()
        except TimeoutError:
            log.warning("refused %s: no first message within %g s", peer, AUTH_TIMEOUT_S)
            return None
        except (ConnectionError, OSError) as exc:
            log.info("connection from %s failed: %s", peer, exc)
            return None
        if first is None:
            return None
        if self.token is None:
            return frames, first
        body, msg_id = check_token(first, self.token)
        if body is None:
            log.warning("refused %s: missing or wrong token", peer)
            await self._refuse_token(writer, msg_id)
            return None
        frames.max_frame = framing.MAX_FRAME
        return frames, body

    async def _refuse_token(self, writer: asyncio.StreamWriter, msg_id: Any) -> None:
        """Answer the initialize without the right token with an error, through pygls."""
        from pygls.exceptions import JsonRpcInvalidRequest

        from ds_lsp.lsp.connection import Connection, refused
        from ds_lsp.lsp.server import create_server

        if self._refuser is None:
            self._refuser = create_server()
        self._refuser.protocol.set_writer(writer)
        error = refused(JsonRpcInvalidRequest, TOKEN_MESSAGE)
        Connection(self._refuser.protocol).refuse(msg_id, error)
        with contextlib.suppress(ConnectionError, OSError):
            await writer.drain()


def check_token(first: bytes | framing.FrameError | None, token: str) -> tuple[Any, Any]:
    """(the initialize frame without its token, its id) when it carries `token`, else
    (None, the id to answer)."""
    if not isinstance(first, bytes):
        return None, None
    try:
        data = json.loads(first)
    except (ValueError, RecursionError):
        return None, None
    if not isinstance(data, dict) or framing.too_deep(data):
        return None, None
    msg_id = framing.id_of(data)
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


async def run_tcp(host: str, port: int, token: str | None = None) -> None:
    """Listen on host:port for one client session; stop when that client leaves."""
    redact.register(token)
    skip_unused_imports()
    clients = OneClient(token)
    tcp = await asyncio.start_server(clients.connection, host, port)
    log.info("listening on %s:%d%s", host, port, " (token required)" if token else "")
    async with tcp:
        await clients.finished.wait()
    if clients.exit_code:
        raise SystemExit(clients.exit_code)


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
        if clients.exit_code:
            raise SystemExit(clients.exit_code)
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


# ---- stdin and stdout as asyncio streams -------------------------------------------------------
async def stdio_streams() -> tuple[asyncio.StreamReader, Writer]:
    """stdin and stdout as a reader and a writer that never blocks the loop or loses a byte.

    One socket on both (socat, inetd, systemd `Accept=yes`): one asyncio connection for both
    directions (a blocking write to a shared non-blocking socket fails with EAGAIN). A pipe
    or socket: asyncio's pipe transports. Anything else (a file, /dev/null, a terminal):
    blocking writes and a reading thread (epoll refuses files).
    """
    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()
    if _same_socket(stdin, stdout):
        sock = socket.socket(fileno=os.dup(stdin))
        return await asyncio.open_connection(sock=sock, limit=1 << 20)
    return await _stdin_reader(), await _stdout_writer()


def _mode(fd: int) -> int:
    try:
        return os.fstat(fd).st_mode
    except OSError:
        return 0


def _same_socket(a: int, b: int) -> bool:
    try:
        sa, sb = os.fstat(a), os.fstat(b)
    except OSError:
        return False
    return stat.S_ISSOCK(sa.st_mode) and (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def stderr_shares_stdout() -> bool:
    """Whether stderr is the socket stdout is (inetd gives all three the same socket): a
    log line there would corrupt the LSP stream, so logging must not go to stderr."""
    try:
        return _same_socket(sys.stderr.fileno(), sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):
        return False


async def _stdin_reader() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 20)
    mode = _mode(sys.stdin.fileno())
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        protocol = asyncio.StreamReaderProtocol(reader)
        await loop.connect_read_pipe(lambda: protocol, sys.stdin.buffer)
    else:
        threading.Thread(target=_pump, args=(loop, reader), daemon=True).start()
    return reader


def _pump(loop: asyncio.AbstractEventLoop, reader: asyncio.StreamReader) -> None:
    read = getattr(sys.stdin.buffer, "read1", sys.stdin.buffer.read)
    try:
        while data := read(65536):
            loop.call_soon_threadsafe(reader.feed_data, data)
    except OSError as exc:  # a terminal whose other side closed says EIO
        log.info("input ended: %s", exc)
    loop.call_soon_threadsafe(reader.feed_eof)


async def _stdout_writer() -> Writer:
    mode = _mode(sys.stdout.fileno())
    if not stat.S_ISFIFO(mode):  # a file or terminal: blocking writes are whole
        return BlockingWriter(sys.stdout.buffer)
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, sys.stdout.buffer
    )
    return asyncio.StreamWriter(transport, protocol, None, loop)


class BlockingWriter:
    """Frames to a file or terminal, written whole and flushed at once."""

    def __init__(self, out: Any) -> None:
        self._out = out

    def write(self, data: bytes) -> None:
        self._out.write(data)
        self._out.flush()

    async def drain(self) -> None:
        return None

    def close(self) -> None:
        self._out.flush()
