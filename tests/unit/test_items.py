"""The items as the client receives them (lsprotocol's types, unstructured as pygls sends
them): the inline item's range runs over the closers the suggestion types again, in the
negotiated encoding; the completion item's textEdit starts at the typed word and stays on the
cursor's line; label and filterText start with that word."""

from __future__ import annotations

from typing import Any

import pytest
from pygls.protocol import default_converter

from ds_lsp.completion.pipeline import Suggestion
from ds_lsp.lsp import items
from ds_lsp.lsp.commands import ACCEPTED_COMMAND
from ds_lsp.window import Window

CONVERT = default_converter()


def suggestion(text: str, line_prefix: str, line_suffix: str = "", replace: int = 0) -> Suggestion:
    window = Window(line_prefix, line_suffix, 3, line_prefix, line_suffix)
    character = len(line_prefix.encode("utf-16-le")) // 2
    return Suggestion(text, 3, character, window, False, replace, "file:///w/a.py")


def wire(item: Any) -> dict[str, Any]:
    data = CONVERT.unstructure(item)
    assert isinstance(data, dict)
    return data


# (suggestion, encoding) -> the inline item's range (start, end characters on line 3)
RANGES = {
    "plain": (suggestion("urn a + b", "    ret"), "utf-16", (7, 7)),
    "over-one-closer": (suggestion("a, b)", "value = add(", ")", replace=1), "utf-16", (12, 13)),
    "astral-utf16": (suggestion("'🙂')", "x = f(🙂", "🙂)", replace=3), "utf-16", (8, 11)),
    "astral-utf32": (suggestion("'🙂')", "x = f(🙂", "🙂)", replace=3), "utf-32", (7, 9)),
    "astral-utf8": (suggestion("'🙂')", "x = f(🙂", "🙂)", replace=3), "utf-8", (10, 15)),
}


@pytest.mark.parametrize("name", sorted(RANGES))
def test_the_inline_items_range_covers_the_closers_it_types_again(name: str) -> None:
    sugg, encoding, (start, end) = RANGES[name]
    if encoding != "utf-16":  # the suggestion's character is in the client's units
        head = sugg.window.line_prefix
        sugg.character = len(head) if encoding == "utf-32" else len(head.encode())
    data = wire(items.inline_item(sugg, encoding))
    assert data["insertText"] == sugg.text
    assert data["range"] == {
        "start": {"line": 3, "character": start},
        "end": {"line": 3, "character": end},
    }


def test_the_inline_item_carries_the_accepted_command_with_where_it_was_shown() -> None:
    data = wire(items.inline_item(suggestion("a, b)", "add(", ")", replace=1), "utf-16"))
    assert data["command"] == {
        "title": "DeepSeek suggestion accepted",
        "command": ACCEPTED_COMMAND,
        "arguments": [{"lines": 1, "chars": 5, "uri": "file:///w/a.py", "line": 3, "character": 4}],
    }


@pytest.mark.parametrize("snippets", [False, True], ids=["plain", "snippet"])
def test_a_completion_item_starts_at_the_typed_word_and_stays_on_the_line(snippets: bool) -> None:
    sugg = suggestion("urn {a}\n    b", "    ret", ")", replace=0)
    data = wire(items.completion_item(sugg, "utf-16", snippets, markdown=False))
    assert data["label"] == "return {a} …" and data["filterText"] == "return {a}"
    edit = data["textEdit"]
    assert edit["range"] == {
        "start": {"line": 3, "character": 4},
        "end": {"line": 3, "character": 7},
    }
    expected = "return {a\\}\n    b$0" if snippets else "return {a}\n    b"
    assert edit["newText"] == expected
    assert data["insertTextFormat"] == (2 if snippets else 1)
    assert data["kind"] == 15 and data["preselect"] is True and data["sortText"] == "0"


def test_markdown_docs_only_when_the_client_renders_them() -> None:
    sugg = suggestion("urn 1", "    ret")
    assert wire(items.completion_item(sugg, "utf-16", False, True))["documentation"] == {
        "kind": "markdown",
        "value": "```\nreturn 1\n```",
    }
    assert wire(items.completion_item(sugg, "utf-16", False, False))["documentation"] == "return 1"


def test_a_snippet_inserts_exactly_the_text() -> None:
    assert items.escape_snippet("{'$': 1} \\ }") == "{'\\$': 1\\} \\\\ \\}$0"
