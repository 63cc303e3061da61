"""The command line as a user meets it: `complete` (usage errors, 1-based positions, why
nothing was suggested, --set, --show-prompt with workspace context, usage recorded),
`check` (one message per problem, nothing guessed) and a bare `ds-lsp` in a terminal."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from ds_lsp.cli.check import run_check
from ds_lsp.config import Settings
from ds_lsp.upstream import backends
from tests.e2e.conftest import API_KEY, cli, server_env


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tiny project: main.py calls a function defined in util.py (not open anywhere)."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "util.py").write_text(
        "def scale_all(\n    values: list[float],\n    factor: float = 2.0,\n) -> list[float]:\n"
        '    """Multiply every value."""\n    return [v * factor for v in values]\n'
    )
    (tmp_path / "main.py").write_text("from util import scale_all\n\nresult = scale_all(\n")
    (tmp_path / ".env").write_text("TOKEN=s3cret\n")
    return tmp_path


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("nowhere.py", "expected FILE:LINE:COL"),
        ("nowhere.py:x:1", "LINE and COL are numbers from 1"),
        ("nowhere.py:0:1", "LINE and COL are numbers from 1"),
        ("nowhere.py:1:1", "cannot read nowhere.py"),
    ],
    ids=["no-position", "not-a-number", "zero", "missing-file"],
)
def test_complete_usage_errors_are_one_clear_message(mock, target: str, words: str) -> None:
    out = cli(mock, "complete", target)
    assert out.returncode == 2 and words in out.stderr
    assert "Traceback" not in out.stderr and "unpack" not in out.stderr


def test_complete_reports_positions_one_based(mock, project: Path) -> None:
    out = cli(mock, "complete", f"{project / 'main.py'}:9:1")
    assert out.returncode == 2 and "has 4 lines; line 9 is past its end" in out.stderr


def test_complete_says_why_nothing_was_suggested(mock, project: Path) -> None:
    mock.script({"text": ""})
    out = cli(mock, "complete", f"{project / 'main.py'}:3:20")
    assert out.returncode == 1
    assert "no suggestion at 3:20: the model answered with nothing" in out.stderr
    excluded = cli(mock, "complete", f"{project / '.env'}:1:7")
    assert excluded.returncode == 1 and "matches `exclude`" in excluded.stderr
    assert len(mock.fim_requests()) == 1  # the .env text never went upstream


def test_complete_judges_a_secret_named_link_by_its_own_name(mock, project: Path) -> None:
    (project / "keys").mkdir()
    (project / "keys" / "prod.txt").write_text('SECRET_TOKEN = "sk-live-0123456789"\n')
    (project / "prod.env").symlink_to(project / "keys" / "prod.txt")
    out = cli(mock, "complete", f"{project / 'prod.env'}:1:1")
    assert out.returncode == 1 and "matches `exclude`" in out.stderr
    assert mock.fim_requests() == []


def test_complete_accepts_global_flags_after_the_subcommand_and_settings(
    mock, project: Path, tmp_path: Path
) -> None:
    log = tmp_path / "cli.log"
    out = cli(
        mock,
        "complete",
        f"{project / 'main.py'}:3:20",
        "--log-level",
        "DEBUG",
        "--log-file",
        str(log),
        "--set",
        "promptHeader=false",
        "--set",
        "maxTokens=7",
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    assert out.returncode == 0, out.stderr
    body = mock.fim_requests()[0].body
    assert body["max_tokens"] == 7 and "# Path:" not in body["prompt"]
    assert "DEBUG" in log.read_text() and API_KEY not in log.read_text()
    usage = json.loads((tmp_path / "state" / "ds-lsp" / "usage.json").read_text())
    (day,) = usage.values()
    assert day["requests"] == 1 and day["upstream"] == 1  # recorded like the server's


def test_show_prompt_prints_the_workspace_context_and_sends_nothing(mock, project: Path) -> None:
    out = cli(mock, "complete", f"{project / 'main.py'}:3:20", "--show-prompt", cwd=project)
    assert out.returncode == 0, out.stderr
    assert "def scale_all(values: list[float], factor: float = 2.0) -> list[float]" in (
        " ".join(out.stdout.split()).replace("( ", "(").replace(", )", ")")
    )
    assert "# util.py" in out.stdout and "result = scale_all(<CURSOR>" in out.stdout
    assert "s3cret" not in out.stdout
    assert mock.fim_requests() == []


async def test_check_without_a_key_says_so_once_and_guesses_nothing(mock, monkeypatch) -> None:
    """In-process, so that the mock can stand in for DeepSeek's own host (which needs a key)
    without any request leaving this machine."""
    monkeypatch.setattr(backends, "has_key", lambda settings: False)
    mock.script({"status": 401}, path="models")
    mock.script({"status": 401}, path="balance")
    lines: list[str] = []
    code = await run_check(Settings(base_url=mock.url + "/beta"), lines.append)
    text = "\n".join(lines)
    assert code == 1 and "API key: NOT SET" in text and "FIM: not tried (no API key)" in text
    assert text.count("platform.deepseek.com/api_keys") == 1
    assert "chosen automatically" not in text and mock.fim_requests() == []


def test_check_with_a_rejected_key_tells_the_problem_once(mock) -> None:
    for path in ("models", "balance", "completions"):
        mock.script({"status": 401}, path=path)
    out = cli(mock, "check")
    assert out.returncode == 1
    assert out.stdout.count("the API key was rejected") == 1
    assert "Model: unknown until GET /models answers" in out.stdout
    assert "chosen automatically" not in out.stdout and API_KEY not in out.stdout


def test_bare_ds_lsp_in_a_terminal_says_what_it_is(mock) -> None:
    main, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ds_lsp"],
        stdin=follower,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=server_env(mock),
    )
    os.close(follower)
    try:
        line = proc.stderr.readline().decode() if proc.stderr else ""
    finally:
        os.close(main)  # end of input: the server stops
        proc.wait(20)
    assert "ds-lsp is a language server" in line and "ds-lsp check" in line


async def test_check_never_shows_a_short_key_whole(mock) -> None:
    lines: list[str] = []
    await run_check(Settings(base_url=mock.url + "/beta", api_key="k3y9z"), lines.append)
    text = "\n".join(lines)
    assert "API key: set" in text and "k3y" not in text and "9z" not in text
