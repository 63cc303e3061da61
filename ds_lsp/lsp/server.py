"""The language server: every LSP message ds-lsp serves, and where each is handled.

pygls is the one protocol engine. `create_server()` builds a pygls `LanguageServer` with a
handler for every method, a few lines each, and pygls builds the capabilities from what is
registered. Where each message goes:

- `initialize`: pygls (capabilities), then `on_initialize` (the client's flags); the core
  (completion pipeline, upstream session) loads once the answer is out, and the connection
  to the API opens as soon as the session exists (`DsLanguageServer.begin`).
- `initialized`: `on_initialized` pulls the `ds-lsp` settings section.
- `shutdown`, `exit`: `DsProtocol` and `on_shutdown` (usage saved, requests cancelled).
- `textDocument/didOpen`, `didChange`, `didClose`: `on_did_open`, ... into ds-lsp's
  DocumentStore (pygls's own copy of every document is skipped: `DsProtocol`).
- `workspace/didChangeConfiguration`, `workspace/didChangeWorkspaceFolders`:
  `on_did_change_configuration`, `on_did_change_folders`.
- `textDocument/inlineCompletion`, `textDocument/completion`: `on_inline_completion`,
  `on_completion` -> completions.py.
- `textDocument/codeAction`: `on_code_action` -> code_action.py.
- `workspace/executeCommand`: `on_generate` (generate_command.py), `on_accepted`,
  `on_snooze`, `on_show_usage`.
- `$/cancelRequest`, `window/workDoneProgress/cancel`, the client's answers: pygls.
- malformed or out-of-order messages: connection.py has pygls refuse them (`on_refused`).

A failing handler logs and answers empty; it never breaks the connection.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import logging
import sys
from collections.abc import Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams, JsonRpcMethodNotFound
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from ds_lsp import __version__
from ds_lsp.lsp import commands
from ds_lsp.lsp.connection import REFUSED, PyglsNoise, Refusal, Refused, refused

if TYPE_CHECKING:  # the core loads after the initialize answer (`DsLanguageServer.begin`)
    from ds_lsp.lsp.state import ServerState

log = logging.getLogger(__name__)
R = TypeVar("R")

# imported in this order after the initialize answer, the event loop turning after each, so
# the connection to the API opens while the rest is imported
UPSTREAM_MODULES = ("httpx", "ds_lsp.upstream.backends", "ds_lsp.upstream.session")
CORE_MODULES = (
    "ds_lsp.exclusion",
    "ds_lsp.completion.postprocess",
    "ds_lsp.workspace",
    "ds_lsp.completion.pipeline",
    "ds_lsp.lsp.state",
    "ds_lsp.lsp.completions",
    "ds_lsp.lsp.code_action",
    "ds_lsp.lsp.next_edit",
)


class DsProtocol(LanguageServerProtocol):
    """pygls's protocol with the few steps ds-lsp takes its own way (overridden as
    jedi-language-server overrides its protocol's):
    - initialize: no empty capability object (eglot reads `{}` as absent);
    - document sync: ds-lsp keeps the one copy of each open document (documents.py: an edit
      costs what it changes); pygls's workspace copy, rebuilt per keystroke, is skipped, and
      didChange (every keystroke) goes straight to its handler, without pygls's per-message
      Protocol checks (tens of µs each on Python 3.11); a change with `"range": null` is the
      whole document, as the editor meant;
    - shutdown: pygls would drop every later request unanswered; here the connection
      answers them InvalidRequest (LSP), and exit's code says whether shutdown came first;
    - workspace/executeCommand: the command runs in the request's own task, so
      `$/cancelRequest` reaches it (pygls runs it in a task of its own).
    """

    def __init__(self, server: Any, converter: Any) -> None:
        super().__init__(server, converter)
        self.shut_down = False

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[Any, Any, types.InitializeResult]:
        result: types.InitializeResult = yield from super().lsp_initialize(params)
        workspace = result.capabilities.workspace
        if workspace is not None and workspace.file_operations == types.FileOperationOptions():
            workspace.file_operations = None  # eglot reads an empty object as absent
        return result

    def structure_message(self, data: dict[str, Any]) -> Any:
        if data.get("method") == types.TEXT_DOCUMENT_DID_CHANGE:
            _whole_document_changes(data.get("params"))
        return super().structure_message(data)

    def handle_message(self, message: Any) -> None:
        if type(message) is types.DidChangeTextDocumentNotification:
            self._feature(types.TEXT_DOCUMENT_DID_CHANGE, message.params)
            return
        super().handle_message(message)

    def _feature(self, method: str, *args: Any) -> None:
        handler = self.fm.features.get(method)
        if handler is not None:
            handler(*args)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        self._feature(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        self._feature(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        self._feature(types.TEXT_DOCUMENT_DID_CLOSE, params)

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        self.shut_down = True
        handler = self.fm.features.get(types.SHUTDOWN)
        if handler is not None:
            yield handler, args, None

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args: Any) -> Generator[Any, Any, None]:
        handler = self.fm.features.get(types.EXIT)
        if handler is not None:
            yield handler, args, None
        code = 0 if self.shut_down else 1
        log.info("exit (code %d)", code)
        raise SystemExit(code)  # serve.py flushes what is still to be written

    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    async def lsp_workspace__execute_command(  # type: ignore[override]  # a task: cancellable
        self, params: types.ExecuteCommandParams
    ) -> Any:
        handler = self.fm.commands.get(params.command)
        if handler is None:
            raise refused(JsonRpcInvalidParams, f"Invalid params: no command {params.command!r}")
        result = handler(*(params.arguments or ()))
        return await result if inspect.isawaitable(result) else result


def _whole_document_changes(params: Any) -> None:
    """A content change with `"range": null` replaces the whole document."""
    changes = params.get("contentChanges") if isinstance(params, dict) else None
    for change in changes if isinstance(changes, list) else ():
        if isinstance(change, dict) and "range" in change and change["range"] is None:
            del change["range"]


class DsLanguageServer(LanguageServer):
    """The server object every handler receives: pygls's, plus the session's state."""

    protocol: DsProtocol

    def __init__(self) -> None:
        super().__init__(
            "ds-lsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=DsProtocol,
        )
        self._state: ServerState | None = None
        self._core: asyncio.Task[None] | None = None
        self.requests: set[asyncio.Task[Any]] = set()  # in flight; shutdown cancels them
        self._background: set[asyncio.Future[Any]] = set()

    # ---- the core, loaded after the initialize answer ------------------------------------------
    def begin(self, params: types.InitializeParams) -> None:
        """Load the core once the initialize answer is out (this runs just before it)."""
        chosen = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        encoding = str(getattr(chosen, "value", chosen))
        self._core = asyncio.ensure_future(self._load_core(params, encoding))

    async def _load_core(self, params: types.InitializeParams, encoding: str) -> None:
        await _import_in_turns(UPSTREAM_MODULES)
        from ds_lsp import config
        from ds_lsp.lsp.state import client_name
        from ds_lsp.lsp.ui import WireUI
        from ds_lsp.upstream.session import UpstreamSession

        settings, _ = config.resolve(config.section(params.initialization_options))
        # the connection opens while the rest is imported
        session = UpstreamSession.open(settings, WireUI(self), client_name(params))
        await _import_in_turns(CORE_MODULES)
        from ds_lsp.lsp.state import ServerState

        self._state = ServerState(self, params, encoding, session)
        self._state.apply_settings()
        log.info(
            "initialize: encoding %s, inline declared %s, client %s",
            encoding,
            self._state.flags.inline_declared,
            session.client_name,
        )

    async def ready(self) -> None:
        """Return once the core is in (at once before initialize); raises if it failed."""
        if self._core is not None:
            await asyncio.shield(self._core)

    @property
    def state(self) -> ServerState:
        if self._state is None:
            raise RuntimeError("the core is not loaded: initialize first")
        return self._state

    # ---- what handlers use ---------------------------------------------------------------------
    def background(self, work: Awaitable[Any]) -> None:
        """Run `work` on its own, kept until done."""
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def settle_requests(self, timeout: float) -> None:
        """Let the requests in flight finish (those cancelled answer RequestCancelled)."""
        await asyncio.sleep(0)  # requests just handed to pygls take their first step
        if self.requests:
            await asyncio.wait(list(self.requests), timeout=timeout)
        await asyncio.sleep(0)  # their answers are sent from done-callbacks

    def cancel_requests(self) -> None:
        """Cancel every request in flight: pygls answers each RequestCancelled."""
        for task in list(self.requests):
            task.cancel()

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log a failure once; never flood the editor with one message per failure."""
        if isinstance(error, JsonRpcMethodNotFound):
            log.info("%s", error)
        elif not isinstance(error, Refused):
            log.error("internal error (%s): %s", getattr(source, "__name__", source), error)


async def _import_in_turns(names: tuple[str, ...]) -> None:
    """Import `names` one by one, letting the event loop turn after each."""
    for name in names:
        if name not in sys.modules:
            importlib.import_module(name)
            await asyncio.sleep(0)


def in_flight(handler: Callable[..., Awaitable[R]]) -> Callable[..., Awaitable[R]]:
    """A request handler whose task shutdown cancels."""

    @functools.wraps(handler)
    async def tracked(ls: DsLanguageServer, *args: Any) -> R:
        task = asyncio.current_task()
        assert task is not None
        if ls.protocol.shut_down:  # came in before shutdown, started after it
            raise asyncio.CancelledError
        ls.requests.add(task)
        try:
            return await handler(ls, *args)
        finally:
            ls.requests.discard(task)

    return tracked


# ---- the handlers ---------------------------------------------------------------------------
def create_server() -> DsLanguageServer:
    """A fresh server with every handler registered."""
    server = DsLanguageServer()
    pygls_log = logging.getLogger("pygls.protocol.json_rpc")
    if not any(isinstance(f, PyglsNoise) for f in pygls_log.filters):
        pygls_log.addFilter(PyglsNoise())
    for register in (_lifecycle, _document_sync, _workspace, _completions, _next_edits, _commands):
        register(server)
    return server


def _lifecycle(server: DsLanguageServer) -> None:
    @server.feature(types.INITIALIZE)
    def on_initialize(ls: DsLanguageServer, params: types.InitializeParams) -> None:
        ls.begin(params)

    @server.feature(types.INITIALIZED)
    def on_initialized(ls: DsLanguageServer, params: types.InitializedParams) -> None:
        ls.background(ls.state.pull_configuration())

    @server.feature(types.SHUTDOWN)
    def on_shutdown(ls: DsLanguageServer, params: None) -> None:
        ls.cancel_requests()
        ls.state.shutdown()

    @server.feature(REFUSED)
    def on_refused(ls: DsLanguageServer, refusal: Any) -> Any:
        if not isinstance(refusal, Refusal):  # a client sent the reserved method itself
            raise JsonRpcMethodNotFound.of(REFUSED)
        return refusal.answer()


def _document_sync(server: DsLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def on_did_open(ls: DsLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        ls.state.docs.open(item.uri, item.language_id, item.version, item.text)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def on_did_change(ls: DsLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        td = params.text_document
        if ls.state.docs.change(td.uri, td.version, list(params.content_changes)) is None:
            log.info("didChange for a document that is not open: %s", td.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def on_did_close(ls: DsLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.state.docs.close(params.text_document.uri)
        ls.state.completions.forget(params.text_document.uri)
        ls.state.next_edits.forget(params.text_document.uri)


def _workspace(server: DsLanguageServer) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def on_did_change_configuration(
        ls: DsLanguageServer, params: types.DidChangeConfigurationParams
    ) -> None:
        ls.state.pushed_settings(params.settings)
        ls.background(ls.state.pull_configuration())

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def on_did_change_folders(
        ls: DsLanguageServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        from ds_lsp.exclusion import uri_to_path

        event = params.event
        added = [uri_to_path(f.uri) for f in event.added]
        ls.state.change_folders(added, {uri_to_path(f.uri) for f in event.removed})


def _completions(server: DsLanguageServer) -> None:
    inline_options = types.InlineCompletionOptions(work_done_progress=False)

    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_options)
    @in_flight
    async def on_inline_completion(
        ls: DsLanguageServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList:
        from ds_lsp.lsp.completions import inline_completion

        return await inline_completion(ls.state, params)

    completion_options = types.CompletionOptions(
        trigger_characters=commands.TRIGGER_CHARACTERS, resolve_provider=False
    )

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, completion_options)
    @in_flight
    async def on_completion(
        ls: DsLanguageServer, params: types.CompletionParams
    ) -> types.CompletionList:
        from ds_lsp.lsp.completions import completion

        return await completion(ls.state, params)

    action_options = types.CodeActionOptions(
        code_action_kinds=commands.CODE_ACTION_KINDS, resolve_provider=False
    )

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, action_options)
    @in_flight
    async def on_code_action(ls: DsLanguageServer, params: types.CodeActionParams) -> Any:
        from ds_lsp.lsp.code_action import code_actions

        try:
            predicted = await ls.state.next_edits.code_actions(params)
            return predicted + code_actions(ls.state, params)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("codeAction failed")
            return []


def _next_edits(server: DsLanguageServer) -> None:
    """Next edit suggestions (lsp/next_edit.py): Copilot's request and notification, and the
    commands that say an edit was taken or dismissed."""

    @server.feature(commands.INLINE_EDIT_METHOD)
    @in_flight
    async def on_inline_edit(ls: DsLanguageServer, params: Any) -> dict[str, Any]:
        from ds_lsp.lsp.completions import CONFIGURED_WAIT_S

        await ls.state.wait_configured(CONFIGURED_WAIT_S)
        try:
            return await ls.state.next_edits.inline_edit(params)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("copilotInlineEdit failed")
            return {"edits": []}

    @server.feature(commands.DID_SHOW_INLINE_EDIT_METHOD)
    def on_did_show_inline_edit(ls: DsLanguageServer, params: Any) -> None:
        ls.state.next_edits.shown(params)

    @server.command(commands.ACCEPTED_NEXT_EDIT_COMMAND)
    def on_accepted_next_edit(ls: DsLanguageServer, *args: Any) -> None:
        ls.state.next_edits.accepted(list(args))

    @server.command(commands.DISMISSED_NEXT_EDIT_COMMAND)
    def on_dismissed_next_edit(ls: DsLanguageServer, *args: Any) -> None:
        ls.state.next_edits.dismissed(list(args))


def _commands(server: DsLanguageServer) -> None:
    @server.command(commands.GENERATE_COMMAND)
    @in_flight
    async def on_generate(ls: DsLanguageServer, *args: Any) -> dict[str, Any]:
        from ds_lsp.lsp import generate_command

        return await generate_command.execute(ls, list(args))

    @server.command(commands.ACCEPTED_COMMAND)
    def on_accepted(ls: DsLanguageServer, *args: Any) -> None:
        from ds_lsp.lsp.completions import accepted

        accepted(ls.state, list(args))

    @server.command(commands.SNOOZE_COMMAND)
    def on_snooze(ls: DsLanguageServer, *args: Any) -> dict[str, Any]:
        from ds_lsp.completion.gating import snooze_minutes

        until = ls.state.completions.snooze(snooze_minutes(list(args)))
        return {"snoozedUntil": until.isoformat() if until is not None else None}

    @server.command(commands.USAGE_COMMAND)
    def on_show_usage(ls: DsLanguageServer, *args: Any) -> dict[str, Any]:
        from ds_lsp import usage

        state = ls.state
        book = state.session.usage
        book.flush()
        prices = usage.prices(state.settings)
        lines = usage.report_lines(book.session, usage.load_days(), prices)
        state.ui.show_message("info", "\n".join(lines))
        return {"session": book.session.summary(prices), "report": lines}
