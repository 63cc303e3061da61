"""A newcomer's first ten minutes, by the README alone, on a clean machine.

The README's shell blocks are taken from README.md as they are and run in order by bash in a
fresh HOME (no XDG_* variables, nothing of this checkout on PATH: only git, pipx, uv and
Neovim 0.12 as `nvim`), with two substitutions a user makes too: the repository's URL (here
the path of this repository, which `git clone` takes as well; its last commit is what gets
installed) and the key. The machine's "DeepSeek" is tests/mock_deepseek.py on 127.0.0.1
(DEEPSEEK_BASE_URL), a model that continues a known file. Then the Neovim 0.12 line of the
README's editor table, and Neovim itself on a terminal: ghost text while typing, <Tab> accepts.
Uses the network for PyPI packages, as the user's install does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.editors import harness
from tests.mock_deepseek import MockDeepSeek

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
KEY = "sk-readme-route-test-0123456789"
URL_PLACEHOLDER = "<this repository's URL>"
# The "model": it continues any prompt with the next text of this file.
KNOWN = "def add(a, b):\n    return a + b\n"
INSTALL_TIMEOUT_S = 900
PROBE = ROOT / "tests" / "editors" / "nvim_probe.lua"


def readme_shell_blocks() -> list[str]:
    """The ```sh blocks of the README's "Install and check" section, in order."""
    section = README[README.index("## Install and check") : README.index("## What a day costs")]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.S)


def readme_inline_command(after: str) -> str:
    """The `command` that follows the words `after` in the README's prose."""
    found = re.search(re.escape(after) + r"\s*`([^`]+)`", README)
    assert found, f"no command after {after!r} in the README"
    return found.group(1)


def readme_table_command(editor: str) -> str:
    """The first `code` of the setup cell of `editor`'s row in the README's editor table."""
    row = next(line for line in README.splitlines() if line.startswith(f"| {editor} |"))
    return re.findall(r"`([^`]+)`", row.split("|")[2])[0]


def as_the_user_types(block: str) -> str:
    """The block with the user's own URL and key in it."""
    return block.replace(URL_PLACEHOLDER, str(ROOT)).replace("sk-...", KEY)


@dataclass
class Machine:
    """A clean machine: a home, a folder for code, a PATH without ds-lsp, the mock API."""

    root: Path
    home: Path
    work: Path
    env: dict[str, str]
    mock: MockDeepSeek

    def bash(self, script: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT_S,
        )


def tools_only(into: Path, nvim: Path | None) -> Path:
    """A bin folder with only what the README assumes the user has: git, pipx, uv, nvim."""
    into.mkdir()
    here = Path(sys.executable).parent  # pipx and uv come with '.[test]'
    for name in ("pipx", "uv"):
        found = here / name if (here / name).exists() else shutil.which(name)
        assert found, f"{name} is missing: pip install -e '.[test]'"
        (into / name).symlink_to(found)
    git = shutil.which("git")
    assert git, "git is missing"
    (into / "git").symlink_to(git)
    if nvim is not None:
        (into / "nvim").symlink_to(nvim)
    return into


def clean_machine(tmp: Path, nvim: Path | None = None) -> Iterator[Machine]:
    home, work = tmp / "home", tmp / "code"
    home.mkdir()
    work.mkdir()
    tools = tools_only(tmp / "tools", nvim)
    mock = MockDeepSeek(predict_text=KNOWN).start()
    keep = ("LANG", "LC_ALL", "TMPDIR", "PIP_", "SSL_CERT", "REQUESTS_CA_BUNDLE")
    env = {k: v for k, v in os.environ.items() if k.startswith(keep)}
    env.update(
        HOME=str(home),
        PATH=f"{home / '.local' / 'bin'}:{tools}:/usr/local/bin:/usr/bin:/bin",
        DEEPSEEK_BASE_URL=mock.url + "/beta",  # this machine's DeepSeek
        TERM="xterm-256color",
    )
    try:
        yield Machine(tmp, home, work, env, mock)
    finally:
        mock.stop()


@pytest.fixture
def machine(tmp_path: Path) -> Iterator[Machine]:
    yield from clean_machine(tmp_path)


@pytest.fixture
def nvim_machine(tmp_path: Path, editors: Path) -> Iterator[Machine]:
    yield from clean_machine(tmp_path, editors / "bin" / "nvim-0.12")


@pytest.fixture(scope="session")
def editors() -> Path:
    ok, output = harness.run_install()
    if not ok:
        pytest.fail(f"scripts/install-editors.sh failed:\n{output[-4000:]}", pytrace=False)
    return harness.editors_dir()


def test_readme_install_check_and_complete_then_ghost_text_in_neovim_012(
    nvim_machine: Machine,
) -> None:
    m = nvim_machine
    install, first_try = readme_shell_blocks()
    setup = readme_table_command("Neovim 0.12")
    run = m.bash("\n".join([as_the_user_types(install), as_the_user_types(first_try), setup]))
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-5000:]
    assert "Result: ds-lsp is ready." in run.stdout, out[-3000:]
    assert "a + b\n" in run.stdout.split("Result: ds-lsp is ready.")[1], out[-3000:]
    assert (m.home / ".local" / "bin" / "ds-lsp").exists()  # pipx's, the only one on PATH
    assert (m.home / ".config" / "nvim" / "plugin" / "ds-lsp.lua").exists()
    assert KEY not in run.stdout
    auth = {r.headers.get("authorization") for r in m.mock.fim_requests()}
    assert auth == {f"Bearer {KEY}"}, auth

    ghost, accepted = ghost_text_in_neovim(m)
    assert ghost == "urn a + b", ghost
    assert accepted == "    return a + b"

    update = m.bash(readme_inline_command("To update:"))  # nothing new: it still works after
    assert update.returncode == 0, (update.stdout + update.stderr)[-3000:]
    assert m.bash("ds-lsp check").stdout.endswith("Result: ds-lsp is ready.\n")


def ghost_text_in_neovim(m: Machine) -> tuple[str, str]:
    """Open a file in `nvim` on a terminal, type `ret` on its second line, read the ghost
    text, press <Tab>; the ghost text and the line after it."""
    source = m.work / "app.py"
    source.write_text("def add(a, b):\n    \n")
    sock = m.root / "nvim.sock"
    sandbox = harness.Sandbox(root=m.root, env=m.env, server_log=m.root / "none", workspace=m.work)
    tmux = harness.Tmux(sandbox, width=100, height=20)

    def state() -> dict:
        out = subprocess.run(
            ["nvim", "--server", str(sock), "--remote-expr", f"luaeval('dofile(_A)', '{PROBE}')"],
            env=m.env, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        return json.loads(out.stdout) if out.returncode == 0 else {}

    def explain() -> str:
        return "\n".join(tmux.screen())

    try:
        tmux.start(f"nvim --listen {sock} app.py")
        harness.wait_for(state, lambda s: "ds_lsp" in s.get("clients", []), "ds-lsp attached",
                         60, explain=explain)  # fmt: skip
        tmux.type("2GA")
        tmux.type("ret")
        shown = harness.wait_for(state, lambda s: any(g["text"] for g in s.get("ghost", [])),
                                 "ghost text", 60, explain=explain)  # fmt: skip
        ghost = next(g["text"] for g in shown["ghost"] if g["text"])
        tmux.keys("Tab")
        after = harness.wait_for(state, lambda s: s["lines"][1] != "    ret", "accepted", 30,
                                 explain=explain)  # fmt: skip
        return ghost, after["lines"][1]
    finally:
        tmux.stop()


def test_readme_uv_route_installs_a_working_ds_lsp(machine: Machine) -> None:
    """The install block's alternative, `uv tool install ./ds-lsp`, in place of pipx."""
    install = readme_shell_blocks()[0]
    assert "# or: uv tool install ./ds-lsp" in install
    pipx_line = re.compile(r"^pipx install \./ds-lsp .*$", flags=re.M)
    with_uv = pipx_line.sub("uv tool install ./ds-lsp", install)
    assert with_uv != install
    run = machine.bash(as_the_user_types(with_uv) + "\nds-lsp --version\n")
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    assert "Result: ds-lsp is ready." in run.stdout
    assert re.search(r"^ds-lsp \d+\.\d+", run.stdout, flags=re.M)
    assert (machine.home / ".local" / "bin" / "ds-lsp").exists()


def test_readme_route_without_pipx_or_uv(machine: Machine) -> None:
    """The install block with the README's plain-venv command in place of pipx."""
    install = readme_shell_blocks()[0]
    venv = readme_inline_command("Without pipx or uv:")
    pipx_line = re.compile(r"^pipx install \./ds-lsp .*$", flags=re.M)
    run = machine.bash(as_the_user_types(pipx_line.sub(lambda _: venv, install)))
    assert run.returncode == 0, (run.stdout + run.stderr)[-5000:]
    assert "Result: ds-lsp is ready." in run.stdout
    assert (machine.home / ".local" / "bin" / "ds-lsp").is_symlink()
