"""What the core says to the editor, through pygls: `window/showMessage` and `ds-lsp/status`.

The core (upstream/problems.py) speaks to a `UI`; this one turns its words into pygls
notifications on the server it is given. Every message is redacted first.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ds_lsp import redact
from ds_lsp.lsp.commands import STATUS_METHOD
from ds_lsp.upstream.problems import UI

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)

LOG_LEVELS = {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO}
MESSAGE_TYPES = {
    "error": types.MessageType.Error,
    "warning": types.MessageType.Warning,
    "info": types.MessageType.Info,
}


class WireUI(UI):
    """The core's messages and status as window/showMessage and ds-lsp/status."""

    def __init__(self, server: LanguageServer) -> None:
        self.server = server
        self._last_status: tuple[str, str | None] | None = None

    def show_message(self, level: str, text: str) -> None:
        log.log(LOG_LEVELS.get(level, logging.INFO), "message to user (%s): %s", level, text)
        kind = MESSAGE_TYPES.get(level, types.MessageType.Info)
        params = types.ShowMessageParams(type=kind, message=redact.redact(text))
        self.server.window_show_message(params)

    def status(self, state: str, message: str | None = None) -> None:
        if (state, message) == self._last_status:
            return
        self._last_status = (state, message)
        params: dict[str, Any] = {"state": state}
        if message:
            params["message"] = message
        self.server.protocol.notify(STATUS_METHOD, params)
