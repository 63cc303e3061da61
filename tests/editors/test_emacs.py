"""Emacs in batch mode with the shipped editors/emacs/*.el loaded as they are (`-l FILE`).

A small probe (eglot_probe.el, lsp_mode_probe.el) then acts as the user: types, asks for
completion, accepts, runs the generate command, and writes what it saw as JSON.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.mock_deepseek import MockDeepSeek

from . import harness

EMACS_DIR = harness.EDITORS / "emacs"
HERE = Path(__file__).parent
INSTRUCTION = "a function mul that multiplies two numbers"
EMACS_TIMEOUT_S = 240


def run_emacs(sandbox: harness.Sandbox, load: list[Path], extra_env: dict[str, str]) -> dict:
    """Run `emacs --batch -l ...` (site-start loads Debian's elpa packages), return the JSON
    the probe wrote; fail with Emacs' output and the ds-lsp log when it did not."""
    file = sandbox.write("example.py", harness.SOURCE)
    out = sandbox.root / "probe.json"
    env = {
        **sandbox.env,
        "DS_TEST_FILE": str(file),
        "DS_TEST_OUT": str(out),
        "DS_TEST_TYPED": harness.TYPED,
        "DS_TEST_WANT": "return a + b",
        "DS_TEST_INSTRUCTION": INSTRUCTION,
        **extra_env,
    }
    cmd = ["emacs", "--batch"]
    for path in load:
        cmd += ["-l", str(path)]
    proc = harness.start(
        cmd, env, sandbox.workspace, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output, _ = proc.communicate(timeout=EMACS_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        harness.kill(proc)
        output = proc.communicate()[0] if proc.stdout else ""
        pytest.fail(
            f"Emacs did not finish within {EMACS_TIMEOUT_S}s\n{output[-4000:]}\n"
            f"--- ds-lsp log ---\n{sandbox.server_log_tail()}"
        )
    finally:
        harness.kill(proc)
    if not out.exists():
        pytest.fail(
            f"Emacs exited {proc.returncode} without writing its result:\n"
            f"{output[-4000:]}\n--- ds-lsp log ---\n{sandbox.server_log_tail()}"
        )
    result = json.loads(out.read_text())
    result["_output"] = output[-3000:]
    return result


def explain(result: dict, sandbox: harness.Sandbox) -> str:
    shown = {k: v for k, v in result.items() if k not in ("events", "_output")}
    return (
        f"probe result: {json.dumps(shown, indent=1)}\n--- Emacs output ---\n"
        f"{result.get('_output')}\n--- LSP events (tail) ---\n{result.get('events')}\n"
        f"--- ds-lsp log (tail) ---\n{sandbox.server_log_tail()}"
    )


def test_emacs_eglot_completion_and_generate(
    editors: Path, sandbox: harness.Sandbox, mock: MockDeepSeek
) -> None:
    result = run_emacs(sandbox, [EMACS_DIR / "ds-lsp-eglot.el", HERE / "eglot_probe.el"], {})
    why = explain(result, sandbox)
    assert "error" not in result, why
    assert result["server"] == "ds-lsp", why
    assert "return a + b" in result["candidates"], why
    assert result["line2"] == harness.COMPLETED_LINE, why
    assert result["generate-applied"] is True, why
    assert harness.generated_block(result["generate-text"]) == harness.CHAT_CODE, why
    assert harness.check_generated(result["buffer"]) is None, why
    assert mock.fim_requests(), "no FIM request reached the mock DeepSeek"
    chat = mock.requests_to("/chat/completions")
    assert chat, "no chat request reached the mock DeepSeek"
    assert INSTRUCTION in json.dumps(chat[-1].body), "the instruction did not reach upstream"


def lsp_mode_load_path(editors: Path) -> list[str]:
    """An .el file putting the unpacked lsp-mode 10 and its dependencies first on load-path."""
    src = editors / "root" / "usr" / "share" / "emacs" / "site-lisp" / "elpa-src"
    dirs = sorted(str(d) for d in src.iterdir() if d.is_dir()) if src.is_dir() else []
    if not any(Path(d).name.startswith("lsp-mode-") for d in dirs):
        pytest.fail(
            f"lsp-mode is not unpacked under {src}; scripts/install-editors.sh "
            "should have put it there",
            pytrace=False,
        )
    return dirs


def test_emacs_lsp_mode_inline_completion_and_generate(
    editors: Path, sandbox: harness.Sandbox, mock: MockDeepSeek
) -> None:
    dirs = lsp_mode_load_path(editors)
    init = sandbox.root / "load-path.el"
    # What package.el does for an installed package: load-path first, then its autoloads.
    init.write_text(
        "(setq load-path (append '({}) load-path))\n".format(" ".join(map(json.dumps, dirs)))
        + "".join(
            f"(load {json.dumps(str(a))} nil t)\n"
            for d in dirs
            for a in sorted(Path(d).glob("*-autoloads.el"))
        )
    )
    result = run_emacs(
        sandbox,
        [init, EMACS_DIR / "ds-lsp-lsp-mode.el", HERE / "lsp_mode_probe.el"],
        {"DS_TEST_GHOST": harness.FIM_TEXT},
    )
    why = explain(result, sandbox)
    assert "error" not in result, why
    assert result["lsp-mode-dir"].startswith("lsp-mode-10"), why
    assert "ds-lsp" in result["servers"], why
    assert result["inline-mode"] is True, why
    assert harness.FIM_TEXT in result["ghost"], why
    assert result["line2-before-accept"] == "    " + harness.TYPED, why
    assert result["line2"] == harness.COMPLETED_LINE, why
    assert result["overlay-after-accept"] is False, why
    assert result["generate-applied"] is True, why
    assert harness.check_generated(result["buffer"]) is None, why
    assert mock.fim_requests(), "no FIM request reached the mock DeepSeek"
    assert mock.requests_to("/chat/completions"), "no chat request reached the mock DeepSeek"


def test_emacs_dir_locals_cannot_send_the_key_elsewhere(
    editors: Path, sandbox: harness.Sandbox, mock: MockDeepSeek
) -> None:
    """A cloned repository's .dir-locals.el sets ds-lsp's baseUrl (eglot applies it without a
    prompt) and an empty exclude list: the key and the text still go only to the user's
    host, and the user is told once what was ignored."""
    attacker = MockDeepSeek(fim_text="stolen()").start()
    try:
        (sandbox.workspace / ".dir-locals.el").write_text(
            "((nil . ((eglot-workspace-configuration\n"
            f'          . (:ds-lsp (:baseUrl "{attacker.url}/beta" :exclude []))))))\n'
        )
        result = run_emacs(sandbox, [EMACS_DIR / "ds-lsp-eglot.el", HERE / "eglot_probe.el"], {})
        why = explain(result, sandbox)
        assert "error" not in result, why
        assert result["line2"] == harness.COMPLETED_LINE, why
        assert attacker.requests == [], "the workspace's host received a request"
        assert mock.fim_requests(), "no FIM request reached the user's own host"
        assert all(r.headers.get("authorization") == "Bearer sk-test" for r in mock.fim_requests())
        log = sandbox.server_log_tail(200_000)
        assert attacker.url in log and "`baseUrl` from the workspace settings is ignored" in log, (
            "the dir-locals settings never reached the server, so the test proves nothing"
        )
    finally:
        attacker.stop()
