"""Every LSP handler of ds-lsp, each a few lines calling the core.

Serves initialize/initialized, document sync (incremental, our own line index instead of
pygls's TextDocument), workspace/configuration and didChangeConfiguration,
textDocument/inlineCompletion, textDocument/completion (fallback items),
textDocument/codeAction and workspace/executeCommand (ds-lsp.generateCodeBlock).
A failing feature logs and answers empty; it never breaks the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import re
from typing import Any

import attrs
from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from ds_lsp import __version__, config, redact
from ds_lsp.documents import DocumentStore, index_to_column
from ds_lsp.engine import UI, Engine, Suggestion, uri_to_path
from ds_lsp.fastinit import (  # one source for the early initialize answer
    ACCEPTED_COMMAND,
    CODE_ACTION_KINDS,
    GENERATE_COMMAND,
    TRIGGER_CHARACTERS,
    USAGE_COMMAND,
)

log = logging.getLogger(__name__)

SLOW_COMPLETION_S = 1.0
_PROGRESS_IDS = itertools.count(1)
STATUS_METHOD = "ds-lsp/status"
WORD_AT_END = re.compile(r"[\w$]*$")


class DsProtocol(LanguageServerProtocol):
    """pygls's protocol with document sync routed to our DocumentStore."""

    _server: DsLanguageServer

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        result = yield from super().lsp_initialize(params)
        workspace = result.capabilities.workspace
        ops = workspace.file_operations if workspace is not None else None
        # pygls sends "fileOperations": {}; eglot and others read {} as absent
        if ops is not None and not any(attrs.astuple(ops, recurse=False)):
            workspace.file_operations = None
        return result

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        td = params.text_document
        self._server.docs.open(td.uri, td.language_id, td.version, td.text)
        yield from ()

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        td = params.text_document
        if self._server.docs.change(td.uri, td.version, params.content_changes) is None:
            log.info("didChange for a document that is not open: %s", td.uri)
        yield from ()

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        self._server.docs.close(params.text_document.uri)
        self._server.engine.forget(params.text_document.uri)
        yield from ()


class LspUI(UI):
    """Engine messages as window/showMessage and ds-lsp/status notifications."""

    LEVELS = {"error": types.MessageType.Error, "warning": types.MessageType.Warning,
              "info": types.MessageType.Info}

    def __init__(self, server: DsLanguageServer) -> None:
        self.server = server
        self._last_status: tuple[str, str | None] | None = None

    def show_message(self, level: str, text: str) -> None:
        log.warning("message to user (%s): %s", level, text)
        self.server.window_show_message(
            types.ShowMessageParams(type=self.LEVELS.get(level, types.MessageType.Info),
                                    message=redact.redact(text)))

    def status(self, state: str, message: str | None = None) -> None:
        if (state, message) == self._last_status:
            return
        self._last_status = (state, message)
        params: dict[str, Any] = {"state": state}
        if message:
            params["message"] = message
        self.server.protocol.notify(STATUS_METHOD, params)


class DsLanguageServer(LanguageServer):
    """The server object handlers receive: documents, engine, settings layers."""

    def __init__(self) -> None:
        super().__init__("ds-lsp", __version__, protocol_cls=DsProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.docs = DocumentStore()
        self.init_options: dict[str, Any] | None = None
        self.pulled: dict[str, Any] | None = None
        self.pushed: dict[str, Any] | None = None
        settings, report = config.resolve()
        self.engine = Engine(settings, self.docs, LspUI(self))
        self._log_report(report)
        self.inline_declared = False
        self.snippet_support = False
        self.progress_support = False
        self.markdown_docs = False
        self.closing: asyncio.Future | None = None
        self.configured = asyncio.Event()  # set once workspace/configuration was pulled

    def fast_handlers(self) -> dict[str, Any]:
        """Notifications the transport may hand over as plain JSON (see transport.py)."""
        return {types.TEXT_DOCUMENT_DID_CHANGE: self.did_change_json}

    def did_change_json(self, params: Any) -> None:
        """didChange without pygls's typed structuring: it runs on every keystroke."""
        if self.protocol._shutdown:
            return
        td = params["textDocument"]
        changes = params["contentChanges"]
        if not (isinstance(td.get("uri"), str) and isinstance(changes, list)
                and all(_valid_change(c) for c in changes)):
            log.warning("ignoring malformed didChange: %r", str(params)[:200])
            return
        if self.docs.change(td["uri"], td.get("version") or 0, changes) is None:
            log.info("didChange for a document that is not open: %s", td["uri"])

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log internal errors; never flood the editor with one message per failure."""
        log.error("internal error (%s): %s", getattr(source, "__name__", source), error)

    # ---- settings ------------------------------------------------------------------------
    def apply_settings(self) -> None:
        settings, report = config.resolve(self.init_options, self.pulled, self.pushed)
        redact.register(settings.api_key)
        self.engine.update_settings(settings)
        self._log_report(report)

    def _log_report(self, report: config.ParseReport) -> None:
        if report.unknown:
            log.info("ignoring unknown settings: %s", ", ".join(sorted(set(report.unknown))))
        if report.invalid:
            text = "ds-lsp settings: " + "; ".join(report.invalid)
            log.warning("%s", text)
            if getattr(self.protocol, "writer", None) is not None:
                self.window_show_message(types.ShowMessageParams(
                    type=types.MessageType.Warning, message=redact.redact(text)))

    async def pull_configuration(self) -> None:
        try:
            await self._pull_configuration()
        finally:
            self.configured.set()

    async def _pull_configuration(self) -> None:
        caps = self.client_capabilities.workspace
        if not (caps and caps.configuration):
            return
        try:
            result = await asyncio.wait_for(self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="ds-lsp")])), 10)
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
        ls.markdown_docs = bool(item and types.MarkupKind.Markdown in
                                (item.documentation_format or ()))
        ls.progress_support = bool(caps.window and caps.window.work_done_progress)
        ls.init_options = config.section(params.initialization_options)
        ls.engine.root_path = _root_path(params)
        ls.engine.workspace_roots = [uri_to_path(f.uri) for f in params.workspace_folders or ()]
        ls.apply_settings()
        log.info("initialize: encoding %s, inline declared %s, client %s", ls.docs.encoding,
                 ls.inline_declared, params.client_info and params.client_info.name)

    @server.feature(types.INITIALIZED)
    async def on_initialized(ls: DsLanguageServer, params: types.InitializedParams) -> None:
        ls.engine.warm_up()
        await ls.pull_configuration()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def on_configuration(ls: DsLanguageServer,
                               params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get("ds-lsp"), dict):
            ls.pushed = settings["ds-lsp"]
            ls.apply_settings()
        await ls.pull_configuration()

    @server.feature(types.SHUTDOWN)
    def on_shutdown(ls: DsLanguageServer, params: Any) -> None:
        # synchronous on purpose: pygls cancels every request but the current one, and
        # only a synchronous handler keeps the shutdown request's own id current
        ls.engine.usage.flush()
        ls.closing = asyncio.ensure_future(ls.engine.close())


def _root_path(params: types.InitializeParams) -> str | None:
    if params.workspace_folders:
        return uri_to_path(params.workspace_folders[0].uri)
    if params.root_uri:
        return uri_to_path(params.root_uri)
    return params.root_path


def _register_completion(server: DsLanguageServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION,
                    types.InlineCompletionOptions(work_done_progress=False))
    async def on_inline(ls: DsLanguageServer,
                        params: types.InlineCompletionParams) -> types.InlineCompletionList:
        invoked = params.context.trigger_kind == types.InlineCompletionTriggerKind.Invoked
        pos = params.position
        sugg = await _safe_complete(ls, params.text_document.uri, pos, invoked)
        if sugg is None:
            return types.InlineCompletionList(items=[])
        return types.InlineCompletionList(items=[inline_item(sugg)])

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(
        trigger_characters=TRIGGER_CHARACTERS, resolve_provider=False))
    async def on_completion(ls: DsLanguageServer,
                            params: types.CompletionParams) -> types.CompletionList:
        mode = ls.engine.settings.completion_items
        if mode == "never" or (mode == "auto" and ls.inline_declared):
            return types.CompletionList(is_incomplete=False, items=[])
        invoked = bool(params.context and params.context.trigger_kind
                       == types.CompletionTriggerKind.Invoked)
        sugg = await _safe_complete(ls, params.text_document.uri, params.position, invoked)
        if sugg is None:
            return types.CompletionList(is_incomplete=True, items=[])
        return types.CompletionList(is_incomplete=True,
                                    items=[completion_item(ls, sugg)])


async def _safe_complete(ls: DsLanguageServer, uri: str, pos: types.Position,
                         invoked: bool) -> Suggestion | None:
    if not ls.configured.is_set():  # the first request may come before the settings pull
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(ls.configured.wait(), 2)
    try:
        work = ls.engine.complete(uri, pos.line, pos.character, invoked)
        return await (_with_progress(ls, work) if ls.progress_support else work)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("completion failed")
        return None


async def _with_progress(ls: DsLanguageServer, work: Any) -> Any:
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
    ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(
        title="DeepSeek", message="completing…", cancellable=False))
    return token


def accepted_command(sugg: Suggestion) -> types.Command:
    """Run by the client after the user accepts the item: counts acceptances."""
    return types.Command(title="DeepSeek suggestion accepted", command=ACCEPTED_COMMAND,
                         arguments=[{"lines": sugg.text.count("\n") + 1,
                                     "chars": len(sugg.text)}])


def inline_item(sugg: Suggestion) -> types.InlineCompletionItem:
    at = types.Position(line=sugg.line, character=sugg.character)
    return types.InlineCompletionItem(insert_text=sugg.text, range=types.Range(start=at, end=at),
                                      command=accepted_command(sugg))


def completion_item(ls: DsLanguageServer, sugg: Suggestion) -> types.CompletionItem:
    """The suggestion as an item that survives the client's word-prefix filter."""
    word = WORD_AT_END.search(sugg.window.line_prefix).group(0)
    head = sugg.window.line_prefix
    column = index_to_column(head, len(head) - len(word), ls.docs.encoding)
    start = types.Position(line=sugg.line, character=column)
    end = types.Position(line=sugg.line, character=sugg.character)
    full = word + sugg.text
    first = full.split("\n", 1)[0]
    label = first if "\n" not in full else first + " …"
    # a snippet whenever the client takes one: Neovim 0.11 cuts plain-text items at a space
    snippet = ls.snippet_support
    new_text = _escape_snippet(full) if snippet else full
    return types.CompletionItem(
        label=label,
        filter_text=first,
        sort_text="0",
        preselect=True,
        kind=types.CompletionItemKind.Snippet,
        detail="DeepSeek",
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                          value=f"```\n{full}\n```")
        if ls.markdown_docs else full,
        insert_text_format=types.InsertTextFormat.Snippet if snippet
        else types.InsertTextFormat.PlainText,
        text_edit=types.TextEdit(range=types.Range(start=start, end=end), new_text=new_text),
        command=accepted_command(sugg),
    )


def _escape_snippet(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}") + "$0"


def _register_generate(server: DsLanguageServer) -> None:
    from ds_lsp import generate

    @server.command(GENERATE_COMMAND)
    async def on_generate(ls: DsLanguageServer, *args: Any) -> dict[str, Any]:
        return await generate.execute(ls, list(args))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind(k) for k in CODE_ACTION_KINDS],
        resolve_provider=False))
    def on_code_action(ls: DsLanguageServer,
                       params: types.CodeActionParams) -> list[types.CodeAction]:
        try:
            return generate.code_actions(ls, params)
        except Exception:
            log.exception("codeAction failed")
            return []


def _register_usage(server: DsLanguageServer) -> None:
    @server.command(ACCEPTED_COMMAND)
    def on_accepted(ls: DsLanguageServer, *args: Any) -> None:
        ls.engine.usage.record(accepted=1)

    @server.command(USAGE_COMMAND)
    def on_show_usage(ls: DsLanguageServer, *args: Any) -> dict[str, Any]:
        from ds_lsp import usage

        ls.engine.usage.flush()
        prices = ls.engine.prices
        lines = usage.report_lines(ls.engine.usage.session, usage.load_days(), prices)
        ls.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Info, message="\n".join(lines)))
        return {"session": ls.engine.usage.session.summary(prices), "report": lines}
