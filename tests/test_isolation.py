"""A test run never touches the user's real state: tests/conftest.py gives the session its
own XDG folders, and every process a test starts inherits them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A test that runs `ds-lsp complete` against the mock; the CLI saves usage like the server.
RECORDS_USAGE = "tests/e2e/test_cli.py::test_complete_says_why_nothing_was_suggested"


def test_a_test_run_leaves_the_real_state_folder_untouched(tmp_path: Path) -> None:
    home = tmp_path / "home"  # the user's home as the run sees it, with no XDG_* set
    real_state = home / ".local" / "state" / "ds-lsp"
    real_state.mkdir(parents=True)
    usage = real_state / "usage.json"
    usage.write_text('{"2026-01-01": {"requests": 1}}\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "PYTEST_"))}
    env.update(HOME=str(home), PYTHONPATH=str(ROOT))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", RECORDS_USAGE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "1 passed" in run.stdout
    assert usage.read_text() == '{"2026-01-01": {"requests": 1}}\n'
    assert sorted(p.name for p in real_state.iterdir()) == ["usage.json"]  # no lock file either
    assert sorted(p.name for p in home.iterdir()) == [".local"]
