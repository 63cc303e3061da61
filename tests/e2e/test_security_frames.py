"""Hostile frames over stdio: each is answered, the server lives, a completion follows."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.lsp_wire import (
    did_open,
    frame,
    initialize,
    inline_request,
    notification,
    start_stdio,
    stop,
)

SHUTDOWN = {"jsonrpc": "2.0", "id": "bye", "method": "shutdown"}


def ready(mock):
    proc, wire = start_stdio(mock)
    wire.send(initialize(), notification("initialized"), did_open())
    assert wire.answer("init")["result"]["serverInfo"]["name"] == "ds-lsp"
    return proc, wire


def request(msg_id: str) -> bytes:
    return json.dumps(inline_request(msg_id)).encode()


def nested(depth: int) -> bytes:
    inner = "1"
    for _ in range(depth):
        inner = '{"a": ' + inner + "}"
    message = '{"jsonrpc": "2.0", "id": "deep", "method": "x/y", "params": ' + inner + "}"
    return frame(message.encode())


CASES = {
    "nested-arrays": (frame(b"[" * 1000), None, -32700),
    "nested-arrays-deeper-than-recursion": (frame(b"[" * 100_000), None, -32700),
    "nested-objects-within-recursion": (nested(500), "deep", -32600),
    "too-small": (b"Content-Length: 20\r\n\r\n" + request("short"), None, -32700),
    "too-large": (b"Content-Length: 900\r\n\r\n" + request("long"), "long", -32700),
    "missing": (b"Content-Type: application/json\r\n\r\n" + request("m"), None, -32700),
    "negative": (b"Content-Length: -12\r\n\r\n" + request("n"), None, -32700),
    "not-a-number": (b"Content-Length: twelve\r\n\r\n" + request("w"), None, -32700),
}


def test_bytes_that_are_not_a_frame_are_skipped_and_a_completion_follows(mock):
    proc, wire = ready(mock)
    try:
        wire.send_raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00\xff{]}")
        wire.completion_works("after")
    finally:
        err = stop(proc)
    assert "Traceback" not in err


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_malformed_frame_is_answered_and_a_completion_follows(mock, case):
    data, answered_id, code = CASES[case]
    proc, wire = ready(mock)
    try:
        wire.send_raw(data)
        error = wire.wait_for(lambda m: "error" in m and m.get("id") == answered_id)
        assert error["error"]["code"] == code
        wire.completion_works("after")
        assert proc.poll() is None
    finally:
        err = stop(proc)
    assert "Traceback" not in err


def test_a_frame_over_64_mib_is_discarded_without_being_held(mock):
    proc, wire = ready(mock)
    try:
        wire.completion_works("warm")  # pygls is loaded, a completion has run
        before = _peak_rss_kib(proc.pid)
        size = 70 << 20
        wire.send_raw(b"Content-Length: %d\r\n\r\n" % size)
        assert "over the" in wire.wait_for(lambda m: "error" in m)["error"]["message"]
        chunk = b'{"x": "' + b"y" * ((1 << 20) - 7)
        for _ in range(size // len(chunk)):
            wire.send_raw(chunk)
        wire.send_raw(b"y" * (size % len(chunk)))
        wire.completion_works("after-huge")
        grown_mib = (_peak_rss_kib(proc.pid) - before) / 1024
        assert grown_mib < 32, f"peak memory grew {grown_mib:.0f} MiB"
    finally:
        stop(proc)


def _peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def test_requests_before_initialize_get_server_not_initialized_and_send_nothing(mock):
    proc, wire = start_stdio(mock)
    try:
        wire.send(did_open(), inline_request("early"))
        assert wire.answer("early")["error"]["code"] == -32002
        assert mock.requests == []
        wire.send(initialize(), notification("initialized"))
        wire.answer("init")
        wire.send(inline_request("unopened"))  # the didOpen before initialize was dropped
        assert wire.answer("unopened")["result"]["items"] == []
        wire.send(did_open())
        wire.completion_works("after-init")
    finally:
        stop(proc)


def test_a_second_initialize_is_refused(mock):
    proc, wire = ready(mock)
    try:
        wire.send(initialize("again", {"apiKey": "sk-other-key-00000000"}))
        assert wire.answer("again")["error"]["code"] == -32600
        wire.completion_works("still")
    finally:
        stop(proc)


def test_requests_after_shutdown_get_invalid_request_and_exit_still_works(mock):
    proc, wire = ready(mock)
    wire.send(SHUTDOWN)
    assert wire.answer("bye")["result"] is None
    wire.send(inline_request("late"))
    assert wire.answer("late")["error"]["code"] == -32600
    wire.send(notification("exit"))
    assert proc.wait(30) == 0
    stop(proc)


def test_malformed_first_frame_is_answered_on_the_early_path(mock):
    proc = subprocess.run(
        [*_command(), "--log-level", "DEBUG"],
        input=frame(b"[" * 5000)
        + frame(initialize())
        + frame(SHUTDOWN)
        + frame(notification("exit")),
        capture_output=True,
        env=_env(mock),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert b'"code": -32700' in proc.stdout and b'"serverInfo"' in proc.stdout


def _command() -> list[str]:
    import sys

    return [sys.executable, "-m", "ds_lsp"]


def _env(mock):
    from tests.e2e.conftest import server_env

    return server_env(mock)


def test_a_mis_framed_body_never_reaches_the_log(mock, tmp_path):
    """A client that counts Content-Length in characters cuts a body holding non-ASCII text
    short; the rest is skipped to resync, and not one byte of it (here: the tail of a key
    that was never registered, since its message could not be read) is logged."""
    key = "abcd1234efgh5678ijkl9012mnop3456"
    log = tmp_path / "frames.log"
    proc, wire = start_stdio(
        mock, "--log-file", str(log), "--log-level", "DEBUG", DEEPSEEK_API_KEY=None
    )
    try:
        message = initialize("cut")
        message["params"]["rootPath"] = "/home/" + "é" * 20 + "/proj"
        message["params"]["initializationOptions"] = {"apiKey": key}
        body = json.dumps(message, ensure_ascii=False)
        wire.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body.encode())
        wire.send(initialize("whole"))
        assert wire.answer("whole")["result"]["serverInfo"]["name"] == "ds-lsp"
    finally:
        stop(proc)
    assert key[-8:] not in log.read_text()


def test_stdin_stdout_and_stderr_on_one_socket_carry_frames_only(mock):
    """inetd and systemd Accept=yes give all three the same socket: no log line may land in
    the LSP stream."""
    ours, theirs = socket.socketpair()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ds_lsp"],
        stdin=theirs,
        stdout=theirs,
        stderr=theirs,
        env=_env(mock),
    )
    theirs.close()
    try:
        ours.sendall(frame(initialize()) + frame(notification("initialized")) + frame(did_open()))
        ours.sendall(frame(notification("no/such/notification")) + frame(b"{bad}"))
        ours.sendall(frame(inline_request("c")))
        data = b""
        ours.settimeout(30)
        while b'"id": "c"' not in data:
            data += ours.recv(65536)
        assert re.sub(rb"Content-Length: \d+\r\n(Content-Type: [^\r]*\r\n)?\r\n", b"", data)
        between = re.split(rb"Content-Length: \d+\r\n(?:Content-Type: [^\r]*\r\n)?\r\n", data)
        assert all(part.startswith(b"{") for part in between[1:]) and between[0] == b""
    finally:
        ours.close()
        proc.kill()
        proc.wait(10)
