"""textDocument/codeAction on plain JSON: "Generate code with DeepSeek" on a selection or a
comment block, running ds-lsp.generateCodeBlock (generate_command.py).

On the hot path because editors (VS Code, eglot, lsp-mode) ask for code actions by
themselves as the cursor moves: asking must not wait for pygls to load.
"""

from __future__ import annotations

from typing import Any

from ds_lsp.generate import comments
from ds_lsp.generate import plan as genplan
from ds_lsp.lsp.initialize_answer import GENERATE_COMMAND
from ds_lsp.lsp.state import ServerState

ACTION_TITLE = "Generate code with DeepSeek"
KIND = "refactor.rewrite"  # CodeActionKind.RefactorRewrite


class Unreadable(ValueError):
    """Params lsprotocol would not read as CodeActionParams: answered Invalid params."""


def code_actions(state: ServerState, params: Any) -> list[dict[str, Any]]:
    """The action for the params' range, if any; raises Unreadable for malformed params."""
    uri, (start_at, end_at), only = _read(params)
    if only and not any(KIND.startswith(kind) for kind in only):
        return []
    doc = state.docs.get(uri)
    if doc is None or not _offered(state, doc.uri):
        return []
    start, end = doc.clamp(*start_at), doc.clamp(*end_at)
    if end < start:
        start, end = end, start
    selection = genplan.selected_text(doc, start, end) if end > start else ""
    ident = {"uri": doc.uri}
    if comments.meaningful_selection(selection):
        rng = {"start": _position(start_at), "end": _position(end_at)}
        argument: dict[str, Any] = {"textDocument": ident, "range": rng}
        title = f"{ACTION_TITLE} (from the selection)"
    elif genplan.comment_block_at(doc, start) is not None:
        argument = {"textDocument": ident, "position": _position(start_at)}
        title = f"{ACTION_TITLE} (from the comment)"
    else:
        return []
    command = {"title": ACTION_TITLE, "command": GENERATE_COMMAND, "arguments": [argument]}
    return [{"title": title, "kind": KIND, "command": command}]


def _read(params: Any) -> tuple[str, tuple[tuple[int, int], tuple[int, int]], list[str] | None]:
    try:
        uri = params["textDocument"]["uri"]
        rng = params["range"]
        ends = tuple((p["line"], p["character"]) for p in (rng["start"], rng["end"]))
        context = params["context"]
        only = context.get("only")
        diagnostics = context["diagnostics"]
    except (TypeError, KeyError, AttributeError) as exc:
        raise Unreadable(f"codeAction params: {exc!r}") from None
    numbers = [n for point in ends for n in point]
    if not isinstance(uri, str) or not all(type(n) is int and n >= 0 for n in numbers):
        raise Unreadable("codeAction params: textDocument.uri or range")
    if not isinstance(diagnostics, list):
        raise Unreadable("codeAction params: context.diagnostics")
    if only is not None and not (isinstance(only, list) and all(isinstance(k, str) for k in only)):
        raise Unreadable("codeAction params: context.only")
    start, end = ends
    return uri, (start, end), only


def _position(point: tuple[int, int]) -> dict[str, int]:
    return {"line": point[0], "character": point[1]}


def _offered(state: ServerState, uri: str) -> bool:
    s = state.settings
    return s.enable and not state.completions.gate.excluded(uri)
