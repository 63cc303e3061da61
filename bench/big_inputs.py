"""Big inputs: a 5 MB minified file of one line, typed into in its middle.

Two figures of server CPU time (the scheduler's count for the ds-lsp process, so a loaded
machine barely moves them): per keystroke (a batch of didChange, minus the rpc floor's CPU)
and per completion (an invoked inlineCompletion at the cursor after each key: a cache miss
that goes upstream, with default settings, so other-file context and cleaning run too).
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from harness import MockProcess, cpu_s, start_server, summary
from lsp_client import LspClient

INLINE = "textDocument/inlineCompletion"
UNKNOWN = LspClient.inline_params("file:///bench/not-open.js", 0, 0, True)
URI = "file:///bench/app.min.js"


def minified_source(size: int = 5_000_000, seed: int = 3) -> str:
    """`size` characters of one-line JavaScript, with a few non-ASCII strings (so column
    conversion is not the all-ASCII shortcut)."""
    rnd = random.Random(seed)
    parts, total, i = [], 0, 0
    while total < size:
        label = rnd.choice(["ok", "été", "naïve", "日本", "x"])
        part = f'var v{i}="{label}";function f{i}(a,b){{return a*{i}+b}};'
        parts.append(part)
        total += len(part)
        i += 1
    return "".join(parts)[:size]


def _frames(version: int, column: int, keys: str) -> tuple[bytes, int, int]:
    out = []
    for ch in keys:
        version += 1
        params = LspClient.change_params(URI, version, 0, column, ch)
        body = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": params})
        out.append(b"Content-Length: %d\r\n\r\n%s" % (len(body.encode()), body.encode()))
        column += 1
    return b"".join(out), version, column


async def minified(rounds: int, per_round: int = 50, completions: int = 20) -> dict[str, Any]:
    mock = await MockProcess().start()
    client = await start_server(mock, {}, "minified")
    text = minified_source()
    client.did_open(URI, text, language="javascript")
    column = len(text) // 2  # UTF-16 units: every character here is in the BMP
    version = 1
    await client.call(INLINE, UNKNOWN)
    per_key: list[float] = []
    for r in range(rounds + 1):
        c0 = cpu_s(client.pid)
        await client.call(INLINE, UNKNOWN)
        floor = cpu_s(client.pid) - c0
        keys = ("abcdefghij" * (per_round // 10 + 1))[:per_round]
        data, version, column = _frames(version, column, keys)
        c0 = cpu_s(client.pid)
        client.write(data)
        await client.call(INLINE, UNKNOWN)
        if r:  # the first round warms up
            per_key.append(max(0.0, cpu_s(client.pid) - c0 - floor) / per_round * 1000)
    per_completion: list[float] = []
    wall: list[float] = []
    for k in range(completions + 2):
        data, version, column = _frames(version, column, "q")
        client.write(data)
        await client.call(INLINE, UNKNOWN)  # the key is applied
        c0 = cpu_s(client.pid)
        t0 = asyncio.get_running_loop().time()
        await client.call(INLINE, LspClient.inline_params(URI, 0, column, True))
        if k >= 2:
            wall.append((asyncio.get_running_loop().time() - t0) * 1000)
            per_completion.append((cpu_s(client.pid) - c0) * 1000)
    asked = len(mock.fim_requests())
    await client.close()
    await mock.stop()
    return {
        "size_chars": len(text),
        "keystroke_cpu_ms": summary(per_key),
        "completion_cpu_ms": summary(per_completion),
        "completion_wall_ms": summary(wall),
        "upstream_requests": asked,
    }
