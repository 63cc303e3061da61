"""The mock DeepSeek answers next-edit requests over a real socket: the region rewritten by
its rules, cut at the request's stop, read back into the edit the rules describe."""

from __future__ import annotations

import pytest

from ds_lsp.nextedit.answer import edit_from_answer
from ds_lsp.nextedit.prompt import next_edit_request
from ds_lsp.nextedit.region import editable_region
from ds_lsp.upstream.backends.chat import chat_prefix
from ds_lsp.upstream.backends.deepseek import DeepSeekClient
from ds_lsp.upstream.backends.http import make_client
from tests.mock_deepseek import MockDeepSeek, next_edit_region, rewrite
from tests.unit.nextedit_helpers import apply_edit, open_doc

TEXT = "def f(cost):\n    return price * 2\n\n\nprint(f(price))\n"


@pytest.fixture
def mock():
    server = MockDeepSeek(next_edit_rules=[("price", "cost")]).start()
    yield server
    server.stop()


async def ask(mock: MockDeepSeek, stream: bool) -> str:
    doc = open_doc(TEXT)
    region = editable_region(doc, 0, 10, 1)
    assert region is not None
    request = next_edit_request(region, "", "a.py", "python", "deepseek-flash", 5.0)
    request = type(request)(**{**request.__dict__, "stream": stream})
    http = make_client(mock.url)
    try:
        result = await chat_prefix(DeepSeekClient(http, mock.url + "/beta", "sk-x"), request)
    finally:
        await http.aclose()
    edit = edit_from_answer(result.text, region, result.finish_reason == "length")
    assert edit is not None
    return apply_edit(doc, edit)


@pytest.mark.parametrize("stream", [True, False], ids=["sse", "json"])
async def test_the_mock_rewrites_the_region_by_its_rules(mock: MockDeepSeek, stream: bool):
    after = await ask(mock, stream)
    assert after == TEXT.replace("return price", "return cost")  # the region only
    [recorded] = mock.next_edit_requests()
    assert next_edit_region(recorded.body) == "def f(cost):\n    return price * 2"


async def test_a_reply_brings_its_own_rules(mock: MockDeepSeek):
    mock.script({"rewrite": [["* 2", "* 3"]]}, path="chat/completions")
    assert await ask(mock, True) == TEXT.replace("* 2", "* 3")


@pytest.mark.parametrize(
    ("rules", "after"),
    [
        ([("price", "cost")], "prices = cost + cost"),
        ([("price + ", "")], "prices = cost"),
    ],
    ids=["a word: whole words only", "other text: as it is"],
)
def test_rules(rules: list[tuple[str, str]], after: str) -> None:
    assert rewrite("prices = price + cost", rules) == after
