"""Workspace context: the definitions the cursor needs, from open files and the disk.

Pure Python (no pygls, no lsprotocol). The completion pipeline calls
`Workspace.context_block(doc, window, open_docs, budget)` and renders the parts it returns
with the language's comment syntax; `find_root(path)` gives the CLI a workspace root.

- `outline/`: per-file definitions (whole signatures, constructors, doc lines), compact:
  the record format, the Python outliner, the brace-language outliner.
- `imports/`: import statements to module specs (`parse`), and specs to files (`resolve`).
- `ranking`: the names the cursor needs, most needed first.
- `files`: exclusion-checked, size-capped reads and the bounded outline cache.
- `lookup`: the definitions of a name, via imports, the package and open documents.
- `packing`: which lines of which files fit the budget.
- `workspace`: the entry point: the frozen block per document and its appends.
"""

from ds_lsp.workspace.files import find_root
from ds_lsp.workspace.workspace import Workspace

__all__ = ["Workspace", "find_root"]
