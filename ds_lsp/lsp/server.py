"""Every LSP handler of ds-lsp, each a few lines calling the core.

Serves initialize/initialized, document sync (incremental, our own line index instead of
pygls's TextDocument), workspace/configuration and didChangeConfiguration,
textDocument/inlineCompletion, textDocument/completion (fallback items),
textDocument/codeAction and workspace/executeCommand (ds-lsp.generateCodeBlock,
ds-lsp.acceptedSuggestion, ds-lsp.showUsage). A failing feature logs and answers empty; it
never breaks the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import attrs
from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from ds_lsp import __version__, config, redact, usage
from ds_lsp.completion.pipeline import CompletionPipeline, Suggestion
from ds_lsp.config import Settings
from ds_lsp.documents import DocumentStore
from ds_lsp.exclusion import uri_to_path
from ds_lsp.lsp import generate_command
from ds_lsp.lsp.initialize_answer import (  # one source for the early initialize answer
    ACCEPTED_COMMAND,
    CODE_ACTION_KINDS,
    GENERATE_COMMAND,
    TRIGGER_CHARACTERS,
    USAGE_COMMAND,
)
from ds_lsp.lsp.items import completion_item, inline_item
from ds_lsp.lsp.pygls_internals import shutting_down
from ds_lsp.upstream.problems import UI
from ds_lsp.upstream.session import UpstreamSession

log = logging.getLogger(__name__)
T = TypeVar("T")

SLOW_COMPLETION_S = 1.0
_PROGRESS_IDS = itertools.count(1)
STATUS_METHOD = "ds-lsp/status"


class DsProtocol(LanguageServerProtocol):
    """pygls's protocol with document open/close routed to our DocumentStore (didChange
    takes the plain-JSON path, see `DsLanguageServer.did_change_json`)."""

    _server: DsLanguageServer

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        result = yield from super().lsp_initialize(params)
        workspace = result.capabilities.workspace
        ops = workspace.file_operations if workspace is not None else None
        # pygls sends "fileOperations": {}; eglot and others read {} as absent
        if workspace is not None and ops is not None and not any(attrs.astuple(ops, recurse=False)):
            workspace.file_operations = None
        return result

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        td = params.text_document
        self._server.docs.open(td.uri, td.language_id, td.version, td.text)
        yield from ()

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        self._server.docs.close(params.text_document.uri)
        self._server.completions.forget(params.text_document.uri)
        yield from ()


class LspUI(UI):
    """The core's messages and status as window/showMessage and ds-lsp/status."""

    LEVELS = {
        "error": types.MessageType.Error,
        "warning": types.MessageType.Warning,
        "info": types.MessageType.Info,
    }

    def __init__(self, server: DsLanguageServer) -> None:
        self.server = server
        self._last_status: tuple[str, str | None] | None = None

    def show_message(self, level: str, text: str) -> None:
        log.warning("message to user (%s): %s", level, text)
        kind = self.LEVELS.get(level, types.MessageType.Info)
        self.server.window_show_message(
            types.ShowMessageParams(type=kind, message=redact.redact(text))
        )

    def status(self, state: str, message: str | None = None) -> None:
        if (state, message) == self._last_status:
            return
        self._last_status = (state, message)
        params: dict[str, Any] = {"state": state}
        if message:
            params["message"] = message
        self.server.protocol.notify(STATUS_METHOD, params)


class DsLanguageServer(LanguageServer):
    """The server object handlers receive: documents, settings layers, the upstream session
    and the completion pipeline."""

    def __init__(self) -> None:
        super().__init__(
            "ds-lsp",
            __version__,
            protocol_cls=DsProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.docs = DocumentStore()
        self.init_options: Any = None
        self.pulled: Any = None
        self.pushed: Any = None
        self._warned: set[str] = set()
        settings, _ = config.resolve()  # problems are reported at initialize
        self.ui = LspUI(self)
        self.session = UpstreamSession(settings, self.ui)
        self.completions = CompletionPipeline(settings, self.docs, self.session)
        self.inline_declared = False
        self.snippet_support = False
        self.progress_support = False
        self.markdown_docs = False
        self.closing: asyncio.Future[None] | None = None
        self.configured = asyncio.Event()  # set once workspace/configuration was pulled

    @property
    def settings(self) -> Settings:
        return self.completions.settings

    @property
    def root_path(self) -> str | None:
        return self.completions.gate.root_path

    def fast_handlers(self) -> dict[str, Any]:
        """Notifications the transport may hand over as plain JSON (see transport.py)."""
        return {types.TEXT_DOCUMENT_DID_CHANGE: self.did_change_json}

    def did_change_json(self, params: Any) -> None:
        """didChange without pygls's typed structuring: it runs on every keystroke."""
        if shutting_down(self.protocol):
            return
        td = params["textDocument"]
        changes = params["contentChanges"]
        if not (
            isinstance(td.get("uri"), str)
            and isinstance(changes, list)
            and all(_valid_change(c) for c in changes)
        ):
            log.warning("ignoring malformed didChange: %r", str(params)[:200])
            return
        if self.docs.change(td["uri"], td.get("version") or 0, changes) is None:
            log.info("didChange for a document that is not open: %s", td["uri"])

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log internal errors; never flood the editor with one message per failure."""
        log.error("internal error (%s): %s", getattr(source, "__name__", source), error)

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
        """One warning per problem and session: a bad value, an unknown key (with the key it
        most likely meant), a setting a workspace may not set."""
        for key in dict.fromkeys(report.unknown):
            meant = config.suggestion(key)
            hint = f"; did you mean `{meant}`?" if meant else " (see the ds-lsp README)"
            self._warn_once(f"ds-lsp: unknown setting `{key}` ignored{hint}")
        for line in report.invalid:
            self._warn_once(f"ds-lsp: {line}")
        for key in dict.fromkeys(report.ignored):
            self._warn_once(
                f"ds-lsp: `{key}` from the workspace settings is ignored: where the API key "
                "goes is set only by your own editor config (initializationOptions) or the "
                "environment, unless the workspace settings also give the key (SECURITY.md)"
            )

    def _warn_once(self, text: str) -> None:
        if text in self._warned:
            return
        self._warned.add(text)
        log.warning("%s", text)
        if getattr(self.protocol, "writer", None) is not None:
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Warning, message=redact.redact(text))
            )

    async def pull_configuration(self) -> None:
        try:
            await self._pull_configuration()
        finally:
            self.configured.set()

    async def _pull_configuration(self) -> None:
        caps = self.client_capabilities.workspace
        if not (caps and caps.configuration):
            return
        params = types.ConfigurationParams(items=[types.ConfigurationItem(section="ds-lsp")])
        try:
            result = await asyncio.wait_for(self.workspace_configuration_async(params), 10)
        except Exception as exc:  # a client may answer with an error or never
            log.info("workspace/configuration failed: %s", exc)
            return
        if result and isinstance(result[0], dict):
            self.pulled = config.section(result[0])
            self.apply_settings()


def _valid_change(change: Any) -> bool:
    if not isinstance(change, dict) or not isinstance(change.get("text"), str):
        return False
    rng = change.get("range")
    if rng is None:
        return True
    try:
        points = (rng["start"], rng["end"])
        return all(type(p["line"]) is int and type(p["character"]) is int for p in points)
    except (TypeError, KeyError):
        return False


def create_server() -> DsLanguageServer:
    """A fresh server with every handler registered."""
    server = DsLanguageServer()
    _register_lifecycle(server)
    _register_completion(server)
    _register_generate(server)
    _register_usage(server)
    return server


def _register_lifecycle(server: DsLanguageServer) -> None:
    @server.feature(types.INITIALIZE)
    def on_initialize(ls: DsLanguageServer, params: types.InitializeParams) -> None:
        caps = params.capabilities
        chosen = ServerCapabilitiesBuilder.choose_position_encoding(caps)
        ls.docs.encoding = getattr(chosen, "value", chosen)
        td = caps.text_document
        ls.inline_declared = bool(td and td.inline_completion)
        item = td and td.completion and td.completion.completion_item
        ls.snippet_support = bool(item and item.snippet_support)
        formats = (item and item.documentation_format) or ()
        ls.markdown_docs = types.MarkupKind.Markdown in formats
        ls.progress_support = bool(caps.window and caps.window.work_done_progress)
        ls.init_options = config.section(params.initialization_options)
        ls.completions.gate.root_path = _root_path(params)
        folders = params.workspace_folders or ()
        ls.completions.other_files.roots = [uri_to_path(f.uri) for f in folders]
        ls.apply_settings()
        log.info(
            "initialize: encoding %s, inline declared %s, client %s",
            ls.docs.encoding,
            ls.inline_declared,
            params.client_info and params.client_info.name,
        )

    @server.feature(types.INITIALIZED)
    async def on_initialized(ls: DsLanguageServer, params: types.InitializedParams) -> None:
        ls.session.warm_up()
        await ls.pull_configuration()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def on_configuration(
        ls: DsLanguageServer, params: types.DidChangeConfigurationParams
    ) -> None:
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get("ds-lsp"), dict):
            ls.pushed = settings["ds-lsp"]
            ls.apply_settings()
        await ls.pull_configuration()

    @server.feature(types.SHUTDOWN)
    def on_shutdown(ls: DsLanguageServer, params: Any) -> None:
        # synchronous on purpose: pygls cancels every request but the current one, and
        # only a synchronous handler keeps the shutdown request's own id current
        ls.session.usage.flush()
        ls.closing = asyncio.ensure_future(ls.session.close())


def _root_path(params: types.InitializeParams) -> str | None:
    if params.workspace_folders:
        return uri_to_path(params.workspace_folders[0].uri)
    if params.root_uri:
        return uri_to_path(params.root_uri)
    return params.root_path


def _register_completion(server: DsLanguageServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_INLINE_COMPLETION,
        types.InlineCompletionOptions(work_done_progress=False),
    )
    async def on_inline(
        ls: DsLanguageServer, params: types.InlineCompletionParams
    ) -> types.InlineCompletionList:
        invoked = params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked
        sugg = await _suggestion(ls, params.text_document.uri, params.position, invoked)
        items = [inline_item(sugg, ls.docs.encoding)] if sugg is not None else []
        return types.InlineCompletionList(items=items)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=False),
    )
    async def on_completion(
        ls: DsLanguageServer, params: types.CompletionParams
    ) -> types.CompletionList:
        mode = ls.settings.completion_items
        if mode == "never" or (mode == "auto" and ls.inline_declared):
            return types.CompletionList(is_incomplete=False, items=[])
        invoked = bool(
            params.context and params.context.trigger_kind == types.CompletionTriggerKind.Invoked
        )
        sugg = await _suggestion(ls, params.text_document.uri, params.position, invoked)
        if sugg is None:
            return types.CompletionList(is_incomplete=True, items=[])
        item = completion_item(sugg, ls.docs.encoding, ls.snippet_support, ls.markdown_docs)
        return types.CompletionList(is_incomplete=True, items=[item])


async def _suggestion(
    ls: DsLanguageServer, uri: str, pos: types.Position, invoked: bool
) -> Suggestion | None:
    """The pipeline's suggestion; a failure logs and answers None."""
    if not ls.configured.is_set():  # the first request may come before the settings pull
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(ls.configured.wait(), 2)
    try:
        work = ls.completions.complete(uri, pos.line, pos.character, invoked)
        if ls.progress_support and ls.settings.completion_progress:
            return await _with_progress(ls, work)
        return await work
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("completion failed")
        return None


async def _with_progress(ls: DsLanguageServer, work: Awaitable[T]) -> T:
    """Await `work`; if it takes longer than a second, show $/progress until it ends."""
    task = asyncio.ensure_future(work)
    token = None
    try:
        done, _ = await asyncio.wait({task}, timeout=SLOW_COMPLETION_S)
        if not done:
            token = await _begin_progress(ls)
        return await task
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd())
            ls.work_done_progress.tokens.pop(token, None)  # pygls keeps tokens forever


async def _begin_progress(ls: DsLanguageServer) -> str | None:
    """A fresh progress token, begun; None when the client refused it."""
    token = f"ds-lsp-complete-{next(_PROGRESS_IDS)}"
    try:
        await ls.work_done_progress.create_async(token)
    except Exception as exc:  # an error answer: complete without progress
        log.info("window/workDoneProgress/create failed: %s", exc)
        ls.work_done_progress.tokens.pop(token, None)
        return None
    begin = types.WorkDoneProgressBegin(title="DeepSeek", message="completing…", cancellable=False)
    ls.work_done_progress.begin(token, begin)
    return token


def _register_generate(server: DsLanguageServer) -> None:
    @server.command(GENERATE_COMMAND)
    async def on_generate(ls: DsLanguageServer, *args: Any) -> dict[str, Any]:
        return await generate_command.execute(ls, list(args))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind(k) for k in CODE_ACTION_KINDS],
            resolve_provider=False,
        ),
    )
    def on_code_action(
        ls: DsLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        try:
            return generate_command.code_actions(ls, params)
        except Exception:
            log.exception("codeAction failed")
            return []


def _register_usage(server: DsLanguageServer) -> None:
    @server.command(ACCEPTED_COMMAND)
    def on_accepted(ls: DsLanguageServer, *args: Any) -> None:
        ls.session.usage.record(accepted=1)
        ls.completions.accepted(*_accepted_where(args))

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


def _accepted_where(args: tuple[Any, ...]) -> tuple[str | None, int | None, int | None]:
    """The document and position of an accepted suggestion, from the command's argument
    {"lines", "chars", "uri"?, "line"?, "character"?} (a dict or pygls's object); Nones
    when the editor sent the older form without them."""
    arg = args[0] if args else None

    def get(name: str) -> Any:
        return arg.get(name) if isinstance(arg, dict) else getattr(arg, name, None)

    uri, line, character = get("uri"), get("line"), get("character")
    if not isinstance(line, int) or not isinstance(character, int):
        line = character = None
    return (uri if isinstance(uri, str) else None), line, character
