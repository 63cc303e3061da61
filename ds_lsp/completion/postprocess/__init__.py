"""Cleaning the model's text before it is shown: pure functions, table-tested.

`clean` (given the mode the ask chose: `completion/ask.py`'s `should_complete`, multi-line
when `leaves_room_for_block` says only closers follow the cursor, perhaps then a block's `{`)
returns what the item needs: the text to insert at the cursor and how many characters of the
cursor's line after the cursor it replaces. The document after accept is `prefix + text +
suffix[replace:]`. The parts, in the order `clean` (cleaning.py) runs them; it reads at most
2,000 characters of the cursor's line on each side and 20,000 around it:

- debris.py: line breaks become `\\n`; control characters, bidi overrides and zero-width
  marks go; the text ends at a chat's next turn (`Human:`) or a template token; a Markdown
  fence (and the sentence introducing it), an echo of the prompt's `// Path: file` header, a
  `+`/`-` diff marker or an emoji in front of the code go.
- cursor_line.py, the start: single-line mode keeps the first line. Indentation or blanks the
  model wrote again in front of the cursor (`x = ` + `\\t1`) go, as does a stray indent at
  column 0, and an echo of the cursor's line from its start (`x = f(` + `x = f(a)`).
- repetition.py: a line that ends by repeating itself (`a = a = a = ...`, runaway digits) goes
  with everything after it; of 6+ near-identical lines in a row only the first stays.
- indentation.py (multi-line): tabs become the document's indentation; a block written as if
  the cursor were at column 0 moves to the cursor's block.
- scope.py: a suggestion that completes the cursor's line ends with that statement unless it
  goes on (a block it opens, an open bracket or string, an operator at the line's edge, a
  deeper next line, an Allman brace) or the next lines are siblings of the same kind that the
  block needs (fields, arms of a match, list items, the paragraph under a heading) and the
  document does not go on with that list below. Lines stay in the cursor's block: a line
  indented less than the cursor's ends it, except a first line on a new line that dedents when
  the code below does not continue the block, `} else {`, and `elif`/`else`/`except` at the
  level of the statement that opened the block. A line that closes a block opened before the
  suggestion ends it; that line is dropped when the code below continues the block, when the
  next line below closes the same way at the same indent, or when bracket balance says the
  document already closes it; kept when the document lacks it. A first line that opens a block
  the document already has a body for ends the suggestion. At the line limit the suggestion
  ends where its blocks are closed.
- repetition.py, lines that already follow: the suggestion stops at a line that repeats one
  of the next five code lines below that are still in the cursor's block (blank lines
  skipped, indentation ignored; short lines like `4,` only as the very next line; the very
  next line near-identical, not by its numbers alone, or setting the same key); three lines
  that nearly copy the code below make it nothing. A line repeating the line before it ends
  it; calls repeating the call above the cursor (`console.log(2)`, `(3)`) leave only the first.
- indentation.py: never an opening line alone: when the model's body was cut for being too
  shallow, the block is shown re-indented under its opener, else the opener goes too.
  Continuation lines one stray space off the document's indentation grid go back on it.
- cursor_line.py, the end: closers the editor already typed after the cursor (`)`, `]`, `}`,
  quotes, `>`, `;`, closing tags) that the suggestion types again are replaced (`replace`,
  also when the suggestion goes on after them: `"x: |")` + `", obj);`, and with what it
  retypes of the rest of the line: `f(|) {` + `a) {`) or trimmed from its end, never so that
  the line gets worse; a suggestion that retypes the rest of the line keeps only what is new.
  A one-line suggestion that makes the line worse (a closer that closes nothing or lands at
  another indentation than its opener, a stray bracket, `;` inside an open call) is nothing.

shapes.py tells what a line is (a list item of some kind, an arm, the head of a call);
brackets and strings are found by the project's one scanner, `ds_lsp.code_scan`. Everything is
linear in the size of the text (a hostile upstream may send 10k characters on one line).
"""

from __future__ import annotations

from ds_lsp.code_scan import brackets, imbalance, open_quote, state_after
from ds_lsp.completion.postprocess.cleaning import block_complete, clean
from ds_lsp.completion.postprocess.cursor_line import fit_line, overlap_with_line
from ds_lsp.completion.postprocess.lines import NOTHING, Cleaned, Mode, leaves_room_for_block
from ds_lsp.completion.postprocess.repetition import ends_in_loop, near_identical

__all__ = [
    "NOTHING",
    "Cleaned",
    "Mode",
    "block_complete",
    "brackets",
    "clean",
    "ends_in_loop",
    "fit_line",
    "imbalance",
    "leaves_room_for_block",
    "near_identical",
    "open_quote",
    "overlap_with_line",
    "state_after",
]
