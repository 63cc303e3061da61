"""The `initialize` answer, computed without importing pygls or lsprotocol.

Importing lsprotocol's types alone takes a few hundred milliseconds. The hot path
(hot_path.py) answers `initialize` from here at once, on every transport; pygls, when it
loads later, takes the same request with its own answer dropped. A unit test holds this
answer equal to the one pygls's capability builder makes for the same features, for every
client capability set it is given.
"""

from __future__ import annotations

import json
from typing import Any

from ds_lsp import __version__, config

GENERATE_COMMAND = "ds-lsp.generateCodeBlock"
ACCEPTED_COMMAND = "ds-lsp.acceptedSuggestion"
USAGE_COMMAND = "ds-lsp.showUsage"
COMMANDS = [GENERATE_COMMAND, USAGE_COMMAND, ACCEPTED_COMMAND]
TRIGGER_CHARACTERS = [".", "(", "[", "{", ",", ":", "=", " "]
CODE_ACTION_KINDS = ["refactor.rewrite"]
ENCODINGS = ("utf-8", "utf-16", "utf-32")


def position_encoding(capabilities: dict[str, Any]) -> str:
    """The client's first offered encoding that ds-lsp supports, else UTF-16."""
    general = capabilities.get("general")
    offered = general.get("positionEncodings") if isinstance(general, dict) else None
    for encoding in offered if isinstance(offered, list) else ():
        if encoding in ENCODINGS:
            return encoding
    return "utf-16"


def client_name(params: dict[str, Any]) -> str | None:
    """The editor's name, from clientInfo."""
    info = params.get("clientInfo")
    name = info.get("name") if isinstance(info, dict) else None
    return name if isinstance(name, str) else None


def init_options(params: dict[str, Any]) -> Any:
    """The ds-lsp section of initializationOptions (the user's own editor config)."""
    return config.section(params.get("initializationOptions"))


def _sync(capabilities: dict[str, Any]) -> dict[str, Any]:
    sync: dict[str, Any] = {"openClose": True, "change": 2}
    text = capabilities.get("textDocument")
    client = text.get("synchronization") if isinstance(text, dict) else None
    client = client if isinstance(client, dict) else {}
    for key in ("willSave", "willSaveWaitUntil"):  # pygls: present (false) when declared
        if client.get(key) is not None:
            sync[key] = False
    sync["save"] = False
    return sync


def initialize_result(capabilities: dict[str, Any]) -> dict[str, Any]:
    """The InitializeResult ds-lsp gives a client with these capabilities."""
    return {
        "capabilities": {
            "positionEncoding": position_encoding(capabilities),
            "textDocumentSync": _sync(capabilities),
            "completionProvider": {
                "triggerCharacters": TRIGGER_CHARACTERS,
                "resolveProvider": False,
            },
            "codeActionProvider": {"codeActionKinds": CODE_ACTION_KINDS, "resolveProvider": False},
            "executeCommandProvider": {"commands": COMMANDS},
            "inlineCompletionProvider": {"workDoneProgress": False},
            "workspace": {"workspaceFolders": {"supported": True, "changeNotifications": True}},
        },
        "serverInfo": {"name": "ds-lsp", "version": __version__},
    }


def early_answer(body: bytes | None) -> tuple[int | str, bytes] | None:
    """(request id, response frame) when `body` is a well-formed initialize request."""
    try:
        data = json.loads(body) if body else None
    except (ValueError, RecursionError):  # transport.py answers it as a Parse error
        return None
    return answer(data)


def answer(data: Any) -> tuple[int | str, bytes] | None:
    """(request id, response frame) when `data` is a well-formed initialize request."""
    if not isinstance(data, dict) or data.get("method") != "initialize":
        return None
    msg_id, params = data.get("id"), data.get("params")
    if isinstance(msg_id, bool) or not isinstance(msg_id, (int, str)):
        return None
    if not isinstance(params, dict) or not isinstance(params.get("capabilities"), dict):
        return None
    response = {"jsonrpc": "2.0", "id": msg_id, "result": initialize_result(params["capabilities"])}
    payload = json.dumps(response).encode()
    header = (
        f"Content-Length: {len(payload)}\r\n"
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
    ).encode()
    return msg_id, header + payload
