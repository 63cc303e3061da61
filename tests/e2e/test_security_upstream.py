"""A hostile upstream: endless streams, endless lines, floods, trickles and poisoned usage.

The hostile server below speaks just enough HTTP to send a DeepSeek-shaped stream that never
ends; it records whether ds-lsp hung up. Each test then shows the server alive: the next
completion (from a sane reply) works.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from typing import Any

from lsprotocol import types

from tests.e2e.conftest import inline, open_doc
from tests.waiting import wait_until

SANE = "return a + b"


class HostileUpstream:
    """An HTTP server on 127.0.0.1 whose FIM and chat answers follow `self.mode`."""

    def __init__(self) -> None:
        self.mode = "sane"
        self.hung_up = 0  # streams ds-lsp closed while they were still coming
        self.sent_chars = 0
        self.port = 0
        ready = threading.Event()
        threading.Thread(target=lambda: asyncio.run(self._main(ready)), daemon=True).start()
        ready.wait(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _main(self, ready: threading.Event) -> None:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        async with server:
            await server.serve_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await reader.readline()
            headers = {}
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            await reader.readexactly(int(headers.get("content-length", 0)))
            path = request.split()[1].decode()
            if path.endswith("/models"):
                body = json.dumps({"data": [{"id": "hostile-model"}]}).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
                writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
                await writer.drain()
                return
            writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n")
            mode = self.mode if "chat" in path or not self.mode.startswith("chat") else "sane"
            await getattr(self, "_" + mode.replace("-", "_"))(writer, "chat" in path)
        except (ConnectionError, asyncio.IncompleteReadError):
            self.hung_up += 1
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    @staticmethod
    def _event(text: str, chat: bool) -> bytes:
        choice = {"delta": {"content": text}} if chat else {"text": text}
        return b"data: " + json.dumps({"choices": [choice]}).encode() + b"\n\n"

    async def _stream(self, writer: asyncio.StreamWriter, pieces: Any, chat: bool) -> None:
        writer.write(b"Content-Type: text/event-stream\r\n\r\n")
        for piece in pieces:
            writer.write(self._event(piece, chat))
            self.sent_chars += len(piece)
            await writer.drain()

    async def _sane(self, writer: asyncio.StreamWriter, chat: bool) -> None:
        await self._stream(writer, ["print('ok')\n```" if chat else SANE], chat)
        writer.write(b"data: [DONE]\n\n")
        await writer.drain()

    async def _no_newline(self, writer: asyncio.StreamWriter, chat: bool) -> None:
        """One line of code that never ends, in small events."""
        await self._stream(writer, _forever("x" * 50), chat)

    async def _many_lines(self, writer: asyncio.StreamWriter, chat: bool) -> None:
        """Line after line, forever, each a new statement at the cursor's indent."""
        await self._stream(writer, _forever("y = 1\n    "), chat)

    async def _endless_line(self, writer: asyncio.StreamWriter, chat: bool) -> None:
        """One SSE line that never ends: no event ever completes."""
        writer.write(b'Content-Type: text/event-stream\r\n\r\ndata: {"choices": [{"text": "')
        for chunk in _forever(b"z" * 65536):
            writer.write(chunk)
            await writer.drain()

    async def _chat_flood(self, writer: asyncio.StreamWriter, chat: bool) -> None:
        await self._stream(writer, _forever("z = 1\n" * 200), chat)

    async def _chat_trickle(self, writer: asyncio.StreamWriter, chat: bool) -> None:
        async def trickle() -> None:
            writer.write(b"Content-Type: text/event-stream\r\n\r\n")
            while True:
                writer.write(self._event("w = 2\n", chat))
                await writer.drain()
                await asyncio.sleep(0.05)

        await trickle()


def _forever(item: Any) -> Any:
    while True:
        yield item


def hostile_env(hostile: HostileUpstream) -> dict[str, str]:
    return {"DEEPSEEK_BASE_URL": hostile.url + "/beta"}


async def _complete(client, tmp_path, name: str = "calc.py") -> list[str]:
    """The inline items at the end of a fresh document (its own text: no cache hit)."""
    uri = (tmp_path / name).as_uri()
    open_doc(client, uri, f"# {name}\ndef add(a, b):\n    ")
    items = await asyncio.wait_for(inline(client, uri, 2, 4), 30)
    return [i.insert_text for i in items]


async def test_a_fim_line_that_never_ends_is_capped_and_dropped(start, tmp_path):
    hostile = HostileUpstream()
    hostile.mode = "no-newline"
    client = await start(env=hostile_env(hostile), init={"timeoutMs": 120000})
    assert await _complete(client, tmp_path) == []  # no sound line within 10,000 chars
    await wait_until(lambda: hostile.hung_up == 1)
    hostile.mode = "sane"
    assert await _complete(client, tmp_path, "next.py") == [SANE]


async def test_a_fim_stream_of_endless_lines_ends_with_the_block(start, tmp_path):
    hostile = HostileUpstream()
    hostile.mode = "many-lines"
    client = await start(
        env=hostile_env(hostile), init={"timeoutMs": 120000, "multiline": "always"}
    )
    (text,) = await _complete(client, tmp_path)
    assert text.startswith("y = 1") and len(text) < 10_000
    await wait_until(lambda: hostile.hung_up == 1)


async def test_an_sse_line_that_never_ends_is_refused(start, tmp_path):
    hostile = HostileUpstream()
    hostile.mode = "endless-line"
    client = await start(env=hostile_env(hostile), init={"timeoutMs": 120000})
    assert await _complete(client, tmp_path) == []
    await wait_until(lambda: hostile.hung_up == 1)
    hostile.mode = "sane"
    assert await _complete(client, tmp_path, "next.py") == [SANE]


async def _generate(client, tmp_path) -> dict:
    uri = (tmp_path / "gen.py").as_uri()
    open_doc(client, uri, "# make it\n")
    client.feature(types.WORKSPACE_APPLY_EDIT)(
        lambda params: types.ApplyWorkspaceEditResult(applied=True)
    )
    arguments = [{"textDocument": {"uri": uri}, "position": {"line": 1, "character": 0}}]
    params = types.ExecuteCommandParams(command="ds-lsp.generateCodeBlock", arguments=arguments)
    return await asyncio.wait_for(client.workspace_execute_command_async(params), 60)


async def test_a_generate_flood_stops_at_the_size_cap_with_a_message(start, tmp_path):
    hostile = HostileUpstream()
    hostile.mode = "chat-flood"
    client = await start(env=hostile_env(hostile), init={"timeoutMs": 120000})
    result = await _generate(client, tmp_path)
    assert result["applied"] is False
    await wait_until(lambda: any("200000 characters" in m.message for m in client.messages))
    await wait_until(lambda: hostile.hung_up == 1)
    hostile.mode = "sane"
    assert await _complete(client, tmp_path) == [SANE]


async def test_a_generate_trickle_stops_at_the_overall_deadline(start, tmp_path):
    hostile = HostileUpstream()
    hostile.mode = "chat-trickle"  # text every 50 ms: the stall guard never fires
    client = await start(env=hostile_env(hostile), init={"timeoutMs": 100})  # deadline 6 s
    result = await _generate(client, tmp_path)
    assert result["applied"] is False
    await wait_until(lambda: any("still coming after 6 s" in m.message for m in client.messages))
    await wait_until(lambda: hostile.hung_up == 1)


async def test_poisoned_usage_numbers_never_lose_the_completion(start, mock, tmp_path):
    poisons = [
        {"prompt_tokens": float("nan"), "completion_tokens": float("inf")},
        {"prompt_tokens": "12", "prompt_cache_hit_tokens": -5, "completion_tokens": True},
        {"prompt_tokens": 1e300, "prompt_cache_miss_tokens": -float("inf")},
    ]
    mock.script(*({"usage": u} for u in poisons))
    mock.script({"usage": {}, "json": True})
    client = await start()
    for i in range(len(poisons) + 1):
        assert await _complete(client, tmp_path, f"f{i}.py") == [SANE]
    shown = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ds-lsp.showUsage", arguments=[])
    )
    session = shown["session"]
    assert session["shown"] == len(poisons) + 1
    assert all(isinstance(v, (int, float)) and 0 <= v < 1e12 for v in session.values())
