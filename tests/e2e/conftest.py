"""Fixtures: a mock DeepSeek server on 127.0.0.1 and real ds-lsp processes over stdio."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.mock_deepseek import MockDeepSeek
from tests.waiting import wait_until

__all__ = ["wait_until"]

API_KEY = "sk-test-secret-5f1e2d3c"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def mock() -> MockDeepSeek:
    server = MockDeepSeek(fim_text="return a + b").start()
    yield server
    server.stop()


def capabilities(
    inline: bool = True,
    encodings: list[str] | None = None,
    snippets: bool = False,
    progress: bool = False,
    configuration: bool = True,
) -> types.ClientCapabilities:
    text = types.TextDocumentClientCapabilities(
        completion=types.CompletionClientCapabilities(
            completion_item=types.ClientCompletionItemOptions(snippet_support=snippets)
        ),
        inline_completion=types.InlineCompletionClientCapabilities() if inline else None,
    )
    return types.ClientCapabilities(
        text_document=text,
        workspace=types.WorkspaceClientCapabilities(configuration=configuration),
        window=types.WindowClientCapabilities(work_done_progress=progress),
        general=types.GeneralClientCapabilities(position_encodings=encodings)
        if encodings
        else None,
    )


def server_env(mock: MockDeepSeek, **extra: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEEPSEEK_")}
    env.update({"DEEPSEEK_API_KEY": API_KEY, "DEEPSEEK_BASE_URL": mock.url + "/beta"})
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["PYTHONPATH"] = str(ROOT)
    return env


Starter = Callable[..., Any]


def _as_dict(params: Any) -> dict[str, Any]:
    """pygls hands unknown notifications' params over as a namedtuple-like Object."""
    if isinstance(params, dict):
        return params
    return {k: v for k, v in params._asdict().items() if v is not None}


@pytest.fixture
async def start(mock: MockDeepSeek, tmp_path: Path) -> AsyncIterator[Starter]:
    """start(**options) -> an initialized LanguageClient talking to a fresh ds-lsp."""
    clients: list[LanguageClient] = []

    async def starter(
        init: dict[str, Any] | None = None,
        env: dict[str, str | None] | None = None,
        configuration: dict[str, Any] | None = None,
        caps: types.ClientCapabilities | None = None,
        log_file: Path | None = None,
        client_name: str | None = None,
    ) -> LanguageClient:
        log = log_file or tmp_path / f"server{len(clients)}.log"
        cfg = ClientServerConfig(
            server_command=[
                sys.executable,
                "-m",
                "ds_lsp",
                "--log-file",
                str(log),
                "--log-level",
                "DEBUG",
            ],
            server_env=server_env(mock, **(env or {})),
        )
        client = await cfg.start()
        client.status = []  # type: ignore[attr-defined]
        client.feature("ds-lsp/status")(lambda params: client.status.append(_as_dict(params)))
        if configuration is not None:
            client.set_configuration({"ds-lsp": configuration})
        # window tests look at the bare prefix; context and header have their own tests
        # (and count upstream requests exactly: next-line prefetch has its own test)
        options = {
            "debounceMs": 0,
            "promptHeader": False,
            "contextFiles": False,
            "prefetch": False,
            **(init or {}),
        }
        client.init_result = await client.initialize_session(
            types.InitializeParams(
                capabilities=caps or capabilities(),
                initialization_options=options,
                client_info=types.ClientInfo(name=client_name) if client_name else None,
                root_uri=tmp_path.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
            )
        )
        clients.append(client)
        return client

    yield starter
    for client in clients:
        try:
            await client.shutdown_session()
        finally:
            await client.stop()


def fetches_done(client: LanguageClient) -> int:
    """Upstream fetches the server finished, from its ds-lsp/status notifications: each
    "fetching" followed by a later "idle" (sent once the answer is cached)."""
    done, fetching = 0, False
    for status in client.status:  # type: ignore[attr-defined]
        if status["state"] == "fetching":
            fetching = True
        elif status["state"] == "idle" and fetching:
            done, fetching = done + 1, False
    return done


def send_inline(
    client: LanguageClient,
    uri: str,
    line: int,
    char: int,
    invoked: bool = True,
    msg_id: str | None = None,
) -> asyncio.Future:
    """Send an inlineCompletion request now (in order with later sends); its answer future."""
    kind = (
        types.InlineCompletionTriggerKind.Invoked
        if invoked
        else types.InlineCompletionTriggerKind.Automatic
    )
    params = types.InlineCompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=char),
        context=types.InlineCompletionContext(trigger_kind=kind),
    )
    sent = client.protocol.send_request(
        types.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id=msg_id
    )
    return asyncio.wrap_future(sent)


def open_doc(client: LanguageClient, uri: str, text: str, language: str = "python") -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )


def change(
    client: LanguageClient,
    uri: str,
    version: int,
    line: int,
    char: int,
    text: str,
    end: tuple[int, int] | None = None,
) -> None:
    start = types.Position(line=line, character=char)
    stop = types.Position(line=end[0], character=end[1]) if end else start
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=start, end=stop), text=text
                )
            ],
        )
    )


async def inline(
    client: LanguageClient, uri: str, line: int, char: int, invoked: bool = True
) -> list[types.InlineCompletionItem]:
    kind = (
        types.InlineCompletionTriggerKind.Invoked
        if invoked
        else types.InlineCompletionTriggerKind.Automatic
    )
    result = await client.text_document_inline_completion_async(
        types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=char),
            context=types.InlineCompletionContext(trigger_kind=kind),
        )
    )
    if result is None:
        return []
    return list(result.items) if hasattr(result, "items") else list(result)


def cli(
    mock: MockDeepSeek, *args: str, cwd: Path = ROOT, **env: str | None
) -> subprocess.CompletedProcess:
    """`ds-lsp ARGS` as a user runs it, against the mock."""
    return subprocess.run(
        [sys.executable, "-m", "ds_lsp", *args],
        capture_output=True,
        text=True,
        env=server_env(mock, **env),
        timeout=60,
        cwd=cwd,
    )
