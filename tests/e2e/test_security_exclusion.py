"""Secret files stay home wherever text is read for a prompt: completion, other files'
context, generate and `ds-lsp complete`; in any case, any URI scheme, through symlinks."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from lsprotocol import types

from tests.e2e.conftest import ROOT, inline, open_doc, server_env
from tests.e2e.lsp_wire import (
    did_open,
    initialize,
    inline_request,
    notification,
    start_stdio,
    stop,
)

HELPERS = "def area(radius: float) -> float:\n    return 3.14 * radius ** 2\n"
SECRET = "def leaked_secret_helper():\n    return 'AKIA-SECRET-VALUE'\n"


@pytest.fixture
def linked_secret(tmp_path):
    """A workspace file `notes.py` that is a symlink to ~/.aws/credentials."""
    aws = tmp_path / "home" / ".aws"
    aws.mkdir(parents=True)
    (aws / "credentials").write_text(SECRET)
    link = tmp_path / "notes.py"
    os.symlink(aws / "credentials", link)
    return link


@pytest.mark.parametrize(
    "uri",
    [
        "file:///ws/.ENV",
        "file:///ws/%2Eenv",
        "untitled:.env",
        "vscode-remote://ssh-remote%2Bbox/home/u/.kube/config",
        "file:///ws/infra/prod.tfvars",
        "file:///ws/.git/config",
    ],
)
async def test_secret_documents_get_no_completion_and_send_nothing(start, mock, uri):
    client = await start()
    open_doc(client, uri, "TOKEN=", language="plaintext")
    assert await inline(client, uri, 0, 6) == []
    assert mock.fim_requests() == []


async def test_a_symlink_to_a_secret_gets_no_completion(start, mock, linked_secret):
    client = await start()
    open_doc(client, linked_secret.as_uri(), SECRET)
    assert await inline(client, linked_secret.as_uri(), 1, 4) == []
    assert mock.fim_requests() == []


async def test_other_files_context_leaves_secret_documents_out(
    start, mock, tmp_path, linked_secret
):
    client = await start(init={"contextFiles": True})
    open_doc(client, (tmp_path / "geometry.py").as_uri(), HELPERS)
    open_doc(client, linked_secret.as_uri(), SECRET)
    open_doc(client, (tmp_path / "Secrets.Env").as_uri(), "def env_helper(): AKIA-OTHER\n")
    uri = (tmp_path / "main.py").as_uri()
    open_doc(client, uri, "x = area(1)\ny = leaked_secret_helper(env_helper(\n")
    await inline(client, uri, 1, 37)
    prompt = mock.fim_requests()[-1].body["prompt"]
    assert "def area" in prompt  # other files are in the prompt ...
    assert "AKIA" not in prompt  # ... but not the secret ones


async def test_generate_refuses_a_symlink_to_a_secret(start, mock, linked_secret):
    client = await start()
    client.feature(types.WORKSPACE_APPLY_EDIT)(
        lambda params: types.ApplyWorkspaceEditResult(applied=True)
    )
    open_doc(client, linked_secret.as_uri(), "# make a helper\n\n")
    argument = {
        "textDocument": {"uri": linked_secret.as_uri()},
        "position": {"line": 1, "character": 0},
    }
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ds-lsp.generateCodeBlock", arguments=[argument])
    )
    assert result["applied"] is False
    assert mock.requests_to("chat/completions") == []


def test_the_complete_command_refuses_a_symlink_to_a_secret(mock, linked_secret):
    out = subprocess.run(
        [sys.executable, "-m", "ds_lsp", "complete", f"{linked_secret}:2:5"],
        capture_output=True,
        text=True,
        env=server_env(mock),
        timeout=60,
        cwd=ROOT,
    )
    assert out.returncode == 1 and out.stdout == ""
    assert mock.fim_requests() == []


def _folder(path) -> dict:
    return {"uri": path.as_uri(), "name": path.name}


def test_an_anchored_exclude_applies_in_every_workspace_folder(mock, tmp_path):
    """`/config/prod.py` in a second folder of a multi-root workspace: from initialize and
    from a folder added later."""
    one, two, three = (tmp_path / n for n in ("one", "two", "three"))
    init = initialize(options={"exclude": ["/config/prod.py"]})
    init["params"]["workspaceFolders"] = [_folder(one), _folder(two)]
    proc, wire = start_stdio(mock)
    try:
        wire.send(init, notification("initialized"))
        wire.answer("init")
        for root in (two, three):
            if root is three:
                event = {"added": [_folder(three)], "removed": []}
                wire.send(notification("workspace/didChangeWorkspaceFolders", {"event": event}))
            secret, ordinary = root / "config" / "prod.py", root / "src" / "config" / "prod.py"
            for path in (secret, ordinary):
                line = f"DB = connect({root.name!r}, "  # a prompt of its own: no cache hit
                wire.send(did_open(path.as_uri(), line + "\n"))
                wire.send(inline_request(str(path), path.as_uri(), 0, len(line)))
            assert wire.answer(str(secret))["result"]["items"] == []
            assert wire.answer(str(ordinary))["result"]["items"] != []
    finally:
        stop(proc)
    prompts = [r.body["prompt"] for r in mock.fim_requests()]
    assert len(prompts) == 2  # the two ordinary files only


async def test_a_hostile_workspace_glob_cannot_hang_the_server(start, mock, tmp_path):
    """A repository's `exclude` glob that a regex would backtrack on for hours."""
    client = await start(configuration={"exclude": ["*a" * 40 + "*b"]})
    uri = (tmp_path / ("a" * 200 + ".py")).as_uri()
    open_doc(client, uri, "def add(a, b):\n    ")
    items = await asyncio.wait_for(inline(client, uri, 1, 4), 30)
    assert [i.insert_text for i in items] == ["return a + b"]
