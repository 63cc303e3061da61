"""Post-processing through the real server: for cases of every rule of the corpus
(tests/unit/test_postprocess_corpus.py) and of every pattern of the wide corpus
(tests/cleaning/*.cases), the document after the user accepts the inline item (insertText
over its range) and the completion-item fallback (its textEdit) is the one the corpus
expects; what the model hides in its text (control characters, bidi overrides) never reaches
the editor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lsprotocol import types

from tests.cleaning import corpus as wide
from tests.e2e.conftest import capabilities, open_doc
from tests.unit import test_postprocess_corpus as corpus

RULES = {
    "closers-typed": corpus.CLOSERS_TYPED,
    "closing-lines": corpus.CLOSING_LINES,
    "lines-below": corpus.LINES_BELOW,
    "degenerate": corpus.DEGENERATE,
    "mid-line": corpus.MID_LINE,
    "spaces": corpus.SPACES,
    "fences": corpus.FENCES,
    "dedented-start": corpus.DEDENTED_START,
    "lone-openers": corpus.LONE_OPENERS,
    "continuation-indent": corpus.CONTINUATION_INDENT,
}
PER_RULE = 3  # the first cases of each rule, including one that replaces closers when any
OPTIONS = {"maxLines": corpus.MAX_LINES, "multiline": "auto", "cacheSize": 0}  # cases share docs


WIDE_PER_PATTERN = 2  # the first cases of each issue-22 pattern, plus one that replaces


def chosen() -> list[corpus.Case]:
    cases = []
    for rule in RULES.values():
        cases += _picked(rule, corpus.run, PER_RULE)
    for pattern in wide.PATTERNS:
        rule = [c for c in wide.CASES if c.pattern == pattern]
        cases += [
            corpus.Case(c.id, c.doc, c.raw, c.after)
            for c in _picked(rule, wide.run, WIDE_PER_PATTERN)
        ]
    return cases


def _picked(rule: list[Any], run: Callable[[str, str], Any], count: int) -> list[Any]:
    """The first `count` cases of a rule, and one that replaces closers when any does."""
    picked = rule[:count]
    replacing = [c for c in rule if run(c.doc, c.raw).replace]
    if replacing and not any(c in picked for c in replacing):
        picked.append(replacing[0])
    return picked


CASES = chosen()


def utf16_position(text: str, offset: int) -> types.Position:
    """The LSP position (UTF-16 units) of a Python offset in `text`."""
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    head = text[start:offset]
    return types.Position(line=line, character=len(head.encode("utf-16-le")) // 2)


def utf16_offset(text: str, pos: types.Position) -> int:
    """The Python offset of an LSP position (UTF-16 units) in `text`."""
    start = 0
    for _ in range(pos.line):
        start = text.index("\n", start) + 1
    units, i = 0, start
    while units < pos.character and i < len(text) and text[i] != "\n":
        units += len(text[i].encode("utf-16-le")) // 2
        i += 1
    return i


def apply(text: str, rng: types.Range, new_text: str) -> str:
    return text[: utf16_offset(text, rng.start)] + new_text + text[utf16_offset(text, rng.end) :]


@pytest.mark.parametrize("inline", [True, False], ids=["inline-item", "completion-item"])
async def test_the_document_after_accept_is_the_one_the_corpus_expects(
    start, mock, tmp_path, inline: bool
) -> None:
    client = await start(init=OPTIONS, caps=capabilities(inline=inline))
    wrong = []
    for n, case in enumerate(CASES):
        text = case.doc.replace(corpus.CURSOR, "")
        at = utf16_position(text, case.doc.index(corpus.CURSOR))
        uri = (tmp_path / f"c{n}.txt").as_uri()
        mock.script({"text": case.raw})
        open_doc(client, uri, text, language="plaintext")
        if inline:
            result = await client.text_document_inline_completion_async(
                types.InlineCompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    position=at,
                    context=types.InlineCompletionContext(
                        trigger_kind=types.InlineCompletionTriggerKind.Invoked
                    ),
                )
            )
            items = list(result.items) if result else []
            after = apply(text, items[0].range, items[0].insert_text) if items else text
        else:
            result = await client.text_document_completion_async(
                types.CompletionParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    position=at,
                    context=types.CompletionContext(
                        trigger_kind=types.CompletionTriggerKind.Invoked
                    ),
                )
            )
            items = list(result.items) if result else []
            after = text
            if items:
                edit = items[0].text_edit
                assert edit.range.start.line == edit.range.end.line == at.line  # one line
                after = apply(text, edit.range, edit.new_text)
        if after != case.after:
            wrong.append((case.id, after, case.after))
    assert len(CASES) >= 2 * (len(RULES) + len(wide.PATTERNS))
    assert len(mock.fim_requests()) == len(CASES)
    assert wrong == [], "\n".join(f"{i}: got {a!r} want {b!r}" for i, a, b in wrong)


HIDDEN = "\u202e\u2066\x1b[31m\x00\u200b"  # bidi override and isolate, an escape, NUL, ZWSP


@pytest.mark.parametrize("inline", [True, False], ids=["inline-item", "completion-item"])
async def test_control_and_bidi_characters_from_the_model_never_reach_the_editor(
    start, mock, tmp_path, inline: bool
) -> None:
    client = await start(init=OPTIONS, caps=capabilities(inline=inline))
    text = "def check(level):\n    \n"
    uri = (tmp_path / "check.py").as_uri()
    answer = f'if level != "user{HIDDEN}": {HIDDEN}# admin only\n        grant()'
    mock.script({"text": answer})
    open_doc(client, uri, text, language="python")
    at = types.Position(line=1, character=4)
    ident = types.TextDocumentIdentifier(uri=uri)
    if inline:
        result = await client.text_document_inline_completion_async(
            types.InlineCompletionParams(
                text_document=ident,
                position=at,
                context=types.InlineCompletionContext(
                    trigger_kind=types.InlineCompletionTriggerKind.Invoked
                ),
            )
        )
        shown = result.items[0].insert_text if result else ""
    else:
        listed = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=ident,
                position=at,
                context=types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked),
            )
        )
        shown = listed.items[0].text_edit.new_text if listed else ""
    assert shown == answer.translate(dict.fromkeys(map(ord, "\u202e\u2066\x1b\x00\u200b")))
