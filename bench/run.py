"""ds-lsp benchmark: one command, a table, latest.json and bench.png.

    python bench/run.py [--quick] [--latency-ms 80] [--out bench/results] [--only NAME ...]

Drives the real server (`python -m ds_lsp`) over stdio with a minimal JSON-RPC client,
against tests/mock_deepseek.py in its own process. Baselines are measured in the same run
(raw httpx with the same body, a bare Python answering initialize, a 20-line file), so
ratios stay honest on a noisy machine. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import big_inputs
import big_workspace
import next_edit
import scenarios
from lsp_client import ROOT

IMPERFECT_SEED = 7

TYPING = {  # typing replays: (workload.TYPED file, the imperfect model's seed or None)
    "typing": ("python", None),
    "typing_imperfect": ("python", IMPERFECT_SEED),
    "typing_ts": ("typescript", None),
    "typing_ts_imperfect": ("typescript", IMPERFECT_SEED),
}
SCENARIOS = (
    "startup",
    "overhead",
    "keystroke",
    "memory",
    "memory_defs",
    "leak",
    *TYPING,
    "stable",
    "stable_ctx",
    "minified",
    "long_line",
    "open_docs",
    *next_edit.SCENARIOS,
)
SIZES = {  # quick, full
    "startup_runs": (5, 10),
    "overhead_pairs": (60, 300),
    "keystroke_rounds": (10, 30),
    "leak_requests": (1000, 3000),
    "typing_lines": (12, 30),
    "stable_lines": (20, 40),
    "minified_rounds": (5, 15),
    "next_edit_pairs": (40, 150),
    "next_edit_bursts": (8, 20),
}


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    size = {k: v[0 if args.quick else 1] for k, v in SIZES.items()}
    latency = args.latency_ms / 1000
    todo = args.only or SCENARIOS
    runs = {
        "startup": lambda: scenarios.startup(size["startup_runs"]),
        "overhead": lambda: scenarios.overhead(size["overhead_pairs"], latency),
        "keystroke": lambda: scenarios.keystroke_cost(size["keystroke_rounds"]),
        "memory": lambda: scenarios.memory(100, 5000),
        "memory_defs": lambda: scenarios.memory_defs(100, 5000, 10),
        "leak": lambda: scenarios.leak(size["leak_requests"]),
        **{
            name: (
                lambda w=w, seed=seed: scenarios.typing_replay(
                    size["typing_lines"],
                    latency,
                    predict_lines=args.predict_lines,
                    workload=w,
                    imperfect_seed=seed,
                )
            )
            for name, (w, seed) in TYPING.items()
        },
        "stable": lambda: scenarios.stable_opening(size["stable_lines"]),
        "stable_ctx": lambda: scenarios.stable_opening(size["stable_lines"], other_files=3),
        "minified": lambda: big_inputs.minified(size["minified_rounds"]),
        "long_line": lambda: big_workspace.long_line(10_000, 10 if args.quick else 20),
        "open_docs": big_workspace.both_sizes,
        "next_edit_overhead": lambda: next_edit.overhead(size["next_edit_pairs"], latency),
        "next_edit_pauses": lambda: next_edit.pauses(size["next_edit_bursts"], latency),
        "next_edit_fim": lambda: next_edit.fim_cache(size["stable_lines"]),
    }
    out: dict[str, Any] = {}
    for name in SCENARIOS:
        if name not in todo:
            continue
        t0 = time.perf_counter()
        print(f"  {name} ...", end="", flush=True, file=sys.stderr)
        out[name] = await runs[name]()
        out[name]["seconds"] = time.perf_counter() - t0
        print(f" {out[name]['seconds']:.1f}s", file=sys.stderr)
    return out


# ---- the table ------------------------------------------------------------------------------
def rows(r: dict[str, Any]) -> list[dict[str, Any]]:
    """(figure, median, p95, baseline, ratio, target, pass) for every measured figure."""
    out: list[dict[str, Any]] = []

    def add(
        figure: str,
        median: float,
        p95: float | None,
        baseline: float | None,
        ratio: float | None,
        target: str,
        ok: bool | None,
        unit: str = "",
    ) -> None:
        out.append(
            {
                "figure": figure,
                "median": median,
                "p95": p95,
                "baseline": baseline,
                "ratio": ratio,
                "target": target,
                "pass": ok,
                "unit": unit,
            }
        )

    if "overhead" in r:
        o = r["overhead"]
        ov, ratio = o["overhead_ms"], o["ratio_median"]
        add(
            "overhead (ds-lsp minus raw httpx)",
            ov["median"],
            ov["p95"],
            o["raw_ms"]["median"],
            ratio,
            "≤ 2 ms p50; ratio ≤ 1.03",
            ov["median"] <= 2 and ratio <= 1.03,
            "ms",
        )
        add(
            "  completion latency ds-lsp",
            o["ds_ms"]["median"],
            o["ds_ms"]["p95"],
            o["raw_ms"]["p95"],
            o["ratio_p95"],
            "(p95 ratio vs raw p95)",
            None,
            "ms",
        )
        cpu = o["server_cpu_ms"]
        add(
            "  server CPU per request: miss",
            cpu["miss"],
            None,
            cpu["floor"],
            cpu["miss"] / max(cpu["floor"], 1e-9),
            "(CPU time; baseline: unknown doc)",
            None,
            "ms",
        )
        add(
            "  server CPU per request: hit",
            cpu["hit"],
            None,
            cpu["floor"],
            cpu["hit"] / max(cpu["floor"], 1e-9),
            "(CPU time; baseline: unknown doc)",
            None,
            "ms",
        )
        hit, floor = o["cache_hit_ms"], o["rpc_floor_ms"]
        add(
            "cache hit (repeated request)",
            hit["median"],
            hit["p95"],
            floor["median"],
            hit["median"] / floor["median"],
            "≤ 1.5 ms p50",
            hit["median"] <= 1.5,
            "ms",
        )
        add(
            "  rpc floor (unknown document)",
            floor["median"],
            floor["p95"],
            None,
            None,
            f"client's own cost {o['client_cost_us']:.0f} µs",
            None,
            "ms",
        )
    for name in TYPING:
        if name not in r:
            continue
        t = r[name]
        label = f"{t['workload']}, {t['model']} model"
        rpk = t["requests_per_keystroke"]
        add(
            f"requests per keystroke ({label})",
            rpk,
            None,
            t["requests_on_untyped_text"],
            None,
            "≤ 0.05 (baseline col: asked on untyped text)",
            rpk <= 0.05,
        )
        ready = t["ready_instant"]
        add(
            f"ready at pause ≤ 50 ms ({label})",
            ready,
            None,
            t["ready_by_pause_end"],
            None,
            f"≥ 0.95 of {t['pauses_model_right']} pauses the model gets right "
            "(baseline col: by pause end)",
            ready >= 0.95,
        )
        tt = t["time_to_right_s"]
        add(
            "  time to right suggestion",
            tt["median"] * 1000,
            tt["p95"] * 1000,
            None,
            None,
            "after Enter",
            None,
            "ms",
        )
    if "stable" in r:
        s = r["stable"]
        sh = s["shared_share"]
        add(
            "stable opening (share; p95 col = p05)",
            sh["median"],
            sh["p05"],
            s["share_at_least_90"],
            None,
            "≥ 0.90 (baseline col: share ≥ 90%)",
            sh["median"] >= 0.90,
        )
    if "stable_ctx" in r:
        s = r["stable_ctx"]
        sh = s["shared_share"]
        add(
            f"  … with other-file context ({s['prompts_with_other_files']}/{s['prompts']})",
            sh["median"],
            sh["p05"],
            s["share_at_least_90"],
            None,
            "≥ 0.90 (3 other files open)",
            sh["median"] >= 0.90,
        )
    if "keystroke" in r:
        k = r["keystroke"]
        big, small = k["stdio_us"]["20000"], k["stdio_us"]["20"]
        add(
            "keystroke cost, stdio (20k lines)",
            big["median"],
            big["p95"],
            small["median"],
            k["ratio"],
            "≤ 300 µs; ratio ≤ 1.5",
            big["median"] <= 300 and k["ratio"] <= 1.5,
            "µs",
        )
        add(
            "  keystroke CPU, server (20k)",
            k["cpu_us"]["20000"],
            None,
            k["cpu_us"]["20"],
            k["cpu_us"]["20000"] / max(k["cpu_us"]["20"], 1e-9),
            "(CPU time, load-robust)",
            None,
            "µs",
        )
        ip = k["in_process"]
        add(
            "  apply_change in-process (20k)",
            ip["20000"]["apply_change_us"],
            None,
            ip["20"]["apply_change_us"],
            ip["20000"]["apply_change_us"] / ip["20"]["apply_change_us"],
            "(info)",
            None,
            "µs",
        )
        add(
            "  didChange path in-process (20k)",
            ip["20000"]["did_change_path_us"],
            None,
            ip["20"]["did_change_path_us"],
            ip["20000"]["did_change_path_us"] / ip["20"]["did_change_path_us"],
            "(info)",
            None,
            "µs",
        )
    if "minified" in r:
        m = r["minified"]
        key, done = m["keystroke_cpu_ms"], m["completion_cpu_ms"]
        add(
            "5 MB minified line: keystroke, server CPU",
            key["median"],
            key["p95"],
            None,
            None,
            "≤ 5 ms",
            key["median"] <= 5,
            "ms",
        )
        add(
            "  … completion, server CPU",
            done["median"],
            done["p95"],
            m["completion_wall_ms"]["median"],
            None,
            "≤ 50 ms (baseline col: wall ms)",
            done["median"] <= 50,
            "ms",
        )
    if "memory" in r:
        m = r["memory"]
        add(
            "memory, 100 files of 5000 lines",
            m["rss_after_mb"],
            None,
            m["rss_before_mb"],
            None,
            "≤ 80 MB (baseline: RSS before opening)",
            m["rss_after_mb"] <= 80,
            "MB",
        )
    if "memory_defs" in r:
        m = r["memory_defs"]
        add(
            f"memory, 100 files of 2500 defs, {m['completions']} completions",
            m["rss_after_mb"],
            None,
            m["rss_before_mb"],
            None,
            "≤ 80 MB (baseline: RSS before opening)",
            m["rss_after_mb"] <= 80,
            "MB",
        )
        c = m["completion_ms"]
        add(
            "  completion with other-file context there",
            c["median"],
            c["p95"],
            m["rss_opened_mb"],
            None,
            "(info; baseline col: RSS once opened, MB)",
            None,
            "ms",
        )
    for figure in big_workspace.rows(r.get("long_line"), r.get("open_docs")):
        add(*figure)
    if "startup" in r:
        s = r["startup"]
        add(
            "startup (spawn → initialize)",
            s["ds"]["median"] * 1000,
            s["ds"]["p95"] * 1000,
            s["bare_python"]["median"] * 1000,
            s["ds"]["median"] / s["bare_python"]["median"],
            "≤ 400 ms (baseline: bare python)",
            s["ds"]["median"] <= 0.4,
            "ms",
        )
        add(
            "  startup CPU (user+sys)",
            s["ds_cpu"]["median"] * 1000,
            s["ds_cpu"]["p95"] * 1000,
            None,
            None,
            "(CPU time, load-robust)",
            None,
            "ms",
        )
        f = s["first_completion"]
        add(
            "spawn → first completion served",
            f["median"] * 1000,
            f["p95"] * 1000,
            None,
            None,
            "≤ 500 ms",
            f["median"] <= 0.5,
            "ms",
        )
    if "leak" in r:
        lk = r["leak"]
        add(
            f"leak ({lk['requests']} requests, ⅓ cancelled)",
            lk["growth_mb"],
            None,
            lk["rss_before_mb"],
            None,
            "≤ 10 MB (baseline: RSS after warm-up)",
            lk["growth_mb"] <= 10,
            "MB",
        )
    if "typing" in r:
        t = r["typing"]
        add(
            "tokens: prompt per accepted",
            t["prompt_tokens_per_accepted"],
            None,
            None,
            None,
            "report",
            None,
        )
        add(
            "tokens: completion per accepted",
            t["completion_tokens_per_accepted"],
            None,
            None,
            None,
            "report",
            None,
        )
        add(
            "tokens: prefix-cache hit share (typing)",
            t["tokens"]["cache_hit_share"],
            None,
            None,
            None,
            "report",
            None,
        )
    if "stable" in r:
        add(
            "tokens: prefix-cache hit share (3k file)",
            r["stable"]["tokens"]["cache_hit_share"],
            None,
            None,
            None,
            "report",
            None,
        )
    next_edit.rows(r, add)
    return out


def fmt(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}" if abs(value) < 1 else f"{value:.2f}"


def render(table: list[dict[str, Any]]) -> str:
    head = ["figure", "unit", "median", "p95", "baseline", "ratio", "target", "result"]
    body = [
        [
            r["figure"],
            r["unit"],
            fmt(r["median"]),
            fmt(r["p95"]),
            fmt(r["baseline"]),
            fmt(r["ratio"]),
            r["target"],
            "—" if r["pass"] is None else ("pass" if r["pass"] else "MISS"),
        ]
        for r in table
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=False)]

    def line(cells: list) -> str:
        return (
            "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)) + " |"
        )

    return "\n".join(
        [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, body)]
    )


# ---- the picture ----------------------------------------------------------------------------
def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(16, 4.6))
    if "overhead" in results:
        s = results["overhead"]["samples"]
        ax = axes[0]
        top = max(quant(s["ds_ms"], 0.99), quant(s["raw_ms"], 0.99)) * 1.05
        low = min(min(s["raw_ms"]), min(s["ds_ms"])) * 0.97
        bins = [low + (top - low) * i / 60 for i in range(61)]
        ax.hist(s["raw_ms"], bins=bins, alpha=0.6, label="raw httpx, same body")
        ax.hist(s["ds_ms"], bins=bins, alpha=0.6, label="ds-lsp over stdio")
        ax.set_xlabel("completion latency (ms), cache misses")
        ax.set_ylabel("requests")
        ax.set_title("Latency: ds-lsp vs raw HTTP call")
        ax.legend()
    replays = [results[name] for name in TYPING if name in results]
    if replays:
        ax = axes[1]
        for t in replays:
            at = [k for k in t["upstream_at_key"] if k >= 0]
            xs = list(range(t["keystrokes"] + 1))
            ys = [sum(1 for k in at if k <= x) for x in xs]
            ax.step(
                xs,
                ys,
                where="post",
                label=f"{t['workload']}, {t['model']} ({t['requests_per_keystroke']:.3f}/key)",
            )
        xs = list(range(max(t["keystrokes"] for t in replays) + 1))
        ax.plot(xs, [0.05 * x for x in xs], "--", label="target 0.05/key")
        ax.plot(xs, [0.079 * x for x in xs], ":", label="tabby-agent 0.079/key")
        ax.set_xlabel("keystrokes typed")
        ax.set_ylabel("upstream FIM requests (cumulative)")
        ax.set_title("Requests per keystroke, typing replay")
        ax.legend()
    if "leak" in results:
        lk = results["leak"]
        ax = axes[2]
        xs, ys = zip(*lk["trace"], strict=False)
        ax.plot(xs, ys, marker="o")
        ax.set_xlabel("completion requests after warm-up (⅓ cancelled)")
        ax.set_ylabel("server RSS (MB)")
        ax.set_title("Memory over requests")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def quant(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(q * len(s)))]


def environment() -> dict[str, Any]:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "ds_lsp"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout.strip()
        )
    except OSError:
        head, dirty = "?", None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg": os.getloadavg(),
        "git_head": head,
        "ds_lsp_dirty": dirty,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller samples (< 2 minutes)")
    parser.add_argument(
        "--latency-ms", type=float, default=80.0, help="the mock's upstream latency (default 80)"
    )
    parser.add_argument(
        "--predict-lines",
        type=int,
        default=1,
        help="lines the typing replay's model adds after the current one",
    )
    parser.add_argument(
        "--out",
        default=str(ROOT / "bench" / "results"),
        help="directory for latest.json and bench.png",
    )
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, help="run only these")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="run each server under cProfile, writing DIR/<scenario>.prof",
    )
    args = parser.parse_args(argv)
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        os.environ["DS_BENCH_PROFILE"] = str(Path(args.profile).resolve())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    env = environment()
    print(
        f"ds-lsp bench ({'quick' if args.quick else 'full'}, upstream "
        f"{args.latency_ms:.0f} ms, {env['cpus']} cpus, load {env['loadavg'][0]:.2f})",
        file=sys.stderr,
    )
    results = asyncio.run(measure(args))
    table = rows(results)
    print(render(table))
    report = {
        "environment": env,
        "mode": "quick" if args.quick else "full",
        "latency_ms": args.latency_ms,
        "predict_lines": args.predict_lines,
        "table": table,
        "results": results,
        "seconds": time.perf_counter() - started,
    }
    (out / "latest.json").write_text(json.dumps(report, indent=1, default=str))
    plot(results, out / "bench.png")
    missed = [r["figure"] for r in table if r["pass"] is False]
    print(
        f"\n{len(missed)} target(s) missed; {time.perf_counter() - started:.0f} s; "
        f"wrote {out / 'latest.json'} and {out / 'bench.png'}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
