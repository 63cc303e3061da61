"""The server's state, built from the raw `initialize` params, without pygls.

One DocumentStore (in the negotiated position encoding), one upstream session, one
completion pipeline, the settings layers with their once-per-session warnings, and what the
client declared. The hot path (hot_path.py) serves from it; pygls, once loaded, adopts this
same object (server.py), so there is one of each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from ds_lsp import config, redact
from ds_lsp.completion.pipeline import CompletionPipeline
from ds_lsp.config import Settings
from ds_lsp.documents import DocumentStore
from ds_lsp.exclusion import uri_to_path
from ds_lsp.lsp.client import Client, WireUI
from ds_lsp.lsp.initialize_answer import client_name, init_options, position_encoding
from ds_lsp.upstream.session import UpstreamSession

log = logging.getLogger(__name__)

PULL_TIMEOUT_S = 10.0  # a client may never answer workspace/configuration


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _folders(params: dict[str, Any]) -> list[str]:
    folders = params.get("workspaceFolders")
    uris = [_dict(f).get("uri") for f in folders] if isinstance(folders, list) else []
    return [uri_to_path(uri) for uri in uris if isinstance(uri, str)]


def _root_path(params: dict[str, Any], folders: list[str]) -> str | None:
    if folders:
        return folders[0]
    root_uri, root_path = params.get("rootUri"), params.get("rootPath")
    if isinstance(root_uri, str) and root_uri:
        return uri_to_path(root_uri)
    return root_path if isinstance(root_path, str) else None


class ServerState:
    """Documents, settings layers, the upstream session and the completion pipeline, and
    the client's flags, from `params` (the initialize request's)."""

    def __init__(
        self,
        client: Client | None = None,
        params: dict[str, Any] | None = None,
        session: UpstreamSession | None = None,
    ) -> None:
        params = _dict(params)
        caps = _dict(params.get("capabilities"))
        self.client = client or Client(None)
        self.docs = DocumentStore()
        self.docs.encoding = position_encoding(caps)
        self.init_options = init_options(params)
        self.pulled: Any = None
        self.pushed: Any = None
        self._warned: set[str] = set()
        if session is None:
            settings = config.resolve(self.init_options)[0]
            session = UpstreamSession.open(settings, WireUI(self.client), client_name(params))
        self.session = session
        self.ui = session.ui
        self.completions = CompletionPipeline(session.settings, self.docs, session)
        self._read_capabilities(caps)
        folders = _folders(params)
        self.completions.gate.root_path = _root_path(params, folders)
        self.completions.other_files.roots = folders
        self.configured = asyncio.Event()  # set once workspace/configuration was pulled
        self.closing: asyncio.Future[None] | None = None

    def _read_capabilities(self, caps: dict[str, Any]) -> None:
        text = _dict(caps.get("textDocument"))
        item = _dict(_dict(text.get("completion")).get("completionItem"))
        formats = item.get("documentationFormat")
        workspace = _dict(caps.get("workspace"))
        self.inline_declared = isinstance(text.get("inlineCompletion"), dict)
        self.snippet_support = bool(item.get("snippetSupport"))
        self.markdown_docs = isinstance(formats, list) and "markdown" in formats
        self.progress_support = bool(_dict(caps.get("window")).get("workDoneProgress"))
        self.configuration_support = bool(workspace.get("configuration"))
        self.document_changes = bool(_dict(workspace.get("workspaceEdit")).get("documentChanges"))

    @property
    def settings(self) -> Settings:
        return self.completions.settings

    @property
    def root_path(self) -> str | None:
        return self.completions.gate.root_path

    # ---- settings ----------------------------------------------------------------------------
    def apply_settings(self) -> None:
        """Settings from every layer: the environment and initializationOptions (the user's
        own editor config) are trusted; workspace/configuration and didChangeConfiguration
        (which a cloned repository can influence) may not move the key (config.py)."""
        settings, report = config.resolve(
            self.init_options, workspace=(self.pulled, self.pushed), previous=self.settings
        )
        for key in (
            settings.api_key,
            settings.openai_fim_api_key,
            settings.llama_cpp_api_key,
            settings.codestral_api_key,
        ):
            redact.register(key)
        new_server = self.session.update(settings)
        self.completions.update(settings, new_server)
        self.ui.status("idle" if settings.enable else "disabled")
        self._log_report(report)

    def _log_report(self, report: config.ParseReport) -> None:
        """Each of the report's few lines once per session: unknown keys (one line), bad
        values, what a workspace may not set (one line), a workspace's own endpoint."""
        for line in report.messages():
            self._warn_once(f"ds-lsp: {line}")

    def _warn_once(self, text: str) -> None:
        if text not in self._warned:
            self._warned.add(text)
            self.ui.show_message("warning", text)

    async def pull_configuration(self) -> None:
        """Ask the client for the `ds-lsp` section (when it supports workspace/configuration)."""
        try:
            await self._pull_configuration()
        finally:
            self.configured.set()

    async def _pull_configuration(self) -> None:
        if not self.configuration_support:
            return
        params = {"items": [{"section": "ds-lsp"}]}
        try:
            result = await self.client.ask("workspace/configuration", params, PULL_TIMEOUT_S)
        except Exception as exc:  # a client may answer with an error or never
            log.info("workspace/configuration failed: %s", exc)
            return
        if isinstance(result, list) and result and isinstance(result[0], dict):
            self.pulled = config.section(result[0])
            self.apply_settings()

    async def wait_configured(self, timeout: float) -> None:
        """Wait (at most `timeout` s) for the settings pull: the first request may come first."""
        if not self.configured.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.configured.wait(), timeout)

    # ---- lifecycle ---------------------------------------------------------------------------
    def shutdown(self) -> None:
        """The client sent `shutdown`: save the usage, close the HTTP client."""
        self.session.usage.flush()
        self.closing = asyncio.ensure_future(self.session.close())
