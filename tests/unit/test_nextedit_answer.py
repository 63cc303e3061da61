"""The model's rewritten region, cleaned and diffed into one smallest edit, judged by the
document after the edit is applied (and, where it matters, by the edit's range)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from ds_lsp.documents import UTF8, UTF16, UTF32
from ds_lsp.nextedit.answer import edit_from_answer, is_prose, suggestion
from ds_lsp.nextedit.history import EditHistory
from ds_lsp.nextedit.region import CURSOR, END, START, editable_region
from tests.unit.nextedit_helpers import apply_edit, open_doc, type_replacement

PY = """\
RATE = 0.2


def total(cost, qty):
    \"\"\"The total of qty items at price each.\"\"\"
    subtotal = price * qty
    tax = subtotal * RATE
    return subtotal + tax
"""
RENAMED = PY.replace("price", "cost")


def renamed(region: str) -> str:
    return region.replace("price", "cost")


@dataclass
class Case:
    id: str
    answer: Callable[[str], str]  # the model's raw answer, from the region's text
    after: str  # the document after applying the edit (PY itself: no edit)
    truncated: bool = False


CASES = [
    Case(
        "the uses of a renamed name: one edit over close lines",
        lambda r: renamed(r) + "\n",
        RENAMED,
    ),
    Case("the region unchanged: no edit", lambda r: r + "\n", PY),
    Case("an empty answer: no edit", lambda r: "", PY),
    Case("only blank lines: no edit", lambda r: "\n\n\n", PY),
    Case("in a fence", lambda r: f"```python\n{renamed(r)}\n```\n", RENAMED),
    Case("the end marker and a fence after it", lambda r: f"{renamed(r)}\n{END}\n```", RENAMED),
    Case("echoed start marker", lambda r: f"{START}\n{renamed(r)}\n{END}", RENAMED),
    Case(
        "the cursor marker left in",
        lambda r: renamed(r).replace("def total(cost", f"def total(cost{CURSOR}") + "\n",
        RENAMED,
    ),
    Case(
        "prose before and after",
        lambda r: f"Here is the updated region:\n\n{renamed(r)}\n\nI renamed the remaining uses.",
        RENAMED,
    ),
    Case("CRLF line breaks", lambda r: renamed(r).replace("\n", "\r\n") + "\r\n", RENAMED),
    Case(
        "cut by max_tokens mid-line: the finished lines count",
        lambda r: renamed(r)[: renamed(r).index("* qty") + 2],
        PY.replace("at price each", "at cost each"),
        truncated=True,
    ),
    Case(
        "only the first lines answered: the rest stays",
        lambda r: "\n".join(renamed(r).split("\n")[:5]) + "\n",
        PY.replace("at price each", "at cost each"),
    ),
    Case(
        "an unrelated answer is garbage: no edit",
        lambda r: "import os\nimport sys\n\nprint(os.getcwd(), sys.argv)\nexit(0)\n",
        PY,
    ),
    Case(
        "an answer far longer than the region: no edit",
        lambda r: renamed(r) + "\n" + "x = 1\n" * 200,
        PY,
    ),
    Case(
        "blank lines added at the region's edges are noise",
        lambda r: "\n\n" + r + "\n\n\n",
        PY,
    ),
    Case(
        "a line added in the middle",
        lambda r: r.replace("    return", "    assert tax >= 0\n    return") + "\n",
        PY.replace("    return", "    assert tax >= 0\n    return"),
    ),
    Case(
        "a line deleted in the middle",
        lambda r: r.replace("    tax = subtotal * RATE\n", "") + "\n",
        PY.replace("    tax = subtotal * RATE\n", ""),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_document_after_the_edit(case: Case) -> None:
    doc = open_doc(PY)
    region = editable_region(doc, 3, 14, 8)
    assert region is not None
    edit = edit_from_answer(case.answer(region.text), region, case.truncated)
    assert (apply_edit(doc, edit) if edit else PY) == case.after


def edit_for(text: str, line: int, character: int, answer: Callable[[str], str], half: int = 8):
    doc = open_doc(text)
    region = editable_region(doc, line, character, half)
    assert region is not None
    return doc, edit_from_answer(answer(region.text), region)


def test_a_renamed_word_is_a_one_word_range() -> None:
    text = "def f(cost):\n    return price\n"
    _, edit = edit_for(text, 0, 10, lambda r: r.replace("price", "cost") + "\n")
    assert edit is not None
    assert edit.as_json() == {
        "range": {"start": {"line": 1, "character": 11}, "end": {"line": 1, "character": 16}},
        "text": "cost",
    }


@pytest.mark.parametrize(
    ("before", "after", "old", "new"),
    [
        pytest.param("prices", "costs", "prices", "costs", id="a shared suffix: the whole word"),
        pytest.param("count", "counter", "count", "counter", id="a word grown at its end"),
        pytest.param("user_id", "user", "user_id", "user", id="a word cut short"),
        pytest.param("f(a)", "f(a, b)", "", ", b", id="an argument added: just the insertion"),
    ],
)
def test_edits_inside_a_word_widen_to_the_word(before: str, after: str, old: str, new: str):
    text = f"x = 1\ny = {before}\n"
    doc, edit = edit_for(text, 0, 0, lambda r: r.replace(before, after) + "\n")
    assert edit is not None and (edit.old, edit.new) == (old, new)
    assert apply_edit(doc, edit) == text.replace(before, after)


FAR = "".join(f"v{i} = price + {i}\n" for i in range(15))


@pytest.mark.parametrize(
    ("cursor_line", "changed", "offered"),
    [
        (1, [0, 7, 14], 0),
        (6, [0, 4, 8, 14], 8),
        (13, [0, 7, 14], 14),
        (7, [0, 7, 14], 7),
    ],
    ids=["above the cursor", "a tie goes to the one below", "at the end", "on the cursor's line"],
)
def test_of_changes_far_apart_the_nearest_to_the_cursor_is_offered(
    cursor_line: int, changed: list[int], offered: int
) -> None:
    def answer(r: str) -> str:
        lines = r.split("\n")
        for n in changed:
            lines[n] = lines[n].replace("price", "cost")
        return "\n".join(lines) + "\n"

    _, edit = edit_for(FAR, cursor_line, 0, answer, half=15)
    assert edit is not None
    assert edit.start[0] == edit.end[0] == offered and edit.new == "cost"


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("a = price\nb = price\n", (0, 1)),
        ("a = price\nb = 1\nc = price\n", (0, 2)),
        ("a = price\nb = 1\nc = 2\nd = price\n", (0, 0)),
    ],
    ids=["adjacent: one edit", "one line between: one edit", "two lines between: the nearest"],
)
def test_close_changes_make_one_edit(text: str, lines: tuple[int, int]) -> None:
    _, edit = edit_for(text, 0, 0, lambda r: r.replace("price", "cost") + "\n")
    assert edit is not None and (edit.start[0], edit.end[0]) == lines


@pytest.mark.parametrize(
    ("encoding", "start", "end"),
    [(UTF16, 11, 16), (UTF32, 10, 15), (UTF8, 13, 18)],
    ids=["utf-16", "utf-32", "utf-8"],
)
def test_ranges_use_the_negotiated_encoding(encoding: str, start: int, end: int) -> None:
    text = 'x = "😀" + price\ny = 1\n'
    doc = open_doc(text)
    doc.encoding = encoding
    region = editable_region(doc, 1, 0, 3)
    assert region is not None
    edit = edit_from_answer(region.text.replace("price", "cost") + "\n", region)
    assert edit is not None
    assert (edit.start, edit.end) == ((0, start), (0, end))
    assert apply_edit(doc, edit) == text.replace("price", "cost")


def test_documents_broken_by_a_lone_cr_keep_it() -> None:
    text = "a = 1\rb = 2\rc = 3\r"
    doc, edit = edit_for(text, 1, 0, lambda r: r.replace("b = 2", "b = 2\nbb = 22") + "\n")
    assert edit is not None and "\n" not in edit.text
    assert apply_edit(doc, edit) == "a = 1\rb = 2\rbb = 22\rc = 3\r"


def test_crlf_documents_get_crlf_in_the_inserted_text() -> None:
    text = "a = 1\r\nb = 2\r\nc = 3\r\n"
    doc, edit = edit_for(text, 1, 0, lambda r: r.replace("b = 2", "b = 2\nbb = 22") + "\n")
    assert edit is not None and "\r\n" in edit.text and "\n" not in edit.text.replace("\r\n", "")
    assert apply_edit(doc, edit) == "a = 1\r\nb = 2\r\nbb = 22\r\nc = 3\r\n"


@pytest.mark.parametrize(
    ("text", "answer", "after"),
    [
        pytest.param(
            "a = 1\nb = 2", "a = 1\nb = 2\nc = 3", "a = 1\nb = 2\nc = 3", id="a line added"
        ),
        pytest.param("a = 1\nb = 2", "a = 1\nb = 3", "a = 1\nb = 3", id="the last line changed"),
        pytest.param("a = 1\nb = 2", "a = 10\nb = 2", "a = 10\nb = 2", id="the first line"),
    ],
)
def test_edits_at_the_end_of_a_document_without_a_final_newline(
    text: str, answer: str, after: str
) -> None:
    doc, edit = edit_for(text, 0, 0, lambda r: answer)
    assert edit is not None
    assert apply_edit(doc, edit) == after


def test_a_dedented_answer_gets_the_region_indentation_back() -> None:
    text = "class A:\n    def f(self, cost):\n        x = price\n        return x\n"
    doc = open_doc(text)
    region = editable_region(doc, 2, 0, 1)  # the three indented lines
    assert region is not None
    answer = "def f(self, cost):\n    x = cost\n    return x\n"
    edit = edit_from_answer(answer, region)
    assert edit is not None and (edit.old, edit.new) == ("price", "cost")


def test_context_lines_written_again_are_dropped() -> None:
    text = "".join(f"line{i} = {i}\n" for i in range(10))
    doc = open_doc(text)
    region = editable_region(doc, 5, 0, 1)
    assert region is not None
    answer = "line3 = 3\n" + region.text.replace("line5 = 5", "line5 = 50") + "\nline7 = 7\n"
    edit = edit_from_answer(answer, region)
    assert edit is not None
    assert apply_edit(doc, edit) == text.replace("line5 = 5", "line5 = 50")


@pytest.mark.parametrize(
    ("line", "prose"),
    [
        ("Here is the updated region:", True),
        ("I renamed `price` to `cost` everywhere.", True),
        ("sure, here it is:", True),
        ("    Returns the total price.", False),
        ("# Returns the total price.", False),
        ("total = price * qty", False),
        ("print('Done.')", False),
        ("Done.", False),
    ],
)
def test_prose_is_told_from_code(line: str, prose: bool) -> None:
    assert is_prose(line) is prose


def test_a_dismissed_rename_is_not_offered_again_other_edits_are() -> None:
    text = "def f(cost):\n    return cost\n"
    doc, history = open_doc(text), EditHistory()
    region = editable_region(doc, 0, 0, 3)
    assert region is not None
    history.dismiss(doc.uri, "cost", "price")
    assert suggestion(region.text.replace("cost", "price") + "\n", region, history) is None
    answer = region.text.replace("return cost", "return cost * 2") + "\n"
    offered = suggestion(answer, region, history)
    assert offered is not None and offered.new == " * 2"


def test_a_suggestion_that_undoes_the_users_rename_is_not_offered() -> None:
    doc, history = open_doc("def f(price):\n    return price\n"), EditHistory()
    type_replacement(doc, history, "price", "cost", 1.0)
    region = editable_region(doc, 0, 9, 3)
    assert region is not None
    assert suggestion(region.text.replace("cost", "price") + "\n", region, history) is None
    offered = suggestion(region.text.replace("price", "cost") + "\n", region, history)
    assert offered is not None and (offered.old, offered.new) == ("price", "cost")
