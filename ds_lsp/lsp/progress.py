"""Work-done progress (`$/progress`) for the server's long work: a slow completion
("completing…") and ds-lsp.generateCodeBlock ("generating code"), through pygls's progress
API. A client without `window.workDoneProgress`, or one that refuses the token, gets none
and the work goes on without it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Awaitable
from concurrent.futures import Future
from typing import TYPE_CHECKING, TypeVar

from lsprotocol import types

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)
T = TypeVar("T")

CREATE_TIMEOUT_S = 10.0  # a client may never answer window/workDoneProgress/create
SLOW_COMPLETION_S = 1.0  # a completion slower than this shows progress
REPORT_EVERY_S = 0.1
_IDS = itertools.count(1)


class Progress:
    """One progress bar in the editor; every method does nothing when there is none."""

    def __init__(self, server: LanguageServer, token: str | None) -> None:
        self.server = server
        self.token = token
        self._last_report = 0.0

    @classmethod
    async def start(
        cls,
        server: LanguageServer,
        kind: str,
        title: str,
        message: str = "",
        cancellable: bool = False,
    ) -> Progress:
        """A progress bar begun with `title`, or a silent one when the client has none;
        `kind` names its token (`ds-lsp-<kind>-<n>`)."""
        caps = server.client_capabilities.window
        if caps is None or not caps.work_done_progress:
            return cls(server, None)
        token = f"ds-lsp-{kind}-{next(_IDS)}"
        try:
            await asyncio.wait_for(
                asyncio.shield(server.work_done_progress.create_async(token)), CREATE_TIMEOUT_S
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # an error answer, or none: go on without progress
            log.info("window/workDoneProgress/create failed: %s", exc)
            return cls(server, None)
        begin = types.WorkDoneProgressBegin(
            title=title, message=message or None, cancellable=cancellable
        )
        server.work_done_progress.begin(token, begin)
        return cls(server, token)

    def report(self, message: str, cancellable: bool | None = None) -> None:
        """Say how far the work got, at most every REPORT_EVERY_S seconds."""
        now = time.monotonic()
        if self.token is None or now - self._last_report < REPORT_EVERY_S:
            return
        self._last_report = now
        value = types.WorkDoneProgressReport(message=message, cancellable=cancellable)
        self.server.work_done_progress.report(self.token, value)

    def cancelled(self) -> Future[None] | None:
        """Done when the user cancels this progress in the editor (cancellable ones)."""
        return self.server.work_done_progress.tokens.get(self.token) if self.token else None

    def end(self, message: str | None = None) -> None:
        """Close the bar, once."""
        if self.token is None:
            return
        token, self.token = self.token, None
        self.server.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))
        self.server.work_done_progress.tokens.pop(token, None)


async def with_progress_when_slow(server: LanguageServer, title: str, work: Awaitable[T]) -> T:
    """Await `work`; when it takes longer than SLOW_COMPLETION_S, show progress until it ends.
    The progress bar never holds the answer up (a client may be slow to grant it, or never)."""
    task = asyncio.ensure_future(work)
    bar: asyncio.Task[Progress] | None = None
    try:
        done, _ = await asyncio.wait({task}, timeout=SLOW_COMPLETION_S)
        if not done:
            bar = asyncio.ensure_future(Progress.start(server, "complete", "DeepSeek", title))
        return await task
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        if bar is not None:
            _end_when_begun(bar)


def _end_when_begun(bar: asyncio.Task[Progress]) -> None:
    """End the bar now if it was begun, or as soon as it is (or never, if it fails)."""

    def end(started: asyncio.Task[Progress]) -> None:
        if not started.cancelled() and started.exception() is None:
            started.result().end()

    bar.add_done_callback(end)
