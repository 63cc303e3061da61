"""`ds-lsp check`: is the key, endpoint and model usable? Plain words, exit 0 or 1.

Every line goes through redact.py: no key, Bearer header or secret-named field is printed.
"""

from __future__ import annotations

import asyncio
import time

from ds_lsp import config, redact
from ds_lsp.config import FALLBACK_MODEL, PREFERRED_MODELS
from ds_lsp.upstream.backends.deepseek import DeepSeekClient, FimRequest
from ds_lsp.upstream.backends.http import UpstreamError, make_client

ADVICE = {
    "auth": "the API key was rejected (401): set DEEPSEEK_API_KEY to a valid key",
    "balance": "the balance is insufficient (402): top up at https://platform.deepseek.com",
    "network": "the endpoint cannot be reached: check DEEPSEEK_BASE_URL, network and proxy",
    "timeout": "the endpoint did not answer in time",
}


def say(text: str) -> None:
    """One line of the report, through the same redaction as the log (an upstream error
    body may echo the Authorization header)."""
    print(redact.redact(text))


def _explain(exc: Exception) -> str:
    if isinstance(exc, UpstreamError):
        return f"{ADVICE.get(exc.kind, exc.kind)} ({exc})"
    return "no answer within 15 s" if isinstance(exc, TimeoutError) else str(exc)


async def run_check() -> int:
    settings, report = config.resolve()
    redact.register(settings.api_key)
    for problem in report.invalid:
        say(f"Setting problem: {problem}")
    key = settings.api_key
    say(
        f"API key: {'set (' + key[:3] + '…' + key[-2:] + ')' if key else 'NOT SET'}"
        + ("" if key else " — export DEEPSEEK_API_KEY=sk-...")
    )
    say(f"Endpoint: {settings.base_url} (FIM: POST {settings.base_url}/completions)")
    async with make_client(settings.base_url) as http:
        client = DeepSeekClient(http, settings.base_url, key)
        model = await _check_models(client, settings.model)
        await _check_balance(client)
        return await _check_fim(client, model, settings.temperature)


async def _check_models(client: DeepSeekClient, configured: str | None) -> str:
    try:
        listed = await asyncio.wait_for(client.list_models(), 15)
        say(f"Models: GET {client.api_root}/models lists {', '.join(listed) or 'nothing'}")
    except (UpstreamError, TimeoutError) as exc:
        say(f"Models: GET {client.api_root}/models failed: {_explain(exc)}")
        listed = []
    if configured:
        note = "" if not listed or configured in listed else " (NOT in the list above)"
        say(f"Model: {configured} (configured){note}")
        return configured
    chosen = next((m for m in PREFERRED_MODELS if m in listed), None)
    model = chosen or (listed[0] if listed else FALLBACK_MODEL)
    say(f"Model: {model} (chosen automatically)")
    return model


async def _check_balance(client: DeepSeekClient) -> None:
    try:
        data = await asyncio.wait_for(client.get_json("/user/balance"), 15)
    except (UpstreamError, TimeoutError) as exc:
        say(f"Balance: unknown ({_explain(exc)})")
        return
    infos = data.get("balance_infos") or []
    amounts = ", ".join(
        f"{i.get('total_balance')} {i.get('currency')}" for i in infos if isinstance(i, dict)
    )
    state = "available" if data.get("is_available") else "NOT available"
    say(f"Balance: {amounts or 'no figures'} ({state})")


async def _check_fim(client: DeepSeekClient, model: str, temperature: float) -> int:
    req = FimRequest(model, "def add(a, b):\n    return", "\n", 8, temperature)
    started = time.perf_counter()
    try:
        result = await asyncio.wait_for(client.fim(req), 15)
    except (UpstreamError, TimeoutError) as exc:
        say(f"FIM: FAILED — {_explain(exc)}")
        say("Result: ds-lsp cannot complete code with these settings.")
        return 1
    ms = (time.perf_counter() - started) * 1000
    say(f"FIM: OK, {model} answered {result.text!r} in {ms:.0f} ms")
    say("Result: ds-lsp is ready.")
    return 0
