"""TCP and Unix sockets: one client, the token, mode 0600, loopback unless --allow-remote."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.lsp_wire import (
    ROOT,
    connect_when_listening,
    did_open,
    environment,
    frame,
    initialize,
    notification,
    socket_wire,
    stop,
)

TOKEN = "tcp-token-7c1d9e2f4a"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server(mock, tmp_path: Path, *args: str, **env: str | None) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / "server.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ds_lsp", *args, "--log-file", str(log), "--log-level", "DEBUG"],
        env=environment(mock, **env),
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    return proc, log


def _attach(sock: socket.socket, options: dict | None = None):
    wire = socket_wire(sock)
    wire.send(initialize(options=options))
    return wire


def test_a_second_tcp_client_is_closed_at_once_and_the_first_keeps_working(mock, tmp_path):
    port = _free_port()
    proc, log = _server(mock, tmp_path, "--tcp", "--port", str(port))
    try:
        first = _attach(connect_when_listening(("127.0.0.1", port)))
        assert first.answer("init")["result"]["serverInfo"]["name"] == "ds-lsp"
        first.send(notification("initialized"), did_open())
        first.completion_works("before")

        second = socket_wire(connect_when_listening(("127.0.0.1", port)))
        second.send(initialize("intruder"))
        second.wait_closed()
        assert not any(m.get("id") == "intruder" for m in second.messages)

        first.completion_works("after")
        assert "refused a connection" in log.read_text()
        first.send({"jsonrpc": "2.0", "id": "bye", "method": "shutdown"}, notification("exit"))
        assert proc.wait(30) == 0
    finally:
        stop(proc)


@pytest.mark.parametrize(
    "options",
    [{}, {"token": "wrong-token-0000000"}, {"token": 12345}, {"ds-lsp": {"token": "nope"}}],
    ids=["missing", "wrong", "not-a-string", "wrong-in-section"],
)
def test_without_the_right_token_the_connection_is_closed_unprocessed(mock, tmp_path, options):
    port = _free_port()
    proc, log = _server(mock, tmp_path, "--tcp", "--port", str(port), DS_LSP_TOKEN=TOKEN)
    try:
        bad = _attach(connect_when_listening(("127.0.0.1", port)), options)
        assert "initializationOptions.token" in bad.answer("init")["error"]["message"]
        bad.wait_closed()
        assert mock.requests == []  # nothing was processed, nothing went upstream

        good = _attach(connect_when_listening(("127.0.0.1", port)), {"token": TOKEN})
        assert good.answer("init")["result"]["serverInfo"]["name"] == "ds-lsp"
        good.send(notification("initialized"), did_open())
        good.completion_works("with-token")
    finally:
        stop(proc)
    text = log.read_text()
    assert "missing or wrong token" in text
    assert TOKEN not in text


def test_the_token_flag_and_the_ds_lsp_section_work_too(mock, tmp_path):
    port = _free_port()
    proc, log = _server(mock, tmp_path, "--tcp", "--port", str(port), "--token", TOKEN)
    try:
        wire = _attach(connect_when_listening(("127.0.0.1", port)), {"ds-lsp": {"token": TOKEN}})
        assert "result" in wire.answer("init")
        wire.send(notification("initialized"), did_open())
        wire.completion_works("nested")
    finally:
        stop(proc)
    assert TOKEN not in log.read_text()
    assert "unknown settings: token" not in log.read_text()  # taken out before the server saw it


def test_a_unix_socket_is_private_and_serves_one_client(mock, tmp_path):
    path = tmp_path / "ds-lsp.sock"
    proc, _ = _server(mock, tmp_path, "--socket", str(path))
    try:
        wire = _attach(connect_when_listening(str(path), socket.AF_UNIX))
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        wire.answer("init")
        wire.send(notification("initialized"), did_open())
        wire.completion_works("unix")

        other = socket_wire(connect_when_listening(str(path), socket.AF_UNIX))
        other.wait_closed()
        wire.completion_works("still-unix")
        wire.send({"jsonrpc": "2.0", "id": "bye", "method": "shutdown"}, notification("exit"))
        assert proc.wait(30) == 0
    finally:
        stop(proc)
    assert not path.exists()  # removed on the way out


def test_a_unix_socket_path_that_is_a_file_is_left_alone(mock, tmp_path):
    path = tmp_path / "not-a-socket"
    path.write_text("keep me")
    proc, _ = _server(mock, tmp_path, "--socket", str(path))
    assert proc.wait(30) != 0
    assert "not a socket" in stop(proc)
    assert path.read_text() == "keep me"


def test_a_non_loopback_host_needs_allow_remote(mock, tmp_path):
    port = _free_port()
    refused = subprocess.run(
        [sys.executable, "-m", "ds_lsp", "--tcp", "--host", "0.0.0.0", "--port", str(port)],
        env=environment(mock),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "--allow-remote" in refused.stderr

    proc, _ = _server(
        mock, tmp_path, "--tcp", "--host", "0.0.0.0", "--port", str(port), "--allow-remote"
    )
    try:
        wire = _attach(connect_when_listening(("127.0.0.1", port)))
        assert "result" in wire.answer("init")
    finally:
        err = stop(proc)
    assert "WARNING" in err and "without a token" in err


def test_an_http_request_from_a_web_page_is_never_attached(mock, tmp_path):
    """A page can POST to a local port (no-cors, text/plain): its body, holding framed
    messages that would set baseUrl, must not become the session."""
    port = _free_port()
    proc, log = _server(mock, tmp_path, "--tcp", "--port", str(port))
    try:
        evil = initialize("evil", options={"baseUrl": "http://127.0.0.1:9/beta"})
        body = frame(evil) + frame(notification("initialized"))
        request = (
            f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: https://evil.example\r\n"
            f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        page = connect_when_listening(("127.0.0.1", port))
        page.sendall(request)
        page.settimeout(20)
        assert page.recv(65536) == b""  # closed without an answer
        page.close()
        editor = _attach(connect_when_listening(("127.0.0.1", port)))  # still listening
        assert editor.answer("init")["result"]["serverInfo"]["name"] == "ds-lsp"
        editor.send(notification("initialized"), did_open())
        editor.completion_works("after")
        assert "does not open with an LSP header" in log.read_text()
        editor.send({"jsonrpc": "2.0", "id": "bye", "method": "shutdown"}, notification("exit"))
        assert proc.wait(30) == 0
    finally:
        stop(proc)


def test_a_silent_connection_cannot_hold_the_door(mock, tmp_path):
    """Without a token too: a connection that sends half a header and goes quiet is never
    attached; it is dropped after a few seconds, and the real client is served."""
    port = _free_port()
    proc, log = _server(mock, tmp_path, "--tcp", "--port", str(port))
    try:
        silent = connect_when_listening(("127.0.0.1", port))
        silent.sendall(b"Content-Length: 10\r\n")
        editor = _attach(connect_when_listening(("127.0.0.1", port)))
        assert editor.answer("init")["result"]["serverInfo"]["name"] == "ds-lsp"
        editor.send(notification("initialized"), did_open())
        editor.completion_works("served")
        editor.send({"jsonrpc": "2.0", "id": "bye", "method": "shutdown"}, notification("exit"))
        assert proc.wait(30) == 0
        silent.close()
    finally:
        stop(proc)
    text = log.read_text()
    assert "Unhandled exception" not in text and "Traceback" not in text
