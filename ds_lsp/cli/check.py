"""`ds-lsp check`: can ds-lsp complete code with these settings? Plain words, exit 0 or 1.

It asks the configured backend's model list (and, for DeepSeek, the balance), then sends one
tiny FIM request. What it could not determine it says so, rather than guessing; each problem
is told once, with what to do, and every line passes through the key redaction.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping

from ds_lsp import config, redact
from ds_lsp.config import FALLBACK_MODEL, PREFERRED_MODELS, Settings
from ds_lsp.upstream import backends
from ds_lsp.upstream.backends.deepseek import DeepSeekClient, FimRequest
from ds_lsp.upstream.backends.http import UpstreamError, make_client

KEYS_PAGE = "https://platform.deepseek.com/api_keys"
TOP_UP_PAGE = "https://platform.deepseek.com/top_up"
WAIT_S = 15
ADVICE = {
    "auth": "the API key was rejected (401): set {env} to a valid key{keys}",
    "key_wanted": "the server asks for an API key (401) and none is set: set {env}{keys}",
    "no_key": f"no API key: export DEEPSEEK_API_KEY=sk-... (get one at {KEYS_PAGE})",
    "balance": f"the account balance is insufficient (402): top up at {TOP_UP_PAGE}",
    "network": "check the base URL ({url_env}), that the server there is running, and your "
    "network and proxy",
    "timeout": f"the endpoint did not answer within {WAIT_S} s",
    "model": "the model was rejected: set `model` (DEEPSEEK_MODEL) to one that /models lists",
}


class Report:
    """Lines for the user, redacted, and each problem told once."""

    def __init__(self, settings: Settings, out: Callable[[str], None] = print) -> None:
        self.out = out
        self.problems: dict[str, str] = {}
        self.url = backends.base_url(settings)
        self.key_sent = bool(backends.api_key(settings))
        self.unreachable = False  # after a network failure nothing else is asked
        key_field = config.backend_field(settings.backend, "key")
        url_field = config.backend_field(settings.backend, "url")
        self.words = {
            "env": (key_field.metadata["env"] if key_field else "") or "the backend's key",
            "keys": f" ({KEYS_PAGE})" if settings.backend == "deepseek" else "",
            "url_env": (url_field.metadata["env"] if url_field else "") or "the base URL",
        }

    def line(self, text: str) -> None:
        self.out(redact.redact(text))

    def problem(self, exc: BaseException) -> str:
        """Remember a failure; the short reason for the line that reports it."""
        if not isinstance(exc, UpstreamError):
            self.problems.setdefault("timeout", ADVICE["timeout"])
            return "timeout"
        kind = exc.kind
        if kind == "auth" and not self.key_sent:
            kind = "key_wanted"  # not "rejected": no key was sent
        if kind == "network":
            self.unreachable = True
        if not (kind in ("auth", "key_wanted") and "no_key" in self.problems):  # the same
            advice = ADVICE.get(kind, f"{kind}: {exc}")
            self.problems.setdefault(kind, advice.format(**self.words))
        if kind == "network":
            return f"{exc} at {self.url}"
        if kind == "key_wanted":
            return "the server wants an API key (401)"
        return kind + (f" ({exc.status})" if exc.status else "")


def refused_urls(env: Mapping[str, str], invalid: list[str]) -> list[str]:
    """A line for each URL set in the environment that the settings refused (`invalid`: the
    lines of config.resolve), naming the variable the user set.

    The server warns and keeps the default URL; `check` must not test a host the user did not
    ask for, so it stops there."""
    refused = []
    for key, f in config.FIELDS.items():
        var, value = f.metadata["env"], env.get(f.metadata["env"] or "")
        if f.metadata["role"] != "url" or not value:
            continue
        if not any(line.startswith(f"`{key}` ") for line in invalid):
            continue
        alone = config.ParseReport()
        config.merge(Settings(), {key: value}, alone)
        why = (
            "is not a URL ds-lsp can use (it needs http:// or https://, a host name and no spaces)"
            if alone.invalid
            else "would send the API key in clear text to another machine (use https://)"
        )
        refused.append(f"{var}={value!r} {why}: correct {var} or unset it")
    return refused


async def run_check(settings: Settings | None = None, out: Callable[[str], None] = print) -> int:
    """Check `settings` (default: from the environment); 0 when ds-lsp can complete code."""
    if settings is None:
        settings, parsed = config.resolve()
        refused = refused_urls(os.environ, parsed.invalid)
        for line in refused or parsed.invalid:
            out(redact.redact(f"Setting: {line}"))
        if refused:
            out("Result: ds-lsp cannot complete code yet (nothing was sent).")
            return 1
    report = Report(settings, out)
    key = backends.api_key(settings)
    report.line(f"Backend: {settings.backend} at {report.url}")
    if key:
        shown = f" ({key[:3]}…{key[-2:]})" if len(key) >= 16 else ""  # never a short key whole
        report.line(f"API key: set{shown}")
    elif not backends.has_key(settings):
        report.line("API key: NOT SET")
        report.problems["no_key"] = ADVICE["no_key"]
    else:
        report.line("API key: none set (a server on this machine may need none)")
    async with make_client(report.url) as http:
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
    if report.unreachable:
        return configured
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
    if report.unreachable:
        report.line("Balance: not asked (nothing answers, see above)")
        return
    try:
        data = await asyncio.wait_for(client.get_json("/user/balance"), WAIT_S)
    except (UpstreamError, TimeoutError) as exc:
        report.line(f"Balance: unknown ({report.problem(exc)})")
        return
    infos = data.get("balance_infos") or []
    amounts = ", ".join(  # a field the answer lacks is left out, never shown as None
        f"{i['total_balance']} {i.get('currency') or ''}".strip()
        for i in infos
        if isinstance(i, dict) and i.get("total_balance") is not None
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
    if report.unreachable:
        report.line("FIM: not tried (nothing answers, see above)")
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
