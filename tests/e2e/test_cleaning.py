"""Post-processing through the real server: for cases of every rule of the corpus
(tests/unit/test_postprocess_corpus.py), the document after the user accepts the inline item
(insertText over its range) and the completion-item fallback (its textEdit) is the one the
corpus expects."""

from __future__ import annotations

import pytest
from lsprotocol import types

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


def chosen() -> list[corpus.Case]:
    cases = []
    for rule in RULES.values():
        picked = rule[:PER_RULE]
        replacing = [c for c in rule if corpus.run(c.doc, c.raw).replace]
        if replacing and not any(c in picked for c in replacing):
            picked.append(replacing[0])
        cases += picked
    return cases


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
    assert len(CASES) >= 2 * len(RULES) and len(mock.fim_requests()) == len(CASES)
    assert wrong == [], "\n".join(f"{i}: got {a!r} want {b!r}" for i, a, b in wrong)
