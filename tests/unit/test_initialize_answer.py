"""The initialize answer equals the one pygls's capability builder makes for the same
features (those the hot path serves declared to it), for every client we know."""

from __future__ import annotations

import glob
import json
import os

import attrs
import pytest
import pytest_lsp
from lsprotocol import types

from ds_lsp.lsp import initialize_answer
from ds_lsp.lsp.server import DsLanguageServer, create_server

CLIENTS = sorted(glob.glob(os.path.join(os.path.dirname(pytest_lsp.__file__), "clients", "*.json")))
EXTRA = {
    "empty": {},
    "utf32-first": {"general": {"positionEncodings": ["utf-32", "utf-16"]}},
    "utf8-only": {"general": {"positionEncodings": ["utf-8"]}},
    "unknown-encodings": {"general": {"positionEncodings": ["latin-1"]}},
    "will-save": {
        "textDocument": {"synchronization": {"willSave": True, "willSaveWaitUntil": False}}
    },
    "file-operations": {"workspace": {"fileOperations": {"didCreate": True}}},
}


def _capabilities(name: str) -> dict:
    if name in EXTRA:
        return EXTRA[name]
    with open(name) as fh:
        data = json.load(fh)
    return data.get("capabilities", data)


def _declare_hot_path_features(server: DsLanguageServer) -> None:
    """The hot path serves these without pygls; pygls learns of them here only, to build
    the capabilities the answer must hold."""
    features = {
        types.TEXT_DOCUMENT_INLINE_COMPLETION: types.InlineCompletionOptions(
            work_done_progress=False
        ),
        types.TEXT_DOCUMENT_COMPLETION: types.CompletionOptions(
            trigger_characters=initialize_answer.TRIGGER_CHARACTERS, resolve_provider=False
        ),
        types.TEXT_DOCUMENT_CODE_ACTION: types.CodeActionOptions(
            code_action_kinds=[
                types.CodeActionKind(k) for k in initialize_answer.CODE_ACTION_KINDS
            ],
            resolve_provider=False,
        ),
    }
    for method, options in features.items():
        server.feature(method, options)(lambda ls, params: None)
    server.command(initialize_answer.ACCEPTED_COMMAND)(lambda ls, *args: None)


def _pygls_answer(capabilities: dict) -> dict:
    server = create_server()
    _declare_hot_path_features(server)
    convert = server.protocol._converter
    params = convert.structure(
        {"processId": None, "rootUri": None, "capabilities": capabilities}, types.InitializeParams
    )
    try:
        next(server.protocol.lsp_initialize(params))  # no ds-lsp handler: it runs through
    except StopIteration as stop:
        result = stop.value
    else:
        raise AssertionError("a pygls initialize handler is registered")
    workspace = result.capabilities.workspace
    if workspace is not None and workspace.file_operations is not None:
        # pygls sends "fileOperations": {}, which eglot and others read as absent
        assert not any(attrs.astuple(workspace.file_operations, recurse=False))
        workspace.file_operations = None
    return convert.unstructure(result)


@pytest.mark.parametrize("name", [*CLIENTS, *EXTRA], ids=lambda n: os.path.basename(n))
def test_early_answer_is_what_pygls_answers(name):
    capabilities = _capabilities(name)
    assert initialize_answer.initialize_result(capabilities) == _pygls_answer(capabilities)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b'{"jsonrpc": "2.0", "id": 1, "method": "shutdown"}',
        b'{"jsonrpc": "2.0", "id": true, "method": "initialize", "params": {"capabilities": {}}}',
        b'{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": 3}}',
    ],
    ids=["empty", "garbage", "not-initialize", "bool-id", "bad-capabilities"],
)
def test_no_early_answer_for_anything_else(body):
    assert initialize_answer.early_answer(body) is None


def test_early_answer_frame():
    msg_id, frame = initialize_answer.early_answer(
        b'{"jsonrpc": "2.0", "id": 7, "method": "initialize", "params": {"capabilities": {}}}'
    )
    head, _, payload = frame.partition(b"\r\n\r\n")
    assert msg_id == 7 and int(head.split(b"\r\n")[0].split(b": ")[1]) == len(payload)
    assert json.loads(payload)["result"]["serverInfo"]["name"] == "ds-lsp"
