"""The README's install route, as a new user runs it: a fresh clone, `pipx install .` into a
pipx home of its own, then `ds-lsp check` (against the local mock) from the installed command.
Uses the network for PyPI packages, like the user's install does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.mock_deepseek import MockDeepSeek

ROOT = Path(__file__).resolve().parents[2]
INSTALL_TIMEOUT_S = 600


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S
    )


def test_pipx_install_from_a_fresh_clone_then_check(tmp_path: Path) -> None:
    clone = tmp_path / "ds-lsp"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    bin_dir = tmp_path / "bin"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEEPSEEK_", "PYTHON", "PIPX"))}
    env.update(PIPX_HOME=str(tmp_path / "pipx"), PIPX_BIN_DIR=str(bin_dir))
    installed = run([sys.executable, "-m", "pipx", "install", "."], env, clone)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    command = bin_dir / "ds-lsp"
    assert command.exists(), f"pipx put no ds-lsp in {bin_dir}"

    mock = MockDeepSeek(fim_text=" a + b").start()
    try:
        env.update(DEEPSEEK_API_KEY="sk-install-test", DEEPSEEK_BASE_URL=mock.url + "/beta")
        check = run([str(command), "check"], env, tmp_path)
    finally:
        mock.stop()
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Result: ds-lsp is ready." in check.stdout
    assert "sk-install-test" not in check.stdout
    version = run([str(command), "--version"], env, tmp_path)
    assert version.stdout.startswith("ds-lsp ")
