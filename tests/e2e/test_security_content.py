"""Secrets judged by content, whatever the file is called: key shapes never reach upstream
(a stable placeholder goes instead), a private key stops every request, and the user is
told once."""

from __future__ import annotations

import json

import pytest
from lsprotocol import types

from tests.e2e.conftest import change, inline, open_doc
from tests.waiting import wait_until

AWS_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
GH_TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
PASTED = (
    "import boto3\n\n"
    f'session = boto3.Session(aws_access_key_id="{AWS_ID}",\n'
    f'                        aws_secret_access_key="{AWS_SECRET}")\n'
    f'GITHUB_TOKEN = "{GH_TOKEN}"\n'
    "client = session.client(\n"
)
PRIVATE_KEY = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACDk0b8n0lrGzX2nq1qgqBqXvTqH2ZgKxq1wJmY9d1mDhAAAAJgAAAAAAAAA\n"
    "-----END OPENSSH PRIVATE KEY-----\n"
)
SECRETS = (AWS_ID, AWS_SECRET, GH_TOKEN)


def sent(mock) -> str:
    """Every body the mock received, as JSON text."""
    return "\n".join(json.dumps(r.body) for r in mock.requests)


def placeholders(text: str) -> list[str]:
    return sorted({w for w in text.replace('"', " ").split() if w.startswith("REDACTED_")})


async def test_pasted_keys_never_reach_upstream_and_their_placeholders_stay_the_same(start, mock):
    client = await start()
    uri = "untitled:Untitled-1"
    open_doc(client, uri, PASTED)
    await inline(client, uri, 5, 24)
    change(client, uri, 2, 5, 24, "region_name=")
    await inline(client, uri, 5, 36)
    first, second = (r.body["prompt"] for r in mock.fim_requests())
    assert first != second  # two prompts ...
    assert not any(s in sent(mock) for s in SECRETS)  # ... holding no secret ...
    assert placeholders(first) == placeholders(second)  # ... and the same stand-ins
    assert len(placeholders(first)) == 3


async def test_the_user_is_told_once_and_the_log_never_holds_the_secret(start, mock, tmp_path):
    log_file = tmp_path / "server.log"
    client = await start(log_file=log_file)
    uri = (tmp_path / "app.py").as_uri()
    open_doc(client, uri, PASTED)
    await inline(client, uri, 5, 24)
    await inline(client, uri, 4, 0)
    await wait_until(lambda: client.messages)
    (message,) = [m.message for m in client.messages]
    assert "masked 3 secret(s)" in message and "app.py" in message
    text = log_file.read_text()
    assert "masked 3 secret(s)" in text
    assert not any(s in text or s in message for s in SECRETS)


async def test_a_placeholder_the_model_repeats_comes_back_as_the_real_value(start, mock):
    client = await start()
    uri = "untitled:Untitled-2"
    open_doc(client, uri, f'TOKEN = "{GH_TOKEN}"\nheaders = {{"token": ')
    await inline(client, uri, 1, 22)
    (stand_in,) = placeholders(mock.fim_requests()[0].body["prompt"])
    mock.script({"text": f'"{stand_in}"}}'})
    change(client, uri, 2, 1, 22, " ")  # another prompt: not served from the cache
    items = await inline(client, uri, 1, 23)
    assert [i.insert_text for i in items] == [f'"{GH_TOKEN}"}}']


@pytest.mark.parametrize(
    "name",
    ["deploy_key", "notes.txt", "untitled:Untitled-3"],
    ids=["deploy-key", "txt", "untitled"],
)
async def test_a_document_holding_a_private_key_sends_nothing(start, mock, tmp_path, name):
    client = await start()
    uri = name if name.startswith("untitled:") else (tmp_path / name).as_uri()
    open_doc(client, uri, "# my key\n" + PRIVATE_KEY + "\n", language="plaintext")
    assert await inline(client, uri, 6, 0) == []
    assert mock.fim_requests() == []


async def test_a_private_key_pasted_later_stops_completions_at_once(start, mock, tmp_path):
    client = await start()
    uri = (tmp_path / "settings.py").as_uri()
    open_doc(client, uri, "KEY = '''\n\n'''\n")
    assert await inline(client, uri, 1, 0) != []
    change(client, uri, 2, 1, 0, PRIVATE_KEY)
    assert await inline(client, uri, 5, 0) == []
    assert len(mock.fim_requests()) == 1


async def test_another_document_holding_a_private_key_stays_out_of_the_context(
    start, mock, tmp_path
):
    client = await start(init={"contextFiles": True})
    open_doc(client, (tmp_path / "geometry.py").as_uri(), "def area(r):\n    return r * r\n")
    open_doc(
        client, (tmp_path / "keys.py").as_uri(), f"def key_helper():\n    '''{PRIVATE_KEY}'''\n"
    )
    uri = (tmp_path / "main.py").as_uri()
    open_doc(client, uri, "x = area(1)\ny = key_helper(\n")
    assert await inline(client, uri, 1, 15) != []
    prompt = mock.fim_requests()[-1].body["prompt"]
    assert "def area" in prompt and "PRIVATE KEY" not in prompt and "key_helper():" not in prompt


async def test_generate_in_a_document_holding_a_private_key_sends_nothing(start, mock, tmp_path):
    client = await start()
    client.feature(types.WORKSPACE_APPLY_EDIT)(
        lambda params: types.ApplyWorkspaceEditResult(applied=True)
    )
    uri = (tmp_path / "deploy.py").as_uri()
    open_doc(client, uri, f'KEY = """{PRIVATE_KEY}"""\n# print the key fingerprint\n\n')
    argument = {"textDocument": {"uri": uri}, "position": {"line": 7, "character": 0}}
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ds-lsp.generateCodeBlock", arguments=[argument])
    )
    assert result["applied"] is False
    assert mock.requests_to("chat/completions") == []
    await wait_until(lambda: any("private key" in m.message for m in client.messages))


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (".cargo/credentials.toml", '[registry]\ntoken = "cio1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d"\n'),
        (".config/gh/hosts.yml", f"github.com:\n    oauth_token: {GH_TOKEN}\n    user: me\n"),
        (".config/gcloud/application_default_credentials.json", '{"refresh_token": "1//0g"}\n'),
        (".terraform.d/credentials.tfrc.json", '{"credentials": {"app.terraform.io": {}}}\n'),
        (".my.cnf", "[client]\npassword=hunter22\n"),
        (".vault-token", "hvs.CAESIJ\n"),
        (".bash_history", "export AWS_SECRET_ACCESS_KEY=abc\n"),
        ("deploy.ppk", "PuTTY-User-Key-File-3: ssh-ed25519\n"),
        (".kube/kubeconfig", "users:\n- name: me\n"),
    ],
    ids=[
        "cargo",
        "gh-hosts",
        "gcloud-adc",
        "terraform",
        "my-cnf",
        "vault",
        "history",
        "ppk",
        "kube",
    ],
)
async def test_credential_files_are_excluded_by_default(start, mock, tmp_path, path, text):
    client = await start()
    file = tmp_path / "home" / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)
    open_doc(client, file.as_uri(), text, language="plaintext")
    assert await inline(client, file.as_uri(), 1, 0) == []
    assert mock.fim_requests() == []
