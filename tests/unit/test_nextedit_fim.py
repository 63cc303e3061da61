"""Recent edits in FIM prompts: finished events only, as comments, a block that keeps its
opening while it grows."""

from __future__ import annotations

import itertools

from ds_lsp.nextedit.fim import TITLE, StableEdits, finished
from ds_lsp.nextedit.history import EditHistory
from tests.unit.nextedit_helpers import open_doc, type_replacement

PY = "".join(f"value_{i} = compute({i})\n\n\n\n\n" for i in range(40))


def name_of(uri: str) -> str:
    return uri.rsplit("/", 1)[-1]


def block(edits: StableEdits, history: EditHistory, now: float, language: str = "python") -> str:
    return edits.block(history, now, lambda uri: True, name_of, language)


def test_the_event_being_typed_is_left_out_until_a_pause() -> None:
    doc, history = open_doc(PY), EditHistory()
    now, _ = type_replacement(doc, history, "compute(0)", "compute(0, 1)", 1.0)
    assert finished(history, now, lambda uri: True) == []
    assert len(finished(history, now + 2, lambda uri: True)) == 1


def test_the_block_is_comments_in_the_documents_language() -> None:
    doc, history, edits = open_doc(PY), EditHistory(), StableEdits()
    now, _ = type_replacement(doc, history, "compute(0)", "compute(0, 1)", 1.0)
    python = block(edits, history, now + 2)
    assert python.startswith(f"# {TITLE}\n# --- a/a.py\n# +++ b/a.py\n")
    assert "# -value_0 = compute(0)\n# +value_0 = compute(0, 1)\n" in python
    assert block(StableEdits(), history, now + 2, "go").startswith(f"// {TITLE}\n")


def test_new_edits_are_appended_so_the_opening_stays() -> None:
    doc, history, edits = open_doc(PY), EditHistory(), StableEdits(budget=100_000)
    now, seen = 1.0, [""]
    for i in range(0, 30, 5):
        now, _ = type_replacement(doc, history, f"compute({i})", f"compute({i}, 1)", now + 3)
        seen.append(block(edits, history, now))  # the edit just typed is not in yet
    grown = [b for b in seen if b]
    assert len(grown) == 5 and grown[-1].count("# --- a/a.py") == 5
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(grown))


def test_over_budget_the_oldest_half_goes_at_once() -> None:
    doc, history = open_doc(PY), EditHistory()
    now = 1.0
    for i in range(0, 40, 5):
        now, _ = type_replacement(doc, history, f"compute({i})", f"compute({i}, 1)", now + 3)
    one = len(block(StableEdits(budget=100_000), history, now + 3).split("# --- a/")) - 1
    assert one == 8
    text = block(StableEdits(budget=300), history, now + 3)  # 8 diffs of ~100: 4, then 2
    shown = [line for line in text.split("\n") if line.startswith("# +value_")]
    assert shown == ["# +value_30 = compute(30, 1)", "# +value_35 = compute(35, 1)"]


def test_excluded_documents_never_appear() -> None:
    history = EditHistory()
    secret, code = open_doc("KEY = 1\n", "file:///w/.env"), open_doc(PY)
    now, _ = type_replacement(secret, history, "1", "2", 1.0)
    now, _ = type_replacement(code, history, "compute(0)", "compute(0, 1)", now + 3)
    text = StableEdits().block(
        history, now + 3, lambda uri: not uri.endswith(".env"), name_of, "python"
    )
    assert ".env" not in text and "KEY" not in text and "compute(0, 1)" in text
