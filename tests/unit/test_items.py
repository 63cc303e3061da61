"""Items are plain JSON now (items.py); they must be exactly what lsprotocol's types would
have sent: the same keys, values and omissions, for every kind of suggestion and client."""

from __future__ import annotations

import re

import pytest
from lsprotocol import types
from pygls.protocol import default_converter

from ds_lsp.completion.pipeline import Suggestion
from ds_lsp.lsp import items
from ds_lsp.lsp.initialize_answer import ACCEPTED_COMMAND
from ds_lsp.window import Window

CONVERT = default_converter()


def suggestion(text: str, line_prefix: str, line_suffix: str = "", replace: int = 0) -> Suggestion:
    window = Window(line_prefix, line_suffix, 3, line_prefix, line_suffix)
    return Suggestion(text, 3, len(line_prefix.encode("utf-16-le")) // 2, window, False, replace)


CASES = {
    "plain": suggestion("urn a + b", "    ret"),
    "multi-line": suggestion("if x:\n        return {'$': 1}", "    "),
    "over-closers": suggestion("a, b)", "value = add(", ")", replace=1),
    "astral": suggestion("'🙂' + s", "x = f(", ")", replace=1),
    "backslash": suggestion("r'\\d+'}", "p = {", "}", replace=1),
}


def lsprotocol_command(sugg: Suggestion) -> types.Command:
    return types.Command(
        title="DeepSeek suggestion accepted",
        command=ACCEPTED_COMMAND,
        arguments=[
            {
                "lines": sugg.text.count("\n") + 1,
                "chars": len(sugg.text),
                "uri": sugg.uri,
                "line": sugg.line,
                "character": sugg.character,
            }
        ],
    )


def lsprotocol_end(sugg: Suggestion, encoding: str) -> types.Position:
    end = items.replaced_end(sugg, encoding)
    return types.Position(line=end["line"], character=end["character"])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8"])
@pytest.mark.parametrize("name", CASES)
def test_inline_item_is_what_lsprotocol_sends(name: str, encoding: str) -> None:
    sugg = CASES[name]
    typed = types.InlineCompletionItem(
        insert_text=sugg.text,
        range=types.Range(
            start=types.Position(line=sugg.line, character=sugg.character),
            end=lsprotocol_end(sugg, encoding),
        ),
        command=lsprotocol_command(sugg),
    )
    assert items.inline_item(sugg, encoding) == CONVERT.unstructure(typed)


@pytest.mark.parametrize("markdown", [False, True], ids=["plain-docs", "markdown-docs"])
@pytest.mark.parametrize("snippets", [False, True], ids=["plain", "snippet"])
@pytest.mark.parametrize("name", CASES)
def test_completion_item_is_what_lsprotocol_sends(name: str, snippets: bool, markdown: bool):
    sugg = CASES[name]
    plain = items.completion_item(sugg, "utf-16", snippets, markdown)
    head = sugg.window.line_prefix
    word = re.search(r"[\w$]*$", head).group(0)
    full = word + sugg.text
    first = full.split("\n", 1)[0]
    typed = types.CompletionItem(
        label=first if "\n" not in full else first + " …",
        filter_text=first,
        sort_text="0",
        preselect=True,
        kind=types.CompletionItemKind.Snippet,
        detail="DeepSeek",
        documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=f"```\n{full}\n```")
        if markdown
        else full,
        insert_text_format=types.InsertTextFormat.Snippet
        if snippets
        else types.InsertTextFormat.PlainText,
        text_edit=types.TextEdit(
            range=types.Range(
                start=types.Position(line=sugg.line, character=len(head) - len(word)),
                end=lsprotocol_end(sugg, "utf-16"),
            ),
            new_text=items.escape_snippet(full) if snippets else full,
        ),
        command=lsprotocol_command(sugg),
    )
    assert plain == CONVERT.unstructure(typed)


def test_a_snippet_inserts_exactly_the_text() -> None:
    assert items.escape_snippet("{'$': 1} \\ }") == "{'\\$': 1\\} \\\\ \\}$0"
