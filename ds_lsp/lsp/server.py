"""The pygls side of ds-lsp: the long tail the hot path (hot_path.py) does not serve.

pygls loads when first needed (tail.py) and adopts the hot path's state (state.py): one
DocumentStore, one upstream session, one completion pipeline. It serves
workspace/executeCommand (ds-lsp.generateCodeBlock, ds-lsp.acceptedSuggestion,
ds-lsp.showUsage) and whatever else a client sends that the hot path does not know (pygls's
built-ins, MethodNotFound for the rest). A failing feature logs and answers empty; it never
breaks the connection.
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ds_lsp import __version__, usage
from ds_lsp.completion.pipeline import CompletionPipeline
from ds_lsp.config import Settings
from ds_lsp.documents import DocumentStore
from ds_lsp.lsp import generate_command
from ds_lsp.lsp.initialize_answer import GENERATE_COMMAND, USAGE_COMMAND
from ds_lsp.lsp.state import ServerState
from ds_lsp.upstream.problems import UI
from ds_lsp.upstream.session import UpstreamSession

log = logging.getLogger(__name__)


class DsLanguageServer(LanguageServer):
    """The server object pygls's handlers receive, on the hot path's state."""

    def __init__(self, state: ServerState) -> None:
        super().__init__(
            "ds-lsp", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        self.state = state

    @property
    def docs(self) -> DocumentStore:
        return self.state.docs

    @property
    def settings(self) -> Settings:
        return self.state.settings

    @property
    def root_path(self) -> str | None:
        return self.state.root_path

    @property
    def session(self) -> UpstreamSession:
        return self.state.session

    @property
    def completions(self) -> CompletionPipeline:
        return self.state.completions

    @property
    def ui(self) -> UI:
        return self.state.ui

    @property
    def progress_support(self) -> bool:
        return self.state.progress_support

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log internal errors; never flood the editor with one message per failure."""
        log.error("internal error (%s): %s", getattr(source, "__name__", source), error)


def create_server(state: ServerState | None = None) -> DsLanguageServer:
    """A pygls server on `state` (a fresh one by default) with every handler registered."""
    server = DsLanguageServer(state or ServerState())
    _register_generate(server)
    _register_usage(server)
    return server


def _register_generate(server: DsLanguageServer) -> None:
    @server.command(GENERATE_COMMAND)
    async def on_generate(ls: DsLanguageServer, *args: Any) -> dict[str, Any]:
        return await generate_command.execute(ls, list(args))


def _register_usage(server: DsLanguageServer) -> None:
    @server.command(USAGE_COMMAND)
    def on_show_usage(ls: DsLanguageServer, *args: Any) -> dict[str, Any]:
        book = ls.session.usage
        book.flush()
        prices = usage.prices(ls.settings)
        lines = usage.report_lines(book.session, usage.load_days(), prices)
        ls.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Info, message="\n".join(lines))
        )
        return {"session": book.session.summary(prices), "report": lines}
