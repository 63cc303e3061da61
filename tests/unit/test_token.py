"""The TCP/socket token check on the first frame: what passes, and what the server sees."""

from __future__ import annotations

import json

import pytest

from ds_lsp.lsp.serve import check_token, is_loopback_host

TOKEN = "s3cret-token-value"


def initialize(options: object, method: str = "initialize") -> bytes:
    params = {"capabilities": {}, "initializationOptions": options}
    return json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()


@pytest.mark.parametrize(
    "options",
    [{"token": TOKEN}, {"ds-lsp": {"token": TOKEN}}, {"token": TOKEN, "ds-lsp": {"token": TOKEN}}],
    ids=["top", "section", "both"],
)
def test_the_token_passes_and_is_taken_out(options: object) -> None:
    body, msg_id = check_token(initialize(options), TOKEN)
    assert msg_id == 1 and body is not None and TOKEN not in body.decode()


@pytest.mark.parametrize(
    "first",
    [
        initialize({}),
        initialize(None),
        initialize({"token": "wrong"}),
        initialize({"token": TOKEN, "ds-lsp": {"token": "other"}}),
        initialize({"token": [TOKEN]}),
        initialize({"token": TOKEN}, method="shutdown"),
        b"{broken",
        None,
    ],
    ids=[
        "none",
        "null-options",
        "wrong",
        "one-wrong",
        "not-a-string",
        "not-initialize",
        "broken",
        "end-of-input",
    ],
)
def test_anything_else_is_refused(first: bytes | None) -> None:
    body, _ = check_token(first, TOKEN)
    assert body is None


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.com", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback
