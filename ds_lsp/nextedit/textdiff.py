"""Small text-diff helpers of next edit suggestions: common ends of two strings (linear-ish
and in C, whatever the input) and unified diff hunks with the document's line numbers.

Used by `history` (an edit's net change, the diffs shown to the model) and `answer` (the
model's rewrite reduced to the smallest edit).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")  # words, runs of blanks, single signs: linear
MAX_WORD_TOKENS = 2000


def common_prefix(a: str, b: str) -> int:
    """Length of the longest common prefix: a binary search over slice comparisons, so the
    character loop runs in C (O(n log n) at worst, never a Python loop per character)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def common_suffix(a: str, b: str, limit: int | None = None) -> int:
    """Length of the longest common suffix, at most `limit`."""
    lo, hi = 0, min(len(a), len(b), limit if limit is not None else len(a))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def common_ends(a: str, b: str) -> tuple[int, int]:
    """(prefix, suffix) lengths shared by `a` and `b`, never overlapping in either."""
    prefix = common_prefix(a, b)
    suffix = common_suffix(a, b, min(len(a), len(b)) - prefix)
    return prefix, suffix


def trim(old: str, new: str) -> tuple[str, str]:
    """`old` and `new` without their common ends: what a replacement really changes."""
    prefix, suffix = common_ends(old, new)
    return old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]


def tokens(text: str) -> list[str]:
    """Words, runs of blanks and single signs."""
    return _TOKEN.findall(text)


def word_changes(old: str, new: str) -> frozenset[tuple[str, str]]:
    """The (removed, inserted) pieces of a replacement at word granularity: renaming `price`
    to `cost` in three places is {("price", "cost")}. Long texts count as one change."""
    a, b = tokens(old), tokens(new)
    if len(a) + len(b) > MAX_WORD_TOKENS:
        return frozenset({trim(old, new)})
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return frozenset(
        ("".join(a[i1:i2]), "".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    )


def unified_hunks(
    old: Sequence[str], new: Sequence[str], first_line: int, context: int = 2
) -> Iterator[str]:
    """The lines of a unified diff's hunks (without the ---/+++ header) of two line lists
    that start at 0-based line `first_line` of the document."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        yield f"@@ -{_span(first_line + i1, i2 - i1)} +{_span(first_line + j1, j2 - j1)} @@"
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                yield from (" " + line for line in old[a1:a2])
                continue
            yield from ("-" + line for line in old[a1:a2])
            yield from ("+" + line for line in new[b1:b2])


def _span(start: int, count: int) -> str:
    """A hunk range as unified diffs write it: 1-based start, and the line before an empty
    range."""
    if count == 0:
        return f"{start},0"
    return f"{start + 1}" if count == 1 else f"{start + 1},{count}"
