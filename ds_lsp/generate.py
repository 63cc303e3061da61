"""ds-lsp.generateCodeBlock (workspace/executeCommand) and its textDocument/codeAction.

The thin LSP side of code generation: it plans (ds_lsp.genplan), streams DeepSeek's chat
prefix completion (ds_lsp.backends.chat) while reporting `$/progress` (cancellable) when
the client supports it, shapes the answer (ds_lsp.codeshape) and lands it with
`workspace/applyEdit`: versioned (documentChanges) when the client supports it, re-located
by its anchor lines when the document changed meanwhile, refused with a message when the
place cannot be found for sure. Cancelling the progress or the request (`$/cancelRequest`)
stops the HTTP stream and inserts nothing. Upstream errors follow the engine's
one-message-per-problem policy.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from lsprotocol import types

from ds_lsp import codeshape, genplan, instruction
from ds_lsp.backends.chat import ChatPrefixRequest, ChatResult, chat_prefix
from ds_lsp.backends.http import UpstreamError, with_retries
from ds_lsp.engine import MESSAGES, is_excluded, uri_to_path

log = logging.getLogger(__name__)

COMMAND = "ds-lsp.generateCodeBlock"
ACTION_TITLE = "Generate code with DeepSeek"
STALL_FACTOR = 4  # give up when no code arrives for STALL_FACTOR x timeoutMs
REPORT_EVERY_S = 0.1
TIMEOUT_MESSAGE = (
    "DeepSeek sent no code for {seconds:g} s; generation stopped. Raise the "
    "ds-lsp 'timeoutMs' setting (generation waits {factor} x timeoutMs) if the "
    "service is slow."
)

MESSAGED_KINDS = ("model", "auth", "balance", "network", "bad_request")
FAILED_MESSAGE = (
    "DeepSeek could not generate code ({kind}, status {status}): {detail}. "
    "Nothing was inserted; try again later."
)


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
    """Run ds-lsp.generateCodeBlock; never raises except when the handler itself is cancelled."""
    plan = _plan(ls, args)
    if isinstance(plan, Outcome):
        return plan.result()
    progress = await Progress.start(ls, plan.instruction)
    work = asyncio.ensure_future(_generate(ls, plan, progress))
    unlink = _link_cancellation(ls, work, progress)
    outcome = Outcome(False, "", "cancelled")
    try:
        outcome = await work
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise
        log.info("generation cancelled by the client")
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
    doc = ls.docs.get(parsed.uri)
    if doc is None:
        return _refuse(ls, "warning", f"{COMMAND}: the document is not open: {parsed.uri}")
    engine = ls.engine
    if not engine.settings.enable:
        return _refuse(ls, "info", "ds-lsp is disabled (setting 'enable': false).")
    if is_excluded(doc.uri, engine.settings.exclude, engine.root_path):
        return _refuse(
            ls,
            "warning",
            "ds-lsp does not send this file upstream (it matches the "
            "'exclude' setting); nothing was generated.",
        )
    plan = genplan.make_plan(doc, parsed, _budget(engine.settings), _file_name(ls, doc.uri))
    return _refuse(ls, "info", plan) if isinstance(plan, str) else plan


def _refuse(ls: Any, level: str, text: str) -> Outcome:
    ls.engine.ui.show_message(level, text)
    return Outcome(False, "", text)


def _budget(settings: Any) -> genplan.Budget:
    return genplan.Budget(
        settings.max_prefix_chars, settings.max_suffix_chars, settings.window_block_lines
    )


def _file_name(ls: Any, uri: str) -> str:
    path = uri_to_path(uri)
    root = ls.engine.root_path
    if root and path.startswith(root.rstrip("/") + "/"):
        return path[len(root.rstrip("/")) + 1 :]
    return PurePosixPath(path).name or path


def _link_cancellation(ls: Any, work: asyncio.Future, progress: Progress) -> Callable[[], None]:
    """Cancel `work` when the client cancels the request or the progress; returns unlink."""
    loop = asyncio.get_running_loop()
    futures = [f for f in (_request_future(ls), progress.cancel_future()) if f is not None]

    def on_done(future: Any) -> None:
        if future.cancelled():
            loop.call_soon_threadsafe(work.cancel)

    for future in futures:
        future.add_done_callback(on_done)

    def unlink() -> None:
        for future in futures:
            if hasattr(future, "remove_done_callback"):
                future.remove_done_callback(on_done)
        progress.forget()

    return unlink


def _request_future(ls: Any) -> Any:
    """pygls's future of this executeCommand request; $/cancelRequest cancels it.

    pygls runs a command handler in a task of its own, which $/cancelRequest does not reach.
    """
    protocol = ls.protocol
    return getattr(protocol, "_request_futures", {}).get(protocol.msg_id)


# ---- the generation --------------------------------------------------------------------------
async def _generate(ls: Any, plan: genplan.Plan, progress: Progress) -> Outcome:
    engine = ls.engine
    if not engine.has_key():
        engine.notifier.report("no_key", "error", MESSAGES["no_key"])
        return Outcome(False, "", "no API key")
    engine.ui.status("fetching")
    try:
        result = await _fetch(engine, plan, progress)
    finally:
        engine.ui.status("idle")
    if isinstance(result, Outcome):
        return result
    code = codeshape.extract_code(result.text)
    if not code.strip():
        return _refuse(ls, "info", "DeepSeek answered without code; nothing was inserted.")
    return await _land(ls, plan, code)


async def _fetch(engine: Any, plan: genplan.Plan, progress: Progress) -> ChatResult | Outcome:
    s = engine.settings
    stall = STALL_FACTOR * s.timeout_ms / 1000
    loop = asyncio.get_running_loop()
    model = "?"
    try:
        async with asyncio.timeout(stall) as guard:
            model = await engine.model()
            req = ChatPrefixRequest(
                model,
                genplan.SYSTEM_PROMPT,
                plan.user_prompt,
                plan.prefix,
                s.generate_max_tokens,
                s.temperature,
            )

            def on_text(piece: str) -> None:
                guard.reschedule(loop.time() + stall)
                progress.text(piece)

            deadline = time.monotonic() + stall
            result = await with_retries(lambda: chat_prefix(engine.client, req, on_text), deadline)
    except UpstreamError as exc:
        await _report_failure(engine, exc, model)
        return Outcome(False, "", f"failed: {exc.kind}")
    except TimeoutError:
        log.warning("generation stalled for %.1f s", stall)
        engine.notifier.report(
            "generate_timeout",
            "warning",
            TIMEOUT_MESSAGE.format(seconds=stall, factor=STALL_FACTOR),
        )
        return Outcome(False, "", "timed out")
    engine.notifier.resolved()
    log.info(
        "generated %d chars (finish %s, usage %s)",
        len(result.text),
        result.finish_reason,
        result.usage,
    )
    return result


async def _report_failure(engine: Any, exc: UpstreamError, model: str) -> None:
    """The completions' messages (key, balance, model, network, request); for the rest
    (rate limit, overload after retries, garbage) one message of its own, since the user
    asked and waits."""
    await engine.report_error(exc, model)
    if exc.kind not in MESSAGED_KINDS:
        engine.notifier.report(
            f"generate_{exc.kind}",
            "warning",
            FAILED_MESSAGE.format(kind=exc.kind, status=exc.status or "-", detail=exc),
        )


async def _land(ls: Any, plan: genplan.Plan, code: str) -> Outcome:
    doc = ls.docs.get(plan.uri)
    spot = genplan.locate(doc, plan.anchor) if doc is not None else None
    if doc is None or spot is None:
        where = plan.anchor.start[0] + 1
        ls.engine.ui.show_message(
            "warning",
            f"The document changed around line {where} while DeepSeek was writing; "
            "the generated code was not inserted (run the command again).",
        )
        return Outcome(False, codeshape.reindent(code, ""), "document changed")
    where = genplan.target(doc, *spot, plan.replacing)
    text, block = genplan.insertion(code, where, plan.replacing)
    applied = await _apply_edit(ls, doc, where, text)
    lines = block.count("\n") + 1
    return Outcome(applied, block, f"inserted {_lines(lines)}" if applied else "edit not applied")


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
    try:
        answer = await ls.workspace_apply_edit_async(params)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.warning("workspace/applyEdit failed: %s", exc)
        return False
    if not answer.applied:
        log.info("client did not apply the edit: %s", answer.failure_reason)
    return bool(answer.applied)


def _lines(count: int) -> str:
    return f"{count} line" if count == 1 else f"{count} lines"


def _supports_document_changes(ls: Any) -> bool:
    caps = ls.client_capabilities.workspace
    return bool(caps and caps.workspace_edit and caps.workspace_edit.document_changes)


# ---- $/progress ------------------------------------------------------------------------------
class Progress:
    """Work-done progress of one generation; does nothing when the client lacks support."""

    def __init__(self, ls: Any, token: str | None) -> None:
        self.ls = ls
        self.token = token
        self.lines = 0
        self._last = 0.0

    @classmethod
    async def start(cls, ls: Any, instruction: str) -> Progress:
        if not getattr(ls, "progress_support", False):
            return cls(ls, None)
        token = f"ds-lsp-generate-{uuid.uuid4().hex[:12]}"
        try:
            await asyncio.wait_for(ls.work_done_progress.create_async(token), 10)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("window/workDoneProgress/create failed: %s", exc)
            return cls(ls, None)
        first = instruction.strip().split("\n", 1)[0][:80]
        ls.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title="DeepSeek: generating code", cancellable=True, message=first
            ),
        )
        return cls(ls, token)

    def cancel_future(self) -> Any:
        return self.ls.work_done_progress.tokens.get(self.token) if self.token else None

    def text(self, piece: str) -> None:
        """Count the lines written; report at most every REPORT_EVERY_S seconds."""
        if self.token is None or "\n" not in piece:
            return
        self.lines += piece.count("\n")
        now = time.monotonic()
        if now - self._last >= REPORT_EVERY_S:
            self._last = now
            self.ls.work_done_progress.report(
                self.token,
                types.WorkDoneProgressReport(
                    message=_lines(self.lines) + " written", cancellable=True
                ),
            )

    def end(self, message: str) -> None:
        if self.token is not None:
            self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))

    def forget(self) -> None:
        if self.token is not None:
            self.ls.work_done_progress.tokens.pop(self.token, None)


# ---- textDocument/codeAction -----------------------------------------------------------------
def code_actions(ls: Any, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Offer "Generate code with DeepSeek" on a selection or a comment block."""
    only = params.context.only if params.context else None
    kind = types.CodeActionKind.RefactorRewrite.value
    if only and not any(kind.startswith(str(getattr(k, "value", k))) for k in only):
        return []
    doc = ls.docs.get(params.text_document.uri)
    if doc is None or not _offered(ls, doc):
        return []
    start = doc.clamp(params.range.start.line, params.range.start.character)
    end = doc.clamp(params.range.end.line, params.range.end.character)
    if end < start:
        start, end = end, start
    selection = genplan.selected_text(doc, start, end) if end > start else ""
    ident = {"uri": doc.uri}
    if instruction.meaningful_selection(selection):
        argument: dict[str, Any] = {"textDocument": ident, "range": _range_json(params.range)}
        title = f"{ACTION_TITLE} (from the selection)"
    elif genplan.comment_block_at(doc, start) is not None:
        position = params.range.start
        argument = {
            "textDocument": ident,
            "position": {"line": position.line, "character": position.character},
        }
        title = f"{ACTION_TITLE} (from the comment)"
    else:
        return []
    command = types.Command(title=ACTION_TITLE, command=COMMAND, arguments=[argument])
    return [
        types.CodeAction(title=title, kind=types.CodeActionKind.RefactorRewrite, command=command)
    ]


def _offered(ls: Any, doc: Any) -> bool:
    s = ls.engine.settings
    return s.enable and not is_excluded(doc.uri, s.exclude, ls.engine.root_path)


def _range_json(rng: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": rng.start.line, "character": rng.start.character},
        "end": {"line": rng.end.line, "character": rng.end.character},
    }
