"""The `ds-lsp` command line: the server (stdio or TCP), `check`, `complete`, `usage`."""

from ds_lsp.cli.main import main

__all__ = ["main"]
