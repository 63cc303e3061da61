"""The model's rewritten region turned into one smallest edit of the document.

Cleaning (`rewritten_lines`): CRLF to LF; an echoed start marker and everything before it;
the end marker and everything after; cursor markers; an opening fence, a closing fence and
what follows it; a sentence of prose before or after the code; lines of the context above or
below the region that the model wrote again; the last, unfinished line of an answer cut by
`max_tokens`; and an answer indented less than the region as a whole gets the region's
indentation back.

Diffing (`smallest_edit`): the answer's lines are matched to the region's (difflib, on a
bounded number of lines). Lines missing at the region's edges count as not answered, not as
deleted (models answer part of a region), and blank lines added at its edges are ignored.
Changes at most MERGE_GAP lines apart become one edit over the lines between; of several
edits apart, the one nearest the cursor is offered (below the cursor on a tie): the user
takes it and the next request offers the next. Each edit is cut to what changes (common
ends dropped), then widened to whole words where it starts or ends inside a word, so a
renamed identifier is a one-word range. An answer whose answered part shares less than half
its non-blank lines with the region (equal, or alike: most words and signs in common), or that
holds nothing but blank lines, is taken for garbage: no edit.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from ds_lsp.documents import index_to_column
from ds_lsp.nextedit.history import EditHistory
from ds_lsp.nextedit.region import CURSOR, END, START, Region
from ds_lsp.nextedit.textdiff import common_ends, common_prefix, tokens

MERGE_GAP = 1  # unchanged lines between two changes that still make one edit
MIN_SHARED = 0.5  # of the non-blank lines, in regions of MIN_LINES_FOR_SHARE lines or more
MIN_LINES_FOR_SHARE = 4
ALIKE = 0.5  # shared tokens of two lines that count as one line changed
MAX_PROSE_LINES = 3
FENCE = re.compile(r"^\s*(`{3,}|~{3,})[\w+#.-]*\s*$")
PROSE_OPENERS = frozenset(
    ("here", "here's", "sure", "certainly", "okay", "ok", "below", "the", "this", "i", "note")
)
CODE_SIGNS = frozenset("(){}[];=<>")


@dataclass(frozen=True)
class Edit:
    """One replacement in the document: LSP positions in the negotiated encoding."""

    start: tuple[int, int]  # (line, character)
    end: tuple[int, int]
    text: str  # what goes in, with the document's line breaks
    old: str  # the text it replaces ("\n" line breaks)
    new: str  # `text` with "\n" line breaks

    def as_json(self) -> dict[str, object]:
        """The edit's `range` and `text` as LSP JSON."""
        return {
            "range": {
                "start": {"line": self.start[0], "character": self.start[1]},
                "end": {"line": self.end[0], "character": self.end[1]},
            },
            "text": self.text,
        }


def edit_from_answer(raw: str, region: Region, truncated: bool = False) -> Edit | None:
    """The one edit the model's answer suggests, or None. `truncated`: the answer was cut
    by max_tokens (finish_reason "length")."""
    lines = rewritten_lines(raw, region, truncated)
    return smallest_edit(region, lines) if lines is not None else None


def suggestion(
    raw: str, region: Region, history: EditHistory, truncated: bool = False
) -> Edit | None:
    """The edit to offer: the answer's edit unless the user refused it before (undid or
    dismissed it) or it would undo the user's own recent edit; remembered as offered."""
    edit = edit_from_answer(raw, region, truncated)
    if edit is None or history.is_refused(region.uri, edit.old, edit.new):
        return None
    history.remember(region.uri, edit.old, edit.new)
    return edit


# ---- cleaning --------------------------------------------------------------------------
def rewritten_lines(raw: str, region: Region, truncated: bool = False) -> list[str] | None:
    """The model's rewrite of the region as lines, cleaned; None when nothing is left or
    the answer is far longer than the region could become."""
    text = raw.replace("\r\n", "\n")
    if START in text:
        text = text[text.rindex(START) + len(START) :].removeprefix("\n")
    if END in text:
        text = text[: text.index(END)]
    text = text.replace(CURSOR, "")
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()  # the line break before the end marker
    elif truncated and lines:
        lines.pop()  # cut by max_tokens mid-line
    lines = _trim_tail(_trim_head(lines, region), region)
    if not lines or len(lines) > 3 * len(region.lines) + 20:
        return None
    return _restore_indent(lines, region)


def _trim_head(lines: list[str], region: Region) -> list[str]:
    known = set(region.lines)
    if lines and FENCE.match(lines[0]) and lines[0] not in known:
        lines = lines[1:]
    dropped = 0
    while dropped < MAX_PROSE_LINES and lines and lines[0] not in known and is_prose(lines[0]):
        lines, dropped = lines[1:], dropped + 1
    if dropped and lines and not lines[0].strip() and region.lines[0].strip():
        lines = lines[1:]
    return _drop_echo(lines, region.before.split("\n")[:-1], region, head=True)


def _trim_tail(lines: list[str], region: Region) -> list[str]:
    known = set(region.lines)
    close = next((i for i, t in enumerate(lines) if FENCE.match(t) and t not in known), None)
    if close is not None:
        lines = lines[:close]
    dropped = 0
    while dropped < MAX_PROSE_LINES and lines and lines[-1] not in known and is_prose(lines[-1]):
        lines, dropped = lines[:-1], dropped + 1
        while lines and not lines[-1].strip() and region.lines[-1].strip():
            lines = lines[:-1]
    return _drop_echo(lines, region.after.split("\n"), region, head=False)


def _drop_echo(lines: list[str], context: list[str], region: Region, head: bool) -> list[str]:
    """Lines of the context next to the region that the model wrote again at that edge."""
    if not lines or not any(context):
        return lines
    ours = list(region.lines)
    for k in range(min(len(lines), len(context)), 0, -1):
        if head and lines[:k] == context[-k:] and lines[:k] != ours[:k]:
            return lines[k:]
        if not head and lines[-k:] == context[:k] and lines[-k:] != ours[-k:]:
            return lines[:-k]
    return lines


def is_prose(line: str) -> bool:
    """A sentence to the reader at column 0 (not code, not a comment)."""
    words = line.split()
    if len(words) < 3 or line[:1].isspace() or not line.rstrip().endswith((".", ":", "!")):
        return False
    if any(ch in CODE_SIGNS for ch in line):
        return False
    first = words[0].lower().strip("*,:;!")
    return words[0][:1].isupper() or first in PROSE_OPENERS


def _indent(lines: list[str] | tuple[str, ...]) -> str:
    """The whitespace every non-blank line starts with."""
    shared: str | None = None
    for t in lines:
        if t.strip():
            ws = t[: len(t) - len(t.lstrip())]
            shared = ws if shared is None else shared[: common_prefix(shared, ws)]
    return shared or ""


def _restore_indent(lines: list[str], region: Region) -> list[str]:
    """A model that dropped the region's common indentation gets it back."""
    ours, theirs = _indent(region.lines), _indent(lines)
    if ours == theirs or not ours.startswith(theirs):
        return lines
    extra = ours[len(theirs) :]
    return [extra + t if t.strip() else t for t in lines]


# ---- diffing ---------------------------------------------------------------------------
Hunk = tuple[int, int, int, int]  # region lines i1..i2 become answer lines j1..j2


Opcode = tuple[str, int, int, int, int]


def smallest_edit(region: Region, lines: list[str]) -> Edit | None:
    """The one smallest edit that takes the region towards `lines`, or None."""
    ours = list(region.lines)
    if lines == ours or not any(t.strip() for t in lines):
        return None
    opcodes = difflib.SequenceMatcher(None, ours, lines, autojunk=False).get_opcodes()
    answered = [
        op
        for op in _unanswered_edges(opcodes, len(ours), len(lines))
        if _answered(op, lines, len(ours))
    ]
    if not _alike_enough(answered, ours, lines):
        return None
    hunks = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in answered if tag != "equal"]
    if not hunks:
        return None
    row = region.cursor[0] - region.first
    chosen = min(_merge(hunks), key=lambda h: _distance(h, row))
    return _edit(region, lines, chosen)


def _unanswered_edges(opcodes: Sequence[Opcode], size: int, answer_size: int) -> list[Opcode]:
    """A change at the region's end (or start) that replaces more lines than the answer has
    there: the answer stopped short (or started late); its lines pair with the first (or
    last) of the region's, the rest was not answered."""
    out = list(opcodes)
    tag, i1, i2, j1, j2 = out[-1]
    if tag == "replace" and i2 == size and j2 == answer_size and i2 - i1 > j2 - j1:
        out[-1] = (tag, i1, i1 + j2 - j1, j1, j2)
    elif out[0][0] == "replace" and out[0][1] == 0 and out[0][3] == 0:
        tag, i1, i2, j1, j2 = out[0]
        if i2 - i1 > j2 - j1:
            out[0] = (tag, i2 - (j2 - j1), i2, j1, j2)
    return out


def _alike_enough(opcodes: list[Opcode], ours: list[str], theirs: list[str]) -> bool:
    """Whether the answered part shares half its non-blank lines with the region: equal, or
    alike (a renamed word). Small regions are not judged."""
    if len(ours) < MIN_LINES_FOR_SHARE:
        return True
    shared = total = 0
    for tag, i1, i2, j1, j2 in opcodes:
        total += _nonblank(ours[i1:i2]) + _nonblank(theirs[j1:j2])
        if tag == "equal":
            shared += 2 * _nonblank(ours[i1:i2])
        elif tag == "replace":
            pairs = zip(ours[i1:i2], theirs[j1:j2], strict=False)
            shared += 2 * sum(bool(a.strip()) and _alike(a, b) for a, b in pairs)
    return shared >= MIN_SHARED * total


def _nonblank(lines: list[str]) -> int:
    return sum(1 for t in lines if t.strip())


def _alike(a: str, b: str) -> bool:
    """Two versions of one line: most of their words and signs in common (linear: bags of
    tokens, not an alignment), as a line with a renamed name is."""
    ours, theirs = Counter(tokens(a)), Counter(tokens(b))
    size = sum(ours.values()) + sum(theirs.values())
    return size > 0 and 2 * sum((ours & theirs).values()) >= ALIKE * size


def _answered(op: Opcode, theirs: list[str], size: int) -> bool:
    """Whether a change is the model's: lines missing at the region's edges were not
    answered, and blank lines added at its edges are noise."""
    tag, i1, i2, j1, j2 = op
    added = theirs[j1:j2]
    if tag == "equal":
        return True
    at_edge = i1 == 0 or i2 == size
    if tag == "delete" and at_edge:
        return False
    return not (tag == "insert" and at_edge and not any(t.strip() for t in added))


def _merge(hunks: list[Hunk]) -> list[Hunk]:
    merged = [hunks[0]]
    for i1, i2, j1, j2 in hunks[1:]:
        a1, a2, b1, _ = merged[-1]
        if i1 - a2 <= MERGE_GAP:
            merged[-1] = (a1, i2, b1, j2)
        else:
            merged.append((i1, i2, j1, j2))
    return merged


def _distance(hunk: Hunk, row: int) -> tuple[int, int]:
    """Lines between the cursor and the change; a change below wins a tie."""
    low, high = hunk[0], max(hunk[0], hunk[1] - 1)
    if low <= row <= high:
        return 0, 0
    return (low - row, 0) if low > row else (row - high, 1)


def _edit(region: Region, lines: list[str], hunk: Hunk) -> Edit | None:
    i1, i2, j1, j2 = hunk
    ours = "".join(t + "\n" for t in region.lines)
    theirs = "".join(t + "\n" for t in lines)
    starts = [0, *accumulate(len(t) + 1 for t in region.lines)]
    new_starts = [0, *accumulate(len(t) + 1 for t in lines)]
    old_piece = ours[starts[i1] : starts[i2]]
    new_piece = theirs[new_starts[j1] : new_starts[j2]]
    prefix, suffix = common_ends(old_piece, new_piece)
    start, end = starts[i1] + prefix, starts[i2] - suffix
    new = new_piece[prefix : len(new_piece) - suffix]
    start, end, new = _whole_words(ours, start, end, new)
    if start == end and not new:
        return None
    if region.at_eof and end == len(ours):  # past the last line: move to its end
        start, end, new = _before_last_break(start, end, new)
    return Edit(
        _position(region, starts, start),
        _position(region, starts, end),
        new.replace("\n", region.eol),
        ours[start:end],
        new,
    )


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _edge_is_word(text: str, last: bool) -> bool:
    return bool(text) and _is_word(text[-1] if last else text[0])


def _whole_words(text: str, start: int, end: int, new: str) -> tuple[int, int, str]:
    """Widen an edit that starts or ends inside a word to the whole word."""
    old = text[start:end]
    if (
        start > 0
        and _is_word(text[start - 1])
        and (_edge_is_word(new, False) or _edge_is_word(old, False))
    ):
        left = start
        while left > 0 and _is_word(text[left - 1]):
            left -= 1
        new, start = text[left:start] + new, left
    if (
        end < len(text)
        and _is_word(text[end])
        and (_edge_is_word(new, True) or _edge_is_word(old, True))
    ):
        right = end
        while right < len(text) and _is_word(text[right]):
            right += 1
        new, end = new + text[end:right], right
    return start, end, new


def _before_last_break(start: int, end: int, new: str) -> tuple[int, int, str]:
    """An edit reaching the line break after the document's last line (which the document
    lacks): the same edit one character earlier, the break moved to the front."""
    if start == end:  # lines inserted after the last line
        return start - 1, end - 1, "\n" + new.removesuffix("\n")
    return max(start - 1, 0), end - 1, new


def _position(region: Region, starts: list[int], offset: int) -> tuple[int, int]:
    """The LSP position of an offset in the region's text."""
    row = min(bisect_right(starts, offset) - 1, len(region.lines))
    line = region.lines[row] if row < len(region.lines) else ""
    return region.first + row, index_to_column(line, offset - starts[row], region.encoding)
