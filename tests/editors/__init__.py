"""Real editors, headless, driven against the real ds-lsp with the shipped configs."""
