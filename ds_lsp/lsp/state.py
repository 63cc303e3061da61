"""One client session's state: documents, settings layers, the upstream session and the
completion pipeline, and what the client declared in `initialize`.

Built once the core is imported (server.py loads it right after the `initialize` answer).
Settings come from every layer (config/): the environment and initializationOptions (the
user's own editor config) are trusted; workspace/configuration and didChangeConfiguration
(which a cloned repository can influence) may not move the key.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ds_lsp import config, redact
from ds_lsp.completion.pipeline import CompletionPipeline
from ds_lsp.config import Settings
from ds_lsp.documents import DocumentStore
from ds_lsp.exclusion import uri_to_path
from ds_lsp.lsp.next_edit import NextEditSide
from ds_lsp.upstream.problems import UI
from ds_lsp.upstream.session import UpstreamSession

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)

PULL_TIMEOUT_S = 10.0  # a client may never answer workspace/configuration


def client_name(params: types.InitializeParams) -> str | None:
    """The editor's name, from clientInfo."""
    return params.client_info.name if params.client_info is not None else None


def folders(params: types.InitializeParams) -> list[str]:
    """The workspace folders as paths."""
    return [uri_to_path(f.uri) for f in params.workspace_folders or ()]


def root_path(params: types.InitializeParams, paths: list[str]) -> str | None:
    if paths:
        return paths[0]
    if params.root_uri:
        return uri_to_path(params.root_uri)
    return params.root_path or None


class ClientFlags:
    """What the client declared it can do, read from its capabilities."""

    def __init__(self, caps: types.ClientCapabilities) -> None:
        text = caps.text_document
        completion = text.completion if text is not None else None
        item = completion.completion_item if completion is not None else None
        workspace = caps.workspace
        edit = workspace.workspace_edit if workspace is not None else None
        self.inline_declared = text is not None and text.inline_completion is not None
        self.snippet_support = bool(item and item.snippet_support)
        formats = item.documentation_format if item is not None else None
        self.markdown_docs = bool(formats and types.MarkupKind.Markdown in formats)
        self.progress_support = bool(caps.window and caps.window.work_done_progress)
        self.configuration_support = bool(workspace and workspace.configuration)
        self.document_changes = bool(edit and edit.document_changes)


class ServerState:
    """Documents, settings layers, the upstream session and the completion pipeline of one
    client session, from its initialize params."""

    def __init__(
        self,
        server: LanguageServer,
        params: types.InitializeParams,
        encoding: str,
        session: UpstreamSession,
    ) -> None:
        self.server = server
        self.flags = ClientFlags(params.capabilities)
        self.docs = DocumentStore()
        self.docs.encoding = encoding
        self.init_options = config.section(params.initialization_options)
        self.pulled: Any = None
        self.pushed: Any = None
        self._warned: set[str] = set()
        self.session = session
        self.ui: UI = session.ui
        self.completions = CompletionPipeline(session.settings, self.docs, session)
        paths = folders(params)
        self.completions.gate.root_path = root_path(params, paths)
        self.completions.other_files.roots = paths
        self.next_edits = NextEditSide(self)
        self.docs.before_change.append(self.next_edits.history.note)
        self.completions.recent_edits = self.next_edits.fim_block
        self.configured = asyncio.Event()  # set once workspace/configuration was pulled
        self.closing: asyncio.Future[None] | None = None

    @property
    def settings(self) -> Settings:
        return self.completions.settings

    @property
    def root_path(self) -> str | None:
        return self.completions.gate.root_path

    # ---- settings ----------------------------------------------------------------------------
    def apply_settings(self) -> None:
        """Settings from every layer, their problems told once each."""
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
        self.next_edits.update(settings)
        self.ui.status(*(self.session.resting if settings.enable else ("disabled", None)))
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

    def pushed_settings(self, settings: Any) -> None:
        """didChangeConfiguration's `settings["ds-lsp"]`, when the client pushes them."""
        if isinstance(settings, dict) and isinstance(settings.get("ds-lsp"), dict):
            self.pushed = settings["ds-lsp"]
            self.apply_settings()

    async def pull_configuration(self) -> None:
        """Ask the client for the `ds-lsp` section (when it supports workspace/configuration)."""
        try:
            await self._pull_configuration()
        finally:
            self.configured.set()

    async def _pull_configuration(self) -> None:
        if not self.flags.configuration_support:
            return
        params = types.ConfigurationParams(items=[types.ConfigurationItem(section="ds-lsp")])
        try:
            result = await asyncio.wait_for(
                asyncio.shield(self.server.workspace_configuration_async(params)), PULL_TIMEOUT_S
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a client may answer with an error or never
            log.info("workspace/configuration failed: %s", exc)
            return
        if isinstance(result, (list, tuple)) and result and isinstance(result[0], dict):
            self.pulled = config.section(result[0])
            self.apply_settings()

    async def wait_configured(self, timeout: float) -> None:
        """Wait (at most `timeout` s) for the settings pull: the first request may come first."""
        if not self.configured.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.configured.wait(), timeout)

    # ---- workspace folders and lifecycle -------------------------------------------------------
    def change_folders(self, added: list[str], removed: set[str]) -> None:
        """Folders added or removed: other-file context reads only under the current ones."""
        other_files = self.completions.other_files
        roots = [r for r in other_files.roots if r not in removed]
        roots += [r for r in added if r not in roots]
        other_files.roots = roots
        gate = self.completions.gate
        if gate.root_path in removed or gate.root_path is None:
            gate.root_path = roots[0] if roots else None
        other_files.clear()  # the workspace is built again over the new folders
        log.info("workspace folders now: %s", ", ".join(roots) or "none")

    def shutdown(self) -> None:
        """The client sent `shutdown`: save the usage, close the HTTP client."""
        self.session.usage.flush()
        self.closing = asyncio.ensure_future(self.session.close())
