"""Two servers (two editor windows) record usage into one file and lose no update."""

from __future__ import annotations

import asyncio
import json
import stat

from lsprotocol import types

from tests.e2e.conftest import inline, open_doc


async def test_two_server_processes_writing_usage_lose_no_update(start, mock, tmp_path):
    state = tmp_path / "state"
    env = {"XDG_STATE_HOME": str(state)}
    clients = [await start(env=env), await start(env=env)]
    show = types.ExecuteCommandParams(command="ds-lsp.showUsage", arguments=[])
    rounds = 8
    for r in range(rounds):
        for i, client in enumerate(clients):
            open_doc(client, (tmp_path / f"w{i}r{r}.py").as_uri(), f"v{i}_{r} = \n")
        await asyncio.gather(
            *(
                inline(client, (tmp_path / f"w{i}r{r}.py").as_uri(), 0, len(f"v{i}_{r} = "))
                for i, client in enumerate(clients)
            )
        )
        # both flush at the same moment: showUsage saves before it reports
        await asyncio.gather(*(c.workspace_execute_command_async(show) for c in clients))
    path = state / "ds-lsp" / "usage.json"
    (day,) = json.loads(path.read_text()).values()
    assert (day["requests"], day["upstream"]) == (2 * rounds, 2 * rounds)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
