"""The user-facing docs say each thing once, name no invented address, and keep the promises a
newcomer reads first (install from this repository, `complete` next to `check`, a
troubleshooting section, where to report a vulnerability)."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
PERFORMANCE = (ROOT / "docs" / "performance.md").read_text()
EDITORS = (ROOT / "editors" / "README.md").read_text()
INVENTED = ("github.com/ds-lsp", "pip install ds-lsp", "ds-lsp.invalid", "pipx install git+")


def tracked_text_files() -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    skip = (".png", ".xz", ".lock", "package-lock.json")
    return [ROOT / n for n in names if not n.endswith(skip) and (ROOT / n).is_file()]


@pytest.mark.parametrize("text", INVENTED)
def test_no_file_names_an_invented_address_or_install_route(text: str) -> None:
    here = Path(__file__).relative_to(ROOT)
    found = [
        str(f.relative_to(ROOT))
        for f in tracked_text_files()
        if f.relative_to(ROOT) != here and text in f.read_text(errors="replace")
    ]
    assert not found, f"{text!r} in {found}"


def test_a_public_url_lives_only_in_pyproject_and_only_if_real() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for url in project.get("urls", {}).values():
        assert "ds-lsp/ds-lsp" not in url, url  # the one that was invented
    manifest = (ROOT / "vscode-extension" / "package.json").read_text()
    assert '"repository"' not in manifest


def test_install_block_then_complete_next_to_check() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    install, first_try = blocks[0], blocks[1]
    assert "git clone" in install and "pipx install ./ds-lsp" in install
    assert "uv tool install ./ds-lsp" in install and install.rstrip().endswith(
        "# key, endpoint, model, balance: in plain words"
    )
    assert "ds-lsp complete try.py:2:12" in first_try
    assert README.index(first_try) < README.index("## What a day costs")


@pytest.mark.parametrize(
    "figure",
    ["1.39 ms", "86 ms", "177 ms", "75.7 MB", "0.030", "497", "568"],
)
def test_performance_figures_live_in_docs_performance_only(figure: str) -> None:
    assert figure in PERFORMANCE
    assert figure not in README


def test_costs_are_given_once_with_deepseek_flash_prices() -> None:
    for price in ("$0.003", "$0.006", "$0.15", "$0.30", "$0.60", "$1.20"):
        assert README.count(price) == 1, price
    assert "01:00\u201304:00 and 06:00\u201310:00 UTC" in README
    assert "$0.0028" not in README and "$0.14 " not in README  # the old prices
    assert "$" not in PERFORMANCE.split("| figure |")[1]  # the bench table counts tokens only


def test_readme_has_no_performance_narrative_for_users() -> None:
    section = README[README.index("## Performance") : README.index("## Development")]
    assert len(section.splitlines()) < 8 and "docs/performance.md" in section


def test_editors_readme_has_the_troubleshooting_it_promises() -> None:
    assert "[Troubleshooting](#troubleshooting)" in EDITORS
    section = EDITORS[EDITORS.index("## Troubleshooting") :]
    for symptom in ("no 'ds-lsp' command", "DEEPSEEK_API_KEY", "401", "connection refused",
                    "402", "Neovim 0.11+", "--log-file"):  # fmt: skip
        assert symptom in section, symptom
    assert "editors/README.md#troubleshooting" in README


def test_security_report_goes_to_private_vulnerability_reporting() -> None:
    security = (ROOT / "SECURITY.md").read_text()
    assert "private vulnerability reporting" in security
    assert "@" not in security.split("## Reporting a problem")[1].split("##")[0]


def test_the_readme_says_how_to_build_the_vsix_and_what_it_needs() -> None:
    row = next(line for line in README.splitlines() if line.startswith("| VS Code |"))
    assert "npm ci && npm run package" in row and "Node.js 20+" in row
    assert "Python ≥ 3.11" in row or "Python 3.11+" in row
