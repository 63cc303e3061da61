"""The measurements: each scenario starts its own mock and ds-lsp and returns plain data."""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import random
import sys
import time
import timeit
from typing import Any

import httpx
from harness import (
    API_KEY,
    MockProcess,
    common_prefix_len,
    cpu_s,
    quantile,
    rss_mb,
    server_env,
    start_server,
    summary,
)
from lsp_client import LspClient, client_cost_us, inline_text
from mock_server import mock_deepseek  # the mock and its "model"
from workload import TYPED, keystrokes, python_source

INLINE = "textDocument/inlineCompletion"
UNKNOWN = LspClient.inline_params("file:///bench/not-open.py", 0, 0, True)
CACHE_UNIT_TOKENS = 64
OVERHEAD_OPTIONS: dict = {}


async def _rtt(client: LspClient, method: str, params: Any, pre: bytes = b"") -> float:
    """Seconds from writing (pre +) a request to its answer arriving."""
    _, fut, data = client.request_frame(method, params)
    t0 = time.perf_counter_ns()
    client.write(pre + data)
    arrived, message = await fut
    return (arrived - t0) / 1e9, message


# ---- startup --------------------------------------------------------------------------------
STUB = (
    "import sys,json\n"
    "h=b''\n"
    "while not h.endswith(b'\\r\\n\\r\\n'): h+=sys.stdin.buffer.read(1)\n"
    "n=int(h.split(b':')[1].split(b'\\r')[0]); m=json.loads(sys.stdin.buffer.read(n))\n"
    "b=json.dumps({'jsonrpc':'2.0','id':m['id'],'result':{'capabilities':{}}}).encode()\n"
    "sys.stdout.buffer.write(b'Content-Length: %d\\r\\n\\r\\n'%len(b)+b); sys.stdout.flush()\n"
    "sys.stdin.buffer.read()\n"
)


async def startup(runs: int) -> dict[str, Any]:
    """Spawn to `initialize` answer, ds-lsp vs a bare Python that answers initialize; then
    spawn to the first completion served.

    Python reads bytecode as an installed ds-lsp would (pip compiles at install): written
    by the first, discarded, run into the scenario's folder. Without it, an environment
    with PYTHONDONTWRITEBYTECODE compiles ds_lsp from source at every spawn (~50 ms that
    no installed copy pays)."""
    mock = await MockProcess().start()
    env = server_env(mock)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(mock.workdir / "pycache")
    ds, bare, cpu, ready = [], [], [], []
    for i in range(runs + 1):
        for name, cmd, out in (("ds", None, ds), ("bare", [sys.executable, "-c", STUB], bare)):
            t0 = time.perf_counter_ns()
            client = await LspClient.spawn(
                env, command=cmd, stderr_path=mock.workdir / f"startup-{name}.log"
            )
            _, fut, data = client.request_frame(
                "initialize", {"processId": None, "rootUri": None, "capabilities": {}}
            )
            client.write(data)
            arrived, _ = await asyncio.wait_for(fut, 30)
            if i:  # the first run warms the OS file cache
                out.append((arrived - t0) / 1e9)
                if name == "ds":
                    cpu.append(cpu_s(client.pid))
            if name == "ds":  # then: how soon the first completion can be served
                client.notify("initialized", {})
                uri = "file:///bench/startup.py"
                client.did_open(uri, "x = ")
                _, first, data = client.request_frame(
                    INLINE, LspClient.inline_params(uri, 0, 4, True)
                )
                client.write(data)
                served, _ = await asyncio.wait_for(first, 30)
                if i:
                    ready.append((served - t0) / 1e9)
                await client.close()
            else:
                client.proc.stdin.close()
                await client.proc.wait()
                client._reader.cancel()
    await mock.stop()
    return {
        "ds": summary(ds),
        "bare_python": summary(bare),
        "ds_cpu": summary(cpu),
        "first_completion": summary(ready),
        "samples": ds,
        "bare_samples": bare,
    }


# ---- overhead and cache hit -----------------------------------------------------------------
async def overhead(pairs: int, latency: float) -> dict[str, Any]:
    """Completion latency through ds-lsp vs raw httpx with the same body, cache misses."""
    source = python_source(6000, "o")
    lines = source.split("\n")
    mock = await MockProcess(latency=latency, predict_text=source, predict_lines=1).start()
    client = await start_server(mock, {"debounceMs": 0, **OVERHEAD_OPTIONS}, "overhead")
    uri = "file:///bench/overhead.py"
    client.did_open(uri, source)
    http = httpx.AsyncClient(
        trust_env=False, timeout=30, headers={"Authorization": f"Bearer {API_KEY}"}
    )
    url = mock.url + "/beta/completions"
    rng = random.Random(7)
    rows = rng.sample([n for n in range(100, 5950) if len(lines[n]) > 20], pairs + 10)
    ds, raw, hit, floor, diff, empty = [], [], [], [], [], 0
    cpu = {"miss": 0.0, "hit": 0.0, "floor": 0.0}
    mock.new_fim_requests()
    for i, row in enumerate(rows):
        col = len(lines[row]) // 2
        params = LspClient.inline_params(uri, row, col, True)

        async def through_raw(body: dict) -> float:
            t0 = time.perf_counter_ns()
            async with http.stream("POST", url, json=body) as r:
                async for _ in r.aiter_bytes():
                    pass
            return (time.perf_counter_ns() - t0) / 1e9

        c0 = cpu_s(client.pid)
        t_ds, message = await _rtt(client, INLINE, params)
        c1 = cpu_s(client.pid)
        sent = mock.new_fim_requests()
        if len(sent) != 1:
            raise RuntimeError(f"expected one upstream request, got {len(sent)}")
        body = sent[0]["body"]
        t_raw = await through_raw(body)  # then ds-lsp again: each side follows the other
        mock.new_fim_requests()  # the raw call's own entry
        c2 = cpu_s(client.pid)
        t_hit, _hit_msg = await _rtt(client, INLINE, params)
        c3 = cpu_s(client.pid)
        t_floor, _ = await _rtt(client, INLINE, UNKNOWN)
        c4 = cpu_s(client.pid)
        if mock.new_fim_requests():
            raise RuntimeError("the repeated request went upstream")
        if i < 10:
            continue  # warm-up
        empty += inline_text(message) is None
        cpu["miss"] += c1 - c0
        cpu["hit"] += c3 - c2
        cpu["floor"] += c4 - c3
        ds.append(t_ds)
        raw.append(t_raw)
        diff.append(t_ds - t_raw)
        hit.append(t_hit)
        floor.append(t_floor)
    await http.aclose()
    await client.close()
    await mock.stop()
    ms = lambda xs: [x * 1000 for x in xs]  # noqa: E731
    return {
        "ds_ms": summary(ms(ds)),
        "raw_ms": summary(ms(raw)),
        "overhead_ms": summary(ms(diff)),
        "ratio_median": quantile(ds, 0.5) / quantile(raw, 0.5),
        "ratio_p95": quantile(ds, 0.95) / quantile(raw, 0.95),
        "cache_hit_ms": summary(ms(hit)),
        "rpc_floor_ms": summary(ms(floor)),
        "empty_answers": empty,
        "client_cost_us": client_cost_us(),
        "server_cpu_ms": {k: v / max(1, len(ds)) * 1000 for k, v in cpu.items()},
        "samples": {"ds_ms": ms(ds), "raw_ms": ms(raw), "hit_ms": ms(hit)},
    }


# ---- keystroke cost -------------------------------------------------------------------------
def _typing_frames(uri: str, version: int, row: int, count: int) -> tuple[bytes, int, int]:
    """`count` didChange frames typing a line of code at `row`; returns the next row."""
    text = "value = compute(item)\n"
    out, col = [], 0
    for k in range(count):
        ch = text[k % len(text)]
        version += 1
        out.append(
            json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didChange",
                    "params": LspClient.change_params(uri, version, row, col, ch),
                }
            )
        )
        if ch == "\n":
            row, col = row + 1, 0
        else:
            col += 1
    data = b"".join(b"Content-Length: %d\r\n\r\n%s" % (len(b), b) for b in map(str.encode, out))
    return data, version, row


async def keystroke_cost(rounds: int, per_round: int = 100) -> dict[str, Any]:
    """Per-didChange processing over stdio (batches of didChange, then one cheap request)."""
    mock = await MockProcess().start()
    client = await start_server(mock, {"debounceMs": 0}, "keystroke")
    sizes = (20, 20000)
    state = {}
    for n in sizes:
        uri = f"file:///bench/keys-{n}.py"
        client.did_open(uri, python_source(n, f"k{n}"))
        state[n] = [uri, 1, n // 2]
    await client.call(INLINE, UNKNOWN)
    per_change: dict[int, list[float]] = {n: [] for n in sizes}
    cpu = {n: 0.0 for n in (*sizes, 0)}
    floors = []
    for r in range(rounds + 2):
        c0 = cpu_s(client.pid)
        t_floor, _ = await _rtt(client, INLINE, UNKNOWN)
        if r >= 2:
            cpu[0] += cpu_s(client.pid) - c0
        order = sizes if r % 2 else sizes[::-1]
        batch = {}
        for n in order:
            uri, version, row = state[n]
            data, version, row = _typing_frames(uri, version, row, per_round)
            state[n] = [uri, version, row]
            c0 = cpu_s(client.pid)
            t, _ = await _rtt(client, INLINE, UNKNOWN, pre=data)
            if r >= 2:
                cpu[n] += cpu_s(client.pid) - c0
            batch[n] = t
        if r < 2:
            continue
        floors.append(t_floor)
        for n in sizes:
            per_change[n].append(max(0.0, batch[n] - t_floor) / per_round * 1e6)
    cpu_us = {str(n): max(0.0, cpu[n] - cpu[0]) / (rounds * per_round) * 1e6 for n in sizes}
    await client.close()
    await mock.stop()
    small, big = per_change[sizes[0]], per_change[sizes[1]]
    return {
        "stdio_us": {str(n): summary(per_change[n]) for n in sizes},
        "ratio": quantile(big, 0.5) / quantile(small, 0.5),
        "floor_ms": summary([f * 1000 for f in floors]),
        "cpu_us": cpu_us,
        "in_process": await keystroke_in_process(sizes),
    }


async def keystroke_in_process(sizes: tuple[int, ...]) -> dict[str, Any]:
    """µs per edit of Document.apply_change alone and of the server's whole didChange path
    (frame checks, pygls, ds-lsp's handler: what the server runs) without the pipe."""
    from ds_lsp.documents import DocumentStore

    out: dict[str, Any] = {}
    for n in sizes:
        store = DocumentStore()
        doc = store.open("file:///x.py", "python", 1, python_source(n, "p"))
        row, col, k = n // 2, 0, 0

        def apply(doc=doc) -> None:
            nonlocal row, col, k
            ch = "value = compute(item)\n"[k % 22]
            k += 1
            doc.apply_change(
                {
                    "range": {
                        "start": {"line": row, "character": col},
                        "end": {"line": row, "character": col},
                    },
                    "text": ch,
                }
            )
            row, col = (row + 1, 0) if ch == "\n" else (row, col + 1)

        t = min(timeit.repeat(apply, number=2000, repeat=5)) / 2000 * 1e6
        out[str(n)] = {"apply_change_us": t, "did_change_path_us": await _did_change_path_us(n)}
    return out


async def _did_change_path_us(n: int) -> float:
    """µs per didChange frame through the server's real path: the connection's checks,
    pygls's structuring and dispatch, ds-lsp's handler and document store."""
    from ds_lsp.lsp.connection import Connection
    from ds_lsp.lsp.server import create_server

    class Discard:
        def write(self, data: bytes) -> None:
            pass

        async def drain(self) -> None:
            pass

        def close(self) -> None:
            pass

    server = create_server()
    server.protocol.set_writer(Discard())
    connection = Connection(server.protocol)
    uri = f"file:///bench/keys-{n}.py"
    # completions off: no upstream is warmed (this row measures document sync only)
    init = {
        "processId": None,
        "rootUri": None,
        "capabilities": {},
        "initializationOptions": {"enable": False},
    }
    opened = {
        "textDocument": {
            "uri": uri,
            "languageId": "python",
            "version": 1,
            "text": python_source(n, "p"),
        }
    }
    connection.take(
        json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init}).encode()
    )
    await server.ready()
    connection.take(
        json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": opened}).encode()
    )
    data, _, _ = _typing_frames(uri, 1, n // 2, 2500)
    bodies = [part.split(b"\r\n\r\n", 1)[1] for part in data.split(b"Content-Length: ")[1:]]
    for body in bodies[:500]:  # warm up
        connection.take(body)
    t0 = time.perf_counter()
    for body in bodies[500:]:
        connection.take(body)
    return (time.perf_counter() - t0) / len(bodies[500:]) * 1e6


# ---- memory ---------------------------------------------------------------------------------
async def memory(files: int = 100, lines: int = 5000) -> dict[str, Any]:
    mock = await MockProcess().start()
    client = await start_server(mock, {}, "memory")
    await asyncio.sleep(0.3)
    before = rss_mb(client.pid)
    chars = 0
    for i in range(files):
        text = python_source(lines, f"f{i}")
        chars += len(text)
        client.did_open(f"file:///bench/mem/f{i}.py", text)
        await client.proc.stdin.drain()
    await client.call(INLINE, UNKNOWN)
    after = rss_mb(client.pid)
    await client.close()
    await mock.stop()
    return {
        "rss_before_mb": before,
        "rss_after_mb": after,
        "text_mb": chars / 2**20,
        "files": files,
        "lines_per_file": lines,
    }


def defs_source(n_lines: int, tag: str, others: int = 100) -> str:
    """`n_lines` lines of two-line functions (2,500 definitions in 5,000 lines), each
    calling a function of another file, so completions look names up across files."""
    out: list[str] = []
    i = 0
    while len(out) < n_lines:
        other = f"f{(int(tag[1:]) + 1 + i % 7) % others}_fn_{(i * 7) % 2500}"
        out += [
            f"def {tag}_fn_{i}(records, factor={i % 7 + 2}):",
            f"    return {other}(records) * factor",
        ]
        i += 1
    return "\n".join(out[:n_lines]) + "\n"


async def memory_defs(files: int = 100, lines: int = 5000, completions: int = 10) -> dict[str, Any]:
    """Issue 15: RSS with 100 open 5,000-line files of 2,500 definitions each, after one
    completion (other-file context on, the default) in each of 10 of them."""
    mock = await MockProcess().start()
    client = await start_server(mock, {"debounceMs": 0, "prefetch": False}, "memory_defs")
    await asyncio.sleep(0.3)
    before = rss_mb(client.pid)
    sources = []
    for i in range(files):
        text = defs_source(lines, f"f{i}", files)
        sources.append(text)
        client.did_open(f"file:///bench/memdefs/f{i}.py", text)
        await client.proc.stdin.drain()
    await client.call(INLINE, UNKNOWN)
    opened = rss_mb(client.pid)
    times = []
    for k in range(completions):
        i = k * (files // completions)
        row = lines // 2 + 1  # the body line of a function: a call to another file's name
        col = len(sources[i].split("\n")[row])
        t0 = time.perf_counter()
        await client.call(
            INLINE, LspClient.inline_params(f"file:///bench/memdefs/f{i}.py", row, col, True)
        )
        times.append(time.perf_counter() - t0)
    after = rss_mb(client.pid)
    prompts = [r["body"]["prompt"] for r in mock.fim_requests()]
    await client.close()
    await mock.stop()
    return {
        "rss_before_mb": before,
        "rss_opened_mb": opened,
        "rss_after_mb": after,
        "files": files,
        "lines_per_file": lines,
        "completions": completions,
        "completion_ms": summary([t * 1000 for t in times]),
        "prompts_with_other_files": sum(
            1 for p in prompts if p.startswith("# bench/") or p.startswith("# f")
        ),
    }


# ---- leak -----------------------------------------------------------------------------------
async def leak(requests: int, warmup: int = 600, workers: int = 8) -> dict[str, Any]:
    """RSS growth over `requests` completions (a third cancelled), after a warm-up that fills
    the completion cache (bounded by cacheSize, so not a leak)."""
    mock = await MockProcess(latency=0.005, fim_text="value = compute(item)").start()
    client = await start_server(mock, {"debounceMs": 0}, "leak")
    docs = []
    for d in range(workers):
        text = python_source(2000, f"l{d}")
        uri = f"file:///bench/leak/d{d}.py"
        client.did_open(uri, text)
        docs.append((uri, text.split("\n")))
    rng = random.Random(11)
    plan = [(rng.randrange(workers), rng.randrange(5, 1995)) for _ in range(warmup + requests)]
    outcome = {"answered": 0, "cancelled": 0, "errors": 0}
    trace: list[tuple[int, float]] = []

    async def run(part: list[tuple[int, int]], offset: int) -> None:
        queues: list[list[tuple[int, int]]] = [[] for _ in range(workers)]
        for j, (d, row) in enumerate(part):
            queues[d].append((offset + j, row))

        async def worker(d: int) -> None:
            uri, lines = docs[d]
            for j, row in queues[d]:
                col = rng.randrange(0, len(lines[row]) + 1)
                msg_id, fut = client.request(INLINE, LspClient.inline_params(uri, row, col, True))
                if j % 3 == 0:
                    await asyncio.sleep(rng.random() * 0.008)
                    client.cancel(msg_id)
                _, message = await asyncio.wait_for(fut, 30)
                if "error" in message:
                    outcome["cancelled" if message["error"]["code"] == -32800 else "errors"] += 1
                else:
                    outcome["answered"] += 1

        await asyncio.gather(*(worker(d) for d in range(workers)))

    await run(plan[:warmup], 0)
    await asyncio.sleep(0.5)
    base = rss_mb(client.pid)
    trace.append((0, base))
    step = max(1, requests // 10)
    for s in range(0, requests, step):
        await run(plan[warmup + s : warmup + s + step], warmup + s)
        trace.append((min(s + step, requests), rss_mb(client.pid)))
    await asyncio.sleep(0.5)
    end = rss_mb(client.pid)
    upstream = len(mock.fim_requests())
    await client.close()
    await mock.stop()
    gc.collect()
    return {
        "rss_before_mb": base,
        "rss_after_mb": end,
        "growth_mb": end - base,
        "requests": requests,
        "warmup": warmup,
        "upstream": upstream,
        **outcome,
        "trace": trace,
    }


# ---- typing replay --------------------------------------------------------------------------
def _tokens(
    requests: list[dict[str, Any]],
    source: str,
    lines: int = 1,
    wrong: mock_deepseek.Imperfect | None = None,
) -> dict[str, Any]:
    """Prompt/completion tokens as the mock bills them (chars/4) and the share of prompt
    tokens DeepSeek's prefix cache would serve: each request's longest opening shared with
    any earlier request (prompt, then suffix, as FIM lays them out), in whole units."""
    unit = CACHE_UNIT_TOKENS * 4
    seen: list[str] = []
    prompt_tokens = completion_tokens = hit_tokens = 0
    for r in requests:
        body = r["body"]
        text = body["prompt"] + "\x00" + body.get("suffix", "")
        tokens = max(1, (len(body["prompt"]) + len(body.get("suffix", ""))) // 4)
        shared = max((common_prefix_len(text, old) for old in seen), default=0)
        hit_tokens += min(tokens, shared // unit * CACHE_UNIT_TOKENS)
        prompt_tokens += tokens
        answer = mock_deepseek.predict(source, body, lines, wrong)
        for stop in body.get("stop") or []:
            if stop in answer:
                answer = answer[: answer.find(stop)]
        completion_tokens += max(1, len(answer) // 4)
        seen.append(text)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "cache_hit_tokens": hit_tokens,
        "cache_hit_share": hit_tokens / prompt_tokens if prompt_tokens else float("nan"),
    }


def _typed_prompt(prompt: str) -> str:
    """A FIM prompt less ds-lsp's "Path:" header line: the text typed so far (or, for a
    request asked on the strength of a suggestion, that text plus the suggestion)."""
    first, _, rest = prompt.partition("\n")
    return rest if "Path: " in first else prompt


def _keys_of_requests(fim: list[dict[str, Any]], key_at_offset: dict[int, int]) -> list[int]:
    """The keystroke after which each upstream request was sent, in request order: its
    prompt's length (less the header line) is an offset into the typed text; a prompt
    reaching past the typed text (a next-line prefetch) goes with the key before it."""
    keys, last = [], 0
    for r in fim:
        last = key_at_offset.get(len(_typed_prompt(r["body"]["prompt"])), last)
        keys.append(last)
    return keys


async def typing_replay(
    n_lines: int,
    latency: float,
    key_interval: float = 0.083,
    pause: float = 0.6,
    instant: float = 0.05,
    predict_lines: int = 1,
    workload: str = "python",
    imperfect_seed: int | None = None,
) -> dict[str, Any]:
    """Type a file of workload.TYPED key by key in real time against a model that knows it:
    perfectly, or (`imperfect_seed`) wrong mid-line on a seeded half of its lines."""
    source, name, language = TYPED[workload]
    lines = source.split("\n")[:n_lines]
    wrong = None if imperfect_seed is None else mock_deepseek.Imperfect(source, imperfect_seed)
    mock = await MockProcess(
        latency=latency,
        predict_text=source,
        predict_lines=predict_lines,
        imperfect_seed=imperfect_seed,
    ).start()
    client = await start_server(mock, {}, "typing")  # default debounce: what users get
    uri = f"file:///bench/{name}"
    client.did_open(uri, "", language=language)
    await client.call(INLINE, UNKNOWN)
    mock.new_fim_requests()
    keys = keystrokes(lines)
    row = col = offset = 0
    version = 1
    key_at_offset: dict[int, int] = {0: 0}
    previous: tuple[int, asyncio.Future] | None = None
    pauses: list[dict[str, Any]] = []
    due = time.perf_counter()
    for k, (text, ends_line) in enumerate(keys):
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        due = max(due, time.perf_counter())
        version += 1
        client.did_change(uri, version, row, col, text)
        if text.startswith("\n"):
            row, col = row + 1, len(text) - 1
        else:
            col += len(text)
        offset += len(text)
        key_at_offset[offset] = k + 1
        if previous is not None and not previous[1].done():
            client.cancel(previous[0])  # as editors do when the next key comes
        msg_id, fut, data = client.request_frame(
            INLINE, LspClient.inline_params(uri, row, col, False)
        )
        sent = time.perf_counter_ns()
        client.write(data)
        previous = (msg_id, fut)
        if ends_line and lines[row].strip():
            pauses.append(
                {
                    "fut": fut,
                    "sent": sent,
                    "line": row,
                    "expected": lines[row][col:],
                    "model_right": wrong is None or wrong.right_on(row),
                }
            )
            due += pause
        else:
            due += key_interval
    await asyncio.sleep(1.0)
    fim = mock.new_fim_requests()
    await client.close()
    await mock.stop()
    results = []
    for p in pauses:
        fut = p.pop("fut")
        shown, after = None, None
        if fut.done() and not fut.exception():
            arrived, message = fut.result()
            shown = inline_text(message)
            after = (arrived - p["sent"]) / 1e9
        first = shown.split("\n", 1)[0] if shown else None
        right = first == p["expected"]
        results.append(
            {
                **p,
                "shown": shown,
                "after_s": after,
                "right": right,
                "instant": right and after is not None and after <= instant,
                "by_pause_end": right and after is not None and after <= pause,
            }
        )
    counted = [r for r in results if r["model_right"]]  # pauses the model can get right
    typed = "\n".join(lines)
    on_typed = [typed.startswith(_typed_prompt(r["body"]["prompt"])) for r in fim]
    upstream_keys = _keys_of_requests(fim, key_at_offset)
    accepted = sum(r["by_pause_end"] for r in results)
    tokens = _tokens(fim, source, predict_lines, wrong)
    return {
        "workload": workload,
        "model": "perfect" if wrong is None else "imperfect",
        "imperfect_seed": imperfect_seed,
        "lines": len(lines),
        "keystrokes": len(keys),
        "upstream": len(fim),
        "requests_per_keystroke": len(fim) / len(keys),
        "requests_on_untyped_text": on_typed.count(False),
        "pauses": len(results),
        "pauses_model_right": len(counted),
        "ready_instant": sum(r["instant"] for r in counted) / max(1, len(counted)),
        "ready_by_pause_end": sum(r["by_pause_end"] for r in counted) / max(1, len(counted)),
        "ready_instant_all_pauses": sum(r["instant"] for r in results) / max(1, len(results)),
        "time_to_right_s": summary([r["after_s"] for r in results if r["right"]]),
        "upstream_at_key": upstream_keys,
        "tokens": tokens,
        "accepted": accepted,
        "prompt_tokens_per_accepted": tokens["prompt_tokens"] / max(1, accepted),
        "completion_tokens_per_accepted": tokens["completion_tokens"] / max(1, accepted),
        "request_log": [
            {"key": k, "typed": t, "prompt_end": r["body"]["prompt"][-40:]}
            for k, t, r in zip(upstream_keys, on_typed, fim, strict=True)
        ],
        "pause_details": [{k: v for k, v in r.items() if k != "sent"} for r in results],
        "key_interval_s": key_interval,
        "pause_s": pause,
        "latency_s": latency,
    }


# ---- stable opening -------------------------------------------------------------------------
async def stable_opening(n_lines: int, below: int = 3000, other_files: int = 0) -> dict[str, Any]:
    """Type `n_lines` new lines below `below` existing ones (with code after them too), one
    invoked request per key; how much of each prompt repeats the previous prompt's start.
    `other_files`: open that many other Python files defining the names being typed, so the
    prompt opens with other-file context (contextFiles, on by default)."""
    source = python_source(below + 1000, "s")
    lines = source.split("\n")
    typed = lines[below : below + n_lines]
    opened = "\n".join([*lines[:below], "", *lines[below + n_lines :]])
    mock = await MockProcess(predict_text=source, predict_lines=1).start()
    client = await start_server(mock, {"debounceMs": 0}, "stable")
    uri = "file:///bench/stable.py"
    client.did_open(uri, opened)
    for n in range(other_files):  # the names being typed are defined there too
        part = lines[below - 200 + 100 * n : below + 100 + 100 * n]
        client.did_open(f"file:///bench/lib/helpers_{n}.py", "\n".join(part))
    await client.call(INLINE, UNKNOWN)
    mock.new_fim_requests()
    row, col, version = below, 0, 1
    for text, _ in keystrokes(typed):
        version += 1
        client.did_change(uri, version, row, col, text)
        if text.startswith("\n"):
            row, col = row + 1, len(text) - 1
        else:
            col += len(text)
        await client.call(INLINE, LspClient.inline_params(uri, row, col, True))
    fim = mock.new_fim_requests()
    await client.close()
    await mock.stop()
    prompts = [r["body"]["prompt"] for r in fim]
    shares = [common_prefix_len(a, b) / len(b) for a, b in itertools.pairwise(prompts) if b]
    with_context = sum(
        1
        for p in prompts
        if p.startswith("# lib/helpers_")
        or p.startswith("# bench/lib/helpers_")
        or "helpers_0.py" in p[:200]
    )
    return {
        "prompts": len(prompts),
        "shared_share": summary(shares),
        "prompts_with_other_files": with_context,
        "share_at_least_90": sum(s >= 0.9 for s in shares) / max(1, len(shares)),
        "prompt_chars": summary([len(p) for p in prompts]),
        "tokens": _tokens(fim, source),
        "shares": shares,
    }
