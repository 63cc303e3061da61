"""The wide cleaning corpus (tests/cleaning/*.cases): issue 22's ten patterns in many
languages, each case judged by the document after the user accepts, plus the properties every
case must keep (the item replaces only on the cursor's line, a cached answer refits the same,
stopping the stream early changes nothing, brackets are never worse than before)."""

from __future__ import annotations

from collections import Counter

import pytest

from ds_lsp.code_scan import imbalance
from ds_lsp.completion.postprocess import fit_line
from tests.cleaning.corpus import CASES, PATTERNS, Case, accept, run, split
from tests.unit.test_postprocess_pieces import early_stop_changes_nothing

IDS = [c.id for c in CASES]


def test_the_corpus_is_wide() -> None:
    """Every pattern in many languages, ids unique, one cursor per document."""
    languages = Counter(c.language for c in CASES)
    patterns = Counter(c.pattern for c in CASES)
    assert len(CASES) >= 200 and len(languages) >= 20
    assert set(patterns) == set(PATTERNS) and min(patterns.values()) >= 6
    assert len(set(IDS)) == len(IDS)
    assert all(c.doc.count("█") == 1 for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_document_after_accept_is_what_a_user_wants(case: Case) -> None:
    assert accept(case.doc, run(case.doc, case.raw)) == case.after


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_item_replaces_only_on_the_cursor_line(case: Case) -> None:
    _, suffix, line_prefix = split(case.doc)
    cleaned = run(case.doc, case.raw)
    line_suffix = suffix.split("\n", 1)[0]
    assert 0 <= cleaned.replace <= len(line_suffix)
    if cleaned.text:  # the engine caches the text and fits it to the line again
        assert fit_line(cleaned.text, line_prefix, line_suffix) == cleaned


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_brackets_are_never_worse_than_before_or_the_raw_text(case: Case) -> None:
    prefix, suffix, _ = split(case.doc)
    before = imbalance(prefix + suffix)
    raw = imbalance(prefix + case.raw + suffix)
    assert imbalance(accept(case.doc, run(case.doc, case.raw))) <= max(before, raw)


STREAMED = [c for c in CASES if "\n" in c.raw.strip("\n")]


@pytest.mark.parametrize("with_prefix", [True, False], ids=["with-prefix", "line-prefix-only"])
@pytest.mark.parametrize("case", STREAMED, ids=[c.id for c in STREAMED])
def test_stopping_the_stream_early_changes_nothing(case: Case, with_prefix: bool) -> None:
    assert early_stop_changes_nothing(case.doc, case.raw, case.after, with_prefix)
