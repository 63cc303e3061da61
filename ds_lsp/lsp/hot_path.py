"""The hot path: what the first completion needs, served on plain JSON, without pygls.

Serves `initialize` (answered at once, initialize_answer.py), `initialized` (the settings
pull), didOpen/didChange/didClose, textDocument/inlineCompletion and textDocument/completion
(completion_requests.py), textDocument/codeAction (code_action.py), `$/cancelRequest` for
its own requests, workspace/didChangeConfiguration, `shutdown` and `exit`, and the client's
answers to the server's own requests (client.py). Everything else goes to pygls (tail.py),
loaded at the first request that needs it, or in the background once the client is quiet.

After the initialize answer, the core is imported a module at a time with the event loop
turning in between: the upstream session is made, and its connection opened (GET /models),
as soon as its modules are in, so the handshake overlaps the rest of the imports. The
connection reads no further frame until the core is in (`ready`).
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ds_lsp import config
from ds_lsp.exclusion import uri_to_path
from ds_lsp.lsp import initialize_answer, transport
from ds_lsp.lsp.client import Client, WireUI
from ds_lsp.lsp.initialize_answer import ACCEPTED_COMMAND
from ds_lsp.lsp.tail import Tail

if TYPE_CHECKING:
    from ds_lsp.lsp.state import ServerState
    from ds_lsp.upstream.session import UpstreamSession

log = logging.getLogger(__name__)

# imported in this order, the event loop turning after each (see the module docstring)
UPSTREAM_MODULES = ("httpx", "ds_lsp.upstream.backends", "ds_lsp.upstream.session")
CORE_MODULES = (
    "ds_lsp.exclusion",
    "ds_lsp.completion.postprocess",
    "ds_lsp.workspace",
    "ds_lsp.completion.pipeline",
    "ds_lsp.lsp.state",
    "ds_lsp.lsp.completion_requests",
)
IDLE_LOAD_S = 1.0  # pygls loads in the background once no message came for this long
COMPLETIONS = ("textDocument/inlineCompletion", "textDocument/completion")
NOTIFICATIONS: dict[str, Callable[[ServerState, Any], None]] = {}  # filled below


class HotPath:
    """One client session's messages: served here, or handed to pygls (a transport target)."""

    def __init__(self, out: transport.Outbox) -> None:
        self.out = out
        self.client = Client(out)
        self.tail = Tail(out)
        self.state: ServerState | None = None
        self._core: asyncio.Task[None] | None = None
        self._requests: dict[int | str, asyncio.Future[Any]] = {}
        self._background: set[asyncio.Future[Any]] = set()
        self._last_message = 0.0
        self._idle_timer: asyncio.TimerHandle | None = None
        self.shut_down = False

    async def ready(self) -> None:
        """Return once the core is in (at once before initialize); raises if it failed."""
        if self._core is not None and not self._core.done():
            await asyncio.shield(self._core)
        elif self._core is not None:
            self._core.result()

    # ---- routing (transport.Target) ----------------------------------------------------------
    def take(self, body: bytes, data: dict[str, Any], method: str | None) -> bool:
        self._last_message = time.monotonic()
        if method not in (None, "textDocument/didChange") and log.isEnabledFor(logging.DEBUG):
            log.debug("%s %r received", "Request" if "id" in data else "Notification", method)
        if method == "initialize":
            return self._initialize(body, data)
        if method == "exit":
            self._exit()
        state = self.state
        if state is None:  # the transport lets nothing through before initialize
            log.warning("%s before the core was ready; dropped", method or "an answer")
            return False
        if method is None:
            if Client.owns(data.get("id")):
                self.client.take_answer(data)
                return True
            return self.tail.take(body, data, method)
        if "id" in data:
            return self._request(body, data, method, state)
        return self._notification(body, data, method, state)

    def _request(self, body: bytes, data: dict[str, Any], method: str, state: ServerState) -> bool:
        msg_id, params = data["id"], data.get("params")
        if method in COMPLETIONS:
            self._completion(msg_id, method, state, params)
        elif method == "textDocument/codeAction":
            self._code_action(msg_id, state, params)
        elif method == "workspace/executeCommand" and _command(params) == ACCEPTED_COMMAND:
            self._accepted(msg_id, state, params)
        elif method == "shutdown":
            self._shutdown(msg_id, state)
        else:
            return self.tail.take(body, data, method)
        return True

    def _notification(
        self, body: bytes, data: dict[str, Any], method: str, state: ServerState
    ) -> bool:
        params = data.get("params")
        if method == "$/cancelRequest":
            target = params.get("id") if isinstance(params, dict) else None
            task = self._requests.get(target) if isinstance(target, (int, str)) else None
            if task is not None:
                task.cancel()
            elif self.tail.loaded:  # perhaps one of pygls's requests
                return self.tail.take(body, data, method)
            return True
        if method == "initialized":
            self._background_task(state.pull_configuration())
            self.tail.note_initialized()
            return True
        if method == "workspace/didChangeConfiguration":
            return self._did_change_configuration(state, params)
        handle = NOTIFICATIONS.get(method)
        if handle is None:
            return self.tail.take(body, data, method)
        try:
            handle(state, params)
        except (TypeError, KeyError, AttributeError, ValueError) as exc:
            log.warning("unreadable %s params (%s): %.200r", method, exc, params)
            return False
        except Exception:
            log.exception("failed to handle %s", method)
        return True

    # ---- the lifecycle -----------------------------------------------------------------------
    def _initialize(self, body: bytes, data: dict[str, Any]) -> bool:
        answer = initialize_answer.answer(data)
        if answer is None:
            message = "Invalid params: initialize needs params with a capabilities object"
            self.out.error(data["id"], transport.INVALID_PARAMS, message)
            return False
        self.out.writer.write(answer[1])
        log.debug("Language server initialized %s", data["params"])
        self.tail.initialize = (body, answer[0])
        self._core = asyncio.ensure_future(self._load_core(data["params"]))
        return True

    async def _load_core(self, params: dict[str, Any]) -> None:
        session = await self._warm_session(params)
        await _import_in_turns(CORE_MODULES)
        from ds_lsp.lsp.state import ServerState

        state = self.state = self.tail.state = ServerState(self.client, params, session)
        state.apply_settings()
        log.info(
            "initialize: encoding %s, inline declared %s, client %s",
            state.docs.encoding,
            state.inline_declared,
            session.client_name,
        )
        self._load_tail_when_idle()

    async def _warm_session(self, params: dict[str, Any]) -> UpstreamSession:
        """The upstream session, its connection opening while the rest is imported."""
        await _import_in_turns(UPSTREAM_MODULES)
        from ds_lsp.upstream.session import UpstreamSession

        options = initialize_answer.init_options(params)
        settings, _ = config.resolve(options)  # its problems are told by apply_settings
        return UpstreamSession.open(
            settings, WireUI(self.client), initialize_answer.client_name(params)
        )

    def _shutdown(self, msg_id: int | str, state: ServerState) -> None:
        self.shut_down = True
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        state.shutdown()
        self.tail.shutdown()
        for task in self._requests.values():
            task.cancel()  # each answers RequestCancelled
        self.out.result(msg_id, None)

    def _exit(self) -> None:
        code = 0 if self.shut_down else 1
        log.info("exit (code %d)", code)
        self.out.writer.close()
        raise SystemExit(code)

    def _did_change_configuration(self, state: ServerState, params: Any) -> bool:
        if not isinstance(params, dict):
            log.warning("unreadable didChangeConfiguration params: %.200r", params)
            return False
        settings = params.get("settings")
        if isinstance(settings, dict) and isinstance(settings.get("ds-lsp"), dict):
            state.pushed = settings["ds-lsp"]
            state.apply_settings()
        self._background_task(state.pull_configuration())
        return True

    # ---- requests ----------------------------------------------------------------------------
    def _completion(self, msg_id: int | str, method: str, state: ServerState, params: Any) -> None:
        from ds_lsp.lsp import completion_requests

        work = completion_requests.start(method, state, params)
        if isinstance(work, dict):
            self.out.result(msg_id, work)
            return
        task = asyncio.ensure_future(work)  # `$/cancelRequest` cancels it
        self._requests[msg_id] = task
        task.add_done_callback(functools.partial(self._answer, msg_id, method))

    def _answer(self, msg_id: int | str, method: str, task: asyncio.Future[Any]) -> None:
        if self._requests.get(msg_id) is task:
            del self._requests[msg_id]
        if task.cancelled():  # $/cancelRequest, or shutdown
            message = f'Request with id "{msg_id}" is canceled'
            self.out.error(msg_id, transport.REQUEST_CANCELLED, message)
            return
        error = task.exception()
        if error is not None:
            log.error("%s failed", method, exc_info=error)
        result = transport.EMPTY_ANSWERS[method] if error is not None else task.result()
        log.debug("answering %s %r (pygls %s)", method, msg_id, self._pygls_state())
        self.out.result(msg_id, result)

    def _pygls_state(self) -> str:
        if self.tail.loaded:
            return "loaded"
        return "importing" if "pygls" in sys.modules else "not imported"

    def _accepted(self, msg_id: int | str, state: ServerState, params: Any) -> None:
        """ds-lsp.acceptedSuggestion, in order with the edits around it: it counts, and it
        may ask ahead for the line after the suggestion (Enter usually follows at once)."""
        args = params.get("arguments") if isinstance(params, dict) else None
        state.session.usage.record(accepted=1)
        state.completions.accepted(*_accepted_where(args if isinstance(args, list) else []))
        self.out.result(msg_id, None)

    def _code_action(self, msg_id: int | str, state: ServerState, params: Any) -> None:
        from ds_lsp.lsp.code_action import Unreadable, code_actions

        try:
            actions = code_actions(state, params)
        except Unreadable as exc:
            self.out.error(msg_id, transport.INVALID_PARAMS, f"Invalid params: {exc}")
            return
        except Exception:
            log.exception("codeAction failed")
            actions = []
        self.out.result(msg_id, actions)

    def _background_task(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _load_tail_when_idle(self) -> None:
        """Load pygls in the background once the client has been quiet for IDLE_LOAD_S with
        no request in flight (its import holds the GIL: it must not slow a completion)."""
        self._idle_timer = None
        if self.shut_down or self.tail.loaded:
            return
        quiet = time.monotonic() - self._last_message
        if quiet >= IDLE_LOAD_S and not self._requests:
            self.tail.load_in_background(asyncio.get_running_loop())
            return
        wait = IDLE_LOAD_S - quiet if quiet < IDLE_LOAD_S else IDLE_LOAD_S
        self._idle_timer = asyncio.get_running_loop().call_later(wait, self._load_tail_when_idle)


async def _import_in_turns(names: tuple[str, ...]) -> None:
    """Import `names` one by one, letting the event loop turn after each."""
    for name in names:
        if name not in sys.modules:
            importlib.import_module(name)
            await asyncio.sleep(0)


# ---- document sync ---------------------------------------------------------------------------
def did_open(state: ServerState, params: Any) -> None:
    item = params["textDocument"]
    uri, language, version, text = (item[k] for k in ("uri", "languageId", "version", "text"))
    if not (isinstance(uri, str) and isinstance(language, str) and isinstance(text, str)):
        raise TypeError("didOpen: uri, languageId and text must be strings")
    if type(version) is not int:
        raise TypeError("didOpen: version must be an integer")
    state.docs.open(uri, language, version, text)


def did_change(state: ServerState, params: Any) -> None:
    """didChange: every keystroke, so no typed structuring."""
    td = params["textDocument"]
    changes = params["contentChanges"]
    if not (
        isinstance(td.get("uri"), str)
        and isinstance(changes, list)
        and all(_valid_change(c) for c in changes)
    ):
        log.warning("ignoring malformed didChange: %r", str(params)[:200])
        return
    if state.docs.change(td["uri"], td.get("version") or 0, changes) is None:
        log.info("didChange for a document that is not open: %s", td["uri"])


def did_close(state: ServerState, params: Any) -> None:
    uri = params["textDocument"]["uri"]
    if not isinstance(uri, str):
        raise TypeError("didClose: uri must be a string")
    state.docs.close(uri)
    state.completions.forget(uri)


def _command(params: Any) -> str | None:
    command = params.get("command") if isinstance(params, dict) else None
    return command if isinstance(command, str) else None


def _accepted_where(args: list[Any]) -> tuple[str | None, int | None, int | None]:
    """The document and position of an accepted suggestion, from the command's argument
    {"lines", "chars", "uri"?, "line"?, "character"?} (a dict or pygls's object); Nones
    when the editor sent the older form without them."""
    arg = args[0] if args else None

    def get(name: str) -> Any:
        return arg.get(name) if isinstance(arg, dict) else getattr(arg, name, None)

    uri, line, character = get("uri"), get("line"), get("character")
    if not isinstance(line, int) or not isinstance(character, int):
        line = character = None
    return (uri if isinstance(uri, str) else None), line, character


def _valid_change(change: Any) -> bool:
    if not isinstance(change, dict) or not isinstance(change.get("text"), str):
        return False
    rng = change.get("range")
    if rng is None:
        return True
    try:
        points = (rng["start"], rng["end"])
        return all(type(p["line"]) is int and type(p["character"]) is int for p in points)
    except (TypeError, KeyError):
        return False


def did_change_workspace_folders(state: ServerState, params: Any) -> None:
    """Folders added or removed: other-file context reads only under the current ones."""
    event = params["event"]
    removed = {uri_to_path(f["uri"]) for f in event.get("removed") or ()}
    added = [uri_to_path(f["uri"]) for f in event.get("added") or ()]
    other_files = state.completions.other_files
    roots = [r for r in other_files.roots if r not in removed]
    roots += [r for r in added if r not in roots]
    other_files.roots = roots
    gate = state.completions.gate
    if gate.root_path in removed or gate.root_path is None:
        gate.root_path = roots[0] if roots else None
    other_files.clear()  # the workspace is built again over the new folders
    log.info("workspace folders now: %s", ", ".join(roots) or "none")


NOTIFICATIONS.update(
    {
        "textDocument/didOpen": did_open,
        "textDocument/didChange": did_change,
        "textDocument/didClose": did_close,
        "workspace/didChangeWorkspaceFolders": did_change_workspace_folders,
    }
)
