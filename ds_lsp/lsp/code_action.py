"""textDocument/codeAction: "Generate code with DeepSeek" on a selection or a comment block,
running ds-lsp.generateCodeBlock (generate_command.py)."""

from __future__ import annotations

from lsprotocol import types

from ds_lsp.generate import comments
from ds_lsp.generate import plan as genplan
from ds_lsp.lsp.commands import GENERATE_ACTION_KIND, GENERATE_COMMAND
from ds_lsp.lsp.state import ServerState

ACTION_TITLE = "Generate code with DeepSeek"


def code_actions(state: ServerState, params: types.CodeActionParams) -> list[types.CodeAction]:
    """The generate action for the params' range, when the selection or a comment block
    there gives it an instruction."""
    only = params.context.only
    if only and not any(GENERATE_ACTION_KIND.startswith(kind) for kind in only):
        return []
    doc = state.docs.get(params.text_document.uri)
    if doc is None or not _offered(state, doc.uri):
        return []
    rng = params.range
    start = doc.clamp(rng.start.line, rng.start.character)
    end = doc.clamp(rng.end.line, rng.end.character)
    if end < start:
        start, end = end, start
    selection = genplan.selected_text(doc, start, end) if end > start else ""
    ident = {"uri": doc.uri}
    if comments.meaningful_selection(selection):
        argument: dict[str, object] = {"textDocument": ident, "range": _range_json(rng)}
        title = f"{ACTION_TITLE} (from the selection)"
    elif genplan.comment_block_at(doc, start) is not None:
        argument = {"textDocument": ident, "position": _position_json(rng.start)}
        title = f"{ACTION_TITLE} (from the comment)"
    else:
        return []
    command = types.Command(title=ACTION_TITLE, command=GENERATE_COMMAND, arguments=[argument])
    return [types.CodeAction(title=title, kind=GENERATE_ACTION_KIND, command=command)]


def _position_json(point: types.Position) -> dict[str, int]:
    return {"line": point.line, "character": point.character}


def _range_json(rng: types.Range) -> dict[str, dict[str, int]]:
    return {"start": _position_json(rng.start), "end": _position_json(rng.end)}


def _offered(state: ServerState, uri: str) -> bool:
    s = state.settings
    return s.enable and not state.completions.gate.excluded(uri)
