"""The wire itself: malformed JSON-RPC, clean exit, TCP, and the command line."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import API_KEY, cli, server_env

INIT = {
    "jsonrpc": "2.0",
    "id": 100,
    "method": "initialize",
    "params": {"processId": None, "capabilities": {}, "rootUri": None},
}


def frame(message: object) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_messages(data: bytes) -> list[dict]:
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(head.split(b"Content-Length:")[1].split(b"\r\n")[0])
        out.append(json.loads(rest[:length]))
        data = rest[length:]
    return out


def run_frames(
    mock, frames: list[object], timeout: float = 30, args: tuple[str, ...] = ()
) -> tuple[list[dict], int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "ds_lsp", *args],
        input=b"".join(map(frame, frames)),
        capture_output=True,
        env=server_env(mock),
        timeout=timeout,
    )
    return read_messages(proc.stdout), proc.returncode, proc.stderr.decode()


def by_id(messages: list[dict]) -> dict:
    return {m["id"]: m for m in messages if "id" in m and "method" not in m}


def test_malformed_frames_get_errors_and_the_server_keeps_serving(mock):
    frames = [
        {"jsonrpc": "2.0", "id": 1, "method": 7, "params": {}},
        [{"jsonrpc": "2.0", "id": 2, "method": "initialize"}],
        b"{this is not json",
        {"jsonrpc": "2.0", "id": 3, "method": "initialize", "params": "oops"},
        {"jsonrpc": "1.0", "id": 4, "method": "initialize", "params": {}},
        INIT,
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {
            "jsonrpc": "2.0",
            "id": 5,
            "method": "textDocument/inlineCompletion",
            "params": {
                "textDocument": {"uri": "file:///x.py"},
                "position": {"line": -3, "character": "a"},
                "context": {"triggerKind": 1},
            },
        },
        {"jsonrpc": "2.0", "id": 6, "method": "no/suchMethod", "params": {}},
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didChange",
            "params": {
                "textDocument": {"uri": "file:///never-opened.py", "version": 2},
                "contentChanges": [{"text": "x"}],
            },
        },
        {"jsonrpc": "2.0", "id": 7, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    messages, code, _ = run_frames(mock, frames)
    answers = by_id(messages)
    assert answers[1]["error"]["code"] == -32600
    assert answers[3]["error"]["code"] == -32600
    assert answers[100]["result"]["serverInfo"]["name"] == "ds-lsp"
    assert answers[5]["result"] == {"items": []}  # completion requests never get errors
    assert answers[6]["error"]["code"] == -32601
    assert answers[7]["result"] is None
    errors_without_id = [m for m in messages if m.get("id") is None and "error" in m]
    assert {e["error"]["code"] for e in errors_without_id} == {-32700, -32600}
    assert code == 0


def test_initialize_first_is_answered_once(mock):
    frames = [
        INIT,
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    messages, code, _ = run_frames(mock, frames)
    answers = [m for m in messages if m.get("id") == 100]
    assert len(answers) == 1 and answers[0]["result"]["serverInfo"]["name"] == "ds-lsp"
    assert by_id(messages)[2]["result"] is None and code == 0


def test_exit_without_shutdown_is_code_1(mock):
    _, code, _ = run_frames(mock, [INIT, {"jsonrpc": "2.0", "method": "exit"}])
    assert code == 1


def test_stdio_flag_is_accepted(mock):
    messages, code, _ = run_frames(
        mock,
        [
            INIT,
            {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
            {"jsonrpc": "2.0", "method": "exit"},
        ],
        args=("--stdio",),
    )
    assert by_id(messages)[100]["result"]["serverInfo"]["name"] == "ds-lsp" and code == 0


def test_end_of_input_ends_the_server(mock):
    _, code, _ = run_frames(mock, [INIT])
    assert code == 0


def test_nothing_but_frames_on_stdout(mock):
    frames = [
        INIT,
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "ds_lsp", "--log-level", "DEBUG"],
        input=b"".join(map(frame, frames)),
        capture_output=True,
        env=server_env(mock),
        timeout=30,
    )
    assert proc.stdout.startswith(b"Content-Length:")
    assert len(read_messages(proc.stdout)) >= 2
    assert b"DEBUG" in proc.stderr or b"INFO" in proc.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening_addresses(port: int) -> list[str]:
    """IPv4 addresses listening on `port`, from /proc/net/tcp (state 0A = LISTEN)."""
    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if int(hex_port, 16) == port and state == "0A":
            found.append(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def test_tcp_transport_binds_loopback(mock):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ds_lsp", "--tcp", "--port", str(port)],
        env=server_env(mock),
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with sock:
            sock.sendall(frame(INIT))
            data = b""
            while b"serverInfo" not in data:
                data += sock.recv(65536)
            # checked while connected: the server stops listening when its client leaves
            assert _listening_addresses(port) == ["127.0.0.1"]
        assert b'"ds-lsp"' in data
    finally:
        proc.kill()
        proc.wait(10)


def test_version():
    out = subprocess.run(
        [sys.executable, "-m", "ds_lsp", "--version"], capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 0 and out.stdout.startswith("ds-lsp ")


def test_complete_prints_the_pipeline_result(mock, tmp_path):
    source = tmp_path / "calc.py"
    source.write_text("def add(a, b):\n    \n")
    mock.fim_text = "return a + b\n\n\ndef other(): pass"
    out = cli(mock, "complete", f"{source}:2:5")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "return a + b\n"
    assert mock.fim_requests()[0].body["prompt"] == "# Path: calc.py (python)\ndef add(a, b):\n    "


def test_complete_rejects_a_bad_target(mock):
    out = cli(mock, "complete", "nowhere.py:x:1")
    assert out.returncode == 2 and "FILE:LINE:COL" in out.stderr


@pytest.mark.parametrize(
    "status, code, words", [(200, 0, "ready"), (401, 1, "DEEPSEEK_API_KEY"), (402, 1, "top up")]
)
def test_check_reports_in_plain_words(mock, status, code, words):
    if status != 200:
        mock.script({"status": status})
    out = cli(mock, "check")
    assert out.returncode == code, out.stdout + out.stderr
    assert words in out.stdout
    assert "Balance: 4.20 USD" in out.stdout
    assert "deepseek-flash" in out.stdout
    assert API_KEY not in out.stdout + out.stderr
