"""textDocument/inlineCompletion and textDocument/completion: the pipeline's suggestion as
the editor's item (items.py). Nothing to offer is an empty answer, never an error; a
completion that takes over a second shows `$/progress` when the client supports it and
`completionProgress` is on.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from lsprotocol import types

from ds_lsp.completion.pipeline import Suggestion
from ds_lsp.lsp.items import completion_item, inline_item
from ds_lsp.lsp.progress import with_progress_when_slow
from ds_lsp.lsp.state import ServerState

log = logging.getLogger(__name__)

CONFIGURED_WAIT_S = 2.0  # the first request may come before the settings pull is answered
INVOKED = 1  # the trigger kind (inline and completion alike) of an explicit request


async def inline_completion(
    state: ServerState, params: types.InlineCompletionParams
) -> types.InlineCompletionList:
    """An InlineCompletionList: one item, or none."""
    invoked = params.context.trigger_kind == INVOKED
    sugg = await suggestion(state, params.text_document.uri, params.position, invoked)
    items = [inline_item(sugg, state.docs.encoding)] if sugg is not None else []
    return types.InlineCompletionList(items=items)


def wants_items(state: ServerState) -> bool:
    """Whether completion items are answered (setting `completionItems`): by default only to
    clients that do not declare inline completion, so no client sees a suggestion twice."""
    mode = state.settings.completion_items
    return mode == "always" or (mode == "auto" and not state.flags.inline_declared)


async def completion(state: ServerState, params: types.CompletionParams) -> types.CompletionList:
    """A CompletionList (always incomplete) with the suggestion as one item, for clients
    without inline completion."""
    if not wants_items(state):
        return types.CompletionList(is_incomplete=False, items=[])
    context = params.context
    invoked = context is not None and context.trigger_kind == INVOKED
    sugg = await suggestion(state, params.text_document.uri, params.position, invoked)
    if sugg is None:
        return types.CompletionList(is_incomplete=True, items=[])
    flags = state.flags
    item = completion_item(sugg, state.docs.encoding, flags.snippet_support, flags.markdown_docs)
    return types.CompletionList(is_incomplete=True, items=[item])


async def suggestion(
    state: ServerState, uri: str, position: types.Position, invoked: bool
) -> Suggestion | None:
    """The pipeline's suggestion; a failure logs and answers None."""
    await state.wait_configured(CONFIGURED_WAIT_S)
    try:
        work = state.completions.complete(uri, position.line, position.character, invoked)
        if state.flags.progress_support and state.settings.completion_progress:
            return await with_progress_when_slow(state.server, "completing…", work)
        return await work
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("completion failed")
        return None


def accepted(state: ServerState, args: list[Any]) -> None:
    """ds-lsp.acceptedSuggestion: it counts, and it may ask ahead for the line after the
    suggestion (Enter usually follows at once)."""
    state.session.usage.record(accepted=1)
    state.completions.accepted(*accepted_where(args))


def accepted_where(args: list[Any]) -> tuple[str | None, int | None, int | None]:
    """The document and position of an accepted suggestion, from the command's argument
    {"lines", "chars", "uri"?, "line"?, "character"?}; Nones when the editor sent the older
    form without them."""
    arg = args[0] if args else None

    def get(name: str) -> Any:
        return arg.get(name) if isinstance(arg, dict) else getattr(arg, name, None)

    uri, line, character = get("uri"), get("line"), get("character")
    if type(line) is not int or type(character) is not int:
        line = character = None
    return (uri if isinstance(uri, str) else None), line, character
