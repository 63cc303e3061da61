"""What the server says to the client, on plain JSON (no pygls, no lsprotocol).

Notifications; the server's own requests (workspace/configuration,
window/workDoneProgress/create), whose answers the hot path routes back here by id: every id
starts with REQUEST_PREFIX, while pygls's own requests carry UUIDs; and the core's UI as
window/showMessage and ds-lsp/status.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any

from ds_lsp import redact
from ds_lsp.lsp.transport import Outbox
from ds_lsp.upstream.problems import UI

log = logging.getLogger(__name__)

REQUEST_PREFIX = "ds-lsp-"
STATUS_METHOD = "ds-lsp/status"
MESSAGE_TYPES = {"error": 1, "warning": 2, "info": 3}  # lsprotocol's MessageType


class ClientError(Exception):
    """The client answered one of the server's requests with an error."""


class Client:
    """The client as the hot path talks to it; `out` None drops everything (tests, bench)."""

    def __init__(self, out: Outbox | None) -> None:
        self.out = out
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[Any]] = {}

    def notify(self, method: str, params: Any) -> None:
        if self.out is not None:
            self.out.notify(method, params)

    async def ask(self, method: str, params: Any, timeout: float) -> Any:
        """Send a request and wait (at most `timeout` s) for its result; raises ClientError
        on an error answer, TimeoutError when none comes."""
        if self.out is None:
            raise ClientError("no client")
        msg_id = f"{REQUEST_PREFIX}{next(self._ids)}"
        answer = asyncio.get_running_loop().create_future()
        self._pending[msg_id] = answer
        try:
            self.out.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
            return await asyncio.wait_for(answer, timeout)
        finally:
            self._pending.pop(msg_id, None)

    @staticmethod
    def owns(msg_id: Any) -> bool:
        """Whether `msg_id` is the id of one of this server's own requests."""
        return isinstance(msg_id, str) and msg_id.startswith(REQUEST_PREFIX)

    def take_answer(self, data: dict[str, Any]) -> None:
        """The client's response to one of the server's requests."""
        answer = self._pending.pop(data["id"], None)
        log.debug("answer to %s: %.2000s", data["id"], data.get("result", data.get("error")))
        if answer is None or answer.done():
            log.info("answer to a request no longer waited for: %s", data["id"])
        elif "error" in data:
            answer.set_exception(ClientError(str(data["error"])[:300]))
        else:
            answer.set_result(data.get("result"))


class WireUI(UI):
    """The core's messages and status as window/showMessage and ds-lsp/status."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self._last_status: tuple[str, str | None] | None = None

    def show_message(self, level: str, text: str) -> None:
        log.warning("message to user (%s): %s", level, text)
        kind = MESSAGE_TYPES.get(level, MESSAGE_TYPES["info"])
        self.client.notify("window/showMessage", {"type": kind, "message": redact.redact(text)})

    def status(self, state: str, message: str | None = None) -> None:
        if (state, message) == self._last_status:
            return
        self._last_status = (state, message)
        params: dict[str, Any] = {"state": state}
        if message:
            params["message"] = message
        self.client.notify(STATUS_METHOD, params)
