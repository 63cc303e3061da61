"""The command line on a user's terminal and disk: `ds-lsp complete` prints no key and no
terminal controls, `--show-prompt` shows what the wire gets, and `--log-file` is private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.e2e.conftest import cli

PLAIN_KEY = "plainkey-8f2a61c0d9"
GH_TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
PRIVATE_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi6Z1n5bXjFeEd1n2TJ9sVz0eRq\n"
    "-----END RSA PRIVATE KEY-----\n"
)
TERMINAL_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\u200f")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    file = tmp_path / "calc.py"
    file.write_text("def add(a, b):\n    \n")
    return file


def test_complete_never_prints_the_key_an_upstream_error_echoes(mock, source):
    echoed = f"invalid header Authorization: Bearer {PLAIN_KEY}"
    mock.script({"status": 422, "error": {"message": echoed}})
    out = cli(mock, "complete", f"{source}:2:5", DEEPSEEK_API_KEY=PLAIN_KEY)
    assert out.returncode == 1
    assert "invalid header Authorization" in out.stderr  # the echo is shown ...
    assert PLAIN_KEY not in out.stdout + out.stderr  # ... without the key


def test_complete_prints_no_terminal_controls_from_the_model(mock, source):
    mock.script({"text": "return a\x1b]0;pwned\x07 + b\x1b[2J\u202e\u2066 # \x9b\u200fdone"})
    out = cli(mock, "complete", f"{source}:2:5")
    assert out.returncode == 0
    assert out.stdout == "return a]0;pwned + b[2J # done\n"
    assert not any(c in out.stdout + out.stderr for c in TERMINAL_CONTROLS)


def test_show_prompt_shows_the_file_masked_and_its_controls_escaped(mock, tmp_path):
    file = tmp_path / "deploy.py"
    file.write_text(f'TOKEN = "{GH_TOKEN}"\n# \x1b[31mred\u202e\nrun(TOKEN, \n')
    out = cli(mock, "complete", f"{file}:3:12", "--show-prompt")
    assert out.returncode == 0
    assert GH_TOKEN not in out.stdout and 'TOKEN = "REDACTED_GITHUB_TOKEN_' in out.stdout
    assert "# \\x1b[31mred\\u202e\n" in out.stdout
    assert mock.fim_requests() == []


def test_complete_says_a_file_holding_a_private_key_is_never_sent(mock, tmp_path):
    file = tmp_path / "deploy_key"
    file.write_text(PRIVATE_KEY)
    out = cli(mock, "complete", f"{file}:2:3")
    assert out.returncode == 1 and "holds a private key" in out.stderr
    assert mock.fim_requests() == []


def test_the_log_file_is_created_readable_by_its_owner_only(mock, tmp_path):
    log = tmp_path / "ds-lsp.log"
    old = os.umask(0o022)  # the usual umask, which leaves new files readable by all
    try:
        out = cli(mock, "--log-file", str(log), "--log-level", "DEBUG", "usage")
    finally:
        os.umask(old)
    assert out.returncode == 0
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_the_users_own_log_file_is_appended_to(mock, tmp_path, source):
    log = tmp_path / "ds-lsp.log"
    log.write_text("earlier run\n")
    log.chmod(0o600)
    out = cli(mock, "--log-file", str(log), "--log-level", "DEBUG", "complete", f"{source}:2:5")
    assert out.returncode == 0
    text = log.read_text()
    assert text.startswith("earlier run\n") and "DEBUG" in text and "readable" not in text


def test_a_log_file_others_can_read_gets_a_warning_at_debug(mock, tmp_path):
    log = tmp_path / "ds-lsp.log"
    log.write_text("")
    log.chmod(0o644)
    assert cli(mock, "--log-file", str(log), "--log-level", "DEBUG", "usage").returncode == 0
    assert "is readable by other users; at DEBUG it holds code" in log.read_text()


def test_a_log_file_that_is_a_symlink_is_not_followed(mock, tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious\n")
    link = tmp_path / "ds-lsp.log"
    link.symlink_to(target)
    out = cli(mock, "--log-file", str(link), "--log-level", "DEBUG", "usage")
    assert out.returncode == 0
    assert target.read_text() == "precious\n"
    assert "not used, it is a symbolic link; logging to stderr" in out.stderr


def test_a_log_file_of_another_user_or_not_a_file_is_not_written(mock, tmp_path):
    fifo = tmp_path / "pipe.log"
    os.mkfifo(fifo)
    out = cli(mock, "--log-file", str(fifo), "usage")
    assert out.returncode == 0 and "not used, it is not a regular file" in out.stderr
    theirs = tmp_path / "theirs.log"
    theirs.write_text("")
    if os.geteuid() == 0:
        os.chown(theirs, 65534, 65534)  # nobody's
        reason = "it belongs to another user"
    else:
        theirs.chmod(0o400)  # not the user's to write: the same refusal, by the system
        reason = "Permission denied"
    out = cli(mock, "--log-file", str(theirs), "--log-level", "DEBUG", "usage")
    assert out.returncode == 0 and f"not used, {reason}" in out.stderr
    assert theirs.read_text() == ""
