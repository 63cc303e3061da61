"""Next edit suggestions, the LSP side: `textDocument/copilotInlineEdit` (the request Copilot's
language server answers), `textDocument/didShowInlineEdit`, the accepted and dismissed
commands, and the "Apply predicted edit (DeepSeek)" code action for editors that render no
inline edit themselves (Helix, eglot, lsp-mode, Vim). The prediction is nextedit/'s.

pygls hands the params of the non-standard methods over as namedtuple-like Objects (dicts
from some paths): `_get` reads both. Nothing here answers with an error: no suggestion is
`{"edits": []}`.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from lsprotocol import types

from ds_lsp.completion.pipeline import LatestWins
from ds_lsp.config import Settings
from ds_lsp.documents import Document
from ds_lsp.exclusion import relative_path
from ds_lsp.lsp.commands import ACCEPTED_NEXT_EDIT_COMMAND as ACCEPTED_COMMAND
from ds_lsp.lsp.commands import NEXT_EDIT_ACTION_KIND as ACTION_KIND
from ds_lsp.nextedit.answer import Edit
from ds_lsp.nextedit.fim import StableEdits
from ds_lsp.nextedit.history import EditHistory
from ds_lsp.nextedit.predictor import NextEdits, Options
from ds_lsp.upstream import backends

if TYPE_CHECKING:  # types only: state.py builds this module's NextEditSide
    from ds_lsp.completion.pipeline import CompletionPipeline
    from ds_lsp.documents import DocumentStore
    from ds_lsp.upstream.session import UpstreamSession

log = logging.getLogger(__name__)

ACTION_TITLE = "Apply predicted edit (DeepSeek)"
MAX_OFFERED = 64


def options(settings: Settings) -> Options:
    """What the settings say about next edits."""
    s = settings
    return Options(
        enabled=s.enable and s.next_edit,
        backend=s.backend,
        debounce_ms=s.next_edit_debounce_ms,
        lines=s.next_edit_lines,
        timeout_s=s.timeout_ms / 1000,
        identity=(s.backend, backends.base_url(s), backends.configured_model(s), s.temperature),
    )


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def read_params(params: Any) -> tuple[str | None, int | None, tuple[int, int], bool]:
    """(uri, version, (line, character), invoked) of copilotInlineEdit params."""
    document, position = _get(params, "textDocument"), _get(params, "position")
    uri = _get(document, "uri")
    version = _get(document, "version")
    line, character = _get(position, "line"), _get(position, "character")
    if not isinstance(uri, str) or not isinstance(line, int) or not isinstance(character, int):
        return None, None, (0, 0), False
    trigger = _get(_get(params, "context"), "triggerKind")
    return uri, version if isinstance(version, int) else None, (line, character), trigger == 1


def _position(point: tuple[int, int]) -> dict[str, int]:
    return {"line": point[0], "character": point[1]}


def _summary(edit: Edit) -> str:
    """A few words on what the edit does, for the code action's title."""
    old, new = edit.old.strip(), edit.new.strip()
    if "\n" in edit.old + edit.new or len(old) + len(new) > 60:
        return f"line {edit.start[0] + 1}"
    if not old:
        return f"insert {new}"
    return f"{old} → {new}" if new else f"delete {old}"


class _Flags(Protocol):
    @property
    def document_changes(self) -> bool: ...


class Host(Protocol):
    """What next edits use of a session's state (lsp/state.py `ServerState`)."""

    @property
    def docs(self) -> DocumentStore: ...

    @property
    def session(self) -> UpstreamSession: ...

    @property
    def completions(self) -> CompletionPipeline: ...

    @property
    def flags(self) -> _Flags: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def root_path(self) -> str | None: ...


@dataclass(frozen=True)
class Offered:
    """An edit given to the editor, by id (the accepted and dismissed commands name it)."""

    id: int
    uri: str
    version: int
    edit: Edit

    def item(self) -> dict[str, Any]:
        """The copilotInlineEdit item."""
        return {
            **self.edit.as_json(),
            "textDocument": {"uri": self.uri, "version": self.version},
            "command": {
                "title": "Accept next edit",
                "command": ACCEPTED_COMMAND,
                "arguments": [{"uri": self.uri, "id": self.id}],
            },
        }


class NextEditSide:
    """One session's next edits: the history every didChange feeds, the predictor, the FIM
    prompts' block of recent edits, and the edits offered (for the commands and the code
    action)."""

    def __init__(self, state: Host) -> None:
        self.state = state
        self.history = EditHistory(refuse=self._excluded)
        self.predictor = NextEdits(
            state.docs,
            self.history,
            state.session.quick_chat,
            LatestWins(),
            allowed=self._allowed,
            path_of=self._path,
            options=options(state.settings),
            record=state.session.usage.record,
        )
        self.fim = StableEdits()
        self._ids = itertools.count(1)
        self.offered: OrderedDict[int, Offered] = OrderedDict()
        self.ready: dict[str, Offered] = {}  # the latest offered edit per document

    # ---- the gate -----------------------------------------------------------------------
    def _allowed(self, doc: Document) -> bool:
        return self.state.completions.gate.allows(doc)

    def _excluded(self, uri: str) -> bool:
        return self.state.completions.gate.excluded(uri)

    def _path(self, uri: str) -> str:
        return relative_path(uri, self.state.root_path)

    def _uri_allowed(self, uri: str) -> bool:
        doc = self.state.docs.get(uri)
        return doc is not None and self._allowed(doc)

    # ---- the request and the notification --------------------------------------------------
    async def inline_edit(self, params: Any) -> dict[str, Any]:
        """copilotInlineEdit: `{"edits": [item]}` or `{"edits": []}`."""
        uri, version, (line, character), invoked = read_params(params)
        if uri is None:
            return {"edits": []}
        edit = await self.predictor.predict(uri, line, character, version, not invoked)
        doc = self.state.docs.get(uri)
        if edit is None or doc is None:
            return {"edits": []}
        return {"edits": [self._offer(doc, edit).item()]}

    def _offer(self, doc: Document, edit: Edit) -> Offered:
        offered = Offered(next(self._ids), doc.uri, doc.version, edit)
        self.offered[offered.id] = self.ready[doc.uri] = offered
        while len(self.offered) > MAX_OFFERED:
            self.offered.popitem(last=False)
        return offered

    def shown(self, params: Any) -> None:
        """didShowInlineEdit: the editor shows the edit; it counts as shown."""
        item = _get(params, "item")
        command = _get(item, "command")
        if _get(command, "command") == ACCEPTED_COMMAND:
            self.state.session.usage.record(next_edits_shown=1)
            log.info("next edit shown (%s)", _get(_get(item, "textDocument"), "uri"))

    def _named(self, args: list[Any]) -> Offered | None:
        ident = _get(args[0], "id") if args else None
        return self.offered.get(ident) if isinstance(ident, int) else None

    def accepted(self, args: list[Any]) -> None:
        """The edit's command: the user took it."""
        offered = self._named(args)
        if offered is not None:
            self.state.session.usage.record(next_edits_accepted=1)
            self.ready.pop(offered.uri, None)
            log.info("next edit accepted (%s)", offered.uri)

    def dismissed(self, args: list[Any]) -> None:
        """The user dismissed the edit: it is not offered again in that document."""
        offered = self._named(args)
        if offered is not None:
            self.history.dismiss(offered.uri, offered.edit.old, offered.edit.new)
            self.ready.pop(offered.uri, None)
            log.info("next edit dismissed (%s)", offered.uri)

    # ---- the code action ---------------------------------------------------------------------
    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        """ "Apply predicted edit" at the cursor: the edit ready for this version of the
        document, else (asked for by the user, not automatically) a prediction now."""
        only = params.context.only
        if only and not any(ACTION_KIND.startswith(kind) for kind in only):
            return []
        doc = self.state.docs.get(params.text_document.uri)
        if doc is None:
            return []
        at = params.range.start
        offered = self._ready_near(doc, at.line)
        trigger = params.context.trigger_kind
        if offered is None and trigger != types.CodeActionTriggerKind.Automatic:
            invoked = trigger == types.CodeActionTriggerKind.Invoked
            edit = await self.predictor.predict(doc.uri, at.line, at.character, None, not invoked)
            if edit is not None and self.state.docs.get(doc.uri) is doc:
                offered = self._offer(doc, edit)
        return [self._action(offered)] if offered is not None else []

    def _ready_near(self, doc: Document, line: int) -> Offered | None:
        offered = self.ready.get(doc.uri)
        if offered is None or offered.version != doc.version:
            return None
        span = self.state.settings.next_edit_lines
        near = offered.edit.start[0] - span <= line <= offered.edit.end[0] + span
        return offered if near else None

    def _action(self, offered: Offered) -> types.CodeAction:
        edit = offered.edit
        rng = types.Range(
            start=types.Position(line=edit.start[0], character=edit.start[1]),
            end=types.Position(line=edit.end[0], character=edit.end[1]),
        )
        change = types.TextEdit(range=rng, new_text=edit.text)
        if self.state.flags.document_changes:
            ident = types.OptionalVersionedTextDocumentIdentifier(
                uri=offered.uri, version=offered.version
            )
            workspace_edit = types.WorkspaceEdit(
                document_changes=[types.TextDocumentEdit(text_document=ident, edits=[change])]
            )
        else:
            workspace_edit = types.WorkspaceEdit(changes={offered.uri: [change]})
        command = types.Command(
            title="Accept next edit",
            command=ACCEPTED_COMMAND,
            arguments=[{"uri": offered.uri, "id": offered.id}],
        )
        return types.CodeAction(
            title=f"{ACTION_TITLE}: {_summary(edit)}",
            kind=ACTION_KIND,
            edit=workspace_edit,
            command=command,
            is_preferred=True,
        )

    # ---- FIM prompts, settings and documents -------------------------------------------------
    def fim_block(self, doc: Document) -> str:
        """The recent edits as comments opening a FIM prompt for `doc`."""
        return self.fim.block(
            self.history, time.monotonic(), self._uri_allowed, self._path, doc.language_id
        )

    def update(self, settings: Settings) -> None:
        self.predictor.update(options(settings))

    def forget(self, uri: str) -> None:
        """A document closed."""
        self.predictor.forget(uri)
        self.ready.pop(uri, None)
