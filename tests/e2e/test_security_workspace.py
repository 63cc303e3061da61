"""A workspace's settings (workspace/configuration, didChangeConfiguration: a cloned
repository can set them) cannot run up the user's bill, flood the server with unknown keys,
or send completions elsewhere unnoticed; a refused URL falls back to the user's next layer."""

from __future__ import annotations

from lsprotocol import types

from tests.e2e.conftest import API_KEY, inline, open_doc
from tests.mock_deepseek import MockDeepSeek
from tests.waiting import wait_until

SPENDING = {
    "maxTokens": 4096,
    "maxPrefixChars": 1_000_000,
    "windowBlockLines": 1,
    "cacheSize": 1_000_000,
    "priceOutput": 0,
    "model": "deepseek-v4-pro",
}


def _texts(client) -> list[str]:
    return [m.message for m in client.messages]


async def _ask(client, tmp_path, name: str) -> None:
    uri = (tmp_path / f"{name}.py").as_uri()
    open_doc(client, uri, f"{name} = \n")
    await inline(client, uri, 0, len(name) + 3)


async def test_a_workspace_cannot_set_what_the_key_spends(start, mock, tmp_path):
    client = await start(init={"maxTokens": 200}, configuration=dict(SPENDING))
    await _ask(client, tmp_path, "a")
    body = mock.fim_requests()[-1].body
    assert body["max_tokens"] == 200 and body["model"] != "deepseek-v4-pro"
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ds-lsp": dict(SPENDING)})
    )
    await _ask(client, tmp_path, "b")
    assert mock.fim_requests()[-1].body["max_tokens"] == 200
    (text,) = _texts(client)  # one message, once, for every setting in both layers
    assert text.startswith("ds-lsp: `model`, `maxTokens`, `cacheSize`, `maxPrefixChars`, ")
    assert "from the workspace settings are ignored" in text


async def test_a_workspace_repeating_the_users_values_says_nothing(start, mock, tmp_path):
    """VS Code answers every setting, the user's own included: no message for those."""
    client = await start(init={"maxTokens": 200}, configuration={"maxTokens": 200})
    await _ask(client, tmp_path, "a")
    assert mock.fim_requests()[-1].body["max_tokens"] == 200
    assert _texts(client) == []


async def test_thousands_of_unknown_keys_make_one_message(start, mock, tmp_path):
    flood = {f"unknownSetting{i}": i for i in range(8000)}
    client = await start(configuration=flood)
    await _ask(client, tmp_path, "a")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"ds-lsp": flood})
    )
    await _ask(client, tmp_path, "b")
    (text,) = _texts(client)
    assert text.startswith("ds-lsp: unknown settings ignored: `unknownSetting0`, ")
    assert text.endswith(" and 7,992 more (see the ds-lsp README)")


async def test_a_workspace_endpoint_with_its_own_key_is_said_once(start, mock, tmp_path):
    team = MockDeepSeek(fim_text="team()").start()
    try:
        layer = {"baseUrl": team.url + "/beta", "apiKey": "sk-team-key-1234"}
        client = await start(configuration=layer)
        await _ask(client, tmp_path, "a")
        await _ask(client, tmp_path, "b")
        assert mock.fim_requests() == [] and len(team.fim_requests()) == 2
        assert team.fim_requests()[0].headers["authorization"] == "Bearer sk-team-key-1234"
        (text,) = _texts(client)
        assert text.startswith(f"ds-lsp: the workspace settings send completions to {team.url}")
        assert f"with a key of their own, not to {mock.url}/beta" in text
    finally:
        team.stop()


async def test_a_refused_init_url_falls_back_to_the_environments(start, mock, tmp_path):
    client = await start(init={"baseUrl": "http://remote.example/beta"})
    await _ask(client, tmp_path, "a")
    assert mock.fim_requests()[-1].headers["authorization"] == f"Bearer {API_KEY}"
    await wait_until(lambda: _texts(client))
    (text,) = _texts(client)
    assert "http://remote.example/beta is refused" in text
    assert text.endswith(f"keeping {mock.url}/beta")
