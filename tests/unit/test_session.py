"""The upstream session's one constructor: `UpstreamSession.open` (what the server calls at
`initialized`) with an injected backend."""

from __future__ import annotations

from ds_lsp.config import Settings
from ds_lsp.upstream.backends.wire import FimRequest, FimResult, StopCheck
from ds_lsp.upstream.problems import UI
from ds_lsp.upstream.session import UpstreamSession
from tests.waiting import wait_until

LOCAL = Settings(api_key="sk-x", base_url="http://127.0.0.1:1/beta")


class CountingBackend:
    """Counts model listings and answers every FIM request with `done()`."""

    name = "counting"

    def __init__(self) -> None:
        self.listings = 0

    async def fim(self, req: FimRequest, should_stop: StopCheck | None = None) -> FimResult:
        return FimResult("done()")

    async def list_models(self) -> list[str]:
        self.listings += 1
        return ["deepseek-flash"]


async def test_open_names_the_editor_and_resolves_the_model_before_any_request() -> None:
    fake = CountingBackend()
    session = UpstreamSession.open(LOCAL, UI(), "Neovim", connect=lambda _s, _h: fake)
    await wait_until(lambda: fake.listings == 1)
    assert session.client_name == "Neovim"
    assert await session.model() == "deepseek-flash"
    assert fake.listings == 1


def test_open_outside_an_event_loop_leaves_the_model_to_the_first_request() -> None:
    fake = CountingBackend()
    session = UpstreamSession.open(LOCAL, connect=lambda _s, _h: fake)
    assert fake.listings == 0 and session.client_name is None


async def test_open_without_a_key_asks_nothing() -> None:
    fake = CountingBackend()
    keyless = Settings(api_key=None)
    session = UpstreamSession.open(keyless, connect=lambda _s, _h: fake)
    assert session._model_task is None and fake.listings == 0
