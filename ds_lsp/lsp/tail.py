"""pygls for the long tail: every message the hot path does not serve.

pygls, lsprotocol and cattrs take a few hundred milliseconds to import, so they load only
when needed: at the first request for pygls (workspace/executeCommand, a method ds-lsp does
not know), which waits for them so that messages stay in order; or in the background, on a
thread, once the client is quiet (hot_path.py), so that the import never holds up a
completion. Notifications for pygls wait in a queue meanwhile (a few; more load pygls at
once), and so does ds-lsp.acceptedSuggestion, which comes in the middle of typing: it loads
pygls in the background rather than hold the completions up. Loaded, pygls adopts the hot
path's state (server.py), takes the saved `initialize` request with its answer dropped (the
hot path answered it), then `initialized` if it came, then the queue, in order. Nothing here
imports pygls at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import logging
import sys
import threading
from typing import TYPE_CHECKING, Any

from ds_lsp.lsp import transport
from ds_lsp.lsp.initialize_answer import ACCEPTED_COMMAND
from ds_lsp.lsp.pygls_internals import answered_elsewhere, shut_down

if TYPE_CHECKING:
    from ds_lsp.lsp.server import DsLanguageServer
    from ds_lsp.lsp.state import ServerState

log = logging.getLogger(__name__)

MAX_QUEUED = 100  # messages waiting for pygls; one more loads it at once
IMPORT_SWITCH_INTERVAL_S = 0.001  # sys.setswitchinterval while pygls imports on its thread
MAX_QUEUED_BYTES = 1 << 20
INITIALIZED = b'{"jsonrpc": "2.0", "method": "initialized", "params": {}}'
INTERNAL_ERROR = -32603

Message = tuple[bytes, dict[str, Any], "str | None"]


class Tail:
    """pygls, loaded on demand, with the hot path's state; a transport target."""

    def __init__(self, out: transport.Outbox) -> None:
        self.out = out
        self.state: ServerState | None = None  # set by the hot path once the core is in
        self.initialize: tuple[bytes, int | str] | None = None  # the request, answered
        self.initialized = False
        self.server: DsLanguageServer | None = None
        self._target: transport.PyglsTarget | None = None
        self._queue: list[Message] = []
        self._queued_bytes = 0
        self._thread: threading.Thread | None = None
        self._prepared: tuple[DsLanguageServer, Any] | BaseException | None = None
        self._switch_interval: float | None = None
        self._closed = False

    @property
    def loaded(self) -> bool:
        return self._target is not None

    def take(self, body: bytes, data: dict[str, Any], method: str | None) -> bool:
        if self._target is None:
            if method is None:  # pygls sent no request yet: nothing waits for this answer
                log.info("dropping an answer to no request: %.120r", body)
                return True
            if _may_wait(data, method) and not self._closed:
                return self._wait(body, data, method)
            self.load_now(f"{method} came")
        if self._target is None:  # pygls failed to load (logged)
            if "id" in data:
                self.out.error(data["id"], INTERNAL_ERROR, f"{method} is not available")
            return False
        return self._target.take(body, data, method)

    def _wait(self, body: bytes, data: dict[str, Any], method: str) -> bool:
        self._queue.append((body, data, method))
        self._queued_bytes += len(body)
        if len(self._queue) > MAX_QUEUED or self._queued_bytes > MAX_QUEUED_BYTES:
            self.load_now("too many messages waiting")
        elif "id" in data:  # a request waits: load now, in the background
            self.load_in_background(asyncio.get_running_loop())
        return True

    def note_initialized(self) -> None:
        """The client sent `initialized`; pygls gets it too (now, or when it loads)."""
        self.initialized = True
        if self._target is not None:
            self._target.take(INITIALIZED, json.loads(INITIALIZED), "initialized")

    # ---- loading -----------------------------------------------------------------------------
    def load_in_background(self, loop: asyncio.AbstractEventLoop) -> None:
        """Import pygls on a thread; it takes over (in the loop) once imported."""
        if self._thread is not None or self._target is not None or self._closed:
            return
        log.debug("loading pygls in the background")
        # what the loop thread may import lazily is imported first, here: two threads never
        # import the same ds_lsp modules at once
        importlib.import_module("ds_lsp.lsp.code_action")
        # the loop thread gets the GIL back sooner while the thread imports
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(IMPORT_SWITCH_INTERVAL_S)
        self._thread = threading.Thread(
            target=self._import, args=(loop,), name="ds-lsp-pygls", daemon=True
        )
        self._thread.start()

    def load_now(self, reason: str) -> None:
        """pygls is needed for the message at hand: load it (or wait for the thread)."""
        if self._target is not None:
            return
        log.info("loading pygls now: %s", reason)
        if self._thread is None:
            self._prepared = self._prepare_safely()
        else:
            self._thread.join()
        self._adopt()

    def _import(self, loop: asyncio.AbstractEventLoop) -> None:  # on the thread
        self._prepared = self._prepare_safely()
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: the server ended
            loop.call_soon_threadsafe(self._adopt)

    def _prepare_safely(self) -> tuple[DsLanguageServer, Any] | BaseException:
        try:
            return self._prepare()
        except Exception as exc:
            return exc

    def _prepare(self) -> tuple[DsLanguageServer, Any]:
        """The slow part, fit for a thread: the imports, the server, the typed initialize."""
        from ds_lsp.lsp.server import create_server

        assert self.state is not None and self.initialize is not None
        server = create_server(self.state)
        try:
            request = json.loads(self.initialize[0], object_hook=server.protocol.structure_message)
        except Exception as exc:  # capabilities pygls cannot read: it goes without them
            log.warning("pygls cannot read the initialize request: %s", exc)
            request = None
        return server, request

    def _adopt(self) -> None:
        """pygls takes over the long tail: initialize (unanswered), initialized, the queue."""
        if self._switch_interval is not None and self._prepared is not None:
            sys.setswitchinterval(self._switch_interval)  # the thread is done
            self._switch_interval = None
        if self._target is not None or self._prepared is None or self._closed:
            return
        prepared, self._prepared = self._prepared, None
        if isinstance(prepared, BaseException):
            log.error("cannot load pygls: %r", prepared)
            return
        server, request = prepared
        server.protocol.set_writer(self.out.writer)
        self.server = server
        self._target = transport.PyglsTarget(server.protocol)
        if request is not None and self.initialize is not None:
            with answered_elsewhere(server.protocol, self.initialize[1]):
                server.protocol.handle_message(request)
        if self.initialized:
            self.note_initialized()
        queue, self._queue, self._queued_bytes = self._queue, [], 0
        for body, data, method in queue:
            self._target.take(body, data, method)
        log.info("pygls loaded; %d waiting messages handed over", len(queue))

    def shutdown(self) -> None:
        """The client sent `shutdown`: pygls cancels what it runs; nothing more loads."""
        self._closed = True
        self._queue = []
        if self.server is not None:
            shut_down(self.server.protocol)


def _may_wait(data: dict[str, Any], method: str) -> bool:
    """Whether the message may wait in the queue rather than load pygls at once: a
    notification, or ds-lsp.acceptedSuggestion (nothing waits for its answer)."""
    if "id" not in data:
        return True
    params = data.get("params")
    command = params.get("command") if isinstance(params, dict) else None
    return method == "workspace/executeCommand" and command == ACCEPTED_COMMAND
