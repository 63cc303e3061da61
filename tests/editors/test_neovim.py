"""Neovim with editors/neovim/ds-lsp.lua as its only config (`nvim -u`), headless, or on a
terminal (tmux) where what the user sees matters: one-line messages, no "Press ENTER" prompt.

Neovim listens on a socket; keys go in with `nvim --server S --remote-send` (as typed input)
and nvim_probe.lua reads back what the window shows: ghost text (0.12) or the completion menu
(0.11), the buffer lines, the mode.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.mock_deepseek import MockDeepSeek

from . import harness

CONFIG = harness.EDITORS / "neovim" / "ds-lsp.lua"
PROBE = Path(__file__).with_name("nvim_probe.lua")


class Nvim:
    """One headless Neovim, reached through its --listen socket."""

    def __init__(self, binary: Path, sandbox: harness.Sandbox) -> None:
        self.binary = binary
        self.sandbox = sandbox
        self.socket = sandbox.root / "nvim.sock"
        self.stderr_file = sandbox.root / "nvim.stderr"
        self.proc: subprocess.Popen | None = None

    def start_on_terminal(self, file: Path, columns: int = 80) -> harness.Tmux:
        """Run Neovim in tmux (a real screen, as the user has) and still listen on the socket."""
        self.tmux = harness.Tmux(self.sandbox, width=columns, height=20)
        self.tmux.start(
            f"{self.binary} --listen {self.socket} -u {CONFIG} -i NONE {file} 2>{self.stderr_file}"
        )
        harness.wait_for(self.socket.exists, bool, "Neovim's socket", 30, explain=self.screen)
        return self.tmux

    def screen(self) -> str:
        tmux = getattr(self, "tmux", None)
        return "\n".join(tmux.screen()) if tmux is not None else "(not on a terminal)"

    def messages(self) -> str:
        """What :DsLspMessages shows: every message of the config and the server, whole."""
        return self._remote("--remote-expr", "execute('DsLspMessages')")

    def start(self, file: Path) -> None:
        self.proc = harness.start(
            [
                str(self.binary),
                "--headless",
                "--listen",
                str(self.socket),
                "-u",
                str(CONFIG),
                "-i",
                "NONE",
                str(file),
            ],
            self.sandbox.env,
            self.sandbox.workspace,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=open(self.stderr_file, "w"),  # noqa: SIM115
        )

    def _remote(self, flag: str, arg: str) -> str:
        if self.proc is not None and self.proc.poll() is not None:
            raise AssertionError(f"Neovim exited with {self.proc.returncode}: {self.stderr()}")
        out = subprocess.run(
            [str(self.binary), "--server", str(self.socket), flag, arg],
            env=self.sandbox.env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        if out.returncode != 0:
            raise RuntimeError(f"{flag} failed: {out.stderr.strip()}")
        return out.stdout

    def send(self, keys: str) -> None:
        self._remote("--remote-send", keys)

    def state(self) -> dict:
        return json.loads(self._remote("--remote-expr", f"luaeval('dofile(_A)', '{PROBE}')"))

    def stderr(self) -> str:
        path = self.stderr_file
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def explain(self) -> str:
        try:
            state = json.dumps(self.state(), indent=1)
        except Exception as exc:
            state = f"(no state: {exc})"
        return (
            f"--- Neovim state ---\n{state}\n--- screen ---\n{self.screen()}\n"
            f"--- Neovim stderr ---\n{self.stderr()}\n"
            f"--- ds-lsp log (tail) ---\n{self.sandbox.server_log_tail()}"
        )

    def wait(self, what: str, done, timeout: float = 40.0) -> dict:
        return harness.wait_for(self.state, done, what, timeout, explain=self.explain)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.send("<Esc>:qa!<CR>")
                self.proc.wait(5)
            except Exception:
                pass
        harness.kill(self.proc)
        if getattr(self, "tmux", None) is not None:
            self.tmux.stop()


@pytest.fixture
def nvim_012(editors: Path, sandbox: harness.Sandbox):
    nvim = Nvim(editors / "bin" / "nvim-0.12", sandbox)
    try:
        yield nvim
    finally:
        nvim.stop()


@pytest.fixture
def nvim_011(editors: Path, sandbox: harness.Sandbox):
    nvim = Nvim(editors / "bin" / "nvim-0.11", sandbox)
    try:
        yield nvim
    finally:
        nvim.stop()


def open_and_type(nvim: Nvim) -> None:
    """Open a Python file, wait for ds-lsp to attach, then type "ret" on the indented line."""
    nvim.start(nvim.sandbox.write("example.py", harness.SOURCE))
    nvim.wait("ds_lsp attached", lambda s: "ds_lsp" in s["clients"])
    nvim.send("2GA")
    nvim.wait("insert mode", lambda s: s["mode"].startswith("i"))
    nvim.send(harness.TYPED)


def test_neovim_012_ghost_text_and_accept(nvim_012: Nvim, mock: MockDeepSeek) -> None:
    open_and_type(nvim_012)
    state = nvim_012.wait(
        "ghost text 'urn a + b' after the cursor",
        lambda s: (
            any(harness.FIM_TEXT in g["text"] for g in s["ghost"])
            and s["lines"][1] == "    " + harness.TYPED
        ),
    )
    ghost = next(g for g in state["ghost"] if harness.FIM_TEXT in g["text"])
    assert (ghost["row"], ghost["col"]) == (1, len("    " + harness.TYPED))
    assert mock.fim_requests(), "no FIM request reached the mock DeepSeek"

    nvim_012.send("<Tab>")  # the config's accept key
    state = nvim_012.wait(
        "the accepted suggestion in the buffer",
        lambda s: s["lines"][1] == harness.COMPLETED_LINE,
    )
    assert state["mode"].startswith("i")
    assert state["lines"][0] == "def add(a, b):"
    assert state["cursor"] == [2, len(harness.COMPLETED_LINE)]

    # The config's :DsLspGenerate, with an instruction, on a new empty line.
    nvim_012.send("<Esc>o<Esc>")
    nvim_012.wait("a third, empty line", lambda s: s["lines"][2:] == [""] and s["mode"] == "n")
    nvim_012.send(":DsLspGenerate a function mul that multiplies two numbers<CR>")
    state = nvim_012.wait(
        "the generated code in the buffer",
        lambda s: harness.generated_block("\n".join(s["lines"])) is not None,
    )
    problem = harness.check_generated("\n".join(state["lines"]) + "\n")
    assert problem is None, problem
    assert mock.requests_to("/chat/completions"), "no chat request reached the mock DeepSeek"


def test_neovim_011_ctrl_y_accepts_the_suggestion_in_the_menu(
    nvim_011: Nvim, mock: MockDeepSeek
) -> None:
    open_and_type(nvim_011)
    state = nvim_011.wait(
        "'return a + b' in the completion menu",
        lambda s: s["pum_visible"] and any("return a + b" in i["abbr"] for i in s["menu"]),
    )
    assert state["lines"][1] == "    " + harness.TYPED
    assert mock.fim_requests(), "no FIM request reached the mock DeepSeek"

    nvim_011.send("<C-y>")  # what the README says: <C-y> accepts, nothing selected first
    nvim_011.wait(
        "the accepted item in the buffer",
        lambda s: s["lines"][1] == harness.COMPLETED_LINE and not s["pum_visible"],
    )


def test_neovim_says_once_when_the_server_command_is_missing(nvim_012: Nvim) -> None:
    nvim_012.sandbox.env["DS_LSP_CMD"] = "/nonexistent/ds-lsp --log-level debug"
    nvim_012.start(nvim_012.sandbox.write("missing.py", harness.SOURCE))
    state = nvim_012.wait(
        "the warning about the missing server command",
        lambda s: "no '/nonexistent/ds-lsp' command" in s["messages"],
    )
    assert state["messages"].count("/nonexistent/ds-lsp") == 1
    assert "pipx install ./ds-lsp, or set DS_LSP_CMD" in nvim_012.messages()


def test_neovim_missing_key_is_one_line_at_attach_and_swallows_no_key(
    editors: Path, sandbox: harness.Sandbox
) -> None:
    del sandbox.env["DEEPSEEK_API_KEY"]
    sandbox.env["DEEPSEEK_BASE_URL"] = "https://api.deepseek.com/beta"  # never reached: no key
    nvim = Nvim(editors / "bin" / "nvim-0.12", sandbox)
    try:
        tmux = nvim.start_on_terminal(sandbox.write("example.py", harness.SOURCE))
        screen = harness.wait_for(
            lambda: "\n".join(tmux.screen()),
            lambda s: "ds-lsp: set DEEPSEEK_API_KEY (platform.deepseek.com/api_keys)" in s,
            "the missing-key line at attach, before any key is typed",
            40,
            explain=nvim.explain,
        )
        assert "Press ENTER" not in screen
        tmux.type("2GA")
        tmux.type(harness.TYPED)  # the first keystrokes ask the server, which has no key
        nvim.wait(
            "the server's own no-key message, after the typed text",
            lambda s: "To set one" in nvim.messages() and s["lines"][1] == "    " + harness.TYPED,
        )
        tmux.type("x")  # a key right after the server's message is typed, not swallowed
        state = nvim.wait("the next key typed", lambda s: s["lines"][1].endswith("retx"))
        assert state["mode"].startswith("i")
        assert "Press ENTER" not in "\n".join(tmux.screen())
        assert state["messages"].count("DEEPSEEK_API_KEY") == 1, state["messages"]
    finally:
        nvim.stop()


def test_neovim_older_than_011_says_in_one_line_what_it_needs(
    editors: Path, sandbox: harness.Sandbox
) -> None:
    """Debian 12's Neovim 0.7, with the file where the README puts it."""
    nvim_07 = Path("/usr/bin/nvim")
    version = subprocess.run([nvim_07, "--version"], capture_output=True, text=True).stdout
    assert version.startswith("NVIM v0.7."), f"scripts/install-editors.sh installs it: {version}"
    plugin = Path(sandbox.env["XDG_CONFIG_HOME"]) / "nvim" / "plugin"
    plugin.mkdir(parents=True)
    (plugin / "ds-lsp.lua").write_text(CONFIG.read_text())
    tmux = harness.Tmux(sandbox, width=80, height=10)
    try:
        tmux.start(f"{nvim_07} -i NONE {sandbox.write('example.py', harness.SOURCE)}")
        screen = harness.wait_for(
            lambda: "\n".join(tmux.screen()),
            lambda s: "ds-lsp needs Neovim 0.11+" in s,
            "the one-line message",
            30,
        )
        line = next(row for row in screen.splitlines() if "ds-lsp needs" in row)
        assert line.strip() == "ds-lsp needs Neovim 0.11+ (this is 0.7.2): see neovim.io"
        assert "Error" not in screen and "E5113" not in screen and "Press ENTER" not in screen
        tmux.type("ihello")  # Neovim works on, and the first keys are not swallowed
        harness.wait_for(
            lambda: tmux.screen(),
            lambda s: s[0] == "hello" + harness.SOURCE.splitlines()[0],
            "typed",
        )
    finally:
        tmux.stop()
