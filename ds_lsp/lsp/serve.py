"""Running the server on a connection: stdio (the default) or TCP.

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
    reader, writer = await transport.stdin_reader(), transport.StdoutWriter()
    first = await transport.read_frame(reader)
    early = initialize_answer.early_answer(first)
    if early is not None:  # answer initialize before the slow import of pygls
        writer.write(early[1])
    from ds_lsp.lsp.server import create_server

    server = create_server()
    server.protocol.set_writer(writer)
    fast = server.fast_handlers()
    if first:
        answered = early[0] if early else None
        transport.handle_body(server.protocol, first, fast, answered=answered)
    await transport.serve(reader, server.protocol, fast)


async def run_tcp(host: str, port: int) -> None:
    """Listen on host:port; the server stops when its client disconnects."""
    from ds_lsp.lsp.server import create_server

    server = create_server()

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server.protocol.set_writer(writer)
        await transport.serve(reader, server.protocol, server.fast_handlers())
        tcp.close()

    tcp = await asyncio.start_server(connection, host, port)
    log.info("listening on %s:%d", host, port)
    async with tcp:
        with contextlib.suppress(asyncio.CancelledError):
            await tcp.serve_forever()
