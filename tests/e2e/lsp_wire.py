"""A raw LSP client for the security tests: exact bytes out, parsed messages in.

pytest-lsp cannot send a broken frame or open a second socket; this client writes whatever
bytes a test gives it (to a server process's stdin or to a socket) and collects what comes
back on a thread, so tests wait on the answer they expect.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "def add(a, b):\n    "
DOC = "file:///tmp/ws/calc.py"


def frame(message: Any) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def initialize(msg_id: Any = "init", options: dict | None = None) -> dict:
    params: dict[str, Any] = {"processId": None, "capabilities": {}, "rootUri": None}
    params["initializationOptions"] = {"debounceMs": 0, "contextFiles": False, "prefetch": False}
    params["initializationOptions"].update(options or {})
    return {"jsonrpc": "2.0", "id": msg_id, "method": "initialize", "params": params}


def notification(method: str, params: dict | None = None) -> dict:
    return {"jsonrpc": "2.0", "method": method, "params": params or {}}


def did_open(uri: str = DOC, text: str = SOURCE) -> dict:
    item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    return notification("textDocument/didOpen", {"textDocument": item})


def inline_request(msg_id: Any, uri: str = DOC, line: int = 1, character: int = 4) -> dict:
    params = {
        "textDocument": {"uri": uri},
        "position": {"line": line, "character": character},
        "context": {"triggerKind": 1},
    }
    return {
        "jsonrpc": "2.0",
        "id": msg_id,
        "method": "textDocument/inlineCompletion",
        "params": params,
    }


class Wire:
    """Messages from a byte stream, parsed on a thread; `answer` waits for one by id."""

    def __init__(self, write: Callable[[bytes], None], read: Callable[[], bytes]) -> None:
        self._write = write
        self._read = read
        self.messages: list[dict] = []
        self.closed = False
        self._changed = threading.Condition()
        threading.Thread(target=self._pump, daemon=True).start()

    def send(self, *messages: Any) -> None:
        for message in messages:
            self._write(frame(message))

    def send_raw(self, data: bytes) -> None:
        self._write(data)

    def _pump(self) -> None:
        buffer = b""
        while True:
            try:
                data = self._read()
            except OSError:
                data = b""
            if not data:
                break
            buffer += data
            while b"\r\n\r\n" in buffer:
                head, _, rest = buffer.partition(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                if len(rest) < length:
                    break
                with self._changed:
                    self.messages.append(json.loads(rest[:length]))
                    self._changed.notify_all()
                buffer = rest[length:]
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def wait_for(self, predicate: Callable[[dict], bool], timeout: float = 30) -> dict:
        """The first message that satisfies `predicate`, waiting for it to come."""
        end = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((m for m in self.messages if predicate(m)), None)
                if found is not None:
                    return found
                left = end - time.monotonic()
                if left <= 0 or self.closed:
                    raise AssertionError(f"no such message; got {self.messages[-5:]}")
                self._changed.wait(left)

    def answer(self, msg_id: Any, timeout: float = 30) -> dict:
        """The response to request `msg_id`."""
        return self.wait_for(lambda m: m.get("id") == msg_id and "method" not in m, timeout)

    def wait_closed(self, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        with self._changed:
            while not self.closed:
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError("the connection stayed open")
                self._changed.wait(left)

    def completion_works(self, msg_id: Any, text: str = "return a + b") -> None:
        """An inline completion at the end of the open document answers `text`."""
        self.send(inline_request(msg_id))
        items = self.answer(msg_id)["result"]["items"]
        assert [i["insertText"] for i in items] == [text]


def environment(mock: Any, **extra: str | None) -> dict[str, str]:
    from tests.e2e.conftest import server_env

    return server_env(mock, **extra)


def start_stdio(mock: Any, *args: str, **env: str | None) -> tuple[subprocess.Popen, Wire]:
    """A ds-lsp process over stdio, and a Wire on its pipes."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ds_lsp", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(mock, **env),
        cwd=ROOT,
    )
    assert proc.stdin is not None and proc.stdout is not None

    def write(data: bytes) -> None:
        proc.stdin.write(data)  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]

    return proc, Wire(write, lambda: os.read(proc.stdout.fileno(), 65536))  # type: ignore[union-attr]


def socket_wire(sock: socket.socket) -> Wire:
    return Wire(sock.sendall, lambda: sock.recv(65536))


def connect_when_listening(address: Any, family: int = socket.AF_INET, timeout: float = 30):
    """A socket connected to a server that is still starting."""
    end = time.monotonic() + timeout
    while True:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.connect(address)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


def stop(proc: subprocess.Popen) -> str:
    """End the process (if it still runs) and return its stderr."""
    if proc.poll() is None:
        proc.kill()
    _, err = proc.communicate(timeout=30)
    return err.decode(errors="replace")
