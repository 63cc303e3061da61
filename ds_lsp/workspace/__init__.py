"""Workspace context: the definitions the cursor needs, from open files and the disk.

Pure Python (no pygls, no lsprotocol). The completion pipeline calls
`Workspace.context_block(doc, window, open_docs, budget)` and renders the parts it returns
with the language's comment syntax; `find_root(path)` gives the CLI a workspace root.

- `outline`: per-file definitions (whole signatures, constructors, doc lines), compact.
- `imports`: import statements to module specs, and specs to files.
- `ranking`: the names the cursor needs, most needed first.
- `files`: exclusion-checked, size-capped reads and the bounded outline cache.
- `workspace`: lookup, packing within the budget, the frozen block and appends.
"""

from ds_lsp.workspace.files import find_root
from ds_lsp.workspace.workspace import Workspace

__all__ = ["Workspace", "find_root"]
