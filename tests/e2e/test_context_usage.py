"""Other-file context, the header, status and progress, usage and cost."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys

from lsprotocol import types

from ds_lsp import usage
from tests.e2e.conftest import capabilities, change, inline, open_doc

HELPERS = """import math

def area(radius: float) -> float:
    return math.pi * radius ** 2


class Shape:
    def __init__(self, name):
        self.name = name
"""


async def test_prompt_opens_with_other_files_then_header(start, mock, tmp_path):
    client = await start(init={"promptHeader": True, "contextFiles": True})
    open_doc(client, (tmp_path / "lib" / "geometry.py").as_uri(), HELPERS)
    open_doc(client, (tmp_path / "notes.md").as_uri(), "def area(): markdown", "markdown")
    uri = (tmp_path / "main.py").as_uri()
    open_doc(client, uri, "from lib.geometry import area\n\nprint(area(\n")
    await inline(client, uri, 2, 11)
    prompt = mock.fim_requests()[0].body["prompt"]
    assert prompt == (
        "# lib/geometry.py\n"
        "import math\n"
        "def area(radius: float) -> float: ...\n\n"
        "# Path: main.py (python)\n"
        "from lib.geometry import area\n\nprint(area("
    )


async def test_opening_stays_stable_while_typing_and_follows_other_edits(start, mock, tmp_path):
    client = await start(init={"promptHeader": True, "contextFiles": True})
    other = (tmp_path / "geometry.py").as_uri()
    open_doc(client, other, HELPERS)
    uri = (tmp_path / "main.py").as_uri()
    open_doc(client, uri, "x = area(1)\n")
    version = 1
    for col, ch in enumerate("y = Shape", start=0):
        version += 1
        change(client, uri, version, 1, col, ch)
        mock.fim_text = f"s{version}()"
        await inline(client, uri, 1, col + 1)
    prompts = [r.body["prompt"] for r in mock.fim_requests()]
    openings = {p[: p.index("# Path:")] for p in prompts}
    assert len(openings) == 1 and "def area" in openings.pop()
    change(client, other, 2, 9, 0, "\ndef perimeter(r):\n    return 2 * r\n")
    await inline(client, uri, 1, 9)
    last = mock.fim_requests()[-1].body["prompt"]
    assert "def perimeter(r):" in last  # the recently edited region of the other file


async def test_status_notifications_and_slow_progress(start, mock, tmp_path):
    mock.script({"delay": 1.6, "text": "slow()"})
    client = await start(caps=capabilities(progress=True))
    uri = (tmp_path / "p.py").as_uri()
    open_doc(client, uri, "x = \n")
    assert (await inline(client, uri, 0, 4))[0].insert_text == "slow()"
    states = [s["state"] for s in client.status]
    assert "fetching" in states and states[-1] == "idle"
    (reports,) = client.progress_reports.values()
    assert [type(r).__name__ for r in reports] == ["WorkDoneProgressBegin", "WorkDoneProgressEnd"]


async def test_usage_counts_tokens_acceptance_and_cost(start, mock, tmp_path):
    state = tmp_path / "state"
    mock.script(
        {
            "text": "one()",
            "usage": {
                "prompt_tokens": 1000,
                "prompt_cache_hit_tokens": 800,
                "prompt_cache_miss_tokens": 200,
                "completion_tokens": 10,
            },
        }
    )
    client = await start(env={"XDG_STATE_HOME": str(state)})
    uri = (tmp_path / "u.py").as_uri()
    open_doc(client, uri, "x = \n")
    asked = datetime.datetime.now(datetime.UTC)
    (item,) = await inline(client, uri, 0, 4)
    answered = datetime.datetime.now(datetime.UTC)
    assert item.command.command == "ds-lsp.acceptedSuggestion"
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=item.command.command, arguments=item.command.arguments)
    )
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ds-lsp.showUsage", arguments=[])
    )
    session = result["session"]
    assert (session["upstream"], session["shown"], session["accepted"]) == (1, 1, 1)
    assert session["prompt_tokens"] == 1000 and session["cacheHitShare"] == 0.8
    # DeepSeek's price in force when the request was made: peak hours cost double
    today = datetime.date.today()
    rates = {usage.Pricing().rates(today, usage.is_peak(t)) for t in (asked, answered)}
    costs = {
        round((800 * r.cache_hit + 200 * r.cache_miss + 10 * r.output) / 1e6, 6) for r in rates
    }
    assert session["costUsd"] in costs
    report = client.messages[-1].message
    assert "this session" in report and "DeepSeek's deepseek-flash prices since" in report
    assert result["report"][-1].startswith("prices per 1M tokens: cache hit $")
    saved = json.loads((state / "ds-lsp" / "usage.json").read_text())
    (day,) = saved.values()
    assert day["accepted"] == 1 and day["completion_tokens"] == 10
    out = subprocess.run(
        [sys.executable, "-m", "ds_lsp", "usage"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XDG_STATE_HOME": str(state)},
    )
    assert out.returncode == 0
    assert "1 to DeepSeek, 1 shown, 1 accepted" in out.stdout and "80% cache hits" in out.stdout
    assert "prices per 1M tokens:" in out.stdout


async def test_latency_health_warns_once(start, mock, tmp_path):
    mock.script(*[{"delay": 1.2, "text": f"v{i}()"} for i in range(12)])
    client = await start(init={"timeoutMs": 600})
    uri = (tmp_path / "h.py").as_uri()
    open_doc(client, uri, "".join(f"x{i} = \n" for i in range(12)))
    for i in range(12):
        await inline(client, uri, i, len(f"x{i} = "))
    warnings = [m for m in client.messages if "timed out" in m.message]
    assert len(warnings) == 1 and "Likely causes" in warnings[0].message


async def test_llama_cpp_gets_other_files_as_input_extra(start, mock, tmp_path):
    client = await start(
        init={
            "backend": "llama-cpp",
            "llamaCppBaseUrl": mock.url,
            "promptHeader": True,
            "contextFiles": True,
        },
        env={"DEEPSEEK_API_KEY": None},
    )
    open_doc(client, (tmp_path / "geometry.py").as_uri(), HELPERS)
    uri = (tmp_path / "main.py").as_uri()
    open_doc(client, uri, "print(area(\n")
    await inline(client, uri, 0, 11)
    (req,) = mock.requests_to("/infill")
    assert req.body["input_prefix"] == "# Path: main.py (python)\nprint(area("
    assert req.body["input_extra"] == [
        {"filename": "geometry.py", "text": "import math\ndef area(radius: float) -> float: ...\n"}
    ]


async def test_every_slow_completion_gets_its_own_progress(start, mock, tmp_path):
    mock.script({"delay": 1.3, "text": "one()"}, {"delay": 1.3, "text": "two()"})
    client = await start(caps=capabilities(progress=True))
    uri = (tmp_path / "q.py").as_uri()
    open_doc(client, uri, "x = \ny = \n")
    assert (await inline(client, uri, 0, 4))[0].insert_text == "one()"
    assert (await inline(client, uri, 1, 4))[0].insert_text == "two()"
    assert len(client.progress_reports) == 2
    for reports in client.progress_reports.values():
        assert [type(r).__name__ for r in reports] == [
            "WorkDoneProgressBegin",
            "WorkDoneProgressEnd",
        ]
