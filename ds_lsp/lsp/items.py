"""A suggestion as the editor receives it: an inline completion item, or a completion item.

Serves the answers of textDocument/inlineCompletion (an item whose `insertText` goes at the
cursor) and of textDocument/completion for clients without inline completion: one item
whose `textEdit` runs from the start of the word being typed to the cursor, with `label` and
`filterText` starting with that word so the client's word-prefix filter keeps it. Both carry
the `ds-lsp.acceptedSuggestion` command, which the editor runs on accept.
"""

from __future__ import annotations

import re

from lsprotocol import types

from ds_lsp.completion.pipeline import Suggestion
from ds_lsp.documents import index_to_column
from ds_lsp.lsp.commands import ACCEPTED_COMMAND

WORD = re.compile(r"[\w$]*")  # matched on the reversed line: linear, however long the line


def accepted_command(sugg: Suggestion) -> types.Command:
    """Run by the client after the user accepts the item: counts acceptances, and asks for
    the line after the suggestion ahead (which suggestion: its document and position)."""
    where = {
        "lines": sugg.text.count("\n") + 1,
        "chars": len(sugg.text),
        "uri": sugg.uri,
        "line": sugg.line,
        "character": sugg.character,
    }
    return types.Command(
        title="DeepSeek suggestion accepted", command=ACCEPTED_COMMAND, arguments=[where]
    )


def replaced_range(sugg: Suggestion, start_character: int, encoding: str) -> types.Range:
    """From `start_character` on the cursor's line to after the closers the suggestion types
    again (the cursor when it replaces nothing): always on the cursor's line."""
    units = index_to_column(sugg.window.line_suffix, sugg.replace, encoding)
    return types.Range(
        start=types.Position(line=sugg.line, character=start_character),
        end=types.Position(line=sugg.line, character=sugg.character + units),
    )


def inline_item(sugg: Suggestion, encoding: str) -> types.InlineCompletionItem:
    """The suggestion inserted at the cursor, over the closers it types again."""
    return types.InlineCompletionItem(
        insert_text=sugg.text,
        range=replaced_range(sugg, sugg.character, encoding),
        command=accepted_command(sugg),
    )


def completion_item(
    sugg: Suggestion, encoding: str, snippets: bool, markdown: bool
) -> types.CompletionItem:
    """The suggestion as an item that survives the client's word-prefix filter.

    `snippets`: the client takes snippet items (Neovim 0.11 cuts plain-text items at a
    space, so a snippet is used whenever it can be); `markdown`: it renders Markdown docs.
    """
    head = sugg.window.line_prefix
    word = head[len(head) - len(WORD.match(head[::-1]).group()) :]  # type: ignore[union-attr]
    # counted back from the cursor: line_prefix is cut around the cursor on a long line
    start = sugg.character - index_to_column(word, len(word), encoding)
    full = word + sugg.text
    first = full.split("\n", 1)[0]
    docs: str | types.MarkupContent = (
        types.MarkupContent(kind=types.MarkupKind.Markdown, value=f"```\n{full}\n```")
        if markdown
        else full
    )
    return types.CompletionItem(
        label=first if "\n" not in full else first + " …",
        kind=types.CompletionItemKind.Snippet,
        detail="DeepSeek",
        documentation=docs,
        preselect=True,
        sort_text="0",
        filter_text=first,
        insert_text_format=(
            types.InsertTextFormat.Snippet if snippets else types.InsertTextFormat.PlainText
        ),
        # on the cursor's line: Helix and Neovim 0.11 need it
        text_edit=types.TextEdit(
            range=replaced_range(sugg, start, encoding),
            new_text=escape_snippet(full) if snippets else full,
        ),
        command=accepted_command(sugg),
    )


def escape_snippet(text: str) -> str:
    """`text` as a snippet that inserts exactly `text` and ends with the cursor after it."""
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}") + "$0"
