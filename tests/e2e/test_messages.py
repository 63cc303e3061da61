"""Messages a person can act on: `ds-lsp check` and `ds-lsp complete` say what is wrong once,
in words that match what happened (no key was sent, nothing listens, the URL is mistyped),
and the server's log keeps one line per outage, without Python's `None`."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from pathlib import Path

import pytest
from lsprotocol import types

from tests.e2e.conftest import cli, open_doc, send_inline, wait_until
from tests.mock_deepseek import MockDeepSeek


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/beta"


def test_check_without_a_key_on_this_machine_does_not_call_a_401_a_rejected_key(
    mock: MockDeepSeek,
) -> None:
    for path in ("models", "completions"):
        mock.script({"status": 401}, path=path)
    out = cli(mock, "check", DEEPSEEK_API_KEY=None)
    assert out.returncode == 1, out.stdout
    assert "API key: none set (a server on this machine may need none)" in out.stdout
    assert "the server asks for an API key (401) and none is set: set DEEPSEEK_API_KEY" in (
        out.stdout
    )
    assert "rejected" not in out.stdout and "needs none" not in out.stdout
    assert all("authorization" not in r.headers for r in mock.requests)  # no key was sent


def test_check_shows_no_python_none_for_fields_the_balance_lacks(mock: MockDeepSeek) -> None:
    partial = (
        '{"is_available": true, "balance_infos": [{"total_balance": "1.00"}, {"currency": "CNY"}]}'
    )
    mock.script({"garbage": partial}, path="balance")
    out = cli(mock, "check")
    assert out.returncode == 0, out.stdout
    assert "Balance: 1.00 (available)" in out.stdout
    assert "None" not in out.stdout


def test_check_says_connection_refused_once_with_the_url(mock: MockDeepSeek) -> None:
    url = closed_port_url()
    out = cli(mock, "check", DEEPSEEK_BASE_URL=url)
    assert out.returncode == 1
    assert out.stdout.count("connection refused") == 1, out.stdout
    assert f"connection refused at {url}" in out.stdout
    assert out.stdout.count("network") <= 1, out.stdout  # once, in what to check
    assert "Balance: not asked" in out.stdout and "FIM: not tried" in out.stdout
    assert "To do: check the base URL (DEEPSEEK_BASE_URL)" in out.stdout


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("https//{host}/beta", "is not a URL ds-lsp can use"),
        ("{host}/beta", "is not a URL ds-lsp can use"),
        ("http://{host} /beta", "is not a URL ds-lsp can use"),
        ("http://example.com/beta", "would send the API key in clear text"),
    ],
    ids=["colon-missing", "no-scheme", "space", "clear-text-elsewhere"],
)
def test_check_refuses_a_mistyped_base_url_naming_the_variable(
    mock: MockDeepSeek, typed: str, why: str
) -> None:
    host = mock.url.split("://", 1)[1]
    value = typed.format(host=host)
    out = cli(mock, "check", DEEPSEEK_BASE_URL=value)
    assert out.returncode == 1
    assert f"DEEPSEEK_BASE_URL={value!r} {why}" in out.stdout, out.stdout
    assert "correct DEEPSEEK_BASE_URL or unset it" in out.stdout
    assert "nothing was sent" in out.stdout
    assert "ready" not in out.stdout and "Backend:" not in out.stdout  # no other host tried
    assert mock.requests == []


def test_complete_without_a_key_does_not_blame_a_key(mock: MockDeepSeek, tmp_path: Path) -> None:
    mock.script({"status": 401}, path="completions")
    source = tmp_path / "a.py"
    source.write_text("def add(a, b):\n    return ")
    out = cli(mock, "complete", f"{source}:2:12", "--set", "model=deepseek-flash",
              DEEPSEEK_API_KEY=None)  # fmt: skip
    assert out.returncode == 1
    assert "asks for an API key (401) and none is set" in out.stderr, out.stderr
    assert "rejected" not in out.stderr


async def test_an_outage_is_one_warning_line_and_no_none(start, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    client = await start(env={"DEEPSEEK_BASE_URL": closed_port_url()}, log_file=log)
    for n in range(3):
        uri = (tmp_path / f"f{n}.py").as_uri()
        open_doc(client, uri, "x = \n")
        assert not (await send_inline(client, uri, 0, 4)).items
    lines = log.read_text().splitlines()
    warnings = [line for line in lines if " WARNING " in line and "upstream error" in line]
    assert len(warnings) == 1, warnings
    assert "upstream error network: connection refused" in warnings[0]
    assert sum("upstream error network" in line for line in lines) >= 3  # the rest at DEBUG
    # ds-lsp's own log calls (pygls's are its own; ds_lsp/lsp is the lead's, being rewritten)
    core = [line for line in lines if " ds_lsp." in line and " ds_lsp.lsp." not in line]
    assert not [line for line in core if "None" in line and " DEBUG " not in line]
    assert not [line for line in lines if " INFO " in line and "retry" in line]


async def test_a_cancelled_request_leaves_the_error_state_shown(
    start, mock, tmp_path: Path
) -> None:
    """A 401, then a request the editor cancels: the status item must still say what is
    wrong (not flip back to idle, which hid the error from the user)."""
    mock.script({"status": 401}, {"delay": 30, "text": "slow()"})
    client = await start()
    uri = (tmp_path / "a.py").as_uri()
    open_doc(client, uri, "x = \n")
    assert not (await send_inline(client, uri, 0, 4)).items
    await wait_until(lambda: client.status[-1] == {"state": "error", "message": "auth"})
    pending = send_inline(client, uri, 0, 4, msg_id="superseded")
    await wait_until(lambda: len(mock.fim_requests()) == 2)
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="superseded"))
    with contextlib.suppress(Exception):  # RequestCancelled is an allowed answer
        await asyncio.wait_for(pending, 20)
    await wait_until(lambda: client.status[-1]["state"] != "fetching")
    assert client.status[-1] == {"state": "error", "message": "auth"}, client.status
