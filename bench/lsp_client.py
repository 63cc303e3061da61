"""A minimal JSON-RPC client over a child process's stdio, for timing ds-lsp.

Content-Length framing on asyncio streams, nothing else: no typed structures, no
validation, so its own cost per message stays in the low microseconds (see
`client_cost_us`). Every response future resolves to (arrival ns, message), the arrival
stamped by the reader the moment the frame is parsed, not when the awaiting task wakes up.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

CAPABILITIES: dict[str, Any] = {
    "textDocument": {
        "inlineCompletion": {},
        "synchronization": {"dynamicRegistration": False},
        "completion": {"completionItem": {"snippetSupport": False}},
    },
    "workspace": {"configuration": True},
    "window": {"workDoneProgress": False},
}


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, separators=(",", ":")).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class LspClient:
    """One ds-lsp process (or any stdio JSON-RPC server) and its pending requests."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.pid = proc.pid
        self._ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future] = {}
        self.notifications: list[dict[str, Any]] = []
        self._reader = asyncio.ensure_future(self._read_loop())

    @classmethod
    async def spawn(
        cls,
        env: dict[str, str],
        args: list[str] | None = None,
        stderr_path: str | os.PathLike | None = None,
        command: list[str] | None = None,
    ) -> LspClient:
        stderr = open(stderr_path, "ab") if stderr_path else asyncio.subprocess.DEVNULL  # noqa: SIM115
        cmd = command or [sys.executable, "-m", "ds_lsp", *(args or [])]
        proc = await asyncio.create_subprocess_exec(
            *cmd,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env=env,
            cwd=str(ROOT),
            limit=1 << 24,
        )
        if stderr_path:
            stderr.close()
        return cls(proc)

    # ---- sending -------------------------------------------------------------------------
    def write(self, data: bytes) -> None:
        self.proc.stdin.write(data)

    def notify(self, method: str, params: Any) -> None:
        self.write(frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def request(self, method: str, params: Any) -> tuple[int, asyncio.Future]:
        msg_id = next(self._ids)
        fut = asyncio.get_running_loop().create_future()
        self.pending[msg_id] = fut
        self.write(frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}))
        return msg_id, fut

    def request_frame(self, method: str, params: Any) -> tuple[int, asyncio.Future, bytes]:
        """A request prepared but not sent, so a timer can start right before the write."""
        msg_id = next(self._ids)
        fut = asyncio.get_running_loop().create_future()
        self.pending[msg_id] = fut
        data = frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return msg_id, fut, data

    def cancel(self, msg_id: int) -> None:
        self.notify("$/cancelRequest", {"id": msg_id})

    async def call(self, method: str, params: Any, timeout: float = 30) -> dict[str, Any]:
        _, fut = self.request(method, params)
        await self.proc.stdin.drain()
        _, message = await asyncio.wait_for(fut, timeout)
        return message

    # ---- receiving -----------------------------------------------------------------------
    async def _read_loop(self) -> None:
        reader = self.proc.stdout
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                body = await reader.readexactly(length)
                arrived = time.perf_counter_ns()
                self._dispatch(json.loads(body), arrived)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            for fut in self.pending.values():
                if not fut.done():
                    fut.set_exception(ConnectionError("server went away"))

    def _dispatch(self, message: dict[str, Any], arrived: int) -> None:
        if "method" in message:
            if "id" in message:  # a request from the server
                self.write(
                    frame({"jsonrpc": "2.0", "id": message["id"], "result": self._answer(message)})
                )
            else:
                self.notifications.append(message)
            return
        fut = self.pending.pop(message.get("id"), None)
        if fut is not None and not fut.done():
            fut.set_result((arrived, message))

    @staticmethod
    def _answer(message: dict[str, Any]) -> Any:
        if message["method"] == "workspace/configuration":
            return [None for _ in message.get("params", {}).get("items", [])]
        return None

    # ---- lifecycle -----------------------------------------------------------------------
    async def initialize(self, options: dict[str, Any] | None = None, root: str = "/tmp") -> float:
        """initialize + initialized; seconds from the write to the answer."""
        params = {
            "processId": os.getpid(),
            "rootUri": Path(root).as_uri(),
            "capabilities": CAPABILITIES,
            "initializationOptions": options or {},
            "clientInfo": {"name": "ds-lsp-bench"},
        }
        _, fut, data = self.request_frame("initialize", params)
        t0 = time.perf_counter_ns()
        self.write(data)
        arrived, _ = await asyncio.wait_for(fut, 30)
        self.notify("initialized", {})
        return (arrived - t0) / 1e9

    async def close(self) -> None:
        try:
            await self.call("shutdown", None, timeout=5)
            self.notify("exit", None)
            await self.proc.stdin.drain()
            self.proc.stdin.close()
            await asyncio.wait_for(self.proc.wait(), 5)
        except (TimeoutError, ConnectionError, BrokenPipeError):
            if self.proc.returncode is None:
                self.proc.kill()
                await self.proc.wait()
        self._reader.cancel()

    # ---- LSP helpers ---------------------------------------------------------------------
    def did_open(self, uri: str, text: str, version: int = 1, language: str = "python") -> None:
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": language,
                    "version": version,
                    "text": text,
                }
            },
        )

    @staticmethod
    def change_params(
        uri: str, version: int, line: int, char: int, text: str, end: tuple[int, int] | None = None
    ) -> dict[str, Any]:
        e_line, e_char = end or (line, char)
        return {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [
                {
                    "range": {
                        "start": {"line": line, "character": char},
                        "end": {"line": e_line, "character": e_char},
                    },
                    "text": text,
                }
            ],
        }

    def did_change(self, uri: str, version: int, line: int, char: int, text: str) -> None:
        self.notify("textDocument/didChange", self.change_params(uri, version, line, char, text))

    @staticmethod
    def inline_params(uri: str, line: int, char: int, invoked: bool) -> dict[str, Any]:
        return {
            "textDocument": {"uri": uri},
            "position": {"line": line, "character": char},
            "context": {"triggerKind": 1 if invoked else 2},
        }


def inline_text(message: dict[str, Any]) -> str | None:
    """The first inline suggestion of a response, or None."""
    result = message.get("result")
    if not isinstance(result, dict):
        return None
    items = result.get("items") or []
    return items[0].get("insertText") if items else None


def client_cost_us(samples: int = 2000) -> float:
    """Median µs this client spends framing one completion request and parsing its answer."""
    params = LspClient.inline_params("file:///bench/file.py", 1200, 17, True)
    answer = frame(
        {
            "jsonrpc": "2.0",
            "id": 7,
            "result": {
                "items": [
                    {
                        "insertText": "x" * 60,
                        "range": {
                            "start": {"line": 1, "character": 2},
                            "end": {"line": 1, "character": 2},
                        },
                    }
                ]
            },
        }
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    times = []
    for i in range(samples):
        t0 = time.perf_counter_ns()
        frame(
            {"jsonrpc": "2.0", "id": i, "method": "textDocument/inlineCompletion", "params": params}
        )
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                int(line[15:])
        json.loads(body)
        times.append(time.perf_counter_ns() - t0)
    times.sort()
    return times[len(times) // 2] / 1000
