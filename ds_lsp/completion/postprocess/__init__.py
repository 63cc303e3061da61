"""Cleaning the model's text before it is shown: pure functions, table-tested.

`should_complete` decides single-line or multi-line from what follows the cursor; `clean`
returns what the item needs: the text to insert at the cursor and how many characters of the
cursor's line after the cursor it replaces. The document after accept is
`prefix + text + suffix[replace:]`. The parts, in the order `clean` (cleaning.py) runs them:

- debris.py: line breaks become `\\n`. A Markdown fence a chat-tuned model wrote
  (```` ```lang ````) goes, and so does an echo of the prompt's `// Path: file` header (later,
  it ends the text).
- cursor_line.py, the start: single-line mode keeps the first line. Indentation or a space the
  model wrote again in front of the cursor (`x = ` + ` 1`) goes, as does a stray indent on a
  first line at column 0.
- repetition.py: a line that ends by repeating itself (`a = a = a = ...`, runaway digits) goes
  with everything after it; of 6+ near-identical lines in a row only the first stays.
- scope.py (multi-line). A suggestion that completes the cursor's line ends with that statement
  unless it goes on (a block it opens, an open bracket or string, an operator at the line's
  edge, a deeper next line, an Allman brace). Lines stay in the cursor's block: a line
  indented less than the cursor's ends it, except a first line on a new line that dedents
  (`}`, a dedented `return`) when the code below does not continue the block, and `} else {`.
  A line that closes a block opened before the suggestion ends it; that line is dropped when
  the code below continues the block, when the next line below closes the same way at the
  same indent (`};` and `}` alike), or when bracket balance says the document already closes
  it; kept when the document lacks it. A closer of a block the suggestion opened stays.
- repetition.py, lines that already follow: the suggestion stops at a line that repeats one of
  the next five code lines below (blank lines skipped, indentation ignored; short lines like
  `4,` only as the very next line; a near-identical next line counts too); three lines that
  nearly copy the code below make it nothing. A line repeating the line before it ends it.
- scope.py: never an opening line alone: when the model's body was cut for being too shallow,
  the block is shown re-indented under its opener, else the opener goes too. Continuation lines
  one stray space off the document's indentation grid go back on it.
- cursor_line.py, the end: closers the editor already typed after the cursor (`)`, `]`, `}`,
  quotes, `>`, `;`) that the suggestion types again are trimmed from its end or replaced
  (`replace`, also when the suggestion goes on after them: `"x: |")` + `", obj);`), never so
  that the line gets worse; a suggestion that retypes the rest of the line keeps only what is
  new. Spaces before more text on the line are kept.

Brackets and strings are found by the project's one scanner, `ds_lsp.code_scan`. Everything
is linear in the size of the text (a hostile upstream may send 10k characters on one line).
"""

from __future__ import annotations

from ds_lsp.code_scan import brackets, imbalance, open_quote, state_after
from ds_lsp.completion.postprocess.cleaning import block_complete, clean
from ds_lsp.completion.postprocess.cursor_line import fit_line, overlap_with_line
from ds_lsp.completion.postprocess.lines import NOTHING, Cleaned, Mode, should_complete
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
    "near_identical",
    "open_quote",
    "overlap_with_line",
    "should_complete",
    "state_after",
]
