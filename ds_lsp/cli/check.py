"""`ds-lsp check`: can ds-lsp complete code with these settings? Plain words, exit 0 or 1.

It asks the configured backend's model list (and, for DeepSeek, the balance), then sends one
tiny FIM request. What it could not determine it says so, rather than guessing; each problem
is told once, with what to do, and every line passes through the key redaction.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from ds_lsp import config, redact
from ds_lsp.config import FALLBACK_MODEL, PREFERRED_MODELS, Settings
from ds_lsp.upstream import backends
from ds_lsp.upstream.backends.deepseek import DeepSeekClient, FimRequest
from ds_lsp.upstream.backends.http import UpstreamError, make_client

KEYS_PAGE = "https://platform.deepseek.com/api_keys"
TOP_UP_PAGE = "https://platform.deepseek.com/top_up"
WAIT_S = 15
ADVICE = {
    "auth": f"the API key was rejected (401): set DEEPSEEK_API_KEY to a valid key ({KEYS_PAGE})",
    "no_key": f"no API key: export DEEPSEEK_API_KEY=sk-... (get one at {KEYS_PAGE})",
    "balance": f"the account balance is insufficient (402): top up at {TOP_UP_PAGE}",
    "network": "the endpoint cannot be reached: check the base URL, your network and proxy",
    "timeout": f"the endpoint did not answer within {WAIT_S} s",
    "model": "the model was rejected: set `model` (DEEPSEEK_MODEL) to one that /models lists",
}


class Report:
    """Lines for the user, redacted, and each problem told once."""

    def __init__(self, out: Callable[[str], None] = print) -> None:
        self.out = out
        self.problems: dict[str, str] = {}

    def line(self, text: str) -> None:
        self.out(redact.redact(text))

    def problem(self, exc: BaseException) -> str:
        """Remember a failure; the short reason for the line that reports it."""
        if not isinstance(exc, UpstreamError):
            self.problems.setdefault("timeout", ADVICE["timeout"])
            return "timeout"
        if not (exc.kind == "auth" and "no_key" in self.problems):  # the same problem
            self.problems.setdefault(exc.kind, ADVICE.get(exc.kind, f"{exc.kind}: {exc}"))
        return exc.kind + (f" ({exc.status})" if exc.status else "")


async def run_check(settings: Settings | None = None, out: Callable[[str], None] = print) -> int:
    if settings is None:
        settings, parsed = config.resolve()
        for line in parsed.invalid:
            out(redact.redact(f"Setting: {line}"))
    report = Report(out)
    url = backends.base_url(settings)
    key = backends.api_key(settings)
    report.line(f"Backend: {settings.backend} at {url}")
    if key:
        shown = f" ({key[:3]}…{key[-2:]})" if len(key) >= 16 else ""  # never a short key whole
        report.line(f"API key: set{shown}")
    elif not backends.has_key(settings):
        report.line("API key: NOT SET")
        report.problems["no_key"] = ADVICE["no_key"]
    else:
        report.line("API key: none (this server needs none)")
    async with make_client(url) as http:
        client = backends.create(settings, http)
        model = await _model(client, settings, report)
        if isinstance(client, DeepSeekClient) and settings.backend == "deepseek":
            await _balance(client, report)
        ok = await _fim(client, model, settings, report)
    for advice in report.problems.values():
        report.line(f"To do: {advice}")
    report.line("Result: ds-lsp is ready." if ok else "Result: ds-lsp cannot complete code yet.")
    return 0 if ok else 1


async def _model(client: backends.FimBackend, settings: Settings, report: Report) -> str | None:
    """The model a completion would use; None when it cannot be known without /models."""
    configured = backends.configured_model(settings)
    listed: list[str] | None = None
    try:
        listed = await asyncio.wait_for(client.list_models(), WAIT_S)
    except (UpstreamError, TimeoutError) as exc:
        report.line(f"Models: GET /models failed: {report.problem(exc)}")
    else:
        report.line(f"Models: {', '.join(listed) or 'none listed'}")
    if configured is not None:
        absent = listed is not None and configured and configured not in listed
        report.line(
            f"Model: {configured or 'the one the server loaded'} (configured)"
            + (" — NOT in the list above" if absent else "")
        )
        return configured
    if listed is None:
        report.line(
            "Model: unknown until GET /models answers (set `model` / DEEPSEEK_MODEL to choose "
            f"one; meanwhile completions try {FALLBACK_MODEL})"
        )
        return None
    preferred = PREFERRED_MODELS if settings.backend == "deepseek" else ()
    chosen = next((m for m in preferred if m in listed), listed[0] if listed else None)
    report.line(
        f"Model: {chosen} (chosen automatically from the list)"
        if chosen
        else "Model: unknown (the list is empty)"
    )
    return chosen


async def _balance(client: DeepSeekClient, report: Report) -> None:
    try:
        data = await asyncio.wait_for(client.get_json("/user/balance"), WAIT_S)
    except (UpstreamError, TimeoutError) as exc:
        report.line(f"Balance: unknown ({report.problem(exc)})")
        return
    infos = data.get("balance_infos") or []
    amounts = ", ".join(
        f"{i.get('total_balance')} {i.get('currency')}" for i in infos if isinstance(i, dict)
    )
    available = bool(data.get("is_available"))
    if not available:
        report.problems.setdefault("balance", ADVICE["balance"])
    report.line(
        f"Balance: {amounts or 'no figures'} ({'available' if available else 'NOT available'})"
    )


async def _fim(
    client: backends.FimBackend, model: str | None, settings: Settings, report: Report
) -> bool:
    if "no_key" in report.problems:
        report.line("FIM: not tried (no API key)")
        return False
    req = FimRequest(
        model or FALLBACK_MODEL, "def add(a, b):\n    return", "\n", 8, settings.temperature
    )
    started = time.perf_counter()
    try:
        result = await asyncio.wait_for(client.fim(req), WAIT_S)
    except (UpstreamError, TimeoutError) as exc:
        report.line(f"FIM: FAILED ({report.problem(exc)})")
        return False
    ms = (time.perf_counter() - started) * 1000
    report.line(f"FIM: OK, {req.model} answered {result.text!r} in {ms:.0f} ms")
    return True
