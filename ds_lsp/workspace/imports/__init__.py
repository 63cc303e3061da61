"""What a file imports, and the files those imports name.

- `parse`: import statements to names bound to module specs, and wholesale imports.
- `resolve`: a spec to the files it names under the workspace (stats a few candidates, never
  walks the tree).
"""

from ds_lsp.workspace.imports.parse import Imports, parse_imports
from ds_lsp.workspace.imports.resolve import Resolver

__all__ = ["Imports", "Resolver", "parse_imports"]
