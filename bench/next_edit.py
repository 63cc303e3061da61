"""Next edit suggestions, measured: the server's overhead on a next-edit request beyond the
upstream call, how many requests go upstream while someone types (a client asking on every
key), and the FIM prefix-cache share once recent edits open the prompts.

Each scenario starts its own mock (tests/mock_deepseek.py in its own process, answering
next-edit requests by renaming `factor` to `scale` in the region) and its own ds-lsp.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Callable
from typing import Any

import httpx
from harness import (
    API_KEY,
    MockProcess,
    common_prefix_len,
    cpu_s,
    quantile,
    start_server,
    summary,
)
from lsp_client import LspClient
from scenarios import INLINE, _tokens
from workload import keystrokes, python_source

SCENARIOS = ("next_edit_overhead", "next_edit_pauses", "next_edit_fim")
METHOD = "textDocument/copilotInlineEdit"
RULES = [("factor", "scale")]  # every function of python_source() has a `factor`


def chat_requests(mock: MockProcess) -> list[dict[str, Any]]:
    return [r for r in mock.requests() if r["path"].endswith("/chat/completions")]


def params(uri: str, version: int, line: int, char: int, invoked: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "textDocument": {"uri": uri, "version": version},
        "position": {"line": line, "character": char},
    }
    if invoked:
        out["context"] = {"triggerKind": 1}
    return out


def rename_records(client: LspClient, uri: str, version: int, line: str, row: int, new: str) -> int:
    """The user replaces the `records` parameter of the function at `row` by `new` (one
    didChange); returns the column where `new` starts."""
    col = line.index("records")
    end = (row, col + len("records"))
    client.notify(
        "textDocument/didChange", LspClient.change_params(uri, version, row, col, new, end)
    )
    return col


def edits_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    result = message.get("result") or {}
    return result.get("edits") or [] if isinstance(result, dict) else []


# ---- overhead -------------------------------------------------------------------------------
async def overhead(pairs: int, latency: float) -> dict[str, Any]:
    """A next-edit request through ds-lsp (the user renamed a parameter; invoked, so no
    debounce; each one a cache miss) vs the same chat body sent with raw httpx."""
    source = python_source(6000, "n")
    lines = source.split("\n")
    mock = await MockProcess(latency=latency, next_edit_rules=RULES).start()
    client = await start_server(mock, {}, "next-edit-overhead")
    uri = "file:///bench/next_edit.py"
    client.did_open(uri, source)
    http = httpx.AsyncClient(
        trust_env=False, timeout=30, headers={"Authorization": f"Bearer {API_KEY}"}
    )
    url = mock.url + "/beta/chat/completions"
    rows = random.Random(11).sample(
        [n for n, t in enumerate(lines) if t.startswith("def ")], pairs + 10
    )
    ds, raw, diff, cpu, empty, version = [], [], [], [], 0, 1
    seen = 0
    for i, row in enumerate(rows):
        version += 1
        col = rename_records(client, uri, version, lines[row], row, "rows")
        c0 = cpu_s(client.pid)
        _, fut, data = client.request_frame(METHOD, params(uri, version, row, col + 4, True))
        t0 = time.perf_counter_ns()
        client.write(data)
        arrived, message = await fut
        c1 = cpu_s(client.pid)
        sent = chat_requests(mock)[seen:]
        if len(sent) != 1:
            raise RuntimeError(f"expected one chat request, got {len(sent)}")
        seen += 2  # this one, and the raw call's own below
        t_raw = await _raw(http, url, sent[0]["body"])
        if i < 10:
            continue  # warm-up
        empty += not edits_of(message)
        ds.append((arrived - t0) / 1e9)
        raw.append(t_raw)
        diff.append(ds[-1] - t_raw)
        cpu.append(c1 - c0)
    await http.aclose()
    await client.close()
    await mock.stop()
    ms = lambda xs: [x * 1000 for x in xs]  # noqa: E731
    return {
        "ds_ms": summary(ms(ds)),
        "raw_ms": summary(ms(raw)),
        "overhead_ms": summary(ms(diff)),
        "ratio_median": quantile(ds, 0.5) / quantile(raw, 0.5),
        "server_cpu_ms": summary(ms(cpu)),
        "empty_answers": empty,
        "samples": {"ds_ms": ms(ds), "raw_ms": ms(raw)},
    }


async def _raw(http: httpx.AsyncClient, url: str, body: dict[str, Any]) -> float:
    t0 = time.perf_counter_ns()
    async with http.stream("POST", url, json=body) as r:
        async for _ in r.aiter_bytes():
            pass
    return (time.perf_counter_ns() - t0) / 1e9


# ---- one request per edit pause -------------------------------------------------------------
async def pauses(
    bursts: int, latency: float, key_interval: float = 0.083, pause: float = 0.8
) -> dict[str, Any]:
    """Rename a parameter key by key (delete it, type the new name), then pause; a client
    that asks for a next edit on every key (cancelling the one before, as editors do), with
    the server's default debounce. Counts what went upstream, and what each pause got."""
    source = python_source(2000, "p")
    lines = source.split("\n")
    mock = await MockProcess(latency=latency, next_edit_rules=RULES).start()
    client = await start_server(mock, {}, "next-edit-pauses")
    uri = "file:///bench/pauses.py"
    client.did_open(uri, source)
    rows = [n for n, t in enumerate(lines) if t.startswith("def ")][:bursts]
    version, keys, previous, answers = 1, 0, None, []
    for row in rows:
        version += 1
        col = rename_records(client, uri, version, lines[row], row, "")
        for k, ch in enumerate("rows"):
            await asyncio.sleep(key_interval)
            version += 1
            client.did_change(uri, version, row, col + k, ch)
            keys += 1
            if previous is not None and not previous[1].done():
                client.cancel(previous[0])
            msg_id, fut = client.request(METHOD, params(uri, version, row, col + k + 1, False))
            previous = (msg_id, fut)
        await asyncio.sleep(pause)
        answers.append(previous[1])
    await asyncio.sleep(1.0)
    got = [edits_of(f.result()[1]) if f.done() and not f.exception() else [] for f in answers]
    upstream = len(chat_requests(mock))
    await client.close()
    await mock.stop()
    return {
        "pauses": len(rows),
        "keystrokes": keys,
        "requests_from_client": keys,
        "upstream": upstream,
        "upstream_per_pause": upstream / max(1, len(rows)),
        "pauses_with_an_edit": sum(bool(g) for g in got) / max(1, len(rows)),
        "key_interval_s": key_interval,
        "pause_s": pause,
        "latency_s": latency,
    }


# ---- FIM prompts that open with recent edits --------------------------------------------------
async def fim_cache(n_lines: int, below: int = 3000, every: int = 10) -> dict[str, Any]:
    """Type `n_lines` new lines below `below` existing ones, one invoked completion per key;
    first rename a parameter in three functions far above, and another every `every` lines,
    so the prompts open with a block of recent edits that grows. The share of prompt tokens
    DeepSeek's prefix cache would serve, and how much of each prompt's opening repeats the
    previous prompt's (as scenarios.stable_opening counts them)."""
    source = python_source(below + 1000, "f")
    lines = source.split("\n")
    typed = lines[below : below + n_lines]
    opened = "\n".join([*lines[:below], "", *lines[below + n_lines :]])
    mock = await MockProcess(predict_text=source, predict_lines=1).start()
    client = await start_server(mock, {"debounceMs": 0}, "next-edit-fim")
    uri = "file:///bench/fim_edits.py"
    client.did_open(uri, opened)
    defs = [n for n, t in enumerate(lines[:below]) if t.startswith("def ")]
    version = 1

    def rename(row: int) -> None:
        nonlocal version
        version += 1
        rename_records(client, uri, version, lines[row], row, "rows")

    for row in defs[:3]:
        rename(row)
    await client.call(INLINE, LspClient.inline_params("file:///nowhere.py", 0, 0, True))
    mock.new_fim_requests()
    row, col, renamed, done_lines = below, 0, 3, 0
    for text, ends_line in keystrokes(typed):
        version += 1
        client.did_change(uri, version, row, col, text)
        if text.startswith("\n"):
            row, col = row + 1, len(text) - 1
        else:
            col += len(text)
        await client.call(INLINE, LspClient.inline_params(uri, row, col, True))
        done_lines += ends_line
        if ends_line and done_lines % every == 0:
            rename(defs[renamed])
            renamed += 1
    fim = mock.new_fim_requests()
    await client.close()
    await mock.stop()
    prompts = [r["body"]["prompt"] for r in fim]
    shares = [common_prefix_len(a, b) / len(b) for a, b in itertools.pairwise(prompts) if b]
    return {
        "prompts": len(prompts),
        "prompts_with_recent_edits": sum("Recent edits" in p for p in prompts),
        "renames": renamed,
        "shared_share": summary(shares),
        "share_at_least_90": sum(s >= 0.9 for s in shares) / max(1, len(shares)),
        "tokens": _tokens(fim, source),
        "shares": shares,
    }


# ---- the table's rows -------------------------------------------------------------------------
def rows(r: dict[str, Any], add: Callable[..., None]) -> None:
    """The next-edit rows of bench/run.py's table (`add` as run.rows defines it)."""
    if "next_edit_overhead" in r:
        o = r["next_edit_overhead"]
        ov = o["overhead_ms"]
        add(
            "next edit overhead (ds-lsp minus raw httpx)",
            ov["median"],
            ov["p95"],
            o["raw_ms"]["median"],
            o["ratio_median"],
            "≤ 5 ms p50",
            ov["median"] <= 5,
            "ms",
        )
        cpu = o["server_cpu_ms"]
        add(
            "  server CPU per next edit",
            cpu["median"],
            cpu["p95"],
            None,
            None,
            "(CPU time)",
            None,
            "ms",
        )
    if "next_edit_pauses" in r:
        p = r["next_edit_pauses"]
        add(
            f"next edits upstream per edit pause ({p['requests_from_client']} asked)",
            p["upstream_per_pause"],
            None,
            p["pauses_with_an_edit"],
            None,
            "≤ 1 (baseline col: pauses answered with an edit)",
            p["upstream_per_pause"] <= 1,
        )
    if "next_edit_fim" in r:
        f = r["next_edit_fim"]
        sh = f["shared_share"]
        add(
            f"stable opening, recent edits ({f['prompts_with_recent_edits']}/{f['prompts']})",
            sh["median"],
            sh["p05"],
            f["share_at_least_90"],
            None,
            "≥ 0.90 (a rename every 10 lines)",
            sh["median"] >= 0.90,
        )
        add(
            "tokens: prefix-cache hit share (recent edits)",
            f["tokens"]["cache_hit_share"],
            None,
            None,
            None,
            "report",
            None,
        )
