"""Fixtures of the editor tests: the editors installed once per session, a mock DeepSeek,
and a sandbox (temp HOME/XDG, `ds-lsp` on PATH) per test.

An editor that cannot be installed makes its tests fail with the installer's output; they are
never skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mock_deepseek import MockDeepSeek

from . import harness


@pytest.fixture(scope="session")
def editors() -> Path:
    """The install folder (DS_EDITORS_DIR); runs scripts/install-editors.sh once."""
    ok, output = harness.run_install()
    if not ok:
        pytest.fail(
            "scripts/install-editors.sh failed, so the editors cannot be driven:\n"
            + output[-4000:],
            pytrace=False,
        )
    return harness.editors_dir()


@pytest.fixture(scope="session")
def server_ready() -> None:
    problem = harness.server_problem()
    if problem:
        pytest.fail(f"ds-lsp cannot start: {problem}", pytrace=False)


@pytest.fixture
def mock() -> Iterator[MockDeepSeek]:
    server = MockDeepSeek(fim_text=harness.FIM_TEXT, chat_text=harness.CHAT_TEXT).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sandbox(tmp_path: Path, mock: MockDeepSeek, server_ready: None) -> harness.Sandbox:
    return harness.make_sandbox(tmp_path, mock.url)
