"""The session with the configured FIM server, shared by completion and generate.

One long-lived HTTP client per backend identity (backend, URL, key), opened at `initialized`
and replaced when the settings move it; the model (configured, or resolved once from
`GET /models`); every request inside an overall deadline with retries; every failure turned
into one message per kind of problem; latency health; usage counted per upstream answer.
The backend client comes from `connect` (the registry by default; tests inject their own).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

import httpx

from ds_lsp import config, masking
from ds_lsp.config import FALLBACK_MODEL, PREFERRED_MODELS, Settings
from ds_lsp.upstream import backends
from ds_lsp.upstream.backends import FimBackend
from ds_lsp.upstream.backends.http import UpstreamError, make_client, with_retries
from ds_lsp.upstream.backends.wire import (
    ChatPrefixRequest,
    ChatResult,
    FimRequest,
    FimResult,
    OnText,
    StopCheck,
)
from ds_lsp.upstream.problems import (
    LATENCY_CAUSES,
    MESSAGES,
    UI,
    LatencyHealth,
    ProblemNotifier,
    key_advice,
)
from ds_lsp.usage import UsageBook

log = logging.getLogger(__name__)

Connect = Callable[[Settings, httpx.AsyncClient], FimBackend]


class _Answer(Protocol):
    text: str
    usage: dict[str, Any]


R = TypeVar("R", bound=_Answer)
STALL_FACTOR = 4  # generation gives up when no text arrives for STALL_FACTOR x timeoutMs
DEADLINE_FACTOR = 60  # ... and after DEADLINE_FACTOR x timeoutMs in all (5 min by default)
MESSAGED_KINDS = ("model", "auth", "balance", "network", "bad_request", "refused")
TIMEOUT_MESSAGE = (
    "DeepSeek sent no code for {seconds:g} s; generation stopped. Raise the "
    "ds-lsp 'timeoutMs' setting (generation waits {factor} x timeoutMs) if the "
    "service is slow."
)
FAILED_MESSAGE = (
    "DeepSeek could not generate code ({kind}, status {status}): {detail}. "
    "Nothing was inserted; try again later."
)


class UpstreamFailed(Exception):
    """A request that failed after the user was told why; `reason` is a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UpstreamSession:
    """The HTTP client, the model and the error policy for one configured backend."""

    def __init__(
        self,
        settings: Settings,
        ui: UI | None = None,
        usage: UsageBook | None = None,
        connect: Connect = backends.create,
    ) -> None:
        self.settings = settings
        self.ui = ui or UI()
        self.usage = usage or UsageBook()
        self.problems = ProblemNotifier(self.ui)
        self.health = LatencyHealth()
        self._connect = connect
        self._http: httpx.AsyncClient | None = None
        self._model: str | None = None
        self._model_task: asyncio.Future[str] | None = None
        self.client_name: str | None = None  # the editor, from initialize's clientInfo
        self._pause: tuple[str, str | None] | None = None  # the user's ("snoozed", "until …")
        self._outcome: tuple[str, str | None] = ("idle", None)  # of the last request
        self._closing: set[asyncio.Task[None]] = set()
        self._masked_in: set[str] = set()  # prompt sources whose masked secrets were logged
        self._logged: set[str] = set()  # kinds of failure logged as WARNING since a success

    @classmethod
    def open(
        cls,
        settings: Settings,
        ui: UI | None = None,
        client_name: str | None = None,
        *,
        usage: UsageBook | None = None,
        connect: Connect = backends.create,
    ) -> UpstreamSession:
        """The server's session, built in this one place: for the editor `client_name`
        (initialize's clientInfo, for its messages), with the connection opening and the model
        resolving at once (call it at `initialized`, inside the event loop)."""
        session = cls(settings, ui, usage, connect)
        session.client_name = client_name
        session.warm_up()
        return session

    # ---- lifecycle ---------------------------------------------------------------------------
    def update(self, settings: Settings) -> bool:
        """Take new settings; True when they point at another server, URL or key."""
        old, self.settings = self.settings, settings
        moved = backends.identity(old) != backends.identity(settings)
        if moved:  # a new connection for the new server
            self._drop_client()
        if (
            moved
            or old.model != settings.model
            or (backends.configured_model(old) != backends.configured_model(settings))
        ):
            if self._model_task is not None:
                self._model_task.cancel()  # its answer is for the old endpoint or model
            self._model, self._model_task = None, None
        self.problems.resolved()
        return moved

    def _drop_client(self) -> None:
        if self._http is not None:
            old, self._http = self._http, None
            closing = asyncio.get_event_loop().create_task(old.aclose())
            self._closing.add(closing)  # kept until done: an unreferenced task may vanish
            closing.add_done_callback(self._closing.discard)

    @property
    def backend(self) -> FimBackend:
        """The active backend's client on the shared connection."""
        if self._http is None:
            self._http = make_client(backends.base_url(self.settings), self._masked)
        return self._connect(self.settings, self._http)

    def rest(self, state: tuple[str, str | None] | None) -> None:
        """The status shown between requests (("snoozed", "until 14:05 UTC")), None: idle;
        shown at once."""
        self._pause = state
        self.ui.status(*self.resting)

    @property
    def resting(self) -> tuple[str, str | None]:
        """The status between requests: the last request's failure, else the user's pause
        (snoozed), else idle."""
        if self._outcome[0] != "idle" or self._pause is None:
            return self._outcome
        return self._pause

    def has_key(self) -> bool:
        return backends.has_key(self.settings)

    def warm_up(self) -> None:
        """Open the connection (and resolve the model) before the first completion; outside
        an event loop (a server built before it runs) the first request does it."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self.settings.enable and self.has_key():
            self._model_task = loop.create_task(self._resolve_model())

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    # ---- the model ---------------------------------------------------------------------------
    async def model(self) -> str:
        """The configured model, else the one resolved from GET /models (asked once)."""
        configured = backends.configured_model(self.settings)
        if configured is not None:
            return configured
        if self._model:
            return self._model
        if self._model_task is None or self._model_task.cancelled():
            self._model_task = asyncio.ensure_future(self._resolve_model())
        return await asyncio.shield(self._model_task)

    async def _resolve_model(self) -> str:
        deepseek = self.settings.backend == "deepseek"
        configured = backends.configured_model(self.settings)
        try:
            listed = await asyncio.wait_for(self.backend.list_models(), 10)
        except (TimeoutError, UpstreamError) as exc:
            fallback = configured or (FALLBACK_MODEL if deepseek else "")
            log.info("GET /models failed (%s); using %r", exc, fallback)
            return fallback
        if configured:
            return configured
        preferred = PREFERRED_MODELS if deepseek else ()
        chosen = next((m for m in preferred if m in listed), None)
        self._model = chosen or (listed[0] if listed else FALLBACK_MODEL)
        shown = ", ".join(listed)  # an upstream may list anything: log a bounded part
        log.info("model resolved to %s (listed: %s)", self._model[:200], shown[:500])
        return self._model

    # ---- completion --------------------------------------------------------------------------
    async def fim(
        self,
        prompt: str,
        suffix: str,
        stop: tuple[str, ...],
        extras: tuple[tuple[str, str], ...] = (),
        should_stop: StopCheck | None = None,
    ) -> FimResult | None:
        """One FIM answer within `timeoutMs`, retries included; None on failure (after
        telling the user once). Raises only CancelledError."""
        s = self.settings

        def call(model: str) -> Awaitable[FimResult]:
            req = FimRequest(model, prompt, suffix, s.max_tokens, s.temperature, stop, extras)
            return self.backend.fim(req, should_stop)

        return await self._within_timeout(call, "completion")

    async def quick_chat(self, build: Callable[[str], ChatPrefixRequest]) -> ChatResult | None:
        """One short chat prefix completion (a next-edit suggestion) as a completion is made:
        within `timeoutMs`, retries included, problems told once per kind; `build(model)`
        writes the request. It runs in the background of typing, so it changes no status
        and does not count in the completions' latency health. Raises only CancelledError."""
        return await self._within_timeout(
            lambda model: self.backend.chat_prefix(build(model), None), "next edit", quiet=True
        )

    async def _within_timeout(
        self, call: Callable[[str], Awaitable[R]], what: str, quiet: bool = False
    ) -> R | None:
        """`call(model)` within `timeoutMs`, retries included, its failures told as the
        completions' are; `quiet`: no status or latency health (background work)."""
        if not self._key_present():
            return None
        s = self.settings
        started = time.monotonic()
        if not quiet:
            self.ui.status("fetching")
        model = "?"
        try:
            async with asyncio.timeout(s.timeout_ms / 1000):
                model = await self.model()
                result = await with_retries(lambda: call(model), started + s.timeout_ms / 1000)
        except UpstreamError as exc:
            await self.report(exc, model)
            return None
        except TimeoutError:
            self._log_failure("timeout", f"{what} timed out after {s.timeout_ms} ms")
            if not quiet:
                self._settle("error", "timeout")
                self._check_health(timed_out=True)
            return None
        except asyncio.CancelledError:
            if not quiet:
                self.ui.status(*self.resting)  # a superseded request does not hide a failure
            raise
        except Exception:  # e.g. a client closed by a settings change mid-request
            log.exception("%s request failed", what)
            if not quiet:
                self._settle("error", "internal")
            return None
        self._succeeded(result.usage, quiet)
        if not quiet:
            self._check_health(latency=time.monotonic() - started)
        result.text = masking.unmask(result.text)  # the secrets the prompt's masking hid
        return result

    def _masked(self, found: list[masking.Found]) -> None:
        """Secrets were masked in a prompt: logged once per file, told once per session."""
        source = masking.prompt_source.get() or "a request"
        if source in self._masked_in or len(self._masked_in) >= 1000:
            return
        kinds = ", ".join(sorted({f.kind for f in found}))
        count = len({f.placeholder for f in found})
        log.warning("masked %d secret(s) (%s) in the prompt for %s", count, kinds, source)
        if not self._masked_in:
            self.ui.show_message(
                "info",
                f"ds-lsp masked {count} secret(s) ({kinds}) in the prompt for {source}: "
                "DeepSeek gets placeholders, never the values (see SECURITY.md).",
            )
        self._masked_in.add(source)

    def _key_present(self) -> bool:
        if self.has_key():
            return True
        self.problems.report("no_key", "error", self._key_message("no_key"))
        self._settle("error", "no API key")
        return False

    def _succeeded(self, usage: dict[str, Any], quiet: bool = False) -> None:
        self.usage.record(upstream=1)
        self.usage.record_usage(usage)
        if self.usage.session.upstream % 25 == 0:
            self.usage.flush_soon()
        self.problems.resolved()
        self._logged.clear()
        if not quiet:
            self._settle("idle")

    def _check_health(self, latency: float | None = None, timed_out: bool = False) -> None:
        """Say once when completions got slow or keep timing out, with likely causes."""
        problem = self.health.add(latency, timed_out)
        if problem:
            self.problems.report("latency", "warning", problem + LATENCY_CAUSES)
        elif self.health.healthy():
            self.problems.forget("latency")

    # ---- generate ----------------------------------------------------------------------------
    async def chat(self, system: str, user: str, prefix: str, on_text: OnText) -> ChatResult:
        """A chat prefix completion that may run long while text keeps arriving: it stops
        when no text came for STALL_FACTOR x timeoutMs. Raises UpstreamFailed (the user was
        told) or CancelledError."""
        if not self._key_present():
            raise UpstreamFailed("no API key")
        s = self.settings
        stall = STALL_FACTOR * s.timeout_ms / 1000
        loop = asyncio.get_running_loop()
        model = "?"
        self.ui.status("fetching")
        try:
            async with asyncio.timeout(stall) as guard:
                model = await self.model()
                req = ChatPrefixRequest(
                    model,
                    system,
                    user,
                    prefix,
                    s.generate_max_tokens,
                    s.temperature,
                    deadline_s=DEADLINE_FACTOR * s.timeout_ms / 1000,
                )

                def arrived(piece: str) -> None:
                    guard.reschedule(loop.time() + stall)
                    on_text(piece)

                deadline = time.monotonic() + stall
                result = await with_retries(
                    lambda: self.backend.chat_prefix(req, arrived), deadline
                )
        except UpstreamError as exc:
            await self._report_chat_failure(exc, model)
            raise UpstreamFailed(f"failed: {exc.kind}") from None
        except TimeoutError:
            log.warning("generation stalled for %.1f s", stall)
            self.problems.report(
                "generate_timeout",
                "warning",
                TIMEOUT_MESSAGE.format(seconds=stall, factor=STALL_FACTOR),
            )
            raise UpstreamFailed("timed out") from None
        finally:
            self.ui.status(*self.resting)
        self.problems.resolved()
        result.text = masking.unmask(result.text)
        self._settle("idle")
        return result

    async def _report_chat_failure(self, exc: UpstreamError, model: str) -> None:
        """The completions' messages (key, balance, model, network, request); for the rest
        (rate limit, overload after retries, garbage) one message of its own, since the
        user asked and waits."""
        await self.report(exc, model)
        if exc.kind not in MESSAGED_KINDS:
            self.problems.report(
                f"generate_{exc.kind}",
                "warning",
                FAILED_MESSAGE.format(kind=exc.kind, status=exc.status or "-", detail=exc),
            )

    # ---- problems ----------------------------------------------------------------------------
    async def report(self, exc: UpstreamError, model: str) -> None:
        """Log an upstream failure and tell the user once per kind of problem."""
        status = f" ({exc.status})" if exc.status else ""
        self._log_failure(exc.kind, f"upstream error {exc.kind}{status}: {exc}")
        self._settle("error", exc.kind)
        if exc.kind == "model":
            await self._report_model_problem(model, str(exc))
        elif exc.kind == "auth":  # not "rejected" when no key was sent
            wording = "auth" if backends.api_key(self.settings) else "key_wanted"
            self.problems.report("auth", "error", self._key_message(wording))
        elif exc.kind == "balance":
            self.problems.report("balance", "error", MESSAGES["balance"])
        elif exc.kind == "network":
            url = backends.base_url(self.settings)
            text = MESSAGES["network"].format(url=url, detail=exc)
            self.problems.report("network", "warning", text)
        elif exc.kind == "refused":
            self.problems.report("refused", "warning", str(exc))
        elif exc.kind == "bad_request":
            text = MESSAGES["bad_request"].format(status=exc.status, detail=exc)
            self.problems.report("bad_request", "warning", text)

    def _settle(self, state: str, message: str | None = None) -> None:
        """The outcome of a request (idle, or the failure), shown as the status at rest."""
        self._outcome = (state, message)
        self.ui.status(*self.resting)

    def _log_failure(self, kind: str, text: str) -> None:
        """One WARNING line per kind of failure until a success: an outage is one line, the
        completions that fail during it are DEBUG."""
        level = logging.DEBUG if kind in self._logged else logging.WARNING
        self._logged.add(kind)
        log.log(level, "%s", text)

    def _key_message(self, kind: str) -> str:
        f = config.backend_field(self.settings.backend, "key")
        setting, env = (f.metadata["key"], f.metadata["env"]) if f else ("apiKey", "")
        advice = key_advice(self.client_name, setting, env)
        return MESSAGES[kind].format(advice=advice, url=backends.base_url(self.settings))

    async def _report_model_problem(self, model: str, detail: str) -> None:
        try:
            listed = await asyncio.wait_for(self.backend.list_models(), 5)
            names = ", ".join(listed) or "none"
        except (TimeoutError, UpstreamError):
            names = "unknown (GET /models failed)"
        self._model, self._model_task = None, None  # ask /models again next time
        self.problems.report(
            "model",
            "error",
            f"The server rejected the model '{model}' ({detail}). Models available: {names}. "
            f"Set the ds-lsp '{backends.model_setting_key(self.settings)}' setting to "
            "one of them, or unset it to pick one automatically.",
        )
