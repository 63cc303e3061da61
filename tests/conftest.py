"""The whole test session keeps away from the user's real state.

ds-lsp saves usage counts in the per-user state folder (`$XDG_STATE_HOME/ds-lsp/usage.json`,
default `~/.local/state/ds-lsp/`). Before any test runs, this file points `XDG_STATE_HOME`,
`XDG_CONFIG_HOME` and `XDG_DATA_HOME` at a folder of this session, so every server, CLI run and
editor a test starts (they inherit the environment) writes there, never into the real ones.
Tests that need a state folder of their own still set it themselves.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

ISOLATED = ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME")
# Set at import, before pytest collects a test module or a plugin starts a process.
SESSION_HOME = Path(tempfile.mkdtemp(prefix="ds-lsp-tests-"))
for _name in ISOLATED:
    _folder = SESSION_HOME / _name.lower()
    _folder.mkdir()
    os.environ[_name] = str(_folder)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(SESSION_HOME, ignore_errors=True)
