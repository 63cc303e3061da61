"""Vim 9 with the shipped files in editors/vim/, set up in the sandbox HOME the way
editors/README.md tells users, inside tmux:

- coc.nvim: coc-settings.json copied to ~/.vim/, ds-lsp.vim to ~/.vim/plugin/, and coc.nvim in
  ~/.vim/pack/coc/start/ (where a plugin manager would put it: a link to the release that
  scripts/install-editors.sh unpacked);
- ALE: Debian's vim-ale (`packadd! ale` in ~/.vimrc) and ds-lsp-ale.vim in ~/.vim/plugin/.

Keys go in with tmux send-keys. vim_probe.vim (loaded with -S) writes what the window shows
(mode, lines, ghost text, completion menu) to a JSON file every 100 ms; the tests poll it.
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest

from tests.mock_deepseek import MockDeepSeek

from . import harness

CONFIGS = harness.EDITORS / "vim"
PROBE = Path(__file__).with_name("vim_probe.vim")

# vim-plug's plug#end() turns these on in a user's vimrc.
VIMRC = "filetype plugin indent on\nsyntax on\n"
ALE_VIMRC = VIMRC + "packadd! ale\n"
MENU_MODE_LINE = '// "disabledFeatures": ["inlineCompletion"],'

# A suggestion that snippet syntax would mangle if the server did not escape it.
DOLLAR_FIM = 'urn f"${a} {b}"'
DOLLAR_LINE = '    return f"${a} {b}"'
COMMENT = "# a function mul that multiplies two numbers"
INSTRUCTION = "a function mul that multiplies two numbers"


class Vim:
    """One Vim in tmux with a user's ~/.vim, read back through vim_probe.vim."""

    def __init__(self, sandbox: harness.Sandbox) -> None:
        self.sandbox = sandbox
        self.home = Path(sandbox.env["HOME"])
        (self.home / ".vim" / "plugin").mkdir(parents=True, exist_ok=True)
        self.state_file = sandbox.root / "vim-state.json"
        self.coc_log = sandbox.root / "coc.log"
        self.tmux = harness.Tmux(sandbox, width=100, height=30)
        self.tmux.env.update(DS_VIM_STATE=str(self.state_file), NVIM_COC_LOG_FILE=str(self.coc_log))

    def install(self, name: str) -> None:
        """cp editors/vim/NAME ~/.vim/plugin/, as the README says."""
        shutil.copy(CONFIGS / name, self.home / ".vim" / "plugin" / name)

    def open(self, path: Path) -> None:
        self.tmux.start(f"vim -S {shlex.quote(str(PROBE))} {shlex.quote(path.name)}")

    def state(self) -> dict:
        return json.loads(self.state_file.read_text())

    def wait(self, what: str, done, timeout: float = 40.0) -> dict:
        return harness.wait_for(self.state, done, what, timeout, explain=self.explain)

    def wait_ready(self) -> None:
        """Until ds-lsp has the file open (a key typed before that would be lost to it)."""
        self.wait("Vim drawn", lambda s: s["lines"])
        harness.wait_for(
            lambda: server_received(self.sandbox, "textDocument/didOpen"),
            bool,
            "ds-lsp to receive textDocument/didOpen",
            40,
            explain=self.explain,
        )

    def type(self, text: str) -> None:
        self.tmux.type(text)

    def keys(self, *keys: str) -> None:
        self.tmux.keys(*keys)

    def command(self, text: str) -> None:
        """An Ex command from normal mode."""
        self.tmux.type(":" + text)
        self.tmux.keys("Enter")

    def save(self, path: Path, done, what: str) -> str:
        """:w, then wait until the file on disk satisfies `done`; return its text."""
        self.command("w")
        return harness.wait_for(path.read_text, done, what, 20, explain=self.explain)

    def explain(self) -> str:
        try:
            screen = "\n".join(self.tmux.screen())
        except Exception as exc:
            screen = f"(no screen: {exc})"
        try:
            state = json.dumps(self.state(), indent=1)
        except Exception as exc:
            state = f"(no state: {exc})"
        coc = self.coc_log.read_text(errors="replace")[-3000:] if self.coc_log.exists() else ""
        return (
            f"--- screen ---\n{screen}\n--- probe ---\n{state}\n"
            f"--- coc.nvim log (tail) ---\n{coc or '(none)'}\n"
            f"--- ds-lsp log (tail) ---\n{self.sandbox.server_log_tail()}"
        )


def server_received(sandbox: harness.Sandbox, method: str) -> bool:
    """Whether the ds-lsp debug log shows a request or notification `method` arriving."""
    try:
        return f"'{method}' received" in sandbox.server_log.read_text(errors="replace")
    except OSError:
        return False


def use_coc(vim: Vim, editors: Path, menu_items: bool = False) -> None:
    """coc.nvim in ~/.vim/pack, coc-settings.json and ds-lsp.vim copied as the README says;
    `menu_items` uncomments the file's "disabledFeatures" line, as a user choosing menu mode."""
    (vim.home / ".vimrc").write_text(VIMRC)
    pack = vim.home / ".vim" / "pack" / "coc" / "start"
    pack.mkdir(parents=True)
    (pack / "coc.nvim").symlink_to(editors / "coc" / "pack" / "coc" / "start" / "coc.nvim")
    settings = (CONFIGS / "coc-settings.json").read_text()
    if menu_items:
        assert MENU_MODE_LINE in settings, "coc-settings.json lost its menu-mode line"
        settings = settings.replace(MENU_MODE_LINE, MENU_MODE_LINE.removeprefix("// "))
    (vim.home / ".vim" / "coc-settings.json").write_text(settings)
    vim.install("ds-lsp.vim")
    Path(vim.sandbox.env["XDG_CONFIG_HOME"], "coc").mkdir(parents=True, exist_ok=True)


def use_ale(vim: Vim) -> None:
    (vim.home / ".vimrc").write_text(ALE_VIMRC)
    vim.install("ds-lsp-ale.vim")


def type_on_line_2(vim: Vim) -> None:
    vim.type("2GA")
    vim.wait("insert mode", lambda s: s["mode"] == "i")
    vim.type(harness.TYPED)


def menu_holds(state: dict, text: str) -> bool:
    return state["menu"]["visible"] and any(text in item for item in state["menu"]["items"])


@pytest.fixture
def vim(editors: Path, sandbox: harness.Sandbox):
    v = Vim(sandbox)
    try:
        yield v
    finally:
        v.tmux.stop()


def test_vim_coc_ghost_text_tab_accepts_and_generate_writes_below_the_comment(
    vim: Vim, editors: Path, mock: MockDeepSeek
) -> None:
    use_coc(vim, editors)
    path = vim.sandbox.write("example.py", harness.SOURCE)
    vim.open(path)
    vim.wait_ready()
    type_on_line_2(vim)
    state = vim.wait(
        "ghost text 'urn a + b' after the typed 'ret'",
        lambda s: (
            s["lines"][1] == "    " + harness.TYPED
            and any(g["text"] == harness.FIM_TEXT for g in s["ghost"])
        ),
    )
    ghost = next(g for g in state["ghost"] if g["text"] == harness.FIM_TEXT)
    assert (ghost["lnum"], ghost["col"]) == (2, len("    " + harness.TYPED) + 1)
    assert server_received(vim.sandbox, "textDocument/inlineCompletion")
    assert mock.fim_requests(), "no FIM request reached the mock DeepSeek"

    vim.keys("Tab")  # ds-lsp.vim's accept key
    vim.wait("the accepted line", lambda s: s["lines"][1] == harness.COMPLETED_LINE)
    vim.keys("Escape")
    vim.save(path, lambda t: harness.COMPLETED_LINE + "\n" in t, "the saved accepted line")

    # A comment, an empty line below it, then ds-lsp.vim's <leader>dg (coc's code action).
    vim.type("o" + COMMENT)
    vim.keys("Escape")
    vim.type("o")
    vim.keys("Escape")
    vim.type("\\dg")
    vim.wait(
        "the generated code in the buffer",
        lambda s: harness.generated_block("\n".join(s["lines"])) is not None,
    )
    text = vim.save(path, lambda t: "def mul" in t, "the saved generated code")
    problem = harness.check_generated(text)
    assert problem is None, problem
    lines = text.splitlines()
    assert lines[2:5] == [COMMENT, *harness.CHAT_CODE.splitlines()], text
    chats = mock.requests_to("/chat/completions")
    assert chats, "no chat request reached the mock DeepSeek"
    assert INSTRUCTION in json.dumps(chats[-1].body), "the comment did not reach DeepSeek"


def test_vim_coc_menu_item_with_dollar_and_braces_is_inserted_literally(
    vim: Vim, editors: Path, mock: MockDeepSeek
) -> None:
    mock.fim_text = DOLLAR_FIM
    use_coc(vim, editors, menu_items=True)
    # A name that needs percent-encoding in its URI (DsLspGenerate builds it).
    path = vim.sandbox.write("café example.py", harness.SOURCE)
    vim.open(path)
    vim.wait_ready()
    type_on_line_2(vim)
    state = vim.wait(
        "the suggestion in coc's completion menu",
        lambda s: s["lines"][1] == "    " + harness.TYPED and menu_holds(s, DOLLAR_LINE.strip()),
    )
    assert state["menu"]["selected"] == 0, state["menu"]
    assert not server_received(vim.sandbox, "textDocument/inlineCompletion")
    assert '"insertTextFormat": 2' in vim.sandbox.server_log.read_text(), (
        "the item was not sent as a snippet, so its escaping went untested"
    )

    vim.keys("C-y")  # coc's default: accept the selected item
    vim.wait("the accepted line", lambda s: s["lines"][1] == DOLLAR_LINE)
    vim.keys("Escape")
    vim.save(path, lambda t: DOLLAR_LINE + "\n" in t, "the saved line with $ and {}")

    # :DsLspGenerate with an instruction, on a new empty line (workspace/executeCommand).
    vim.type("o")
    vim.keys("Escape")
    vim.command("DsLspGenerate " + INSTRUCTION)
    vim.wait(
        "the generated code in the buffer",
        lambda s: harness.generated_block("\n".join(s["lines"])) is not None,
    )
    text = vim.save(path, lambda t: "def mul" in t, "the saved generated code")
    lines = text.splitlines()
    assert lines[:2] == ["def add(a, b):", DOLLAR_LINE], text
    assert harness.generated_block("\n".join(lines[2:])) == harness.CHAT_CODE, text
    assert "```" not in text
    chats = mock.requests_to("/chat/completions")
    assert chats and INSTRUCTION in json.dumps(chats[-1].body)


def test_vim_ale_menu_item_accepted_literally_and_code_action_generates(
    vim: Vim, mock: MockDeepSeek
) -> None:
    mock.fim_text = DOLLAR_FIM
    use_ale(vim)
    path = vim.sandbox.write("example.py", harness.SOURCE)
    vim.open(path)
    vim.wait_ready()
    type_on_line_2(vim)
    vim.wait(
        "the suggestion in Vim's completion menu",
        lambda s: s["lines"][1] == "    " + harness.TYPED and menu_holds(s, DOLLAR_LINE.strip()),
    )
    vim.keys("C-n")  # select (ALE opens the menu with nothing selected)
    vim.wait("the item selected", lambda s: s["menu"]["selected"] == 0)
    vim.keys("C-y")
    vim.wait(
        "the accepted line, menu closed",
        lambda s: s["lines"][1] == DOLLAR_LINE and not s["menu"]["visible"],
    )
    vim.keys("Escape")
    vim.save(path, lambda t: DOLLAR_LINE + "\n" in t, "the saved line with $ and {}")
    assert mock.fim_requests(), "no FIM request reached the mock DeepSeek"

    # A comment, an empty line below it, then <leader>dg (:ALECodeAction) and the action's number.
    vim.type("o" + COMMENT)
    vim.keys("Escape")
    vim.type("o")
    vim.keys("Escape")
    vim.type("\\dg")
    harness.wait_for(
        vim.tmux.screen,
        lambda rows: any("1) Generate code with DeepSeek" in row for row in rows),
        "ALE's list of code actions",
        30,
        explain=vim.explain,
    )
    vim.type("1")
    vim.keys("Enter")
    vim.wait(
        "the generated code in the buffer",
        lambda s: harness.generated_block("\n".join(s["lines"])) is not None,
    )
    text = vim.save(path, lambda t: "def mul" in t, "the saved generated code")
    lines = text.splitlines()
    assert lines[:3] == ["def add(a, b):", DOLLAR_LINE, COMMENT], text
    assert harness.generated_block("\n".join(lines[3:])) == harness.CHAT_CODE, text
    assert "```" not in text
    assert mock.requests_to("/chat/completions"), "no chat request reached the mock DeepSeek"


def test_vim_ale_inserts_only_the_text_before_the_first_parenthesis(
    vim: Vim, mock: MockDeepSeek
) -> None:
    """The limitation editors/README.md states for ALE: it keeps an item's text up to '('."""
    mock.fim_text = "urn max(a, b)"
    use_ale(vim)
    path = vim.sandbox.write("example.py", harness.SOURCE)
    vim.open(path)
    vim.wait_ready()
    type_on_line_2(vim)
    vim.wait("the cut suggestion in the menu", lambda s: menu_holds(s, "return max"))
    vim.keys("C-n")
    vim.wait("the item selected", lambda s: s["menu"]["selected"] == 0)
    vim.keys("C-y")
    vim.wait(
        "the accepted text, menu closed",
        lambda s: s["lines"][1] == "    return max" and not s["menu"]["visible"],
    )
