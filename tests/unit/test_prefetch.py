"""Asking ahead: the policy (pure: given what speculation did, does it ask?) and the
prefetcher in the pipeline with an injected backend."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from ds_lsp.completion.pipeline import CompletionPipeline
from ds_lsp.completion.prefetch import Outcomes, Policy, lead_chars
from ds_lsp.upstream.backends.deepseek import FimResult
from tests.unit.test_pipeline import FakeBackend, make_pipeline
from tests.waiting import wait_until

URI = "file:///a.py"


# ---- the policy -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prior", "history", "rate"),
    [
        ((1, 1), [], 0.5),
        ((1, 1), [True], 2 / 3),
        ((1, 1), [False, False], 0.25),
        ((0, 1), [], 0.0),
        ((1, 1), [False] * 5 + [True] * 20, 21 / 22),  # only the latest 20 count
    ],
    ids=["prior", "one used", "two wasted", "pessimistic prior", "window"],
)
def test_outcomes_rate(prior: tuple[int, int], history: list[bool], rate: float) -> None:
    outcomes = Outcomes(*prior)
    for yes in history:
        outcomes.record(yes)
    assert outcomes.rate == pytest.approx(rate)


@pytest.mark.parametrize(
    ("history", "decisions"),
    [
        ([], [True, True, True]),
        ([True, False], [True, True]),
        ([False], [False, False, False, True, False]),  # one try in four
        ([True] * 3 + [False] * 4, [False, False, False, True]),
        ([False] * 20 + [True] * 19, [True]),  # recovered
    ],
    ids=["no history", "as often used as wasted", "one wasted", "wasted streak", "recovered"],
)
def test_speculate_while_it_pays(history: list[bool], decisions: list[bool]) -> None:
    policy = Policy()
    for used in history:
        policy.used.record(used)
    assert [policy.pays() for _ in decisions] == decisions


@pytest.mark.parametrize(
    ("accepted", "on_show"),
    [([], False), ([True], True), ([True, False], False), ([True, True, False], True)],
    ids=["never accepted", "one accepted", "half", "most"],
)
def test_next_line_at_show_only_when_most_are_accepted(accepted: list[bool], on_show: bool) -> None:
    policy = Policy()
    for yes in accepted:
        policy.accepted.record(yes)
    assert policy.ask_on_show() is on_show


@pytest.mark.parametrize(
    ("latency", "gap", "lead"),
    [(0.08, 0.083, 2), (0.4, 0.083, 6), (0.08, 0.5, 2), (0.5, None, 0)],
    ids=["bench", "real API", "slow typist", "no rhythm yet"],
)
def test_lead_is_the_characters_typed_in_a_round_trip_and_one(
    latency: float, gap: float | None, lead: int
) -> None:
    assert lead_chars(latency, gap) == lead


# ---- in the pipeline --------------------------------------------------------------------------
def typing_pipeline(
    text: str, fake: FakeBackend, gap: float = 0.1, latency: float = 0.1
) -> CompletionPipeline:
    """A pipeline that sees a key every `gap` seconds and upstream answers in `latency`; its
    debounce never runs out, and `debounced` counts the requests that waited for it."""
    pipeline, _ = make_pipeline(text, fake, prefetch=True, debounce_ms=60000)
    pipeline.rhythm.request = lambda uri: gap  # type: ignore[method-assign]
    pipeline.prefetch.latency_s = latency
    pipeline.prefetch.took = lambda seconds: None  # type: ignore[method-assign]
    wait = pipeline._debounced
    pipeline.debounced = 0  # type: ignore[attr-defined]

    async def counted(*args: object) -> bool:
        pipeline.debounced += 1  # type: ignore[attr-defined]
        return await wait(*args)  # type: ignore[arg-type]

    pipeline._debounced = counted  # type: ignore[method-assign]
    return pipeline


def type_key(pipeline: CompletionPipeline, line: int, character: int, text: str) -> None:
    doc = pipeline.docs.get(URI)
    at = {"line": line, "character": character}
    pipeline.docs.change(URI, doc.version + 1, [{"range": {"start": at, "end": at}, "text": text}])


async def keystroke(pipeline: CompletionPipeline, line: int, character: int, text: str) -> str:
    """Type `text` at (line, character) and ask as an editor does after a key: the text
    shown, or "" when the request waits for the debounce (the next key supersedes it)."""
    type_key(pipeline, line, character, text)
    waited = pipeline.debounced  # type: ignore[attr-defined]
    task = asyncio.ensure_future(pipeline.complete(URI, line, character + len(text)))
    await wait_until(lambda: task.done() or pipeline.debounced > waited)  # type: ignore[attr-defined]
    if not task.done():
        return ""
    sugg = await task
    return sugg.text if sugg else ""


async def test_the_next_line_is_asked_when_what_is_left_takes_a_round_trip_to_type() -> None:
    fake = FakeBackend({"x = ": "compute(41)"}, default="y = 2")
    pipeline = typing_pipeline("x = \n", fake)  # lead: 2 characters
    assert (await pipeline.complete(URI, 0, 4, invoked=True)).text == "compute(41)"
    for n, ch in enumerate("compute(4"):
        assert fake.calls == ["x = "]  # shown is not asked after; 3 or more left neither
        assert await keystroke(pipeline, 0, 4 + n, ch) == "compute(41)"[n + 1 :]
    await wait_until(lambda: fake.calls == ["x = ", "x = compute(41)\n"])
    assert await keystroke(pipeline, 0, 13, "1") == ")"  # asked once
    await wait_until(lambda: not pipeline.prefetch._running)
    pipeline.latest.cancel(URI)
    assert fake.calls == ["x = ", "x = compute(41)\n"]


async def test_an_accepted_suggestion_gets_its_next_line_asked() -> None:
    fake = FakeBackend({"x = ": "compute(41)"}, default="y = 2")
    pipeline = typing_pipeline("x = \n", fake)
    await pipeline.complete(URI, 0, 4, invoked=True)
    pipeline.accepted(URI, 0, 3)  # an older suggestion than the one shown: not this one
    assert fake.calls == ["x = "]
    pipeline.accepted(URI, 0, 4)
    await wait_until(lambda: fake.calls == ["x = ", "x = compute(41)\n"])
    assert pipeline.prefetch.policy.ask_on_show()  # the user accepts whole suggestions


async def test_a_suggestion_inserted_whole_counts_as_accepted_without_the_command() -> None:
    fake = FakeBackend({"x = ": "compute(41)"}, default="y = 2")
    pipeline = typing_pipeline("x = \n", fake)
    await pipeline.complete(URI, 0, 4, invoked=True)
    await keystroke(pipeline, 0, 4, "compute(41)")  # Tab, in an editor that runs no command
    await wait_until(lambda: fake.calls == ["x = ", "x = compute(41)\n"])
    pipeline.latest.cancel(URI)


async def test_when_typing_through_breaks_the_line_is_asked_at_once() -> None:
    fake = FakeBackend({"x = ": "compute(41)", "x = compute(5": "0)"}, default="")
    pipeline = typing_pipeline("x = \n", fake)
    await pipeline.complete(URI, 0, 4, invoked=True)
    for n, ch in enumerate("compute("):
        await keystroke(pipeline, 0, 4 + n, ch)
    assert await keystroke(pipeline, 0, 12, "5") == "0)"  # not "41)": asked, no debounce
    assert fake.calls[:2] == ["x = ", "x = compute(5"]
    pipeline.latest.cancel(URI)


async def test_after_wasted_guesses_the_third_character_asks_nothing() -> None:
    fake = FakeBackend(default="")
    pipeline = typing_pipeline("\n" * 8, fake)
    pipeline.prefetch.policy.used.record(False)  # a guess that was not used
    for line in range(4):
        for n, ch in enumerate("abc"):
            await keystroke(pipeline, line, n, ch)
    assert fake.calls == ["abc\nabc\nabc\nabc"]  # the fourth line tries once
    pipeline.latest.cancel(URI)


async def test_at_most_one_speculative_request_per_document() -> None:
    release = asyncio.Event()

    class Held(FakeBackend):
        async def fim(self, req, should_stop=None):  # type: ignore[no-untyped-def]
            self.calls.append(req.prompt)
            await release.wait()
            return FimResult("pass")

    fake = Held()
    pipeline = typing_pipeline("x = \n\n", fake)
    task = asyncio.ensure_future(pipeline.complete(URI, 0, 4, invoked=True))
    release.set()
    await task
    release.clear()
    pipeline.accepted(URI, 0, 4)  # the next line, held upstream
    await wait_until(lambda: len(fake.calls) == 2)
    for n, ch in enumerate("abc"):  # the third character would ask at once
        await keystroke(pipeline, 1, n, ch)
    assert len(fake.calls) == 2
    release.set()
    await wait_until(lambda: not pipeline.prefetch._running)
    pipeline.latest.cancel(URI)


async def test_an_answer_that_goes_on_past_its_line_answers_the_next_lines() -> None:
    fake = FakeBackend({"x = ": "compute(41)\ny = x + 1\nz = y\n"}, default="never()")
    pipeline = typing_pipeline("x = \n", fake)
    assert (await pipeline.complete(URI, 0, 4, invoked=True)).text == "compute(41)"
    pipeline.accepted(URI, 0, 4)  # nothing to ask: the model already wrote the next line
    type_key(pipeline, 0, 4, "compute(41)\n")
    assert (await pipeline.complete(URI, 1, 0)).text == "y = x + 1\nz = y"
    type_key(pipeline, 1, 0, "y = x + 1\n")
    assert (await pipeline.complete(URI, 2, 0)).text == "z = y"
    await wait_until(lambda: not pipeline.prefetch._running)
    assert fake.calls == ["x = ", "x = compute(41)\ny = x + 1\nz = y\n"]  # past the answer


async def test_a_cut_answer_lends_only_its_complete_lines() -> None:
    pipeline, _ = make_pipeline("x = \n", FakeBackend(), prefetch=True)
    ask = pipeline.ask_at(pipeline.docs.get(URI), 0, 4)
    pipeline.prefetch.wrote_on(ask, "compute(41)", "compute(41)\ny = x + 1\nz = y.val", False)
    second = ask.line_after("compute(41)", pipeline.settings)
    assert pipeline.cache.get(*second.ident) == "y = x + 1"
    third = second.line_after("y = x + 1", pipeline.settings)
    assert pipeline.cache.get(*third.ident) is None  # "z = y.val" may go on


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (
            ({"lines": 1, "chars": 9, "uri": "file:///a.py", "line": 2, "character": 4},),
            ("file:///a.py", 2, 4),
        ),
        (
            (SimpleNamespace(lines=1, chars=9, uri="file:///a.py", line=2, character=4),),
            ("file:///a.py", 2, 4),
        ),
        (({"lines": 1, "chars": 9},), (None, None, None)),
        ((), (None, None, None)),
        (({"uri": 3, "line": "2", "character": 4},), (None, None, None)),
    ],
    ids=["dict", "pygls object", "older form", "no argument", "wrong types"],
)
def test_the_accepted_command_says_which_suggestion(
    args: tuple[object, ...], where: tuple[object, ...]
) -> None:
    from ds_lsp.lsp.completions import accepted_where

    assert accepted_where(list(args)) == where
