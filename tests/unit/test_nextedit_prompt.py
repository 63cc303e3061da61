"""The next-edit chat prefix request: messages, the assistant's opening, stops, budgets."""

from __future__ import annotations

import pytest

from ds_lsp.nextedit import prompt as pr
from ds_lsp.nextedit.history import EditEvent, EditHistory
from ds_lsp.nextedit.prompt import next_edit_request, render_edits
from ds_lsp.nextedit.region import CURSOR, END, START, Region, editable_region
from tests.unit.nextedit_helpers import open_doc, type_replacement

GO = """\
package shop

func Total(price float64, qty int) float64 {
\tsubtotal := price * float64(qty)
\treturn subtotal
}
"""


def region_of(text: str, line: int, character: int, half: int = 8) -> Region:
    region = editable_region(open_doc(text, "file:///w/shop.go", "go"), line, character, half)
    assert region is not None
    return region


def test_the_request_is_chat_prefix_completion_with_the_marked_region_and_the_diffs() -> None:
    doc, history = open_doc(GO, "file:///w/shop.go", "go"), EditHistory()
    type_replacement(doc, history, "price", "cost", 1.0)
    region = editable_region(doc, 2, 15, 8)
    assert region is not None
    edits = render_edits(history.events(), lambda uri: "shop.go")
    body = next_edit_request(region, edits, "shop.go", "go", "deepseek-flash", 5.0).body()
    system, user, assistant = body["messages"]
    assert system == {"role": "system", "content": pr.SYSTEM_PROMPT}
    assert assistant == {"role": "assistant", "content": f"```go\n{START}\n", "prefix": True}
    assert user["role"] == "user"
    assert "File: shop.go\nLanguage: go\n" in user["content"]
    assert "-func Total(price float64, qty int) float64 {\n" in user["content"]
    assert "+func Total(cost float64, qty int) float64 {\n" in user["content"]
    assert region.marked() in user["content"]
    assert f"func Total(cost{CURSOR} float64" in user["content"]
    assert body["model"] == "deepseek-flash" and body["temperature"] == 0
    assert body["stop"] == [END, "```"]
    assert pr.MIN_MAX_TOKENS <= body["max_tokens"] <= 400


def test_the_edits_come_before_the_file_and_the_header_first() -> None:
    user = pr.user_message(region_of(GO, 3, 2), "--- a/x\n+++ b/x\n", "shop.go", "go", "```")
    assert user.index("File: shop.go") < user.index("--- a/x") < user.index(START)


def test_no_recent_edits_say_so() -> None:
    user = pr.user_message(region_of(GO, 3, 2), "", "shop.go", "go", "```")
    assert "Recent edits, oldest first:\n(none)\n" in user


def test_backticks_in_the_file_lengthen_the_fence_and_the_stop() -> None:
    text = 'doc = """\n```python\nx = 1\n```\n"""\n'
    request = next_edit_request(region_of(text, 2, 0), "", "a.py", "python", "m", 5.0)
    assert request.prefix == f"````python\n{START}\n"
    assert request.stop == (END, "````")
    assert "\n````python\n" in request.user and request.user.endswith("\n````")


@pytest.mark.parametrize(
    ("lines", "low", "high"),
    [
        pytest.param(["x"], pr.MIN_MAX_TOKENS, pr.MIN_MAX_TOKENS, id="a tiny region: the floor"),
        pytest.param(["    total = price * quantity + tax"] * 17, 250, 400, id="17 lines"),
        pytest.param(["z" * 5000], pr.MAX_MAX_TOKENS, pr.MAX_MAX_TOKENS, id="capped"),
    ],
)
def test_max_tokens_is_sized_from_the_region(lines: list[str], low: int, high: int) -> None:
    region = Region("file:///a", 1, 0, tuple(lines), (0, 0), "\n", True, "utf-16")
    assert low <= pr.max_tokens_for(region) <= high


def test_every_request_opens_with_the_same_system_message() -> None:
    one = next_edit_request(region_of(GO, 3, 2), "", "shop.go", "go", "m", 5.0)
    two = next_edit_request(region_of(GO, 4, 0), "x", "other.go", "go", "m", 5.0)
    assert one.messages()[0] == two.messages()[0]


def _event(uri: str, old: str, new: str, start: int = 0) -> EditEvent:
    return EditEvent(uri, start, [old], [new], 0.0)


def test_render_edits_keeps_the_newest_that_fit_oldest_first() -> None:
    events = [_event("file:///w/a.py", f"old {i}", f"new {i}", i) for i in range(6)]
    one = len(pr.event_diff(events[0], "a.py"))
    text = render_edits(events, lambda uri: "a.py", budget=3 * one)
    assert [line for line in text.split("\n") if line.startswith("+") and "new" in line] == [
        "+new 3",
        "+new 4",
        "+new 5",
    ]


def test_render_edits_names_each_file() -> None:
    events = [_event("file:///w/a.py", "a", "b"), _event("file:///w/b.ts", "c", "d")]
    text = render_edits(events, lambda uri: uri.rsplit("/", 1)[-1])
    assert text == (
        "--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-a\n+b\n--- a/b.ts\n+++ b/b.ts\n@@ -1 +1 @@\n-c\n+d\n"
    )
