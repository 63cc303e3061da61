"""The README documents every setting and every command the server offers."""

from pathlib import Path

import pytest

from ds_lsp.config import FIELDS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_readme_opens_with_the_users_install_and_check():
    first = README.split("```")[1]
    assert "pipx install ./ds-lsp" in first and "ds-lsp check" in first
    assert README.index("## Install and check") < README.index("## Development")


def test_readme_shows_the_contributors_two_commands():
    development = README[README.index("## Development") :]
    block = development.split("```")[1]
    assert "pip install -e '.[test]'" in block and "python -m pytest" in block


def test_one_python_version_everywhere():
    root = Path(__file__).resolve().parents[2]
    pyproject = (root / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.11"' in pyproject
    for doc in ("README.md", "vscode-extension/README.md", "editors/README.md"):
        text = (root / doc).read_text()
        assert "3.10" not in text and "3.9" not in text, doc


@pytest.mark.parametrize("key", sorted(FIELDS))
def test_every_setting_is_in_the_readme(key):
    assert f"| `{key}` |" in README


@pytest.mark.parametrize(
    "command",
    [
        "--tcp",
        "--version",
        "check",
        "complete FILE:LINE:COL",
        "--log-file",
        "ds-lsp.generateCodeBlock",
        "ds-lsp/status",
        "ds-lsp.showUsage",
        "ds-lsp usage",
    ],
)
def test_every_command_is_in_the_readme(command):
    assert command in README
