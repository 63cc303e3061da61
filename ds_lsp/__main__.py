"""`python -m ds_lsp`: same as the `ds-lsp` console script."""

from ds_lsp.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
