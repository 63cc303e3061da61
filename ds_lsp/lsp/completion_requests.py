"""textDocument/inlineCompletion and textDocument/completion, on plain JSON.

Each reads its params as they came (what lsprotocol would refuse gets an empty answer: a
completion request never gets a JSON-RPC error), asks the pipeline for a suggestion and
answers it as an item (items.py). A completion that takes over a second shows `$/progress`
when the client supports it and `completionProgress` is on.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Coroutine
from typing import Any, TypeVar

from ds_lsp.completion.pipeline import Suggestion
from ds_lsp.lsp.client import Client
from ds_lsp.lsp.items import completion_item, inline_item
from ds_lsp.lsp.state import ServerState

log = logging.getLogger(__name__)
T = TypeVar("T")

SLOW_COMPLETION_S = 1.0
CONFIGURED_WAIT_S = 2.0  # the first request may come before the settings pull is answered
PROGRESS_CREATE_S = 10.0
MAX_UINTEGER = 2**31 - 1
INVOKED = 1  # the trigger kind (inline and completion alike) of an explicit request
_PROGRESS_IDS = itertools.count(1)


Spot = tuple[str, int, int, "int | None"]  # uri, line, character, trigger kind
Answer = dict[str, Any]


def _uinteger(value: Any) -> bool:
    return type(value) is int and 0 <= value <= MAX_UINTEGER


def spot(params: Any, context_kinds: tuple[int, ...], context_required: bool) -> Spot | None:
    """Where the request asks, or None when lsprotocol would not read its params."""
    try:
        uri = params["textDocument"]["uri"]
        line, character = params["position"]["line"], params["position"]["character"]
        context = params.get("context")
    except (TypeError, KeyError, AttributeError):
        return None
    if not (isinstance(uri, str) and _uinteger(line) and _uinteger(character)):
        return None
    if context is None:
        return None if context_required else (uri, line, character, None)
    kind = context.get("triggerKind") if isinstance(context, dict) else None
    if type(kind) is not int or kind not in context_kinds:
        return None
    return uri, line, character, kind


def start(method: str, state: ServerState, params: Any) -> Answer | Coroutine[Any, Any, Answer]:
    """The answer at once (unreadable params, no items wanted), or the work that makes it."""
    if method == "textDocument/inlineCompletion":
        where = spot(params, (1, 2), context_required=True)
        if where is None:
            log.warning("unreadable inlineCompletion params: %.200r", params)
            return {"items": []}
        return inline_completion(state, where)
    where = spot(params, (1, 2, 3), context_required=False)
    if where is None:
        log.warning("unreadable completion params: %.200r", params)
        return {"isIncomplete": False, "items": []}
    mode = state.settings.completion_items
    if mode == "never" or (mode == "auto" and state.inline_declared):
        return {"isIncomplete": False, "items": []}
    return completion(state, where)


async def inline_completion(state: ServerState, where: Spot) -> Answer:
    """An InlineCompletionList: one item, or none."""
    uri, line, character, kind = where
    sugg = await suggestion(state, uri, line, character, kind == INVOKED)
    return {"items": [inline_item(sugg, state.docs.encoding)] if sugg is not None else []}


async def completion(state: ServerState, where: Spot) -> Answer:
    """A CompletionList (always incomplete) with the suggestion as one item, for clients
    without inline completion (setting `completionItems`)."""
    uri, line, character, kind = where
    sugg = await suggestion(state, uri, line, character, kind == INVOKED)
    if sugg is None:
        return {"isIncomplete": True, "items": []}
    item = completion_item(sugg, state.docs.encoding, state.snippet_support, state.markdown_docs)
    return {"isIncomplete": True, "items": [item]}


async def suggestion(
    state: ServerState, uri: str, line: int, character: int, invoked: bool
) -> Suggestion | None:
    """The pipeline's suggestion; a failure logs and answers None."""
    await state.wait_configured(CONFIGURED_WAIT_S)
    try:
        work = state.completions.complete(uri, line, character, invoked)
        if state.progress_support and state.settings.completion_progress:
            return await _with_progress(state.client, work)
        return await work
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("completion failed")
        return None


async def _with_progress(client: Client, work: Awaitable[T]) -> T:
    """Await `work`; if it takes longer than a second, show $/progress until it ends."""
    task = asyncio.ensure_future(work)
    token = None
    try:
        done, _ = await asyncio.wait({task}, timeout=SLOW_COMPLETION_S)
        if not done:
            token = await _begin_progress(client)
        return await task
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        if token is not None:
            client.notify("$/progress", {"token": token, "value": {"kind": "end"}})


async def _begin_progress(client: Client) -> str | None:
    """A fresh progress token, begun; None when the client refused it."""
    token = f"ds-lsp-complete-{next(_PROGRESS_IDS)}"
    try:
        await client.ask("window/workDoneProgress/create", {"token": token}, PROGRESS_CREATE_S)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # an error answer, or none: complete without progress
        log.info("window/workDoneProgress/create failed: %s", exc)
        return None
    begin = {"kind": "begin", "title": "DeepSeek", "message": "completing…", "cancellable": False}
    client.notify("$/progress", {"token": token, "value": begin})
    return token
