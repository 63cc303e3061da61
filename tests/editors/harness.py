"""Shared plumbing of the editor tests: installing the editors, the server command, a
sandboxed environment per test, polling, and process clean-up.

Nothing here is specific to one editor; each test module drives its editor the way a user
would and reads back what the user would see.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parents[2]
EDITORS = REPO / "editors"
INSTALL_SCRIPT = REPO / "scripts" / "install-editors.sh"
INSTALL_TIMEOUT_S = 1200

# The suggestion every test expects: the user types "ret" on an indented line and the
# "model" continues with "urn a + b".
SOURCE = "def add(a, b):\n    \n"
TYPED = "ret"
FIM_TEXT = "urn a + b"
COMPLETED_LINE = "    return a + b"
CHAT_CODE = "def mul(a, b):\n    return a * b\n"
CHAT_TEXT = CHAT_CODE + "```"

T = TypeVar("T")


def generated_block(text: str) -> str | None:
    """The generated function as found in `text`, dedented (ds-lsp indents generated code to
    fit where it goes), or None."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == CHAT_CODE.splitlines()[0]:
            return textwrap.dedent("\n".join(lines[i : i + len(CHAT_CODE.splitlines())])) + "\n"
    return None


def check_generated(text: str) -> str | None:
    """What is wrong with `text` after generating below the completed line, or None."""
    head = "def add(a, b):\n" + COMPLETED_LINE + "\n"
    if not text.startswith(head):
        return f"the text before the generated code changed: {text!r}"
    if generated_block(text[len(head) :]) != CHAT_CODE:
        return f"the generated code {CHAT_CODE!r} is not below the completed line: {text!r}"
    if "```" in text:
        return f"the code fence was inserted too: {text!r}"
    return None


def editors_dir() -> Path:
    return Path(os.environ.get("DS_EDITORS_DIR", "/tmp/ds-editors"))


def run_install() -> tuple[bool, str]:
    """Run scripts/install-editors.sh once; return (ok, its output)."""
    try:
        proc = subprocess.run(
            ["bash", str(INSTALL_SCRIPT)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=INSTALL_TIMEOUT_S,
            env={**os.environ, "DS_EDITORS_DIR": str(editors_dir()), "PYTHON": sys.executable},
        )
    except subprocess.TimeoutExpired as exc:
        return False, f"timed out after {INSTALL_TIMEOUT_S}s\n{exc.output or ''}"
    return proc.returncode == 0, proc.stdout


def server_command() -> list[str]:
    """The real ds-lsp: DS_LSP_TEST_CMD if set, else the console script of this Python, else
    `python -m ds_lsp` from the repository."""
    if os.environ.get("DS_LSP_TEST_CMD"):
        return shlex.split(os.environ["DS_LSP_TEST_CMD"])
    script = Path(sys.executable).parent / "ds-lsp"
    if script.exists():
        return [str(script)]
    found = shutil.which("ds-lsp")
    return [found] if found else [sys.executable, "-m", "ds_lsp"]


def server_problem() -> str | None:
    """Why ds-lsp cannot start here, or None."""
    cmd = server_command()
    try:
        proc = subprocess.run(
            [*cmd, "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": _pythonpath()},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"`{shlex.join(cmd)} --version` failed: {exc}"
    if proc.returncode != 0:
        return f"`{shlex.join(cmd)} --version` exited {proc.returncode}: {proc.stderr[-2000:]}"
    return None


def _pythonpath() -> str:
    old = os.environ.get("PYTHONPATH")
    return f"{REPO}{os.pathsep}{old}" if old else str(REPO)


@dataclass
class Sandbox:
    """A temp HOME/XDG tree, a `ds-lsp` on PATH that logs, and the environment to run in."""

    root: Path
    env: dict[str, str]
    server_log: Path
    workspace: Path

    def server_log_tail(self, chars: int = 6000) -> str:
        try:
            return self.server_log.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no ds-lsp log was written: the server never started)"

    def write(self, name: str, text: str) -> Path:
        path = self.workspace / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path


def make_sandbox(tmp: Path, base_url: str) -> Sandbox:
    """HOME and XDG_* in `tmp`; `ds-lsp` first on PATH (a wrapper adding a debug log);
    DEEPSEEK_* pointing at the local mock."""
    home, bindir, workspace = tmp / "home", tmp / "bin", tmp / "project"
    xdg = [tmp / "xdg" / x for x in ("config", "data", "state", "cache")]
    for d in (home, bindir, workspace, *xdg):
        d.mkdir(parents=True, exist_ok=True)
    (workspace / ".git").mkdir(exist_ok=True)  # a project root, as editors look for one
    log = tmp / "ds-lsp.log"
    wrapper = bindir / "ds-lsp"
    wrapper.write_text(
        "#!/bin/sh\n"
        f"exec {shlex.join(server_command())} --log-file {shlex.quote(str(log))} "
        '--log-level debug "$@"\n'
    )
    wrapper.chmod(0o755)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEEPSEEK_", "XDG_", "NVIM", "VIM", "TMUX", "EMACS", "HELIX"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(tmp / "xdg" / "config"),
        XDG_DATA_HOME=str(tmp / "xdg" / "data"),
        XDG_STATE_HOME=str(tmp / "xdg" / "state"),
        XDG_CACHE_HOME=str(tmp / "xdg" / "cache"),
        XDG_RUNTIME_DIR=str(tmp / "xdg" / "state"),
        PATH=f"{bindir}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
        PYTHONPATH=_pythonpath(),
        DEEPSEEK_API_KEY="sk-test",
        DEEPSEEK_BASE_URL=base_url.rstrip("/") + "/beta",
        DEEPSEEK_MODEL="deepseek-flash",
        TERM="xterm-256color",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
    )
    env.pop("DS_LSP_CMD", None)
    return Sandbox(root=tmp, env=env, server_log=log, workspace=workspace)


class Timeout(AssertionError):
    pass


def wait_for(
    probe: Callable[[], T],
    done: Callable[[T], bool],
    what: str,
    timeout: float = 30.0,
    interval: float = 0.2,
    explain: Callable[[], str] | None = None,
) -> T:
    """Call `probe` until `done(result)`; raise with the last result (and `explain()`) when
    `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    last: Any = None
    error: BaseException | None = None
    while True:
        try:
            last = probe()
            error = None
            if done(last):
                return last
        except Exception as exc:  # a probe failing now may succeed later (editor starting)
            error = exc
        if time.monotonic() > deadline:
            extra = explain() if explain else ""
            raise Timeout(
                f"timed out after {timeout:.0f}s waiting for {what}\n"
                f"last seen: {last!r}\nlast probe error: {error!r}\n{extra}"
            )
        time.sleep(interval)


def start(cmd: list[str], env: dict[str, str], cwd: Path, **kw: Any) -> subprocess.Popen:
    """Start a process in its own session, so kill() takes its children with it."""
    return subprocess.Popen(cmd, env=env, cwd=cwd, start_new_session=True, **kw)


def kill(proc: subprocess.Popen | None) -> None:
    """Kill `proc` and its process group (the editor and the ds-lsp it started)."""
    if proc is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        proc.kill()
    with contextlib.suppress(Exception):
        proc.wait(10)


class Tmux:
    """A private tmux server (-L) with one window of `width` x `height` running a command;
    keys go in with send-keys, the screen comes back with capture-pane."""

    def __init__(self, sandbox: Sandbox, width: int = 110, height: int = 20) -> None:
        self.sandbox = sandbox
        self.size = (str(width), str(height))
        self.name = f"ds-lsp-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.env = dict(sandbox.env)
        self.env["TMUX_TMPDIR"] = str(sandbox.root)
        conf = sandbox.root / "tmux.conf"
        conf.write_text("set -g remain-on-exit on\nset -g history-limit 100\n")
        self.base = ["tmux", "-L", self.name, "-f", str(conf)]

    def run(self, *args: str) -> str:
        out = subprocess.run(
            [*self.base, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
            cwd=self.sandbox.workspace,
        )
        if out.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args[:1])} failed: {out.stderr.strip()}")
        return out.stdout

    def start(self, cmd: str) -> None:
        width, height = self.size
        self.run(
            "new-session", "-d", "-x", width, "-y", height, "-c", str(self.sandbox.workspace), cmd
        )

    def keys(self, *keys: str) -> None:
        self.run("send-keys", *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-l", text)

    def screen(self) -> list[str]:
        return self.run("capture-pane", "-p").splitlines()

    def stop(self) -> None:
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run(
                [*self.base, "kill-server"], env=self.env, capture_output=True, timeout=15
            )
