"""The engine in-process with a fake backend: debounce, latest wins, exclusion, early stop."""

from __future__ import annotations

import asyncio

import pytest

from ds_lsp.backends.deepseek import FimResult
from ds_lsp.config import Settings
from ds_lsp.context import Window
from ds_lsp.documents import DocumentStore
from ds_lsp.engine import Engine, _early_stop, is_excluded
from ds_lsp.postprocess import Mode


class FakeClient:
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def fim(self, req, should_stop=None):
        self.calls.append(req.prompt)
        return FimResult("done()")

    async def list_models(self):
        return ["deepseek-flash"]


def _engine(**settings) -> tuple[Engine, FakeClient]:
    docs = DocumentStore()
    docs.open("file:///a.py", "python", 1, "x = \n")
    settings = {"prefetch": False, **settings}  # speculative asks have their own tests
    engine = Engine(Settings(api_key="sk-x", base_url="http://127.0.0.1:1/beta", **settings),
                    docs)
    fake = FakeClient()
    type(engine).client = property(lambda self: fake)  # type: ignore[assignment]
    return engine, fake


@pytest.fixture(autouse=True)
def _restore_client_property():
    original = Engine.client
    yield
    Engine.client = original  # type: ignore[method-assign]


async def test_newest_request_per_document_wins():
    engine, fake = _engine(debounce_ms=200)
    first = asyncio.ensure_future(engine.complete("file:///a.py", 0, 4))
    await asyncio.sleep(0.01)
    second = asyncio.ensure_future(engine.complete("file:///a.py", 0, 4))
    assert await first is None
    assert (await second).text == "done()"
    assert len(fake.calls) == 1


async def test_cancelling_the_caller_propagates():
    engine, _ = _engine(debounce_ms=1000)
    task = asyncio.ensure_future(engine.complete("file:///a.py", 0, 4))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.mark.parametrize("line_prefix, factor", [
    ("x = foo", 1), ("x = foo.", 1 / 3), ("call(", 1 / 3), ("    ", 1 / 3), ("", 1 / 3)])
def test_debounce_is_shorter_after_trigger_characters(line_prefix, factor):
    engine, _ = _engine(debounce_ms=150)
    window = Window(line_prefix, "", 0, line_prefix, "")
    assert engine._debounce(window) == pytest.approx(150 * factor)


@pytest.mark.parametrize("uri, excluded", [
    ("file:///p/.env", True), ("file:///p/.env.production", True), ("file:///p/key.pem", True),
    ("file:///home/u/.ssh/id_ed25519", True), ("file:///p/app.py", False),
    ("file:///p/environment.py", False),
])
def test_default_exclusions(uri, excluded):
    assert is_excluded(uri, Settings().exclude) is excluded


def test_path_globs_relative_to_the_workspace():
    assert is_excluded("file:///ws/secrets/db.py", ["secrets/*"], root="/ws")
    assert not is_excluded("file:///ws/src/db.py", ["secrets/*"], root="/ws")


def test_early_stop_ends_the_stream_after_the_block():
    window = Window("def f():\n    ", "\n\nprint(1)\n", 0, "    ", "")
    done = _early_stop(window, Mode.MULTI, 12)
    assert not done("return 1")
    assert not done("x = 1\n    return x\n")
    assert done("x = 1\n    return x\nprint(2)\n")
    assert _early_stop(window, Mode.SINGLE, 12)("a\n")


class ScriptedClient(FakeClient):
    def __init__(self, answers: dict[str, str]) -> None:
        super().__init__()
        self.answers = answers

    async def fim(self, req, should_stop=None):
        self.calls.append(req.prompt)
        return FimResult(self.answers.get(req.prompt, ""))


async def test_prefetch_looks_past_a_blank_line():
    docs = DocumentStore()
    docs.open("file:///m.py", "python", 1, "from x import Pa")
    engine = Engine(Settings(api_key="sk-x", base_url="http://127.0.0.1:1/beta",
                             prompt_header=False, context_files=False), docs)
    fake = ScriptedClient({"from x import Pa": "th",
                           "from x import Path\n\n": "\n@dataclass"})
    type(engine).client = property(lambda self: fake)  # type: ignore[assignment]
    assert (await engine.complete("file:///m.py", 0, 16, invoked=True)).text == "th"
    for _ in range(100):
        if len(fake.calls) == 3:
            break
        await asyncio.sleep(0.01)
    assert fake.calls == ["from x import Pa", "from x import Path\n", "from x import Path\n\n"]
    params = engine._params(Mode.MULTI)
    assert engine.cache.get(params, "from x import Path\n", "") == ""  # this line stays blank
    assert engine.cache.get(params, "from x import Path\n\n", "") == "\n@dataclass"
    assert engine.cache.get(params, "from x import Path\n\n\n", "") == "@dataclass"
