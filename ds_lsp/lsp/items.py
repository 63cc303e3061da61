"""A suggestion as the editor receives it: an inline completion item, or a completion item.

Serves the answers of textDocument/inlineCompletion (an item whose `insertText` goes at the
cursor) and of textDocument/completion for clients without inline completion: one item
whose `textEdit` runs from the start of the word being typed to the cursor, with `label` and
`filterText` starting with that word so the client's word-prefix filter keeps it. Both carry
the `ds-lsp.acceptedSuggestion` command, which the editor runs on accept. Plain JSON: the hot
path (no lsprotocol) sends them as they are.
"""

from __future__ import annotations

import re
from typing import Any

from ds_lsp.completion.pipeline import Suggestion
from ds_lsp.documents import index_to_column
from ds_lsp.lsp.initialize_answer import ACCEPTED_COMMAND

WORD = re.compile(r"[\w$]*")  # matched on the reversed line: linear, however long the line
SNIPPET_KIND = 15  # CompletionItemKind.Snippet
PLAIN_TEXT, SNIPPET = 1, 2  # InsertTextFormat

Json = dict[str, Any]


def position(line: int, character: int) -> Json:
    return {"line": line, "character": character}


def accepted_command(sugg: Suggestion) -> Json:
    """Run by the client after the user accepts the item: counts acceptances, and asks for
    the line after the suggestion ahead (which suggestion: its document and position)."""
    return {
        "title": "DeepSeek suggestion accepted",
        "command": ACCEPTED_COMMAND,
        "arguments": [
            {
                "lines": sugg.text.count("\n") + 1,
                "chars": len(sugg.text),
                "uri": sugg.uri,
                "line": sugg.line,
                "character": sugg.character,
            }
        ],
    }


def replaced_end(sugg: Suggestion, encoding: str) -> Json:
    """Where an item's range ends: after the closers on the cursor's line that the
    suggestion types again (at the cursor when it replaces nothing)."""
    units = index_to_column(sugg.window.line_suffix, sugg.replace, encoding)
    return position(sugg.line, sugg.character + units)


def inline_item(sugg: Suggestion, encoding: str) -> Json:
    """The suggestion inserted at the cursor, over the closers it types again."""
    start = position(sugg.line, sugg.character)
    return {
        "insertText": sugg.text,
        "range": {"start": start, "end": replaced_end(sugg, encoding)},
        "command": accepted_command(sugg),
    }


def completion_item(sugg: Suggestion, encoding: str, snippets: bool, markdown: bool) -> Json:
    """The suggestion as an item that survives the client's word-prefix filter.

    `snippets`: the client takes snippet items (Neovim 0.11 cuts plain-text items at a
    space, so a snippet is used whenever it can be); `markdown`: it renders Markdown docs.
    """
    head = sugg.window.line_prefix
    word = head[len(head) - len(WORD.match(head[::-1]).group()) :]  # type: ignore[union-attr]
    # from the cursor back: line_prefix is cut around the cursor on a long line
    start = position(sugg.line, sugg.character - index_to_column(word, len(word), encoding))
    end = replaced_end(sugg, encoding)  # on the cursor's line: Helix and Neovim 0.11 need it
    full = word + sugg.text
    first = full.split("\n", 1)[0]
    docs: str | Json = {"kind": "markdown", "value": f"```\n{full}\n```"} if markdown else full
    return {
        "label": first if "\n" not in full else first + " …",
        "kind": SNIPPET_KIND,
        "detail": "DeepSeek",
        "documentation": docs,
        "preselect": True,
        "sortText": "0",
        "filterText": first,
        "insertTextFormat": SNIPPET if snippets else PLAIN_TEXT,
        "textEdit": {
            "range": {"start": start, "end": end},
            "newText": escape_snippet(full) if snippets else full,
        },
        "command": accepted_command(sugg),
    }


def escape_snippet(text: str) -> str:
    """`text` as a snippet that inserts exactly `text` and ends with the cursor after it."""
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}") + "$0"
