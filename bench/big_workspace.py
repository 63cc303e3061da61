"""Big inputs for the workspace context (issue 21): a 10,000-character cursor line and 1,500
open documents (the 5 MB minified file is `big_inputs.py`).

Each scenario runs the real server (over stdio, against the mock) and reports the
server's own CPU time (schedstat, so a loaded machine barely moves it):

- `long_line`: a Python file importing a project module, its cursor line 10,000 characters
  long (a long word, then calls); per round one character typed at the line's end, then an
  invoked completion there. CPU per completion and per keystroke.
- `open_documents(n)`: `n` open Python files of a package (each importing two neighbours,
  defining five functions), a completion at a call in every one of them (so each has its
  context block), then 100 keystrokes in one. RSS after opening and after the completions,
  CPU per completion and per keystroke. Run for 500 and 1,500: memory must grow linearly.

    python bench/big_workspace.py [long_line] [open_docs]    # both by default; a table
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import MockProcess, cpu_s, rss_mb, start_server, summary
from lsp_client import LspClient

INLINE = "textDocument/inlineCompletion"
UNKNOWN = LspClient.inline_params("file:///bench/not-open.py", 0, 0, True)
OPTIONS = {"debounceMs": 0, "prefetch": False, "contextFiles": True}


async def _completion_cpu_ms(client: LspClient, uri: str, line: int, col: int) -> float:
    c0 = cpu_s(client.pid)
    await client.call(INLINE, LspClient.inline_params(uri, line, col, True))
    return (cpu_s(client.pid) - c0) * 1000


async def _keystroke_cpu_ms(client: LspClient, frames: list[dict[str, Any]]) -> float:
    """CPU per didChange: the batch and one cheap request, minus that request alone."""
    c0 = cpu_s(client.pid)
    await client.call(INLINE, UNKNOWN)
    floor = cpu_s(client.pid) - c0
    c0 = cpu_s(client.pid)
    for params in frames:
        client.notify("textDocument/didChange", params)
    await client.call(INLINE, UNKNOWN)
    return max(0.0, cpu_s(client.pid) - c0 - floor) / len(frames) * 1000


async def long_line(chars: int = 10_000, rounds: int = 20) -> dict[str, Any]:
    mock = await MockProcess().start()
    root = mock.workdir
    (root / "pyproject.toml").write_text("")
    (root / "lib.py").write_text("def helper(records, factor=2):\n    return records\n")
    client = await start_server(mock, OPTIONS, "long_line")
    uri = (root / "main.py").as_uri()
    word = "Q" * (chars // 2)
    calls = " + ".join(f"helper(v{i}).x" for i in range((chars - len(word)) // 16))
    line = ("x = " + word + " + " + calls)[:chars]
    client.did_open(uri, f"from lib import helper\n\n{line}")
    version, col = 1, len(line)
    completion, keystroke = [], []
    for _ in range(rounds):
        frames = []
        for ch in "+ helper(":
            version += 1
            frames.append(LspClient.change_params(uri, version, 2, col, ch))
            col += 1
        keystroke.append(await _keystroke_cpu_ms(client, frames))
        completion.append(await _completion_cpu_ms(client, uri, 2, col))
    prompts = mock.fim_requests()
    await client.close()
    await mock.stop()
    return {
        "chars": chars,
        "completion_cpu_ms": summary(completion),
        "keystroke_cpu_ms": summary(keystroke),
        "fim_requests": len(prompts),
    }


def _module(i: int, n: int) -> str:
    a, b = (i + 1) % n, (i + 7) % n
    lines = [f"from pkg.m{a} import f{a}_0", f"from pkg.m{b} import f{b}_1", "", ""]
    for k in range(5):
        lines += [
            f"def f{i}_{k}(records: list[int], factor: int = {k + 2}) -> int:",
            f'    """Step {k} of module {i}."""',
            f"    total = f{a}_0(records) + f{b}_1(records)",
            "    return total * factor",
            "",
            "",
        ]
    lines += ["def run(items):", f"    return f{a}_0("]
    return "\n".join(lines)


async def open_documents(n: int, keystrokes: int = 100) -> dict[str, Any]:
    mock = await MockProcess().start()
    root = mock.workdir
    (root / "pyproject.toml").write_text("")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    client = await start_server(mock, OPTIONS, f"open_{n}")
    await client.call(INLINE, UNKNOWN)
    before = rss_mb(client.pid)
    texts = []
    for i in range(n):
        text = _module(i, n)
        texts.append(text)
        client.did_open((root / "pkg" / f"m{i}.py").as_uri(), text)
        await client.proc.stdin.drain()
    await client.call(INLINE, UNKNOWN)
    opened = rss_mb(client.pid)
    completion = []
    for i in range(n):
        last = texts[i].split("\n")
        uri = (root / "pkg" / f"m{i}.py").as_uri()
        completion.append(await _completion_cpu_ms(client, uri, len(last) - 1, len(last[-1])))
    completed = rss_mb(client.pid)
    uri = (root / "pkg" / "m0.py").as_uri()
    row = len(texts[0].split("\n")) - 1
    col = len(texts[0].split("\n")[-1])
    frames = [LspClient.change_params(uri, 2 + k, row, col + k, "x") for k in range(keystrokes)]
    keystroke = await _keystroke_cpu_ms(client, frames)
    await client.close()
    await mock.stop()
    return {
        "open": n,
        "rss_before_mb": before,
        "rss_opened_mb": opened,
        "rss_completed_mb": completed,
        "growth_mb": completed - before,
        "completion_cpu_ms": summary(completion),
        "keystroke_cpu_ms": keystroke,
    }


async def both_sizes() -> dict[str, Any]:
    """500 and 1,500 open documents (keys are strings: the results go to JSON)."""
    return {str(n): await open_documents(n) for n in (500, 1500)}


def rows(line: dict[str, Any] | None, docs: dict[str, Any] | None) -> list[tuple[Any, ...]]:
    """bench/run.py's table rows: (figure, median, p95, baseline, ratio, target, pass, unit)."""
    out: list[tuple[Any, ...]] = []
    if line:
        c, k = line["completion_cpu_ms"], line["keystroke_cpu_ms"]
        out.append(
            (
                "10,000-character line: server CPU per completion",
                c["median"],
                c["p95"],
                None,
                None,
                "≤ 50 ms",
                c["median"] <= 50,
                "ms",
            )
        )
        out.append(
            (
                "  … per keystroke",
                k["median"],
                k["p95"],
                None,
                None,
                "≤ 5 ms",
                k["median"] <= 5,
                "ms",
            )
        )
    if docs:
        for n, d in sorted(docs.items(), key=lambda item: int(item[0])):
            c = d["completion_cpu_ms"]
            out.append(
                (
                    f"{int(n):,} open documents: server CPU per completion",
                    c["median"],
                    c["p95"],
                    None,
                    None,
                    "≤ 50 ms",
                    c["median"] <= 50,
                    "ms",
                )
            )
            out.append(
                (
                    "  … per keystroke",
                    d["keystroke_cpu_ms"],
                    None,
                    None,
                    None,
                    "≤ 5 ms",
                    d["keystroke_cpu_ms"] <= 5,
                    "ms",
                )
            )
        small, large = docs.get("500"), docs.get("1500")
        if small and large:
            ratio = large["rss_completed_mb"] / small["rss_completed_mb"]
            out.append(
                (
                    "RSS, 1,500 open documents (a completion in each)",
                    large["rss_completed_mb"],
                    None,
                    small["rss_completed_mb"],
                    ratio,
                    "≤ 2.5 x 500 open (baseline col)",
                    ratio <= 2.5,
                    "MB",
                )
            )
    return out


def table(line: dict[str, Any] | None, docs: dict[int, dict[str, Any]]) -> str:
    rows = ["| figure | median | p95 | target |", "|---|---|---|---|"]
    if line:
        for kind in ("completion", "keystroke"):
            s = line[f"{kind}_cpu_ms"]
            target = "≤ 50 ms" if kind == "completion" else "≤ 5 ms"
            rows.append(
                f"| {line['chars']:,}-character line: server CPU per {kind} | "
                f"{s['median']:.2f} ms | {s['p95']:.2f} ms | {target} |"
            )
    for n, d in docs.items():
        s = d["completion_cpu_ms"]
        rows.append(
            f"| {n:,} open: server CPU per completion | {s['median']:.2f} ms | "
            f"{s['p95']:.2f} ms | ≤ 50 ms |"
        )
        rows.append(
            f"| {n:,} open: server CPU per keystroke | {d['keystroke_cpu_ms']:.3f} ms | | ≤ 5 ms |"
        )
        rows.append(
            f"| {n:,} open: RSS after a completion in each | {d['rss_completed_mb']:.1f} MB "
            f"(+{d['growth_mb']:.1f} MB) | | linear |"
        )
    if len(docs) == 2:
        small, large = (docs[n] for n in sorted(docs))
        rows.append(
            f"| RSS ratio {max(docs):,} / {min(docs):,} open | "
            f"{large['rss_completed_mb'] / small['rss_completed_mb']:.2f} | | ≤ 2.5 |"
        )
    return "\n".join(rows)


async def main(which: list[str]) -> int:
    line = await long_line() if "long_line" in which else None
    docs = {n: await open_documents(n) for n in (500, 1500)} if "open_docs" in which else {}
    print(json.dumps({"long_line": line, "open_docs": docs}, indent=1))
    print(table(line, docs))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(sys.argv[1:] or ["long_line", "open_docs"])))
