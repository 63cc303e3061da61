"""Helix with editors/helix/languages.toml and config.toml (symlinked into its config folder,
so the shipped files themselves are read), inside tmux; the screen is read with capture-pane.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.mock_deepseek import MockDeepSeek

from . import harness

HELIX = harness.EDITORS / "helix"

GENERATE = (
    ':lsp-workspace-command ds-lsp.generateCodeBlock {"textDocument":{"uri":'
    '"file://%{file_path_absolute}"},"position":{"line":%{cursor_line},"character":0},'
    '"instruction":"a function mul that multiplies two numbers"}'
)


class Helix:
    def __init__(self, hx: Path, sandbox: harness.Sandbox) -> None:
        config = Path(sandbox.env["XDG_CONFIG_HOME"]) / "helix"
        config.mkdir(parents=True, exist_ok=True)
        for name in ("languages.toml", "config.toml"):
            (config / name).symlink_to(HELIX / name)
        self.hx = hx
        self.sandbox = sandbox
        self.tmux = harness.Tmux(sandbox, width=110, height=20)

    def open(self, name: str) -> None:
        self.tmux.start(f"{self.hx} {name}")

    def explain(self) -> str:
        try:
            screen = "\n".join(self.tmux.screen())
        except Exception as exc:
            screen = f"(no screen: {exc})"
        helix_log = Path(self.sandbox.env["XDG_CACHE_HOME"]) / "helix" / "helix.log"
        log = helix_log.read_text(errors="replace")[-3000:] if helix_log.exists() else "(none)"
        return (
            f"--- screen ---\n{screen}\n--- helix.log (tail) ---\n{log}\n"
            f"--- ds-lsp log (tail) ---\n{self.sandbox.server_log_tail()}"
        )

    def wait(self, what: str, done, timeout: float = 40.0) -> list[str]:
        return harness.wait_for(self.tmux.screen, done, what, timeout, explain=self.explain)


@pytest.fixture
def helix(editors: Path, sandbox: harness.Sandbox):
    hx = Helix(editors / "bin" / "hx", sandbox)
    try:
        yield hx
    finally:
        hx.tmux.stop()


def buffer_line(screen: list[str], number: int) -> str | None:
    """The text of buffer line `number` as drawn (after the gutter's line number)."""
    for row in screen:
        m = re.match(rf"^\W*\s*{number}  (.*)$", row)
        if m:
            return m.group(1)
    return None


def test_helix_completion_and_generate(helix: Helix, mock: MockDeepSeek) -> None:
    path = helix.sandbox.write("example.py", harness.SOURCE)
    helix.open(path.name)
    helix.wait("the file on screen", lambda s: any("def add(a, b):" in row for row in s))
    helix.tmux.keys("2", "g", "g", "A")
    helix.wait("insert mode", lambda s: any(" INS " in row for row in s))
    helix.tmux.type(harness.TYPED)

    # The menu lists the item below the line being typed. Helix asks only the servers that
    # are up when a key is typed, so while ds-lsp may still be starting, retype the last
    # character now and then, as a user would.
    def menu_shown(s: list[str]) -> bool:
        line = buffer_line(s, 2) or ""
        return (
            any("return a + b" in row for row in s[2:])
            and line.startswith("    ret")
            and "return" not in line
        )

    for attempt in range(8):
        try:
            helix.wait(
                "'return a + b' in the completion menu",
                menu_shown,
                timeout=60 if attempt == 7 else 6,
            )
            break
        except harness.Timeout:
            if attempt == 7:
                raise
            helix.tmux.keys("BSpace")
            helix.tmux.type(harness.TYPED[-1])
    assert mock.fim_requests(), "no FIM request reached the mock DeepSeek"

    helix.tmux.keys("C-n")  # select the item (Helix previews it in the buffer)
    helix.tmux.keys("Enter")  # accept
    helix.wait(
        "the accepted item in the buffer, menu closed",
        lambda s: (
            (buffer_line(s, 2) or "").startswith(harness.COMPLETED_LINE)
            and not any("return a + b" in row for row in s[2:])
        ),
    )
    helix.tmux.keys("Escape")
    helix.tmux.type(":w")
    helix.tmux.keys("Enter")
    harness.wait_for(
        path.read_text,
        lambda t: harness.COMPLETED_LINE + "\n" in t,
        "the saved file to hold the accepted line",
        20,
        explain=helix.explain,
    )

    # Generate with an instruction, on the line below the cursor.
    helix.tmux.type(GENERATE)
    helix.tmux.keys("Enter")
    helix.wait("generated code on screen", lambda s: any("def mul(a, b):" in row for row in s))
    assert mock.requests_to("/chat/completions"), "no chat request reached the mock DeepSeek"
    helix.tmux.type(":w")
    helix.tmux.keys("Enter")
    text = harness.wait_for(
        path.read_text,
        lambda t: harness.generated_block(t) is not None,
        "the saved file to hold the generated code",
        20,
        explain=helix.explain,
    )
    problem = harness.check_generated(text)
    assert problem is None, problem
