"""The completion pipeline in-process with an injected backend: latest wins, debounce,
exclusion, early stop, prefetch, model changes."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from ds_lsp.completion.ask import stop_check
from ds_lsp.completion.gating import snooze_minutes
from ds_lsp.completion.pipeline import CompletionPipeline, LatestWins, debounce_ms
from ds_lsp.completion.postprocess import Mode
from ds_lsp.config import Settings
from ds_lsp.documents import DocumentStore
from ds_lsp.exclusion import is_excluded
from ds_lsp.upstream.backends.deepseek import FimResult
from ds_lsp.upstream.problems import UI
from ds_lsp.upstream.session import UpstreamSession
from ds_lsp.window import Window
from tests.waiting import wait_until

LOCAL = {"api_key": "sk-x", "base_url": "http://127.0.0.1:1/beta"}


class FakeBackend:
    """Answers every FIM request from `answers` (by prompt), else `default`."""

    name = "fake"

    def __init__(self, answers: dict[str, str] | None = None, default: str = "done()") -> None:
        self.answers = answers or {}
        self.default = default
        self.calls: list[str] = []
        self.models: list[str | None] = []

    async def fim(self, req, should_stop=None):  # type: ignore[no-untyped-def]
        self.calls.append(req.prompt)
        self.models.append(req.model)
        return FimResult(self.answers.get(req.prompt, self.default))

    async def list_models(self) -> list[str]:
        return ["deepseek-flash"]


def make_pipeline(
    text: str = "x = \n", fake: FakeBackend | None = None, **settings: object
) -> tuple[CompletionPipeline, FakeBackend]:
    docs = DocumentStore()
    docs.open("file:///a.py", "python", 1, text)
    fake = fake or FakeBackend()
    options = {"prefetch": False, "prompt_header": False, "context_files": False, **LOCAL}
    s = Settings(**{**options, **settings})  # type: ignore[arg-type]
    session = UpstreamSession(s, connect=lambda _settings, _http: fake)
    return CompletionPipeline(s, docs, session), fake


async def test_newest_request_per_document_wins() -> None:
    pipeline, fake = make_pipeline(debounce_ms=200)
    first = asyncio.ensure_future(pipeline.complete("file:///a.py", 0, 4))
    await wait_until(lambda: "file:///a.py" in pipeline.latest._running)
    second = asyncio.ensure_future(pipeline.complete("file:///a.py", 0, 4))
    assert await first is None
    assert (await second).text == "done()"
    assert len(fake.calls) == 1


async def test_cancelling_the_caller_propagates() -> None:
    pipeline, fake = make_pipeline(debounce_ms=1000)
    task = asyncio.ensure_future(pipeline.complete("file:///a.py", 0, 4))
    await wait_until(lambda: "file:///a.py" in pipeline.latest._running)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert fake.calls == []


async def test_latest_wins_cancels_the_superseded_work() -> None:
    latest = LatestWins()
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def slow() -> str:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "never"

    async def quick() -> str:
        return "new"

    old = asyncio.ensure_future(latest.run("doc", slow()))
    await started.wait()
    assert await latest.run("doc", quick()) == "new"
    assert await old is None and cancelled.is_set()


@pytest.mark.parametrize(
    ("line_prefix", "factor"),
    [("x = foo", 1), ("x = foo.", 1 / 3), ("call(", 1 / 3), ("    ", 1 / 3), ("", 1 / 3)],
)
def test_debounce_is_shorter_after_trigger_characters(line_prefix: str, factor: float) -> None:
    assert debounce_ms(150, line_prefix) == pytest.approx(150 * factor)


@pytest.mark.parametrize(
    ("uri", "excluded"),
    [
        ("file:///p/.env", True),
        ("file:///p/.env.production", True),
        ("file:///p/key.pem", True),
        ("file:///home/u/.ssh/id_ed25519", True),
        ("file:///p/app.py", False),
        ("file:///p/environment.py", False),
    ],
)
def test_default_exclusions(uri: str, excluded: bool) -> None:
    assert is_excluded(uri, Settings().exclude) is excluded


def test_path_globs_relative_to_the_workspace() -> None:
    assert is_excluded("file:///ws/secrets/db.py", ["secrets/*"], root="/ws")
    assert not is_excluded("file:///ws/src/db.py", ["secrets/*"], root="/ws")


async def test_an_excluded_document_never_reaches_the_backend() -> None:
    pipeline, fake = make_pipeline()
    pipeline.docs.open("file:///p/.env", "dotenv", 1, "KEY=")
    assert await pipeline.complete("file:///p/.env", 0, 4, invoked=True) is None
    assert fake.calls == []


def test_early_stop_ends_the_stream_after_the_block() -> None:
    pipeline, _ = make_pipeline("def f():\n    \n\nprint(1)\n")
    ask = pipeline.ask_at(pipeline.docs.get("file:///a.py"), 1, 4)
    done = stop_check(ask, 12)
    assert not done("return 1")
    assert not done("x = 1\n    return x\n")
    assert done("x = 1\n    return x\nprint(2)\n")
    single = dataclasses.replace(ask, mode=Mode.SINGLE)
    assert stop_check(single, 12)("a\n")


async def test_prefetch_looks_past_a_blank_line() -> None:
    fake = FakeBackend(
        {"from x import Pa": "th", "from x import Path\n\n": "\n@dataclass"}, default=""
    )
    pipeline, _ = make_pipeline("from x import Pa", fake, prefetch=True)
    assert (await pipeline.complete("file:///a.py", 0, 16, invoked=True)).text == "th"
    pipeline.accepted("file:///a.py", 0, 16)
    await wait_until(lambda: len(fake.calls) == 3 and not pipeline.prefetch._running)
    assert fake.calls == ["from x import Pa", "from x import Path\n", "from x import Path\n\n"]
    params = pipeline.ask_at(pipeline.docs.get("file:///a.py"), 0, 16).params
    multi = (*params[:5], Mode.MULTI.value, *params[6:])
    assert pipeline.cache.get(multi, "from x import Path\n", "") == ""  # stays blank
    assert pipeline.cache.get(multi, "from x import Path\n\n", "") == "\n@dataclass"
    assert pipeline.cache.get(multi, "from x import Path\n\n\n", "") == "@dataclass"


async def test_prefetch_in_a_crlf_file_uses_crlf() -> None:
    fake = FakeBackend({"x = max(a, ": "b)"}, default="")
    pipeline, _ = make_pipeline("x = max(a, \r\ny = 1\r\n", fake, prefetch=True)
    await pipeline.complete("file:///a.py", 0, 11, invoked=True)
    pipeline.accepted()  # the older form of the command: the latest suggestion
    await wait_until(lambda: len(fake.calls) >= 2)
    assert fake.calls[1] == "x = max(a, b)\r\n"


class PerUrlBackend(FakeBackend):
    """A backend per base URL: the old one lists its models only when released."""

    def __init__(self, url: str, release_old: asyncio.Event) -> None:
        super().__init__()
        self.url, self.release_old = url, release_old

    async def fim(self, req, should_stop=None):  # type: ignore[no-untyped-def]
        self.calls.append(req.prompt)
        return FimResult(f"from_{req.model}()")

    async def list_models(self) -> list[str]:
        if "127.0.0.1:1" in self.url:
            await self.release_old.wait()
            return ["old-model"]
        return ["new-model"]


async def test_model_lookup_for_an_old_url_does_not_leak_into_the_new_one() -> None:
    release_old = asyncio.Event()
    made: list[PerUrlBackend] = []

    def connect(settings: Settings, _http: object) -> PerUrlBackend:
        made.append(PerUrlBackend(settings.base_url, release_old))
        return made[-1]

    docs = DocumentStore()
    docs.open("file:///a.py", "python", 1, "x = \n\n")
    s = Settings(prefetch=False, **LOCAL)  # type: ignore[arg-type]
    session = UpstreamSession(s, connect=connect)
    pipeline = CompletionPipeline(s, docs, session)
    session.warm_up()
    await wait_until(lambda: len(made) == 1)  # the old URL's lookup is running
    new = dataclasses.replace(s, base_url="http://127.0.0.1:2/beta")
    pipeline.update(new, session.update(new))
    first = await pipeline.complete("file:///a.py", 0, 4, invoked=True)
    release_old.set()  # the old lookup finishes now, too late to matter
    second = await pipeline.complete("file:///a.py", 1, 0, invoked=True)
    assert (first.text, second.text) == ("from_new-model()", "from_new-model()")


async def test_changing_a_backends_model_never_serves_the_old_models_answer() -> None:
    pipeline, fake = make_pipeline(backend="openai-fim", openai_fim_model="qwen-coder")
    first = await pipeline.complete("file:///a.py", 0, 4, invoked=True)
    assert first.text == "done()" and fake.models == ["qwen-coder"]
    new = dataclasses.replace(pipeline.settings, openai_fim_model="starcoder2")
    pipeline.update(new, pipeline.session.update(new))
    again = await pipeline.complete("file:///a.py", 0, 4, invoked=True)
    assert not again.cached and fake.models == ["qwen-coder", "starcoder2"]


def test_window_dataclass_is_what_the_pipeline_asks_about() -> None:
    pipeline, _ = make_pipeline("abc\ndef f(x):\n    ret\n")
    ask = pipeline.ask_at(pipeline.docs.get("file:///a.py"), 2, 7)
    assert ask.window == Window("abc\ndef f(x):\n    ret", "\n", 0, "    ret", "")
    assert ask.prompt == ask.key == "abc\ndef f(x):\n    ret"


def _corpus_cases():  # type: ignore[no-untyped-def]
    from tests.unit import test_postprocess_corpus as corpus

    return [c for c in corpus.CORPUS if "\r" not in c.doc]


@pytest.mark.parametrize("case", _corpus_cases(), ids=lambda c: c.id)
async def test_what_is_shown_is_what_clean_returns_fresh_and_from_the_cache(case) -> None:  # type: ignore[no-untyped-def]
    """The pipeline shows `clean`'s text and replace, and a cached answer the same (it used
    to fit the cleaned text to the line a second time, trimming a closer twice)."""
    from tests.unit import test_postprocess_corpus as corpus

    text = case.doc.replace(corpus.CURSOR, "")
    prefix = case.doc.split(corpus.CURSOR)[0]
    row, col = prefix.count("\n"), len(prefix.rsplit("\n", 1)[-1])
    fake = FakeBackend(default=case.raw)
    pipeline, _ = make_pipeline(text, fake, max_lines=corpus.MAX_LINES)
    expected = corpus.run(case.doc, case.raw)
    for _ in range(2):  # fresh, then an exact cache hit
        sugg = await pipeline.complete("file:///a.py", row, col, invoked=True)
        got = (sugg.text, sugg.replace) if sugg else ("", 0)
        assert got == ((expected.text, expected.replace) if expected.text else ("", 0))
    assert len(fake.calls) == 1


@pytest.mark.parametrize(
    ("text", "column", "raw", "after"),
    [
        ("x = print(len()\n", 14, "items))", "x = print(len(items))\n"),
        ("if (check() {\n", 10, "x)) {", "if (check(x)) {\n"),
    ],
)
async def test_a_closer_is_never_trimmed_twice(
    text: str, column: int, raw: str, after: str
) -> None:
    pipeline, _ = make_pipeline(text, FakeBackend(default=raw))
    for _ in range(2):  # fresh, then from the cache
        sugg = await pipeline.complete("file:///a.py", 0, column, invoked=True)
        assert sugg is not None
        line = text.split("\n")[0]
        accepted = line[:column] + sugg.text + line[column + sugg.replace :]
        assert accepted + "\n" == after


# ---- noise controls: trigger, snooze, quietIn ---------------------------------------------------
class StatusUI(UI):
    def __init__(self) -> None:
        self.statuses: list[tuple[str, str | None]] = []

    def status(self, state: str, message: str | None = None) -> None:
        self.statuses.append((state, message))


async def test_manual_trigger_answers_only_invoked_requests() -> None:
    pipeline, fake = make_pipeline(trigger="manual", debounce_ms=0)
    assert await pipeline.complete("file:///a.py", 0, 4) is None
    assert fake.calls == [] and pipeline.usage.session.requests == 0
    assert (await pipeline.complete("file:///a.py", 0, 4, invoked=True)).text == "done()"


async def test_a_snooze_pauses_automatic_suggestions_and_ends_by_itself() -> None:
    pipeline, fake = make_pipeline(debounce_ms=0)
    ui = pipeline.session.ui = StatusUI()
    until = pipeline.snooze(0.002)  # 120 ms
    assert until is not None and ui.statuses[-1][0] == "snoozed"
    assert await pipeline.complete("file:///a.py", 0, 4) is None
    assert fake.calls == []
    assert (await pipeline.complete("file:///a.py", 0, 4, invoked=True)).text == "done()"
    assert ui.statuses[-1][0] == "snoozed"  # an invoked answer leaves the snooze shown
    await wait_until(lambda: ui.statuses[-1] == ("idle", None))  # over by itself
    pipeline.cache.clear()
    assert (await pipeline.complete("file:///a.py", 0, 4)).text == "done()"


async def test_snoozing_zero_minutes_resumes_at_once() -> None:
    pipeline, _ = make_pipeline(debounce_ms=0)
    pipeline.snooze(30)
    assert await pipeline.complete("file:///a.py", 0, 4) is None
    assert pipeline.snooze(0) is None
    assert (await pipeline.complete("file:///a.py", 0, 4)).text == "done()"


async def test_nothing_is_asked_ahead_while_snoozed() -> None:
    pipeline, fake = make_pipeline("x = \n", FakeBackend(default="compute(41)"), prefetch=True)
    await pipeline.complete("file:///a.py", 0, 4, invoked=True)
    pipeline.snooze(30)
    pipeline.accepted("file:///a.py", 0, 4)  # would ask the next line ahead (at once)
    assert fake.calls == ["x = "] and not pipeline.prefetch._running


@pytest.mark.parametrize(
    ("text", "character", "quiet"),
    [("x = 1  # add \n", 13, True), ('s = "http://a\n', 13, True), ("x = \n", 4, False)],
    ids=["comment", "string", "code"],
)
async def test_quiet_in_comments_and_strings_holds_back_automatic_requests(
    text: str, character: int, quiet: bool
) -> None:
    pipeline, fake = make_pipeline(text, quiet_in=["comments", "strings"], debounce_ms=0)
    automatic = await pipeline.complete("file:///a.py", 0, character)
    assert (automatic is None) is quiet and len(fake.calls) == (0 if quiet else 1)
    invoked = await pipeline.complete("file:///a.py", 0, character, invoked=True)
    assert invoked is not None and invoked.text == "done()"


@pytest.mark.parametrize(
    ("arguments", "minutes"),
    [([], 5), ([15], 15), (["10"], 10), ([{"minutes": 0}], 0), ([-3], 5), ([1e9], 1440)],
    ids=["default", "number", "string", "resume", "negative", "capped"],
)
def test_snooze_command_arguments(arguments: list, minutes: float) -> None:
    assert snooze_minutes(arguments) == minutes
