"""The edit history: coalesced events as unified diffs, bounds, refused documents, undone
suggestions, and the cost of a keystroke."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ds_lsp.documents import Text
from ds_lsp.nextedit import history as hist
from ds_lsp.nextedit.history import EditHistory
from ds_lsp.nextedit.prompt import render_edits
from tests.unit.nextedit_helpers import change, open_doc, send, type_replacement

PY = """\
import math


def area(radius):
    return math.pi * radius ** 2


def total(price, qty):
    subtotal = price * qty
    return subtotal


def main():
    print(total(3, 4))
"""


def rendered(history: EditHistory) -> str:
    return render_edits(history.events(), lambda uri: uri.rsplit("/", 1)[-1], budget=100_000)


@dataclass
class Steps:
    """A document and what the user does to it: (old, new, seconds since the last step)."""

    id: str
    text: str
    steps: list[tuple[str, str, float]]
    diffs: list[str]  # the lines of the diffs shown to the model


CASES = [
    Steps(
        "one rename is one event with two lines of context",
        PY,
        [("price", "cost", 0)],
        [
            "--- a/a.py",
            "+++ b/a.py",
            "@@ -6,5 +6,5 @@",
            " ",
            " ",
            "-def total(price, qty):",
            "+def total(cost, qty):",
            "     subtotal = price * qty",
            "     return subtotal",
        ],
    ),
    Steps(
        "typing on one line within a second extends the event",
        PY,
        [("price", "cost", 0), ("qty):", "qty, tax):", 0.3)],
        [
            "--- a/a.py",
            "+++ b/a.py",
            "@@ -6,5 +6,5 @@",
            " ",
            " ",
            "-def total(price, qty):",
            "+def total(cost, qty, tax):",
            "     subtotal = price * qty",
            "     return subtotal",
        ],
    ),
    Steps(
        "a pause longer than a second starts a new event",
        PY,
        [("price", "cost", 0), ("qty):", "qty, tax):", 1.5)],
        [
            "--- a/a.py",
            "+++ b/a.py",
            "@@ -6,5 +6,5 @@",
            " ",
            " ",
            "-def total(price, qty):",
            "+def total(cost, qty):",
            "     subtotal = price * qty",
            "     return subtotal",
            "--- a/a.py",
            "+++ b/a.py",
            "@@ -6,5 +6,5 @@",
            " ",
            " ",
            "-def total(cost, qty):",
            "+def total(cost, qty, tax):",
            "     subtotal = price * qty",
            "     return subtotal",
        ],
    ),
    Steps(
        "an edit far from the event starts a new one, even at once",
        PY,
        [("price", "cost", 0), ("total(3, 4)", "total(3, 4, 0.2)", 0.1)],
        [
            "--- a/a.py",
            "+++ b/a.py",
            "@@ -6,5 +6,5 @@",
            " ",
            " ",
            "-def total(price, qty):",
            "+def total(cost, qty):",
            "     subtotal = price * qty",
            "     return subtotal",
            "--- a/a.py",
            "+++ b/a.py",
            "@@ -12,4 +12,4 @@",
            " ",
            " def main():",
            "-    print(total(3, 4))",
            "+    print(total(3, 4, 0.2))",
            " ",
        ],
    ),
    Steps(
        "an edit a line below joins the event, lines between included",
        PY,
        [("price", "cost", 0), ("price * qty", "cost * qty", 0.4)],
        [
            "--- a/a.py",
            "+++ b/a.py",
            "@@ -6,5 +6,5 @@",
            " ",
            " ",
            "-def total(price, qty):",
            "-    subtotal = price * qty",
            "+def total(cost, qty):",
            "+    subtotal = cost * qty",
            "     return subtotal",
        ],
    ),
    Steps(
        "an edit above the event joins it too",
        PY,
        [("subtotal = price", "subtotal = cost", 0), ("(price,", "(cost,", 0.4)],
        [
            "--- a/a.py",
            "+++ b/a.py",
            "@@ -7,5 +7,5 @@",
            " ",
            "-def total(price, qty):",
            "-    subtotal = price * qty",
            "+def total(cost, qty):",
            "+    subtotal = cost * qty",
            "     return subtotal",
            " ",
        ],
    ),
    Steps(
        "a line break typed inside a line",
        PY,
        [("    return subtotal\n", "    subtotal += 1\n    return subtotal\n", 0)],
        [
            "--- a/a.py",
            "+++ b/a.py",
            "@@ -8,4 +8,5 @@",
            " def total(price, qty):",
            "     subtotal = price * qty",
            "+    subtotal += 1",
            "     return subtotal",
            " ",
        ],
    ),
    Steps(
        "a line deleted across its line break",
        PY,
        [("    subtotal = price * qty\n", "", 0)],
        [
            "--- a/a.py",
            "+++ b/a.py",
            "@@ -7,5 +7,4 @@",
            " ",
            " def total(price, qty):",
            "-    subtotal = price * qty",
            "     return subtotal",
            " ",
        ],
    ),
    Steps(
        "typed and deleted again: nothing to show",
        PY,
        [("qty):", "qty, x):", 0), ("qty, x):", "qty):", 0.2)],
        [],
    ),
    Steps(
        "renaming the next use right after joins the event",
        PY,
        [("price", "cost", 0), ("price", "cost", 0.3)],
        [
            "--- a/a.py",
            "+++ b/a.py",
            "@@ -6,5 +6,5 @@",
            " ",
            " ",
            "-def total(price, qty):",
            "-    subtotal = price * qty",
            "+def total(cost, qty):",
            "+    subtotal = cost * qty",
            "     return subtotal",
        ],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_edits_become_coalesced_unified_diffs(case: Steps) -> None:
    doc, history, now = open_doc(case.text), EditHistory(), 100.0
    for old, new, pause in case.steps:
        now, _ = type_replacement(doc, history, old, new, now + pause)
    assert rendered(history) == "".join(line + "\n" for line in case.diffs)


def test_events_across_documents_are_kept_newest_last() -> None:
    history = EditHistory()
    a, b = open_doc(PY, "file:///w/a.py"), open_doc("x = 1\n", "file:///w/b.py")
    now, _ = type_replacement(a, history, "price", "cost", 1.0)
    now, _ = type_replacement(b, history, "1", "2", now + 0.1)
    assert [e.uri for e in history.events()] == ["file:///w/a.py", "file:///w/b.py"]
    assert rendered(history).endswith(
        "--- a/b.py\n+++ b/b.py\n@@ -1,2 +1,2 @@\n-x = 1\n+x = 2\n \n"
    )


def test_crlf_documents_give_diffs_without_carriage_returns() -> None:
    doc, history = open_doc(PY.replace("\n", "\r\n")), EditHistory()
    type_replacement(doc, history, "price", "cost", 1.0)
    assert "\r" not in rendered(history)
    assert "-def total(price, qty):\n+def total(cost, qty):\n" in rendered(history)


@pytest.mark.parametrize(
    ("entries", "events"),
    [
        pytest.param(
            [{"text": PY.replace("(price, qty)", "(cost, qty)")}],
            [
                (
                    5,
                    [
                        "",
                        "",
                        "def total(price, qty):",
                        "    subtotal = price * qty",
                        "    return subtotal",
                    ],
                )
            ],
            id="full-text sync: only the lines that differ, with context",
        ),
        pytest.param(
            [{"text": PY.replace("import math\n", "import math\nimport sys\n")}],
            [(0, ["import math", "", ""])],
            id="full-text sync: a line inserted",
        ),
        pytest.param([{"text": PY}], [], id="full-text sync: the same text is no event"),
    ],
)
def test_whole_document_changes(entries: list[dict[str, Any]], events: list) -> None:
    doc, history = open_doc(PY), EditHistory()
    for entry in entries:
        send(doc, history, entry, 1.0)
    assert [(e.start, e.old) for e in history.events()] == events


def test_two_changes_in_one_notification_apply_in_order() -> None:
    doc, history = open_doc(PY), EditHistory()
    text = doc.text.full()
    first = change(text, text.index("price"), text.index("price") + 5, "cost")
    send(doc, history, first, 1.0)
    text = doc.text.full()
    second = change(text, text.index("price"), text.index("price") + 5, "cost")
    send(doc, history, second, 1.0)
    (event,) = history.events()
    assert event.new[2:4] == ["def total(cost, qty):", "    subtotal = cost * qty"]
    assert "\n".join(event.new) in doc.text.full()


# ---- refused documents -------------------------------------------------------------------
def test_a_refused_document_is_never_recorded() -> None:
    history = EditHistory(refuse=lambda uri: uri.endswith(".env"))
    secret = open_doc("TOKEN=abc\n", "file:///w/.env")
    type_replacement(secret, history, "abc", "xyz", 1.0)
    assert list(history) == []


def test_documents_refused_later_are_dropped_and_filtered() -> None:
    refused: set[str] = set()
    history = EditHistory(refuse=lambda uri: uri in refused)
    doc = open_doc(PY, "file:///w/a.py")
    type_replacement(doc, history, "price", "cost", 1.0)
    refused.add("file:///w/a.py")  # e.g. a new exclude pattern, or secret content found
    assert history.events() == []  # filtered at the time of asking
    history.reconsider()
    assert list(history) == []
    type_replacement(doc, history, "qty", "n", 5.0)
    assert list(history) == []


def test_closing_a_document_forgets_its_events() -> None:
    history = EditHistory()
    a, b = open_doc(PY, "file:///w/a.py"), open_doc("x = 1\n", "file:///w/b.py")
    type_replacement(a, history, "price", "cost", 1.0)
    type_replacement(b, history, "1", "2", 5.0)
    history.forget("file:///w/a.py")
    assert [e.uri for e in history.events()] == ["file:///w/b.py"]


# ---- bounds -------------------------------------------------------------------------------
def test_only_the_last_events_are_kept() -> None:
    history = EditHistory()
    doc = open_doc("".join(f"v{i} = {i}\n" for i in range(100)))
    now = 1.0
    for i in range(0, 100, 5):  # 20 places far apart and far in time
        now, _ = type_replacement(doc, history, f"v{i} = {i}", f"v{i} = -{i}", now + 5)
    kept = history.events()
    assert len(kept) == hist.MAX_EVENTS
    assert kept[-1].new[kept[-1].new.index("v95 = -95")] == "v95 = -95"
    assert not any("v0 = -0" in e.new for e in kept)


def test_a_huge_paste_keeps_no_text() -> None:
    doc, history = open_doc(PY), EditHistory()
    text = doc.text.full()
    blob = "x = 1\n" * 50_000
    send(doc, history, change(text, 0, 0, blob), 1.0)
    assert next(iter(history)).too_big and history.events() == []
    assert sum(e.size for e in history) == 0


def test_an_event_that_grows_too_big_drops_its_text() -> None:
    doc, history = open_doc(PY), EditHistory()
    now = 1.0
    for _ in range(20):  # one place, quick succession, 500 characters at a time
        text = doc.text.full()
        at = text.index("    return subtotal")
        send(doc, history, change(text, at, at, "#" * 499 + "\n"), now)
        now += 0.1
    assert next(iter(history)).too_big
    assert all(e.size <= hist.MAX_EVENT_CHARS for e in history)
    now, _ = type_replacement(doc, history, "price", "cost", now + 0.1)
    assert "def total(cost, qty):" in history.events()[-1].new


class CountingText(Text):
    """A document text that counts what the history reads from it."""

    lines_read = 0
    full_reads = 0

    def lines(self, first: int, last: int) -> str:
        CountingText.lines_read += max(0, last - first)
        return super().lines(first, last)

    def full(self) -> str:
        CountingText.full_reads += 1
        return super().full()


def test_a_keystroke_reads_the_lines_it_touches_not_the_document() -> None:
    big = "".join(f"line_{i} = compute({i}, 'some text to make it long')\n" for i in range(100_000))
    assert len(big) > 5_000_000
    doc, history = open_doc(big), EditHistory()
    doc.text = CountingText(big)
    read_by_history = 0
    for i, key in enumerate("renamed_"):
        point = {"line": 50_000, "character": i}
        entry = {"range": {"start": point, "end": point}, "text": key}
        before = CountingText.lines_read
        history.note(doc, entry, 1.0 + i / 10)
        read_by_history += CountingText.lines_read - before
        doc.apply_change(entry)
    assert CountingText.full_reads == 0
    # the first key reads its line and the context, each later key its line (and clamps)
    assert read_by_history <= 2 * hist.CONTEXT_LINES + 3 * len("renamed_")
    assert (
        history.events()[0].new[2]
        == "renamed_line_50000 = compute(50000, 'some text to make it long')"
    )


# ---- our suggestions ------------------------------------------------------------------------
def test_a_suggestion_applied_then_undone_is_refused() -> None:
    doc, history = open_doc(PY), EditHistory()
    text = doc.text.full()
    at = text.index("price * qty")
    history.remember(doc.uri, "price", "cost")
    assert not history.is_refused(doc.uri, "price", "cost")
    send(doc, history, change(text, at, at + 5, "cost"), 1.0)  # the editor applies it
    assert not history.is_refused(doc.uri, "price", "cost")
    text = doc.text.full()
    send(doc, history, change(text, at, at + 4, "price"), 1.5)  # and undoes it
    assert history.is_refused(doc.uri, "price", "cost")
    assert not history.is_refused("file:///w/other.py", "price", "cost")


def test_a_dismissed_suggestion_is_refused() -> None:
    history = EditHistory()
    history.dismiss("file:///w/a.py", "total(price", "total(cost")
    assert history.is_refused("file:///w/a.py", "price", "cost")


def test_a_suggestion_that_undoes_the_users_edit_is_refused() -> None:
    doc, history = open_doc(PY), EditHistory()
    type_replacement(doc, history, "price", "cost", 1.0)
    assert history.is_refused(doc.uri, "cost", "price")
    assert not history.is_refused(doc.uri, "price", "cost")


def test_every_recorded_change_moves_the_revision() -> None:
    doc, history = open_doc(PY), EditHistory()
    type_replacement(doc, history, "price", "cost", 1.0)
    assert history.revision == 1 + len("cost")
