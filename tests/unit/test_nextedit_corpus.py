"""The next-edit corpus (tests/unit/nextedit_corpus.py), judged by the document after the user
accepts the suggestion: the user's edits go through the edit history, the prompt is built,
the model's dressed-up answer goes through cleaning, diffing and the refusal check, and the
edit is applied to the document."""

from __future__ import annotations

import pytest

from ds_lsp.nextedit.answer import suggestion
from ds_lsp.nextedit.history import EditHistory
from ds_lsp.nextedit.prompt import next_edit_request, render_edits
from ds_lsp.nextedit.region import CURSOR, START, editable_region
from tests.mock_deepseek import rewrite
from tests.unit.nextedit_corpus import BASE, CASES, NOISE, Case
from tests.unit.nextedit_helpers import apply_edit, open_doc, position, type_replacement


def expected(text: str, changes: list[tuple[str, str]]) -> str:
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} must occur once"
        text = text.replace(old, new)
    return text


def run(case: Case, noise: str) -> tuple[str, str]:
    """(the document before the suggestion, the document after accepting it)."""
    doc = open_doc(case.before, f"file:///w/{case.path}", case.language)
    history, now, cursor = EditHistory(), 10.0, 0
    for old, new in case.edits:
        now, cursor = type_replacement(doc, history, old, new, now + 0.4)
    text = doc.text.full()
    where = position(text, cursor)
    region = editable_region(doc, where["line"], where["character"], case.half)
    assert region is not None
    edits = render_edits(history.events(), lambda uri: case.path)
    request = next_edit_request(region, edits, case.path, case.language, "deepseek-flash", 5.0)
    _check_prompt(request.user, case, edits)
    raw, truncated = NOISE[noise](rewrite(region.text, case.rewrite), region, case.language)
    edit = suggestion(raw, region, history, truncated)
    return text, (apply_edit(doc, edit) if edit else text)


def _check_prompt(user: str, case: Case, edits: str) -> None:
    """The prompt holds the user's edits as diff lines and the marked region."""
    assert f"File: {case.path}\n" in user and START in user and CURSOR in user
    added = {line[1:].strip() for line in edits.split("\n") if line.startswith("+")}
    for old, new in case.edits:
        typed = next(t.strip() for t in new.split("\n") if t.strip() and t not in old)
        assert any(typed in line for line in added), f"{typed!r} not in the diffs"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.id} [{c.noise}]")
def test_the_document_after_accepting_the_suggestion(case: Case) -> None:
    text, after = run(case, case.noise)
    assert after == expected(text, case.expect)


@pytest.mark.parametrize("noise", sorted(NOISE))
@pytest.mark.parametrize("case", BASE, ids=lambda c: c.language)
def test_every_kind_of_noise_gives_the_same_document(case: Case, noise: str) -> None:
    text, after = run(case, noise)
    assert after == expected(text, case.expect)


def test_the_corpus_is_wide() -> None:
    languages = {c.language for c in CASES}
    assert {"python", "typescript", "go", "rust", "java", "csharp", "ruby"} <= languages
    assert len(languages) >= 10 and len(CASES) >= 35
    assert {c.noise for c in CASES} == set(NOISE)
