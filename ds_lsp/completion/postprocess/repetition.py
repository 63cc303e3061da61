"""Text the model repeats: lines that end in a loop, runs of near-identical lines, a line that
repeats the one before it, and lines that copy the code already above or below the cursor."""

from __future__ import annotations

import itertools
import re

from ds_lsp.completion.postprocess.lines import (
    closes_block,
    code_lines_below,
    indent_of,
    last_code_line,
)
from ds_lsp.completion.postprocess.shapes import call_head

NUMBER = re.compile(r"\d+")
COMMENT = re.compile(r"(//|#|--|/\*|\*|<!--)")  # a comment repeats only as the next line
KEY = re.compile(r"""(["']?[\w$.-]+["']?)\s*:(?!:)\s*\S""")  # `key: value`


def _period_run(line: str, period: int) -> int:
    """Length of the longest end of `line` in which every character equals the one `period`
    before it (binary search: the property shrinks to shorter ends)."""
    lo, hi = 0, len(line) - period
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if line[len(line) - mid - period : len(line) - period] == line[len(line) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def ends_in_loop(line: str) -> bool:
    """A line ending in a unit of 3+ characters repeated 6+ times, or 10+ characters 4+ times,
    whose unit holds a letter or digit (a `// ======` divider is fine)."""
    code = line.rstrip()
    for period in range(3, min(64, len(code) // 4) + 1):
        run = _period_run(code, period)
        enough = run >= 5 * period or (period >= 10 and run >= 3 * period)
        if enough and any(ch.isalnum() for ch in code[-period:]):
            return True
    return False


def _distance_at_most(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of a and b is at most `limit` (banded, so cheap)."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [limit + 1] * len(b)
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if min(cur) > limit:
            return False
        prev = cur
    return prev[len(b)] <= limit


def near_identical(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    if a == b:
        return True
    if max(len(a), len(b)) > 200:
        return False
    return _distance_at_most(a, b, int(0.1 * max(len(a), len(b))))


def drop_degenerate(text: str) -> str:
    """Cut before the first line that ends in a loop; keep the first of 6+ near-identical
    lines in a row (the last line may be unfinished and is not counted)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if ends_in_loop(line):
            lines = lines[:i]
            break
    code = [i for i, line in enumerate(lines[:-1]) if line.strip()]
    run = 0
    for a, b in itertools.pairwise(code):
        run = run + 1 if near_identical(lines[a], lines[b]) else 0
        if run >= 5:
            return "\n".join(lines[: code[code.index(b) - run] + 1])
    return "\n".join(lines)


def drop_repeated_lines(text: str, line_prefix: str = "") -> str:
    """Stop at a line that repeats the line before it (models loop).

    The first line is compared as it will stand in the file, after `line_prefix`.
    """
    lines = text.split("\n")
    whole = [line_prefix + lines[0], *lines[1:]]
    for i in range(1, len(lines)):
        if lines[i].strip() and whole[i] == whole[i - 1] and len(lines[i].strip()) > 1:
            return "\n".join(lines[:i])
    return text


def cut_at_suffix_lines(text: str, suffix: str, from_first: bool = False, base: int = -1) -> str:
    """Stop where the suggestion starts repeating code that follows the cursor: a line equal
    (indentation aside) to one of the next code lines below that are still in the cursor's
    block (indented at least `base`); a short line or a comment only when it is the very next
    one. Lines that only close a block are left to the bracket rules."""
    raw_below = code_lines_below(suffix)
    below = [s.strip() for s in raw_below]
    if not below:
        return text
    lines = text.split("\n")
    if _copies_block_below(lines, below):
        return ""
    same_block = below[: _block_end(raw_below, base)]
    for i in range(0 if from_first else 1, len(lines)):
        code = lines[i].strip()
        if not code or closes_block(code):
            continue
        if (len(code) > 3 and not COMMENT.match(code) and code in same_block) or code == below[0]:
            return "\n".join(lines[:i]).rstrip(" \t")
        if _same_key(code, below[0]):  # `key: ...` again: the model rewrites the next line
            return "\n".join(lines[:i]).rstrip(" \t")
        if (
            len(code) > 8
            and near_identical(code, below[0])
            and not _next_in_sequence(code, below[0])
        ):
            return "\n".join(lines[:i]).rstrip(" \t")
    return text


def _block_end(below: list[str], base: int) -> int:
    """How many of the lines below stay in a block indented at least `base`."""
    return next((i for i, line in enumerate(below) if indent_of(line) < base), len(below))


def _same_key(a: str, b: str) -> bool:
    """Both lines set the same key (`key: {{ a }}` and `key: {{ b }}`)."""
    ka, kb = KEY.match(a), KEY.match(b)
    return bool(ka and kb and ka.group(1) == kb.group(1))


def _next_in_sequence(a: str, b: str) -> bool:
    """Lines that differ only in their numbers (`assert f(1) == 1` and `assert f(2) == 2`):
    items of a sequence, not a copy."""
    return a != b and NUMBER.sub("0", a) == NUMBER.sub("0", b)


def _copies_block_below(lines: list[str], below: list[str]) -> bool:
    """Three or more lines that are, line for line, near copies of the code below."""
    mine = [x.strip() for x in lines if x.strip()]
    if len(mine) < 3 or len(below) < 3:
        return False
    return all(near_identical(a, b) for a, b in zip(mine[:3], below[:3], strict=False))


def echoes_suffix(text: str, suffix: str, replace: int) -> bool:
    """The model only wrote what already follows the cursor (as it stands, lines and
    indentation included, when it spans lines)."""
    if replace or not text.strip():
        return False
    if "\n" not in text.rstrip("\n"):
        return suffix.lstrip().startswith(text.strip())
    mine = [x.rstrip() for x in text.split("\n") if x.strip()]
    theirs = [x.rstrip() for x in suffix.split("\n") if x.strip()][: len(mine)]
    return mine == theirs


def repeats_line_above(text: str, prefix: str) -> bool:
    """A suggestion on a fresh line that copies the line above it (unless the lines above
    already repeat: the user is writing a sequence)."""
    if not prefix.endswith("\n") and prefix.rsplit("\n", 1)[-1].strip():
        return False
    above = [s.strip() for s in prefix.split("\n")[-4:] if s.strip()]
    first = text.split("\n", 1)[0].strip()
    if len(above) >= 2 and above[-1] == above[-2]:
        return False
    return bool(above) and len(first) >= 8 and above[-1] == first


def one_of_a_run(text: str, line_prefix: str, prefix: str) -> str:
    """`console.log(1)` above the cursor, and the model writes `console.log(2)`, `(3)`, `(4)`:
    a run of calls repeating the line above is the model guessing ahead; the first line is
    the answer."""
    lines = text.split("\n")
    code = [i for i, line in enumerate(lines) if line.strip()]
    if len(code) < 2:
        return text
    first, second = lines[code[0]], lines[code[1]]
    above: str | None
    if line_prefix.strip():
        if not text.startswith("\n"):
            return text
        above, at = line_prefix, indent_of(line_prefix)
    else:
        above, at = last_code_line(prefix[: len(prefix) - len(line_prefix)]), len(line_prefix)
    head = call_head(first)
    if not head or above is None or call_head(above) != head or call_head(second) != head:
        return text
    first_at = indent_of(first) + (len(line_prefix) if code[0] == 0 else 0)
    if not (first_at == indent_of(second) == indent_of(above) == at):
        return text
    return "\n".join(lines[: code[0] + 1])
