"""The pieces every scenario shares: the mock DeepSeek process, the server, statistics.

The mock runs in its own process (bench/mock_server.py, i.e. tests/mock_deepseek.py), not
in a thread of the bench, so the raw-httpx baseline and the bench's client never share a
GIL with it; the requests it received are read back from its JSON-lines log.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from lsp_client import ROOT, LspClient

API_KEY = "sk-bench-0000"


@dataclass
class MockProcess:
    """tests/mock_deepseek.py as a child process."""

    latency: float = 0.0
    predict_text: str | None = None
    predict_lines: int = 1
    imperfect_seed: int | None = None  # the imperfect model: wrong on a seeded half of lines
    fim_text: str = "fim_text()"
    next_edit_rules: list[tuple[str, str]] = field(default_factory=list)  # OLD -> NEW
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="dsbench-")))

    async def start(self) -> MockProcess:
        self.log = self.workdir / "requests.jsonl"
        self.log.write_text("")
        port_file = self.workdir / "port"
        cmd = [
            sys.executable,
            str(ROOT / "bench" / "mock_server.py"),
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--log-file",
            str(self.log),
            "--latency",
            str(self.latency),
            "--fim-text",
            self.fim_text,
            *(
                arg
                for old, new in self.next_edit_rules
                for arg in ("--next-edit-rule", f"{old}=>{new}")
            ),
        ]
        if self.predict_text is not None:
            source = self.workdir / "predict.txt"
            source.write_text(self.predict_text, encoding="utf-8")
            cmd += ["--predict-file", str(source), "--predict-lines", str(self.predict_lines)]
            if self.imperfect_seed is not None:
                cmd += ["--imperfect-seed", str(self.imperfect_seed)]
        self.proc = await asyncio.create_subprocess_exec(
            *cmd,
            cwd=str(ROOT),
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while not port_file.exists():
            if time.monotonic() > deadline or self.proc.returncode is not None:
                raise RuntimeError("mock DeepSeek did not start")
            await asyncio.sleep(0.02)
        self.port = int(port_file.read_text())
        self._offset = 0
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def requests(self) -> list[dict[str, Any]]:
        with open(self.log, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def fim_requests(self) -> list[dict[str, Any]]:
        return [
            r
            for r in self.requests()
            if r["method"] == "POST"
            and r["path"].endswith("/completions")
            and "chat" not in r["path"]
        ]

    def new_fim_requests(self) -> list[dict[str, Any]]:
        """FIM requests logged since the last call (reads only the new part of the log)."""
        with open(self.log, encoding="utf-8") as fh:
            fh.seek(self._offset)
            data = fh.read()
        done = data.rfind("\n") + 1
        self._offset += len(data[:done].encode())
        out = [json.loads(line) for line in data[:done].splitlines() if line.strip()]
        return [
            r
            for r in out
            if r["method"] == "POST"
            and r["path"].endswith("/completions")
            and "chat" not in r["path"]
        ]

    def clear(self) -> None:
        self.log.write_text("")
        self._offset = 0

    async def stop(self) -> None:
        """Stop the mock and remove its directory (logs kept when DS_BENCH_KEEP is set)."""
        if self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()
        if not os.environ.get("DS_BENCH_KEEP"):
            shutil.rmtree(self.workdir, ignore_errors=True)


def server_env(mock: MockProcess) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEEPSEEK_")}
    env.update(
        {
            "DEEPSEEK_API_KEY": API_KEY,
            "DEEPSEEK_BASE_URL": mock.url + "/beta",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


async def start_server(
    mock: MockProcess, options: dict[str, Any] | None = None, name: str = "server"
) -> LspClient:
    """A fresh ds-lsp, initialized, its model resolved, its connection warm."""
    command = (
        os.environ["DS_BENCH_SERVER_CMD"].split() if os.environ.get("DS_BENCH_SERVER_CMD") else None
    )  # experiments: a patched server, same bench
    if os.environ.get("DS_BENCH_PROFILE"):  # --profile DIR: the server under cProfile
        out = Path(os.environ["DS_BENCH_PROFILE"]) / f"{name}.prof"
        command = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "ds_lsp"]
    client = await LspClient.spawn(
        server_env(mock), stderr_path=mock.workdir / f"{name}.log", command=command
    )
    await client.initialize(options, root=str(mock.workdir))
    # an unknown-document request answers once configuration was pulled
    await client.call(
        "textDocument/inlineCompletion", LspClient.inline_params("file:///nowhere.py", 0, 0, True)
    )
    return client


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def cpu_s(pid: int) -> float:
    """CPU seconds a process has run: the scheduler's nanosecond count summed over its
    threads (/proc/PID/task/*/schedstat), else psutil's user + system (10 ms ticks)."""
    try:
        total = 0
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat") as fh:
                total += int(fh.read().split()[0])
        return total / 1e9
    except (OSError, ValueError, IndexError):
        t = psutil.Process(pid).cpu_times()
        return t.user + t.system


# ---- statistics ---------------------------------------------------------------------------
def quantile(values: list[float], q: float) -> float:
    """Linear-interpolated quantile (q in 0..1); nan for no values."""
    if not values:
        return math.nan
    s = sorted(values)
    pos = (len(s) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {
            "n": 0,
            "median": math.nan,
            "p95": math.nan,
            "p05": math.nan,
            "mean": math.nan,
            "min": math.nan,
            "max": math.nan,
        }
    return {
        "n": len(values),
        "median": quantile(values, 0.5),
        "p95": quantile(values, 0.95),
        "p05": quantile(values, 0.05),
        "mean": sum(values) / len(values),
        "min": min(values),
        "max": max(values),
    }


def common_prefix_len(a: str, b: str) -> int:
    """Length of the longest common prefix, by halving (C-speed slice compares)."""
    lo, hi = 0, min(len(a), len(b))
    if a[:hi] == b[:hi]:
        return hi
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo
