"""The engine in-process with a fake backend: debounce, latest wins, exclusion, early stop."""

from __future__ import annotations

import asyncio
import dataclasses

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


class PerUrlClient(FakeClient):
    """A backend per base URL: the old one lists its models slowly."""

    def __init__(self, url: str, sent: list) -> None:
        super().__init__()
        self.url, self.sent = url, sent

    async def fim(self, req, should_stop=None):
        self.sent.append((self.url, req.model))
        return FimResult(f"from_{req.model}()")

    async def list_models(self):
        if "127.0.0.1:1" in self.url:
            await asyncio.sleep(0.3)
            return ["old-model"]
        return ["new-model"]


async def test_model_lookup_for_an_old_url_does_not_leak_into_the_new_one():
    sent: list = []
    type_client = property(lambda self: PerUrlClient(self.settings.base_url, sent))
    Engine.client = type_client  # type: ignore[assignment]
    docs = DocumentStore()
    docs.open("file:///a.py", "python", 1, "x = \n\n")
    s = Settings(api_key="sk-x", base_url="http://127.0.0.1:1/beta", prefetch=False)
    engine = Engine(s, docs)
    engine.warm_up()
    await asyncio.sleep(0.05)
    engine.update_settings(dataclasses.replace(s, base_url="http://127.0.0.1:2/beta"))
    await engine.complete("file:///a.py", 0, 4, invoked=True)
    await asyncio.sleep(0.5)  # the old lookup would finish now
    await engine.complete("file:///a.py", 1, 0, invoked=True)
    assert [model for _, model in sent] == ["new-model", "new-model"]


async def test_changing_a_backends_model_never_serves_the_old_models_answer():
    sent: list = []
    Engine.client = property(lambda self: PerUrlClient("x", sent))  # type: ignore[assignment]
    docs = DocumentStore()
    docs.open("file:///a.py", "python", 1, "x = \n")
    s = Settings(backend="openai-fim", openai_fim_model="qwen-coder", prefetch=False)
    engine = Engine(s, docs)
    assert (await engine.complete("file:///a.py", 0, 4, invoked=True)).text == "from_qwen-coder()"
    engine.update_settings(dataclasses.replace(s, openai_fim_model="starcoder2"))
    again = await engine.complete("file:///a.py", 0, 4, invoked=True)
    assert again.text == "from_starcoder2()" and not again.cached


async def test_prefetch_in_a_crlf_file_uses_crlf():
    docs = DocumentStore()
    docs.open("file:///c.py", "python", 1, "x = max(a, \r\ny = 1\r\n")
    engine = Engine(Settings(api_key="sk-x", base_url="http://127.0.0.1:1/beta",
                             prompt_header=False, context_files=False), docs)
    fake = ScriptedClient({"x = max(a, ": "b)"})
    Engine.client = property(lambda self: fake)  # type: ignore[assignment]
    await engine.complete("file:///c.py", 0, 11, invoked=True)
    for _ in range(100):
        if len(fake.calls) == 2:
            break
        await asyncio.sleep(0.01)
    assert fake.calls[1] == "x = max(a, b)\r\n"
