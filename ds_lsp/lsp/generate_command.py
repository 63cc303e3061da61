"""ds-lsp.generateCodeBlock (workspace/executeCommand); its code action is code_action.py.

The LSP side of code generation: it plans (generate/plan.py), streams DeepSeek's chat
prefix completion through the shared upstream session while reporting `$/progress`
(cancellable) when the client supports it, shapes the answer (generate/answer.py) and lands
it with `workspace/applyEdit`: versioned (documentChanges) when the client supports it,
re-located by its anchor lines when the document changed meanwhile, refused with a message
when the place cannot be found for sure. Cancelling the progress or the request
(`$/cancelRequest`) stops the HTTP stream and inserts nothing. Upstream errors follow the
one-message-per-problem policy (upstream/session.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lsprotocol import types

from ds_lsp.exclusion import relative_path
from ds_lsp.generate import answer
from ds_lsp.generate import plan as genplan
from ds_lsp.lsp.code_action import ACTION_TITLE
from ds_lsp.lsp.commands import GENERATE_COMMAND
from ds_lsp.lsp.progress import Progress
from ds_lsp.upstream.session import UpstreamFailed

log = logging.getLogger(__name__)

COMMAND = GENERATE_COMMAND
APPLY_EDIT_FACTOR = 2  # wait this many timeoutMs for the client's answer to applyEdit


@dataclass
class Outcome:
    """How a generation ended: the command's result and the progress end message."""

    applied: bool
    text: str
    message: str

    def result(self) -> dict[str, Any]:
        out: dict[str, Any] = {"applied": self.applied, "text": self.text}
        if not self.applied:
            out["message"] = self.message
        return out


# ---- workspace/executeCommand ----------------------------------------------------------------
async def execute(ls: Any, args: list[Any]) -> dict[str, Any]:
    """Run ds-lsp.generateCodeBlock; never raises except when the request itself is cancelled
    (`$/cancelRequest` cancels the task this runs in, and with it the HTTP stream)."""
    plan = _plan(ls, args)
    if isinstance(plan, Outcome):
        return plan.result()
    first = plan.instruction.strip().split("\n", 1)[0][:80]
    progress = await Progress.start(
        ls, "generate", "DeepSeek: generating code", first, cancellable=True
    )
    work = asyncio.ensure_future(_generate(ls, plan, Written(progress)))
    unlink = _cancel_with(progress, work)
    outcome = Outcome(False, "", "cancelled")
    try:
        outcome = await work
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise
        log.info("generation cancelled from the progress bar")
    except Exception:
        log.exception("generation failed")
        outcome = Outcome(False, "", "internal error (see the ds-lsp log)")
    finally:
        unlink()
        progress.end(outcome.message)
    return outcome.result()


def _plan(ls: Any, args: list[Any]) -> genplan.Plan | Outcome:
    try:
        parsed = genplan.parse_arguments(args)
    except (ValueError, TypeError) as exc:
        return _refuse(ls, "warning", f"{COMMAND}: bad arguments: {exc}")
    doc = ls.state.docs.get(parsed.uri)
    if doc is None:
        return _refuse(ls, "warning", f"{COMMAND}: the document is not open: {parsed.uri}")
    settings = ls.state.settings
    if not settings.enable:
        return _refuse(ls, "info", "ds-lsp is disabled (setting 'enable': false).")
    if ls.state.completions.gate.excluded(doc.uri):  # under every workspace folder
        return _refuse(
            ls,
            "warning",
            "ds-lsp does not send this file upstream (it matches the "
            "'exclude' setting); nothing was generated.",
        )
    file_name = relative_path(doc.uri, ls.state.root_path)
    plan = genplan.make_plan(doc, parsed, _budget(settings), file_name)
    return _refuse(ls, "info", plan) if isinstance(plan, str) else plan


def _refuse(ls: Any, level: str, text: str) -> Outcome:
    ls.state.ui.show_message(level, text)
    return Outcome(False, "", text)


def _budget(settings: Any) -> genplan.Budget:
    return genplan.Budget(
        settings.max_prefix_chars, settings.max_suffix_chars, settings.window_block_lines
    )


def _cancel_with(progress: Progress, work: asyncio.Future[Any]) -> Callable[[], None]:
    """Cancel `work` when the user cancels the progress bar; returns unlink."""
    cancelled = progress.cancelled()
    if cancelled is None:
        return lambda: None
    loop = asyncio.get_running_loop()
    linked = [True]  # a concurrent Future's callback cannot be removed: it is disarmed

    def on_done(future: Any) -> None:
        if linked and future.cancelled():
            loop.call_soon_threadsafe(work.cancel)

    cancelled.add_done_callback(on_done)
    return lambda: linked.clear()


# ---- the generation --------------------------------------------------------------------------
async def _generate(ls: Any, plan: genplan.Plan, written: Written) -> Outcome:
    try:
        result = await ls.state.session.chat(
            genplan.SYSTEM_PROMPT, plan.user_prompt, plan.prefix, written.add
        )
    except UpstreamFailed as exc:
        return Outcome(False, "", exc.reason)
    log.info(
        "generated %d chars (finish %s, usage %s)",
        len(result.text),
        result.finish_reason,
        result.usage,
    )
    code = answer.extract_code(result.text)
    if not code.strip():
        return _refuse(ls, "info", "DeepSeek answered without code; nothing was inserted.")
    return await _land(ls, plan, code, written.progress)


async def _land(ls: Any, plan: genplan.Plan, code: str, progress: Progress) -> Outcome:
    doc = ls.state.docs.get(plan.uri)
    spot = genplan.locate(doc, plan.anchor) if doc is not None else None
    if doc is None or spot is None:
        where = plan.anchor.start[0] + 1
        ls.state.ui.show_message(
            "warning",
            f"The document changed around line {where} while DeepSeek was writing; "
            "the generated code was not inserted (run the command again).",
        )
        return Outcome(False, answer.reindent(code, ""), "document changed")
    place = genplan.target(doc, *spot, plan.replacing)
    text, block = genplan.insertion(code, place, plan.replacing)
    lines = _lines(block.count("\n") + 1)
    progress.end(f"inserting {lines}")  # the bar closes as the code lands, not after
    applied = await _apply_edit(ls, doc, place, text)
    return Outcome(applied, block, f"inserted {lines}" if applied else "edit not applied")


async def _apply_edit(ls: Any, doc: Any, where: genplan.Target, text: str) -> bool:
    rng = types.Range(
        start=types.Position(line=where.start[0], character=doc.column(*where.start)),
        end=types.Position(line=where.end[0], character=doc.column(*where.end)),
    )
    edit = types.TextEdit(range=rng, new_text=text)
    if _supports_document_changes(ls):
        ident = types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
        workspace_edit = types.WorkspaceEdit(
            document_changes=[types.TextDocumentEdit(text_document=ident, edits=[edit])]
        )
    else:
        workspace_edit = types.WorkspaceEdit(changes={doc.uri: [edit]})
    params = types.ApplyWorkspaceEditParams(edit=workspace_edit, label=ACTION_TITLE)
    wait = APPLY_EDIT_FACTOR * ls.state.settings.timeout_ms / 1000
    try:  # some clients (Vim's ALE) apply the edit but never answer
        answer = await asyncio.wait_for(asyncio.shield(ls.workspace_apply_edit_async(params)), wait)
    except asyncio.CancelledError:
        raise
    except TimeoutError:
        log.warning("no answer to workspace/applyEdit in %g s (it may be applied)", wait)
        return False
    except Exception as exc:
        log.warning("workspace/applyEdit failed: %s", exc)
        return False
    if not answer.applied:
        log.info("client did not apply the edit: %s", answer.failure_reason)
    return bool(answer.applied)


def _lines(count: int) -> str:
    return f"{count} line" if count == 1 else f"{count} lines"


def _supports_document_changes(ls: Any) -> bool:
    return bool(ls.state.flags.document_changes)


# ---- $/progress ------------------------------------------------------------------------------
class Written:
    """Counts the lines the model has written, for the progress bar."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.lines = 0

    def add(self, piece: str) -> None:
        if "\n" in piece:
            self.lines += piece.count("\n")
            self.progress.report(_lines(self.lines) + " written", cancellable=True)
