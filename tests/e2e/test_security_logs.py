"""No key in any log line at DEBUG (pygls's own dumps included) nor in `ds-lsp check`."""

from __future__ import annotations

import subprocess
import sys

from lsprotocol import types

from tests.e2e.conftest import API_KEY, ROOT, inline, open_doc, server_env
from tests.e2e.lsp_wire import did_open, initialize, notification, start_stdio, stop

# shaped like nothing in particular: only registration can mask them
PLAIN_KEY = "plainkey-8f2a61c0d9"
INIT_KEYS = {
    "openaiFimApiKey": "openai-init-secret-41d2",
    "llamaCppApiKey": "llama-init-secret-77ab",
    "codestralApiKey": "codestral-init-secret-9c3e",
}
PULLED_KEY = "pulled-secret-5b8e0f"
PUSHED_KEY = "pushed-secret-c4a917"


async def test_no_key_reaches_the_debug_log_from_any_settings_source(start, mock, tmp_path):
    log_file = tmp_path / "debug.log"
    mock.script({"status": 401, "error": {"message": f"bad header: Bearer {PLAIN_KEY}"}})
    client = await start(
        init=INIT_KEYS,
        env={"DEEPSEEK_API_KEY": PLAIN_KEY},
        configuration={"codestralApiKey": PULLED_KEY, "apiKey": PULLED_KEY + "-api"},
        log_file=log_file,
    )
    uri = (tmp_path / "calc.py").as_uri()
    open_doc(client, uri, "def add(a, b):\n    ")
    await inline(client, uri, 1, 4)  # the 401 echoing the key is logged
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"ds-lsp": {"llamaCppApiKey": PUSHED_KEY, "token": PUSHED_KEY + "-t"}}
        )
    )
    await inline(client, uri, 1, 4)
    text = log_file.read_text()
    assert "Language server initialized" in text  # pygls dumped InitializeParams at DEBUG
    assert "upstream error auth" in text
    secrets = [PLAIN_KEY, PULLED_KEY, PUSHED_KEY, *INIT_KEYS.values()]
    leaked = [s for s in secrets if s in text]
    assert leaked == []


def test_a_malformed_message_holding_a_key_is_logged_masked(mock, tmp_path):
    log_file = tmp_path / "debug.log"
    proc, wire = start_stdio(mock, "--log-file", str(log_file), "--log-level", "DEBUG")
    try:
        wire.send(initialize(), notification("initialized"), did_open())
        wire.answer("init")
        wire.send({"jsonrpc": "2.0", "id": 9, "method": 5, "apiKey": "raw-key-0d1e2f3a4b"})
        assert wire.answer(9)["error"]["code"] == -32600
        wire.completion_works("after")
    finally:
        stop(proc)
    text = log_file.read_text()
    assert "malformed message" in text
    assert "raw-key-0d1e2f3a4b" not in text and API_KEY not in text


def test_check_output_is_redacted_when_upstream_echoes_the_key(mock):
    echoed = f"invalid header Authorization: Bearer {PLAIN_KEY}"
    mock.script({"status": 422, "error": {"message": echoed}})  # check prints its detail
    out = subprocess.run(
        [sys.executable, "-m", "ds_lsp", "check"],
        capture_output=True,
        text=True,
        env=server_env(mock, DEEPSEEK_API_KEY=PLAIN_KEY),
        timeout=60,
        cwd=ROOT,
    )
    assert out.returncode == 1
    assert "Authorization: Bearer sk-***" in out.stdout  # the echo, masked
    assert PLAIN_KEY not in out.stdout + out.stderr


async def test_secrets_in_text_stay_out_of_the_debug_log(start, mock, tmp_path):
    """Text crossing the protocol is dumped at DEBUG (here generated code, in the edit and
    the command's answer): secrets in it are masked as in prompts."""
    log_file = tmp_path / "debug.log"
    aws_id = "AKIAIOSFODNN7EXAMPLE"
    code = f"s3 = boto3.client('s3', aws_access_key_id='{aws_id}')\n```"
    mock.script({"text": code}, path="chat/completions")
    client = await start(log_file=log_file)
    client.feature(types.WORKSPACE_APPLY_EDIT)(
        lambda params: types.ApplyWorkspaceEditResult(applied=True)
    )
    uri = (tmp_path / "s3.py").as_uri()
    open_doc(client, uri, "import boto3\n# an S3 client\n")
    argument = {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 0}}
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ds-lsp.generateCodeBlock", arguments=[argument])
    )
    assert aws_id in result["text"]  # the user gets the code as written ...
    text = log_file.read_text()
    assert "aws_access_key_id='REDACTED_AWS_ACCESS_KEY_" in text  # ... the log, masked
    assert aws_id not in text
