"""Running the server on a connection: stdio (the default), TCP or a Unix socket.

Over stdio, `initialize` is answered from initialize_answer.py before pygls is imported
(importing it takes a few hundred milliseconds); pygls then handles the same request with
its own answer dropped. Frames are read by the hardened loop in transport.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from ds_lsp.lsp import initialize_answer, transport

log = logging.getLogger(__name__)


async def run_stdio() -> None:
    """Serve one client on stdin/stdout until end of input."""
    frames = transport.FrameReader(await transport.stdin_reader())
    writer = transport.StdoutWriter()
    first = await frames.next()
    early = initialize_answer.early_answer(first) if isinstance(first, bytes) else None
    if early is not None:  # answer initialize before the slow import of pygls
        writer.write(early[1])
    from ds_lsp.lsp.server import create_server

    server = create_server()
    server.protocol.set_writer(writer)
    connection = transport.Connection(server.protocol, server.fast_handlers())
    if isinstance(first, transport.FrameError):
        connection.reply_error(first.msg_id, transport.PARSE_ERROR, f"Parse error: {first.message}")
    elif first is not None:
        connection.take(first, answered=early[0] if early else None)
    if first is not None:
        await connection.serve(frames)


async def run_tcp(host: str, port: int) -> None:
    """Listen on host:port; the server stops when its client disconnects."""
    from ds_lsp.lsp.server import create_server

    server = create_server()

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server.protocol.set_writer(writer)
        link = transport.Connection(server.protocol, server.fast_handlers())
        await link.serve(transport.FrameReader(reader))
        tcp.close()

    tcp = await asyncio.start_server(connection, host, port)
    log.info("listening on %s:%d", host, port)
    async with tcp:
        with contextlib.suppress(asyncio.CancelledError):
            await tcp.serve_forever()
