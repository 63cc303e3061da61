"""Next edit suggestions in the real editors, with the shipped configs: Neovim 0.12 shows the
predicted edit where it goes and applies it with <Tab>; Helix and eglot apply it through the
code action "Apply predicted edit (DeepSeek)". The user renames a parameter; the mock model
renames its use on the next line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.mock_deepseek import MockDeepSeek

from . import harness
from .test_emacs import EMACS_DIR, EMACS_TIMEOUT_S
from .test_helix import Helix, buffer_line
from .test_neovim import Nvim

SOURCE = "def total(price, qty):\n    subtotal = price * qty\n    return subtotal\n"
RENAMED_USE = "    subtotal = cost * qty"
PROBE = Path(__file__).with_name("nvim_next_edit_probe.lua")
EGLOT_PROBE = Path(__file__).with_name("eglot_next_edit_probe.el")


@pytest.fixture
def renaming(mock: MockDeepSeek) -> MockDeepSeek:
    mock.next_edit_rules = [("price", "cost")]
    return mock


class NextEditNvim(Nvim):
    def marks(self) -> dict:
        return json.loads(self._remote("--remote-expr", f"luaeval('dofile(_A)', '{PROBE}')"))

    def wait_marks(self, what: str, done, timeout: float = 40.0) -> dict:
        return harness.wait_for(self.marks, done, what, timeout, explain=self.explain)


@pytest.fixture
def nvim(editors: Path, sandbox: harness.Sandbox):
    nvim = NextEditNvim(editors / "bin" / "nvim-0.12", sandbox)
    try:
        yield nvim
    finally:
        nvim.stop()


def test_neovim_shows_the_next_edit_and_tab_jumps_then_applies(
    nvim: NextEditNvim, renaming: MockDeepSeek
) -> None:
    nvim.start(nvim.sandbox.write("shop.py", SOURCE))
    nvim.wait("ds_lsp attached", lambda s: "ds_lsp" in s["clients"])
    nvim.send("gg/price<CR>ciwcost<Esc>")  # rename the parameter; leaving insert mode asks
    state = nvim.wait_marks(
        "the predicted edit shown on line 2",
        lambda s: any(m["row"] == 1 and m["text"] == "cost" for m in s["marks"]),
    )
    struck = [m for m in state["marks"] if m["hl"] == "DsLspNextEditRemoved"]
    assert [(m["row"], m["col"], m["end_row"], m["end_col"]) for m in struck] == [(1, 15, 1, 20)]
    assert state["lines"][1] == "    subtotal = price * qty"  # shown, not applied
    assert renaming.next_edit_requests(), "no next-edit request reached the mock DeepSeek"

    nvim.send("<Tab>")  # jump to it
    nvim.wait_marks("the cursor on the edit", lambda s: s["cursor"] == [2, 15])
    nvim.send("<Tab>")  # apply it
    state = nvim.wait_marks(
        "the edit applied, its marks gone",
        lambda s: s["lines"][1] == RENAMED_USE and not s["marks"],
    )
    assert state["lines"][0] == "def total(cost, qty):"


def back_to_normal_mode(helix: Helix) -> None:
    """Escape until Helix shows normal mode: an Escape while ds-lsp's completion menu is
    open only closes the menu."""
    for attempt in range(4):
        helix.tmux.keys("Escape")
        try:
            helix.wait("normal mode", lambda s: any(" NOR " in row for row in s), timeout=3)
            return
        except harness.Timeout:
            if attempt == 3:
                raise


def test_helix_applies_the_next_edit_through_the_code_action(
    editors: Path, sandbox: harness.Sandbox, renaming: MockDeepSeek
) -> None:
    helix = Helix(editors / "bin" / "hx", sandbox)
    try:
        path = sandbox.write("shop.py", SOURCE)
        helix.open(path.name)
        helix.wait("the file on screen", lambda s: any("def total(price" in r for r in s))
        helix.wait("ds-lsp started", lambda s: "initialize" in sandbox.server_log_tail(), 60)
        helix.tmux.type("/price")
        helix.tmux.keys("Enter")
        helix.tmux.type("c")
        helix.tmux.type("cost")
        back_to_normal_mode(helix)
        helix.wait("the renamed parameter", lambda s: buffer_line(s, 1) == "def total(cost, qty):")
        helix.tmux.type("j")
        helix.tmux.keys("Space")
        helix.tmux.type("a")
        helix.wait(
            "the predicted edit in the code action menu",
            lambda s: any("Apply predicted edit (DeepSeek)" in row for row in s),
        )
        helix.tmux.keys("Enter")
        helix.wait("the edit applied", lambda s: buffer_line(s, 2) == RENAMED_USE)
        helix.tmux.type(":w")
        helix.tmux.keys("Enter")
        text = harness.wait_for(
            path.read_text,
            lambda t: RENAMED_USE in t,
            "the saved file to hold the applied edit",
            20,
            explain=helix.explain,
        )
        assert text.startswith("def total(cost, qty):\n" + RENAMED_USE + "\n")
    finally:
        helix.tmux.stop()


def test_eglot_applies_the_next_edit_through_the_code_action(
    editors: Path, sandbox: harness.Sandbox, renaming: MockDeepSeek
) -> None:
    file = sandbox.write("shop.py", SOURCE)
    out = sandbox.root / "probe.json"
    env = {
        **sandbox.env,
        "DS_TEST_FILE": str(file),
        "DS_TEST_OUT": str(out),
        "DS_TEST_OLD": "price",
        "DS_TEST_NEW": "cost",
    }
    cmd = ["emacs", "--batch", "-l", str(EMACS_DIR / "ds-lsp-eglot.el"), "-l", str(EGLOT_PROBE)]
    proc = harness.start(
        cmd, env, sandbox.workspace, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output, _ = proc.communicate(timeout=EMACS_TIMEOUT_S)
    finally:
        harness.kill(proc)
    why = f"{output[-3000:]}\n--- ds-lsp log ---\n{sandbox.server_log_tail()}"
    assert out.exists(), why
    result = json.loads(out.read_text())
    assert "error" not in result, f"{result}\n{why}"
    assert any(t.startswith("Apply predicted edit (DeepSeek)") for t in result["offered"]), why
    assert result["buffer"] == SOURCE.replace("price", "cost", 2), why
    assert renaming.next_edit_requests(), "no next-edit request reached the mock DeepSeek"
