"""NextEdits: the gate, newest-wins, debounce, cache and follow-ups around one suggestion,
with a model that rewrites the region by rules (the mock's) and counts what it was asked."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from ds_lsp.completion.pipeline import LatestWins
from ds_lsp.documents import Document, DocumentStore
from ds_lsp.nextedit.answer import Edit
from ds_lsp.nextedit.history import EditHistory
from ds_lsp.nextedit.predictor import NextEdits, Options
from ds_lsp.upstream.backends.chat import ChatPrefixRequest, ChatResult
from tests.mock_deepseek import next_edit_answer
from tests.unit.nextedit_helpers import change, position, send, type_replacement

PY = """\
def total(price, qty):
    subtotal = price * qty
    return subtotal


def shipping(weight):
    \"\"\"Shipping by weight.\"\"\"
    rate = 0.1
    return weight * rate


def tax(price):
    \"\"\"Tax on an amount.\"\"\"
    rate = 0.2
    return price * rate
"""


class Model:
    """A model behind `ask`: it rewrites the region by `rules`, and can be held."""

    def __init__(self, rules: list[tuple[str, str]]) -> None:
        self.rules = rules
        self.bodies: list[dict[str, Any]] = []
        self.hold: asyncio.Event | None = None
        self.cancelled = 0
        self.fail = False

    async def __call__(self, build: Any) -> ChatResult | None:
        request: ChatPrefixRequest = build("deepseek-flash")
        self.bodies.append(request.body())
        try:
            if self.hold is not None:
                await self.hold.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        if self.fail:
            return None
        text = next_edit_answer(request.body(), self.rules)
        return ChatResult(text[: text.index("<|editable_region_end|>")], "stop")


class Setup:
    def __init__(self, rules: list[tuple[str, str]], options: Options | None = None) -> None:
        self.docs = DocumentStore()
        self.refused: set[str] = set()
        self.history = EditHistory(refuse=lambda uri: uri in self.refused)
        self.model = Model(rules)
        self.sleeps: list[float] = []
        self.counts: dict[str, int] = {}
        self.edits = NextEdits(
            self.docs,
            self.history,
            self.model,
            LatestWins(),
            allowed=lambda doc: doc.uri not in self.refused,
            path_of=lambda uri: uri.rsplit("/", 1)[-1],
            options=options or Options(lines=4),
            record=self._record,
            sleep=self._sleep,
        )

    def _record(self, **counts: int) -> None:
        for key, n in counts.items():
            self.counts[key] = self.counts.get(key, 0) + n

    async def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(0)

    def open(self, text: str = PY, uri: str = "file:///w/shop.py") -> Document:
        return self.docs.open(uri, "python", 1, text)

    async def predict(self, doc: Document, offset: int, automatic: bool = True) -> Edit | None:
        where = position(doc.text.full(), offset)
        return await self.edits.predict(
            doc.uri, where["line"], where["character"], doc.version, automatic
        )


def take(setup: Setup, doc: Document, edit: Edit, now: float) -> int:
    """The user takes the suggestion: the editor applies it as one change and puts the
    cursor after it (ASCII text: characters are offsets). Returns the cursor's offset."""
    entry = {"range": edit.as_json()["range"], "text": edit.text}
    send(doc, setup.history, entry, now)
    lines = doc.text.full().split("\n")
    return sum(len(t) + 1 for t in lines[: edit.start[0]]) + edit.start[1] + len(edit.text)


async def test_a_rename_gives_the_edit_of_its_nearest_use() -> None:
    setup = Setup([("price", "cost")])
    doc = setup.open()
    _, cursor = type_replacement(doc, setup.history, "total(price", "total(cost", 1.0)
    edit = await setup.predict(doc, cursor)
    assert edit is not None and (edit.start[0], edit.old, edit.new) == (1, "price", "cost")
    [body] = setup.model.bodies
    assert "-def total(price, qty):" in body["messages"][1]["content"]
    assert setup.sleeps == [0.25]  # automatic: debounced
    assert setup.counts == {"next_edits": 1}


async def test_taken_edits_are_followed_by_the_rest_of_the_answer_without_asking_again() -> None:
    setup = Setup([("price", "cost")], Options(lines=12))
    doc = setup.open()
    now, cursor = type_replacement(doc, setup.history, "total(price", "total(cost", 1.0)
    offered = []
    for _ in range(8):
        edit = await setup.predict(doc, cursor)
        if edit is None:
            break
        offered.append(edit.start[0])
        cursor = take(setup, doc, edit, now := now + 2)
    assert offered == [1, 11, 14]  # the nearest first, then each next one once taken
    assert "price" not in doc.text.full()
    # asked: the first region (lines 0-12, two uses), the region around line 11 (the use at
    # 14), and around 14 (nothing more); the use at 11 came from the first answer
    assert len(setup.model.bodies) == 3
    assert setup.edits.follow_ups == 1


async def test_a_follow_up_is_dropped_when_the_user_goes_another_way() -> None:
    setup = Setup([("price", "cost")], Options(lines=12))
    doc = setup.open()
    now, cursor = type_replacement(doc, setup.history, "total(price", "total(cost", 1.0)
    edit = await setup.predict(doc, cursor)
    assert edit is not None
    now, cursor = type_replacement(doc, setup.history, "rate = 0.2", "rate = 0.25", now + 5)
    await setup.predict(doc, cursor)
    assert len(setup.model.bodies) == 2


@pytest.mark.parametrize(
    ("options", "why"),
    [
        (Options(enabled=False), "nextEdit off"),
        (Options(backend="llama-cpp"), "llama.cpp has no chat prefix completion"),
        (Options(backend="openai-fim"), "openai-fim neither"),
        (Options(backend="codestral"), "codestral: untested chat fields"),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
async def test_nothing_is_sent_when_next_edits_are_off_or_the_backend_cannot(
    options: Options, why: str
) -> None:
    setup = Setup([("price", "cost")], options)
    doc = setup.open()
    _, cursor = type_replacement(doc, setup.history, "total(price", "total(cost", 1.0)
    assert await setup.predict(doc, cursor) is None
    assert setup.model.bodies == [] and setup.counts == {}


async def test_a_refused_document_gets_nothing_and_never_reaches_another_prompt() -> None:
    setup = Setup([("price", "cost")])
    secret = setup.open("TOKEN = 'abc'\n", "file:///w/.env")
    setup.refused.add(secret.uri)
    type_replacement(secret, setup.history, "abc", "xyz", 1.0)
    assert await setup.predict(secret, 3) is None
    doc = setup.open()
    _, cursor = type_replacement(doc, setup.history, "total(price", "total(cost", 5.0)
    await setup.predict(doc, cursor)
    [body] = setup.model.bodies
    assert "TOKEN" not in str(body) and ".env" not in str(body)


async def test_a_request_about_another_version_gets_nothing() -> None:
    setup = Setup([("price", "cost")])
    doc = setup.open()
    _, cursor = type_replacement(doc, setup.history, "total(price", "total(cost", 1.0)
    where = position(doc.text.full(), cursor)
    stale = await setup.edits.predict(doc.uri, where["line"], where["character"], doc.version - 1)
    assert stale is None and setup.model.bodies == []


async def test_the_newest_request_wins_and_the_older_ones_call_is_cancelled() -> None:
    setup = Setup([("price", "cost")])
    setup.model.hold = asyncio.Event()
    doc = setup.open()
    _, cursor = type_replacement(doc, setup.history, "total(price", "total(cost", 1.0)
    first = asyncio.ensure_future(setup.predict(doc, cursor, automatic=False))
    while not setup.model.bodies:
        await asyncio.sleep(0)
    second = asyncio.ensure_future(setup.predict(doc, cursor, automatic=False))
    assert await first is None
    assert setup.model.cancelled == 1
    setup.model.hold.set()
    edit = await second
    assert edit is not None and edit.new == "cost"


async def test_a_document_that_moves_on_during_the_debounce_is_not_asked_about() -> None:
    setup = Setup([("price", "cost")])
    doc = setup.open()
    _, cursor = type_replacement(doc, setup.history, "total(price", "total(cost", 1.0)

    async def typing_on(seconds: float) -> None:
        text = doc.text.full()
        send(doc, setup.history, change(text, 0, 0, "#"), 2.0)

    setup.edits.sleep = typing_on
    assert await setup.predict(doc, cursor) is None
    assert setup.model.bodies == []


async def test_an_invoked_request_skips_the_debounce() -> None:
    setup = Setup([("price", "cost")])
    doc = setup.open()
    _, cursor = type_replacement(doc, setup.history, "total(price", "total(cost", 1.0)
    assert await setup.predict(doc, cursor, automatic=False) is not None
    assert setup.sleeps == []


async def test_the_same_question_is_answered_from_the_cache() -> None:
    setup = Setup([("price", "cost")])
    doc = setup.open()
    _, cursor = type_replacement(doc, setup.history, "total(price", "total(cost", 1.0)
    one = await setup.predict(doc, cursor)
    two = await setup.predict(doc, cursor - 2)  # the cursor moved, nothing else did
    assert one == two and len(setup.model.bodies) == 1


async def test_a_failed_answer_is_asked_again() -> None:
    setup = Setup([("price", "cost")])
    setup.model.fail = True
    doc = setup.open()
    _, cursor = type_replacement(doc, setup.history, "total(price", "total(cost", 1.0)
    assert await setup.predict(doc, cursor) is None
    setup.model.fail = False
    assert await setup.predict(doc, cursor) is not None
    assert len(setup.model.bodies) == 2


async def test_a_dismissed_rename_is_not_offered_again() -> None:
    setup = Setup([("price", "cost")])
    doc = setup.open()
    _, cursor = type_replacement(doc, setup.history, "total(price", "total(cost", 1.0)
    edit = await setup.predict(doc, cursor)
    assert edit is not None
    setup.history.dismiss(doc.uri, edit.old, edit.new)
    assert await setup.predict(doc, cursor) is None


async def test_new_settings_for_another_server_drop_the_cache() -> None:
    setup = Setup([("price", "cost")], Options(identity=("a",)))
    doc = setup.open()
    _, cursor = type_replacement(doc, setup.history, "total(price", "total(cost", 1.0)
    await setup.predict(doc, cursor)
    setup.edits.update(Options(identity=("b",)))
    await setup.predict(doc, cursor)
    assert len(setup.model.bodies) == 2
